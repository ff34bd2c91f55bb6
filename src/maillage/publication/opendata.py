"""Open data of the published plans: the public interchange document, the actions and the tree as CSV,
and the catalogue of every published plan in DCAT-AP (JSON-LD) for a data.gouv.fr harvest.

Everything a file holds comes from one public document, :func:`public_plan`: the interchange document
stripped by ``interchange.public.public_document`` — the rule of the public pages — of the plan the
public pages show (the last adopted version while an update is being prepared, ``versions.public``).
So a file can show nothing the public pages do not.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from maillage.actions.models import SECTIONS
from maillage.actions.vocabulary import Scale
from maillage.documents.tabular import Column, Table, csv_bytes, section_header
from maillage.interchange.exporting import export_project
from maillage.interchange.public import PUBLIC_SCHEMA_NAME, public_document
from maillage.projects.models import Project
from maillage.projects.stamp import published_stamp
from maillage.versions.public import public_state
from maillage.versions.reading import labels_of

from .caching import TIMEOUT

# The files of a published plan: name in the URL -> (media type, title in the catalogue, DCAT format).
FILES = {
    "plan.json": ("application/json", "Le plan sans données personnelles (document d'échange, JSON)", "JSON"),
    "actions.csv": ("text/csv", "Les actions (CSV)", "CSV"),
    "arbre.csv": ("text/csv", "L'arborescence (CSV)", "CSV"),
}
CATALOGUE_PAGE_SIZE = 200  # datasets per page of the catalogue: a page's cost is bounded, the harvester follows


def public_plan(project) -> dict:
    """The public interchange document of what the public pages show of ``project``."""
    state = public_state(project)
    if state.plan is not None:  # an update is being prepared: the adopted version, already stripped
        return state.plan.document
    return public_document(export_project(project))


# How long a request waits for another one writing the same plan's document (``maillage serve`` cuts a
# request at 60 s; a plan of 10,000 actions takes about 16 s to write: docs/opendata.md).
WRITING_WAIT = 50


def shared_public_plan(project) -> dict:
    """:func:`public_plan`, kept in the cache under the plan's stamp: the three files of a plan cost one
    export per change of the plan, not one each — and not one per visitor arriving while it is being
    written: the first takes a lock, the others wait for its document (polling the small lock, not the
    document) and write it themselves only if the first gave up."""
    stamp = published_stamp(project.slug)
    key = "open-data-document:" + hashlib.sha256(f"{project.slug}|{stamp}".encode()).hexdigest()
    document = cache.get(key)
    if document is not None:
        return document
    lock = f"{key}:writing"
    mine = cache.add(lock, True, timeout=WRITING_WAIT + 10)
    if not mine:
        deadline = time.monotonic() + WRITING_WAIT
        while cache.get(lock) and time.monotonic() < deadline:
            time.sleep(0.1)
        document = cache.get(key)
        if document is not None:
            return document
    try:
        document = public_plan(project)
        cache.set(key, document, timeout=TIMEOUT)
    finally:
        if mine:
            cache.delete(lock)
    return document


# --- the CSV files ------------------------------------------------------------------------------------


def _joined(values) -> str:
    return ", ".join(value for value in values if value)


def _walk(nodes, parent_ident="", depth=1):
    """(ident "1.2.1", parent ident, depth, node) in tree order; idents count from 1 among siblings."""
    for number, node in enumerate(nodes, start=1):
        ident = f"{parent_ident}.{number}" if parent_ident else str(number)
        yield ident, parent_ident, depth, node
        yield from _walk(node.get("children", []), ident, depth + 1)


def _label(node) -> str:
    return f"{node['code']} — {node['title']}" if node.get("code") else node["title"]


def tree_table(document: dict) -> Table:
    """One row per node of the tree, parents before children; the idents rebuild the tree."""
    table = Table(
        "Arborescence",
        [
            Column(header)
            for header in (
                "Identifiant",
                "Identifiant du parent",
                "Profondeur",
                "Niveau",
                "Code",
                "Intitulé",
                "Description",
                "Actions rattachées",
                "Nombre d'actions rattachées",
            )
        ],
    )
    for ident, parent, depth, node in _walk(document.get("nodes", [])):
        refs = node.get("actions", [])
        table.rows.append(
            [
                ident,
                parent,
                depth,
                node.get("level", ""),
                node.get("code", ""),
                node["title"],
                node.get("description", ""),
                _joined(refs),
                len(refs),
            ]
        )
    return table


def actions_table(document: dict) -> Table:
    """One row per action (sub-actions included), in the words of the project, with the codes beside."""
    labels = labels_of(document)
    levels = document.get("levels", [])
    organisations = {o["key"]: o["name"] for o in document.get("partners", [])}
    territories = {t["key"]: t for t in document.get("territories", [])}
    placements: dict[str, list[list[dict]]] = {}  # ref -> the chains of nodes (root first) it is placed under

    def visit(nodes, chain):
        for node in nodes:
            here = [*chain, node]
            for ref in node.get("actions", []):
                placements.setdefault(ref, []).append(here)
            visit(node.get("children", []), here)

    visit(document.get("nodes", []), [])
    headers = [
        "Référence",
        "Code",
        "Intitulé",
        "Statut",
        "Code du statut",
        "Origine",
        "Action parente",
        "Échelon",
        "Territoire",
        "Code officiel du territoire",
        "Périodes",
        "Date de début",
        "Date de fin",
        *(f"Niveau {depth} : {name}" for depth, name in enumerate(levels, start=1)),
        "Nœuds",
        *(section_header(name) for name in SECTIONS),
        "Structure pilote",
        "Thèmes",
        "Partenaires",
        "Indicateurs",
    ]
    table = Table("Actions", [Column(header) for header in headers])
    scales = dict(Scale.choices)
    for action in document.get("actions", []):
        chains = placements.get(action["ref"], [])
        per_level = {name: [] for name in levels}
        for chain in chains:
            for node in chain:
                if node.get("level") in per_level and _label(node) not in per_level[node["level"]]:
                    per_level[node["level"]].append(_label(node))
        territory = territories.get(action.get("territory", ""), {})
        table.rows.append(
            [
                action["ref"],
                action.get("code", ""),
                action["title"],
                labels["status"].get(action["status"], action["status"]),
                action["status"],
                labels["origin"].get(action.get("origin", ""), "") if action.get("origin") else "",
                action.get("parent", ""),
                str(scales.get(action.get("scale", ""), "")),
                territory.get("name", ""),
                territory.get("code", ""),
                _joined(action.get("periods", [])),
                action.get("start_date", ""),
                action.get("end_date", ""),
                *(" ; ".join(per_level[name]) for name in levels),
                " ; ".join(chain[-1].get("code") or chain[-1]["title"] for chain in chains),
                *(action.get(name, "") for name in SECTIONS),
                organisations.get(action.get("lead_organisation", ""), ""),
                _joined(action.get("themes", [])),
                " ; ".join(
                    f"{organisations.get(p['partner'], p['partner'])} ({labels['role'].get(p['role'], p['role'])})"
                    for p in action.get("partners", [])
                ),
                " ; ".join(indicator["title"] for indicator in action.get("indicators", [])),
            ]
        )
    return table


def csv_file(document: dict, name: str) -> bytes:
    """``actions.csv`` or ``arbre.csv``: UTF-8 with BOM, ``;``, CRLF — the members' CSV conventions."""
    with translation.override("fr"):
        return csv_bytes(actions_table(document) if name == "actions.csv" else tree_table(document))


