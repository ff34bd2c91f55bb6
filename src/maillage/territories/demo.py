"""The demo's territories and map, offline.

The demo documents carry where each directory entry is (``insee_code``, ``location``), as computed by the
offline fallback of ``locating`` (each entry at its commune's centre from the COG, no geocoder): so the
shipped documents stay canonical (an export of a loaded project is the shipped file). ``maillage cog demo``
recomputes them after a COG update and writes them back into ``demo/data``. At load, only the Pays du
Gier's communes get their INSEE codes from the COG (« Compléter les codes »).
"""

import json

from .checking import complete_codes
from .locating import locate_directory


def place_demo(projects) -> dict[str, int]:
    """Complete the communes' codes from the COG (the seeds write most communes by name only)."""
    return {project.slug: complete_codes(project)[0] for project in projects}


def refresh_demo_documents(projects, data_dir) -> dict[str, int]:
    """Place the loaded demo projects' directories offline and write each entry's structure facts
    (``insee_code``, ``location``) into its shipped document; returns the entries changed per project."""
    from maillage.interchange.exporting import _compact, _structure_facts
    from maillage.partners.models import Organisation

    by_slug = {project.slug: project for project in projects}
    changed = {}
    for path in sorted(data_dir.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        project = by_slug.get(document["project"]["slug"])
        if project is None:
            continue
        locate_directory(project, geocoder=None)
        entries = {o.key: o for o in Organisation.objects.filter(project=project).select_related("structure")}
        count = 0
        for partner in document.get("partners", []):
            entry = entries.get(partner["key"])
            if entry is None or entry.structure is None:
                continue
            facts = dict(_compact(_structure_facts(entry.structure)))
            for name in ("insee_code", "location"):
                if name in facts and partner.get(name) != facts[name]:
                    partner[name] = facts[name]
                    count += 1
        if count:
            path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            changed[project.slug] = count
    return changed
