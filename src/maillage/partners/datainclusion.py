"""A project's directory in and out as data·inclusion structures and services (the State's schema for the
offer of social inclusion, published and read by DORA), validated by the schema's own package
(``data-inclusion-schema``, pydantic models ``v1.Structure`` and ``v1.Service``).

In: a JSON file (a list of structures, or ``{"structures": [...], "services": [...]}``) or a CSV of
structures. Every row is validated first; one invalid row refuses the file and nothing is written (unless
the caller asks to skip invalid rows, which are then reported as refused with their reasons). Each
structure is found by ``partners.identity`` (SIRET, then name and commune): an entry of the project that
is already that structure is *updated* (its empty fields filled, never overwritten), otherwise an entry is
*created*. The thématiques and publics of a structure's services are kept on the structure.

Out: the entries of a project as structures, plus one service per structure that carries thématiques or
publics (the schema holds them on services only). No person is written, and neither are the entries'
e-mail and telephone: a directory often holds a person's own address there.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date

import pydantic
from data_inclusion.schema import v1
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from maillage import keys
from maillage.projects.stamp import touch
from maillage.search.indexing import index_created

from . import identity
from .identity import fill_missing
from .models import Organisation, Structure

SOURCE = "maillage"
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
FORMAT = "data-inclusion"


class BrokenFile(Exception):
    """The file cannot be read as data·inclusion, or (strictly) one of its rows is invalid."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (row, reason)


def _problem(where: str, error: pydantic.ValidationError) -> str:
    details = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'ligne'} : {e['msg']}" for e in error.errors())
    return f"{where} — {details}"


