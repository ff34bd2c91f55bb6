"""Which structure an entry of a directory is: the one rule that makes an organisation one record across
plans. A SIRET, when known, decides; otherwise the name and the commune, compared as a reader compares
them (accents, case and punctuation aside). Imports, forms and data·inclusion files all go through
:func:`resolve_many` (the migration that carried the per-project directories over restates the rule).
"""

import re

from maillage.french import normalise

from .models import Organisation, Structure

SIRET = re.compile(r"^\d{14}$")
EMPTY = (None, "", [])


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


def fill_missing(obj, values: dict) -> list[str]:
    """Give ``obj`` the values it lacks, never overwriting what it has (what another plan already said
    of a structure, what a coordinator typed in an entry). Returns the names of the fields filled."""
    filled = [name for name, value in values.items() if value not in EMPTY and getattr(obj, name) in EMPTY]
    for name in filled:
        setattr(obj, name, values[name])
    return filled


def resolve_many(project_id, rows) -> list[Structure]:
    """The structures that ``rows`` — (name, commune, siret, fields) — identify, in their order, in a few
    queries whatever their number: the known ones read by SIRET and by name and commune (two queries),
    the missing ones created in one, the fields they lack filled (one save each that changes)."""
    rows = [(name, commune or "", clean_siret(siret), fields or {}) for name, commune, siret, fields in rows]
    keys = [match_key(name, commune, project_id) for name, commune, _s, _f in rows]
    sirets = {siret for _n, _c, siret, _f in rows if siret}
    by_siret = {s.siret: s for s in Structure.objects.filter(siret__in=sirets).order_by("-pk")}
    by_key = {s.match_key: s for s in Structure.objects.filter(match_key__in=set(keys)).order_by("-pk")}
    resolved, new, changed = [], [], {}
    for (name, _commune, siret, fields), key in zip(rows, keys, strict=True):
        structure = (by_siret.get(siret) if siret else None) or by_key.get(key)
        if structure is None:
            structure = Structure(name=name, match_key=key)
            new.append(structure)
        filled = fill_missing(structure, {"siret": siret, **fields})
        if structure.pk is not None and filled:
            changed.setdefault(structure.pk, (structure, set()))[1].update(filled)
        if structure.siret:  # a later row of the file names the same structure
            by_siret.setdefault(structure.siret, structure)
        by_key.setdefault(key, structure)
        resolved.append(structure)
    Structure.objects.bulk_create(new, batch_size=500)
    for structure, names in changed.values():
        structure.save(update_fields=sorted(names) + ["updated_at"])
    return resolved


def structure_for(name: str, commune: str = "", siret: str = "", project_id=None, **fields) -> Structure:
    """The structure these identify, created when none is known (see :func:`resolve_many`)."""
    return resolve_many(project_id, [(name, commune, siret, fields)])[0]


def attach(organisation: Organisation, siret: str = "") -> Structure:
    """Give a directory entry its structure (found or created) and save the link."""
    structure = structure_for(organisation.name, organisation.city, siret, organisation.project_id)
    if organisation.structure_id != structure.pk:
        organisation.structure = structure
        organisation.save(update_fields=["structure"])
    return structure


def attach_many(project_id, rows) -> dict[int, Structure]:
    """Give many new entries of one project their structures (an import of hundreds of entries): ``rows``
    are (entry id, name, city, siret, fields). Returns entry id → structure."""
    rows = list(rows)
    structures = resolve_many(project_id, [(name, city, siret, fields) for _pk, name, city, siret, fields in rows])
    chosen = {row[0]: structure for row, structure in zip(rows, structures, strict=True)}
    entries = [Organisation(pk=pk, structure=structure) for pk, structure in chosen.items()]
    Organisation.objects.bulk_update(entries, ["structure"], batch_size=500)
    return chosen