# --- the catalogue (DCAT-AP in JSON-LD) -----------------------------------------------------------------

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "locn": "http://www.w3.org/ns/locn#",
}


def _uri(url: str) -> dict:
    return {"@id": url}


def _date(value, kind="date") -> dict:
    return {"@value": value.isoformat(), "@type": f"xsd:{kind}"}


def catalogue_projects(page: int):
    """The published projects of the catalogue's page, and whether another page follows: one query."""
    start = (page - 1) * CATALOGUE_PAGE_SIZE
    rows = list(
        Project.objects.filter(published=True)
        .select_related("territory", "owner")
        .only(
            "pk",
            "slug",
            "title",
            "subtitle",
            "kind",
            "first_year",
            "last_year",
            "description",
            "updated_on",
            "deliberation_date",
            "plan_changed_at",
            "territory__kind",
            "territory__name",
            "territory__code",
            "owner__name",
        )
        .order_by("pk")[start : start + CATALOGUE_PAGE_SIZE + 1]
    )
    return rows[:CATALOGUE_PAGE_SIZE], len(rows) > CATALOGUE_PAGE_SIZE


def _spatial(territory) -> dict:
    place = {"@type": "dct:Location", "skos:prefLabel": territory.name, "dct:type": territory.kind}
    if territory.code:
        place["dct:identifier"] = territory.code  # INSEE / COG code (a SIREN for an EPCI)
    return place