def refuse_oversized(size: int) -> None:
    """A file over the limit is refused before it is read (the screen and the command ask first)."""
    if size > MAX_BYTES:
        raise BrokenFile(
            _("Le fichier dépasse %(limit)s Mo : rien n'a été importé.") % {"limit": MAX_BYTES // (1024 * 1024)}
        )


def _rows(content: bytes, name: str) -> tuple[list[dict], list[dict]]:
    """(structures, services) as plain dicts, from JSON or CSV, bounded before anything is parsed."""
    refuse_oversized(len(content))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BrokenFile(_("Le fichier n'est pas en UTF-8.")) from None
    if name.lower().endswith(".csv"):
        try:
            sample = text[:4096]
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
            rows = list(csv.DictReader(io.StringIO(text), dialect=dialect))
        except csv.Error as error:
            raise BrokenFile(_("CSV illisible : %(error)s") % {"error": error}) from None
        rows = [{k: (v if v != "" else None) for k, v in row.items() if k} for row in rows]
        if rows and "structure_id" in rows[0]:
            return [], rows
        return rows, []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BrokenFile(
            _("JSON illisible, ligne %(line)s colonne %(col)s : %(msg)s")
            % {"line": error.lineno, "col": error.colno, "msg": error.msg}
        ) from None
    if isinstance(data, list):
        return data, []
    if isinstance(data, dict) and isinstance(data.get("structures"), list):
        services = data.get("services") or []
        if not isinstance(services, list):
            raise BrokenFile(_("« services » doit être une liste."))
        return data["structures"], services
    raise BrokenFile(
        _("Le fichier doit être une liste de structures, ou un objet avec « structures » et « services ».")
    )


def read(content: bytes, name: str, *, skip_invalid=False):
    """Validated (structures, services, refused) of a file; raises BrokenFile when it cannot be used."""
    structures, services = _rows(content, name)
    if len(structures) + len(services) > MAX_ROWS:
        raise BrokenFile(_("Le fichier compte plus de %(n)s lignes.") % {"n": MAX_ROWS})
    if not structures:
        raise BrokenFile(_("Le fichier ne contient aucune structure."))
    valid, refused, problems = [], [], []
    seen = set()
    for number, row in enumerate(structures, start=1):
        where = _("structure n°%(n)s") % {"n": number}
        if not isinstance(row, dict):
            problems.append(f"{where} — " + _("ce n'est pas un objet"))
            continue
        try:
            structure = v1.Structure.model_validate(row)
        except pydantic.ValidationError as error:
            problems.append(_problem(f"{where} ({row.get('nom') or row.get('id') or '?'})", error))
            continue
        if structure.id in seen:
            refused.append(
                (structure.nom, _("identifiant « %(id)s » en double dans le fichier") % {"id": structure.id})
            )
            continue
        seen.add(structure.id)
        valid.append(structure)
    checked_services = []
    for number, row in enumerate(services, start=1):
        where = _("service n°%(n)s") % {"n": number}
        try:
            checked_services.append(v1.Service.model_validate(row))
        except (pydantic.ValidationError, TypeError) as error:
            if isinstance(error, pydantic.ValidationError):
                problems.append(_problem(where, error))
            else:
                problems.append(f"{where} — " + _("ce n'est pas un objet"))
    if problems and not skip_invalid:
        raise BrokenFile(
            _("Le fichier ne respecte pas le schéma data·inclusion (%(n)s erreur(s)) : rien n'a été importé.")
            % {"n": len(problems)},
            problems,
        )
    refused += [(problem.split(" — ", 1)[0], problem.split(" — ", 1)[-1]) for problem in problems]
    return valid, checked_services, refused


def _kinds_of(services):
    by_structure: dict[str, tuple[set, set]] = {}
    for service in services:
        themes, publics = by_structure.setdefault(service.structure_id, (set(), set()))
        themes |= {t.value for t in service.thematiques or ()}
        publics |= {p.value for p in service.publics or ()}
    return by_structure


_ENTRY_FIELDS = {
    "description": "description",
    "adresse": "address",
    "code_postal": "postal_code",
    "commune": "city",
    "site_web": "website",
}


def import_file(project, content: bytes, name: str, *, skip_invalid=False) -> Report:
    """Bring a data·inclusion file into the project's directory, in one transaction and in a few queries
    whatever the number of structures (the structures resolved together, the new entries inserted in
    bulk and indexed for the search, the changed ones saved once)."""
    structures, services, refused = read(content, name, skip_invalid=skip_invalid)
    kinds = _kinds_of(services)
    report = Report(refused=refused)
    rows = []
    for item in structures:
        fields = {"insee_code": item.code_insee or ""}
        if item.latitude is not None and item.longitude is not None:
            fields |= {
                "latitude": item.latitude,
                "longitude": item.longitude,
                "geo_source": Structure.GeoSource.IMPORTED,
            }
        rows.append((item.nom, item.commune or "", item.siret or "", fields))
    with transaction.atomic():
        resolved = identity.resolve_many(project.pk, rows)
        _add_kinds(resolved, [kinds.get(item.id, (set(), set())) for item in structures])
        directory = Organisation.objects.filter(project=project)
        entries = {o.structure_id: o for o in directory.filter(structure__in={s.pk for s in resolved})}
        taken = set(directory.values_list("key", flat=True))
        position = (directory.aggregate(last=Max("position"))["last"] or 0) + 1
        created, changed = [], {}
        for item, structure in zip(structures, resolved, strict=True):
            values = {
                model_field: str(getattr(item, di_field))[: _max(model_field)]
                for di_field, model_field in _ENTRY_FIELDS.items()
                if getattr(item, di_field) is not None
            }
            entry = entries.get(structure.pk)
            if entry is None:
                key = keys.numbered(keys.base_of(item.nom, default="entree"), taken)
                taken.add(key)
                entry = entries[structure.pk] = Organisation(
                    project=project, structure=structure, name=item.nom[:255], key=key, position=position, **values
                )
                created.append(entry)
                position += 1
                report.created.append(item.nom)
                continue
            filled = fill_missing(entry, values)  # an entry keeps what the coordinator typed
            if filled and entry.pk is not None:
                changed.setdefault(entry.pk, (entry, set()))[1].update(filled)
            report.updated.append(item.nom)
        Organisation.objects.bulk_create(created, batch_size=500)
        for entry, names in changed.values():
            entry.save(update_fields=sorted(names))
        index_created(Organisation, [entry.pk for entry in created])
        touch([project.pk])
    return report


def _max(field_name):
    return Organisation._meta.get_field(field_name).max_length or 10_000


def _add_kinds(structures, kinds):
    """A file adds its services' thématiques and publics to what each structure already had (one
    statement for those that change)."""
    changed = {}
    for structure, (themes, publics) in zip(structures, kinds, strict=True):
        merged = sorted(set(structure.thematiques) | themes), sorted(set(structure.publics) | publics)
        if merged != (list(structure.thematiques), list(structure.publics)):
            structure.thematiques, structure.publics = merged
            changed[structure.pk] = structure
    Structure.objects.bulk_update(list(changed.values()), ["thematiques", "publics", "updated_at"], batch_size=500)


def _website(text):
    text = (text or "").strip()
    if not text:
        return None
    return text if "://" in text else f"https://{text}"


def _optional(model, values: dict) -> dict:
    """Drop, one by one, the optional values the schema refuses (a website typed "voir mairie"): the
    structure is still written, without them."""
    kept = dict(values)
    for _attempt in range(len(values) + 1):
        try:
            model.model_validate(kept)
            return kept
        except pydantic.ValidationError as error:
            bad = {e["loc"][0] for e in error.errors() if e["loc"]}
            droppable = bad - {"source", "id", "nom", "date_maj", "structure_id", "description"}
            if not droppable:
                raise
            for name in droppable:
                kept.pop(name, None)
    return kept


def export(project) -> dict:
    """The project's directory as ``{"structures": [...], "services": [...]}``, every item validated."""
    structures, services = [], []
    entries = project.organisations.select_related("structure").order_by("position", "name")
    for entry in entries:
        s = entry.structure
        ident = f"{SOURCE}--{project.slug}--{entry.key}"
        name = entry.name.strip().rstrip(".")
        if len(name) < 3:
            name = f"{name} ({entry.acronym})" if entry.acronym and len(entry.acronym) >= 3 else f"Structure {name}"
        values = {
            "source": SOURCE,
            "id": ident,
            "nom": name[:150],
            "date_maj": (s.updated_at.date() if s else date.today()).isoformat(),
            "description": entry.description if len(entry.description.strip()) >= 5 else None,
            "siret": s.siret if s and s.siret else None,
            "commune": entry.city or None,
            "code_postal": entry.postal_code or None,
            "code_insee": s.insee_code if s and s.insee_code else None,
            "adresse": entry.address or None,
            "longitude": s.longitude if s else None,
            "latitude": s.latitude if s else None,
            "site_web": _website(entry.website),
        }
        values = _optional(v1.Structure, {k: v for k, v in values.items() if v is not None})
        structures.append(json.loads(v1.Structure.model_validate(values).model_dump_json(exclude_none=True)))
        if s and (s.thematiques or s.publics):
            service = _optional(
                v1.Service,
                {
                    "source": SOURCE,
                    "structure_id": ident,
                    "id": f"{ident}--partenariat",
                    "nom": (_("Partenariat — %(project)s") % {"project": project.title})[:150],
                    "description": _("Thématiques et publics de %(name)s dans le plan « %(project)s ».")
                    % {"name": entry.name, "project": project.title},
                    "date_maj": values["date_maj"],
                    "thematiques": list(s.thematiques),
                    "publics": list(s.publics),
                },
            )
            services.append(json.loads(v1.Service.model_validate(service).model_dump_json(exclude_none=True)))
    return {"structures": structures, "services": services}


def export_bytes(project, csv_format=False) -> bytes:
    """The export as JSON, or the structures as CSV (services have no place in one CSV)."""
    document = export(project)
    if not csv_format:
        return json.dumps(document, ensure_ascii=False, indent=2).encode()
    columns = list(v1.Structure.model_fields)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in document["structures"]:
        writer.writerow({k: (",".join(v) if isinstance(v, list) else v) for k, v in row.items()})
    return out.getvalue().encode("utf-8")
