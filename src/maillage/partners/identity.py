"""Which structure an entry of a directory is: the one rule that makes an organisation one record across
plans. A SIRET, when known, decides; otherwise the name and the commune, compared as a reader compares
them (accents, case and punctuation aside). Imports, forms, data·inclusion files and the migration that
carried the per-project directories over all go through :func:`structure_for`.
"""

import re

from maillage.french import normalise

from .models import Organisation, Structure

SIRET = re.compile(r"^\d{14}$")
SIREN = re.compile(r"^\d{9}$")


def clean_siret(text) -> str:
    """Digits only; "" unless it is 14 digits (spaces as the INSEE prints them are accepted)."""
    digits = re.sub(r"[\s.]", "", str(text or ""))
    return digits if SIRET.match(digits) else ""


def match_key(name: str, commune: str = "", project_id=None) -> str:
    """Name and commune (its name, as directories write it) folded: « Centre social L'Arche »,
    Clermont-Ferrand and « centre social l arche », CLERMONT FERRAND are the same structure. A name
    without a commune says too little to be shared between plans (every town has its « Centre social »):
    it is matched within its own project only."""
    commune = normalise(commune)
    scope = commune if commune or project_id is None else f"#projet-{project_id}"
    return f"{normalise(name)}|{scope}"[:400]


def find(name: str, commune: str = "", siret: str = "", project_id=None) -> Structure | None:
    """The structure these identify, or None: by SIRET first, then by name and commune."""
    siret = clean_siret(siret)
    if siret:
        found = Structure.objects.filter(siret=siret).order_by("pk").first()
        if found is not None:
            return found
    return Structure.objects.filter(match_key=match_key(name, commune, project_id)).order_by("pk").first()


def structure_for(name: str, commune: str = "", siret: str = "", project_id=None, **fields) -> Structure:
    """The structure these identify, created when none is known. Given fields fill what it lacks and never
    overwrite what another plan already said (a SIRET, coordinates)."""
    siret = clean_siret(siret)
    structure = find(name, commune, siret, project_id)
    if structure is None:
        return Structure.objects.create(
            name=name,
            siret=siret,
            siren=siret[:9] if siret else "",
            match_key=match_key(name, commune, project_id),
            **fields,
        )
    changed = []
    if siret and not structure.siret:
        structure.siret, structure.siren = siret, siret[:9]
        changed += ["siret", "siren"]
    for name_, value in fields.items():
        if value not in (None, "", []) and getattr(structure, name_) in (None, "", []):
            setattr(structure, name_, value)
            changed.append(name_)
    if changed:
        structure.save(update_fields=changed + ["updated_at"])
    return structure


def attach(organisation: Organisation, siret: str = "") -> Structure:
    """Give a directory entry its structure (found or created) and save the link."""
    structure = structure_for(organisation.name, organisation.city, siret, organisation.project_id)
    if organisation.structure_id != structure.pk:
        organisation.structure = structure
        organisation.save(update_fields=["structure"])
    return structure


def attach_many(project_id, rows) -> dict[int, Structure]:
    """Give many new entries of one project their structures in a few queries (an import of hundreds of
    entries): ``rows`` are (entry id, name, city, siret, fields); existing structures are read in two
    queries (by SIRET, by name and commune), the missing ones created in one. Returns entry id → structure."""
    rows = [(pk, name, city, clean_siret(siret), fields or {}) for pk, name, city, siret, fields in rows]
    keys = {pk: match_key(name, city, project_id) for pk, name, city, _s, _f in rows}
    by_siret = {s.siret: s for s in Structure.objects.filter(siret__in={r[3] for r in rows if r[3]}).order_by("-pk")}
    by_key = {s.match_key: s for s in Structure.objects.filter(match_key__in=set(keys.values())).order_by("-pk")}
    chosen: dict[int, Structure] = {}
    new: dict[str, Structure] = {}
    filled: dict[int, tuple[Structure, set]] = {}
    for pk, name, _city, siret, fields in rows:
        structure = by_siret.get(siret) if siret else None
        structure = structure or by_key.get(keys[pk]) or new.get(siret or keys[pk])
        if structure is None:
            structure = Structure(name=name, siret=siret, siren=siret[:9], match_key=keys[pk], **fields)
            new[siret or keys[pk]] = structure
        else:
            changed = filled.setdefault(id(structure), (structure, set()))[1]
            if siret and not structure.siret:
                structure.siret, structure.siren = siret, siret[:9]
                changed |= {"siret", "siren"}
            for field_name, value in fields.items():
                if value not in (None, "", []) and getattr(structure, field_name) in (None, "", []):
                    setattr(structure, field_name, value)
                    changed.add(field_name)
        chosen[pk] = structure
    Structure.objects.bulk_create(list(new.values()), batch_size=500)
    for structure, changed in filled.values():
        if changed and structure.pk:
            structure.save(update_fields=sorted(changed) + ["updated_at"])
    entries = [Organisation(pk=pk, structure=structure) for pk, structure in chosen.items()]
    Organisation.objects.bulk_update(entries, ["structure"], batch_size=500)
    return chosen


def attach_project(project) -> int:
    """Link every entry of a project's directory that has no structure yet (after a bulk insert).
    Returns how many entries were linked."""
    loose = Organisation.objects.filter(project=project, structure__isnull=True).values_list("pk", "name", "city")
    return len(attach_many(project.pk, [(pk, name, city, "", None) for pk, name, city in loose]))


def refresh_key(structure: Structure) -> None:
    """After a rename or a new commune, the structure is found by its new name."""
    entry = structure.entries.order_by("pk").first()
    key = match_key(structure.name, entry.city if entry else "", entry.project_id if entry else None)
    if key != structure.match_key:
        structure.match_key = key
        structure.save(update_fields=["match_key", "updated_at"])
