"""Every existing directory entry gets its structure: entries of different projects with the same name
and commune share one, a name without a commune is shared within its project only (the rule of partners.identity, restated here because a migration must not import
code that will change). Nothing of the entries is touched; reversing only unlinks them."""

import re
import unicodedata

from django.db import migrations


def _normalise(text):
    text = str(text or "").replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def carry_over(apps, schema_editor):
    Organisation = apps.get_model("partners", "Organisation")
    Structure = apps.get_model("partners", "Structure")
    by_key = {}
    entries = list(Organisation.objects.filter(structure__isnull=True).order_by("pk").only("pk", "name", "city", "project_id"))
    for entry in entries:
        commune = _normalise(entry.city) or f"#projet-{entry.project_id}"
        key = f"{_normalise(entry.name)}|{commune}"[:400]
        if key not in by_key:
            by_key[key] = Structure.objects.create(name=entry.name, match_key=key)
        entry.structure_id = by_key[key].pk
    Organisation.objects.bulk_update(entries, ["structure"], batch_size=500)


def unlink(apps, schema_editor):
    apps.get_model("partners", "Organisation").objects.update(structure=None)
    apps.get_model("partners", "Structure").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0004_shared_structures")]

    operations = [migrations.RunPython(carry_over, unlink)]