def dataset(project, absolute) -> dict:
    """One published plan as a ``dcat:Dataset`` with its three files as distributions."""
    landing = absolute(reverse("public-plan", args=[project.slug]))
    license = _uri(settings.MAILLAGE_OPEN_DATA_LICENSE)
    modified = _date(project.plan_changed_at, "dateTime") if project.plan_changed_at else None
    kind_label = str(project.get_kind_display())
    entry = {
        "@id": landing,
        "@type": "dcat:Dataset",
        "dct:identifier": project.slug,
        "dct:title": project.title,
        "dct:description": project.description or project.subtitle or f"{kind_label} — {project.title}",
        "dct:type": {"@type": "skos:Concept", "skos:notation": project.kind, "skos:prefLabel": kind_label},
        "dcat:keyword": [kind_label, "développement social", "action sociale"],
        "dcat:landingPage": _uri(landing),
        "dct:language": _uri("http://publications.europa.eu/resource/authority/language/FRA"),
        "dct:license": license,
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": f"{project.first_year}-01-01", "@type": "xsd:date"},
            "dcat:endDate": {"@value": f"{project.last_year}-12-31", "@type": "xsd:date"},
        },
        "dct:accrualPeriodicity": _uri("http://purl.org/cld/freq/irregular"),
        "dcat:distribution": [],
    }
    if modified:
        entry["dct:modified"] = modified
    if project.deliberation_date:
        entry["dct:issued"] = _date(project.deliberation_date)
    if project.territory_id:
        entry["dct:spatial"] = _spatial(project.territory)
        entry["dcat:keyword"].append(project.territory.name)
    publisher = project.owner.name if project.owner_id else settings.MAILLAGE_OPEN_DATA_PUBLISHER
    entry["dct:publisher"] = {"@type": "foaf:Agent", "foaf:name": publisher}  # the plan's owner
    for name, (media_type, title, format) in FILES.items():
        url = absolute(reverse("public-open-data", args=[project.slug, name]))
        distribution = {
            "@id": url,
            "@type": "dcat:Distribution",
            "dct:title": title,
            "dcat:accessURL": _uri(url),
            "dcat:downloadURL": _uri(url),
            "dcat:mediaType": media_type,
            "dct:format": format,
            "dct:license": license,
        }
        if name == "plan.json":
            distribution["dct:conformsTo"] = _uri(absolute(reverse("public-schema", args=[PUBLIC_SCHEMA_NAME])))
        if modified:
            distribution["dct:modified"] = modified
        entry["dcat:distribution"].append(distribution)
    return entry


def catalogue(page: int, absolute) -> dict | None:
    """The catalogue's page as a JSON-LD ``dcat:Catalog`` paged with Hydra (what data.gouv.fr follows),
    in French whatever the visitor's language; None for a page past the end."""
    with translation.override("fr"):
        return _catalogue(page, absolute)


def _catalogue(page: int, absolute) -> dict | None:
    projects, more = catalogue_projects(page)
    if not projects and page > 1:
        return None
    base = absolute(reverse("public-catalogue"))
    changes = [project.plan_changed_at for project in projects if project.plan_changed_at]
    document = {
        "@context": CONTEXT,
        "@id": base,
        "@type": ["dcat:Catalog", "hydra:Collection"],
        "dct:title": settings.MAILLAGE_OPEN_DATA_TITLE,
        "dct:description": (
            "Les plans publiés sur Maillage (projets sociaux de territoire, conventions territoriales "
            "globales, projets éducatifs…) : pour chacun, le plan sans données personnelles au format "
            "d'échange maillage/project@1 (JSON), ses actions et son arborescence (CSV)."
        ),
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": settings.MAILLAGE_OPEN_DATA_PUBLISHER},
        "foaf:homepage": _uri(absolute(reverse("public-projects"))),
        "dct:language": _uri("http://publications.europa.eu/resource/authority/language/FRA"),
        "dct:license": _uri(settings.MAILLAGE_OPEN_DATA_LICENSE),
        "dcat:dataset": [dataset(project, absolute) for project in projects],
        "hydra:view": {
            "@id": f"{base}?page={page}",
            "@type": "hydra:PartialCollectionView",
            "hydra:first": _uri(f"{base}?page=1"),
        },
    }
    if changes:
        document["dct:modified"] = _date(max(changes), "dateTime")
    if more:
        document["hydra:view"]["hydra:next"] = _uri(f"{base}?page={page + 1}")
    if page > 1:
        document["hydra:view"]["hydra:previous"] = _uri(f"{base}?page={page - 1}")
    return document
