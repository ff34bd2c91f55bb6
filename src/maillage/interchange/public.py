"""The public profile of the interchange document: the same ``maillage/project@1`` document with
everything personal taken out — what a published plan shows anyone, and nothing more.

One definition serves every public reader: the public pages while an update is being prepared
(``versions.public``), the open data of a published plan (``publication.opendata``) and the public JSON
Schema (``project-1-public.schema.json`` beside this module, linked from ``schemas/``), generated from the
lists below by :func:`public_schema` (``test_public_profile.py`` checks the committed file is what they give).

Organisations are named, people never: people, leads, elected referents (of actions and nodes),
follow-up notes and their authors, governance (bodies, members, chairs, meetings, attendance,
minutes), organisations' contact details, budget lines, the diagnostic and programmes, and indicator
values' comments and sources are all dropped. History and comments are never in the document at all.
A public document is still a valid interchange document: it imports.
"""

import json
from pathlib import Path

from referencing import Registry
from referencing.jsonschema import DRAFT202012

from maillage.actions.models import SECTIONS

from .validation import SCHEMA, VALIDATOR

# Top-level keys a public document may hold.
PUBLIC_KEYS = [
    "schema",
    "project",
    "levels",
    "periods",
    "labels",
    "territories",
    "partners",
    "themes",
    "nodes",
    "actions",
]
# What the public plan page shows of the project (publication/templates/publication/plan.html).
PUBLIC_PROJECT_FIELDS = [
    "slug",
    "title",
    "subtitle",
    "kind",
    "period",
    "state",
    "deliberation",
    "version",
    "updated_on",
    "territory",
    "owner",
    "description",
]
PUBLIC_TERRITORY_FIELDS = ["key", "kind", "name", "code", "members"]
PUBLIC_PARTNER_FIELDS = ["key", "name", "acronym", "kind"]
PUBLIC_NODE_FIELDS = ["key", "code", "title", "level", "description", "actions", "children"]
# What the public fiche shows of an action (publication/templates/publication/action.html): no lead,
# no elected referent, no note, no budget, no value comment or source.
PUBLIC_ACTION_FIELDS = [
    "ref",
    "code",
    "title",
    "status",
    "origin",
    "parent",
    "scale",
    "territory",
    "periods",
    "start_date",
    "end_date",
    *SECTIONS,
    "lead_organisation",
    "themes",
    "partners",
    "indicators",
]
PUBLIC_INDICATOR_FIELDS = ["kind", "title", "unit", "baseline", "baseline_year", "targets", "values"]
PUBLIC_VALUE_FIELDS = ["period", "date", "value", "assessment"]

PUBLIC_SCHEMA_NAME = "project-1-public.schema.json"
PUBLIC_SCHEMA_PATH = Path(__file__).with_name(PUBLIC_SCHEMA_NAME)
PUBLIC_SCHEMA_ID = SCHEMA["$id"].rsplit("/", 1)[0] + "/" + PUBLIC_SCHEMA_NAME


def _kept(item: dict, fields) -> dict:
    return {key: item[key] for key in fields if key in item}


def public_document(document: dict) -> dict:
    """The document without anything personal (see the module's docstring). Applied before rendering
    or serving, so that no template or file can show what the document no longer holds."""
    public = {
        "schema": document.get("schema"),
        "project": _kept(document.get("project", {}), PUBLIC_PROJECT_FIELDS),
        "levels": list(document.get("levels", [])),
        "periods": list(document.get("periods", [])),
        "labels": document.get("labels", {}),
        "territories": [_kept(t, PUBLIC_TERRITORY_FIELDS) for t in document.get("territories", [])],
        "partners": [_kept(o, PUBLIC_PARTNER_FIELDS) for o in document.get("partners", [])],
        "themes": list(document.get("themes", [])),
        "nodes": [_public_node(node) for node in document.get("nodes", [])],
        "actions": [_public_action(action) for action in document.get("actions", [])],
    }
    return {key: value for key, value in public.items() if key in ("schema", "project") or value or key in REQUIRED}


REQUIRED = ("levels", "nodes", "actions")  # the schema's required lists, kept even when empty


def _public_node(node: dict) -> dict:
    return {**_kept(node, PUBLIC_NODE_FIELDS), "children": [_public_node(child) for child in node.get("children", [])]}


def _public_action(action: dict) -> dict:
    kept = _kept(action, PUBLIC_ACTION_FIELDS)
    if "indicators" in kept:
        kept["indicators"] = [
            {
                **_kept(indicator, PUBLIC_INDICATOR_FIELDS),
                "values": [_kept(value, PUBLIC_VALUE_FIELDS) for value in indicator.get("values", [])],
            }
            for indicator in kept["indicators"]
        ]
    return kept


# --- the public JSON Schema -------------------------------------------------------------------------


def _only(fields, properties=None) -> dict:
    schema = {"propertyNames": {"enum": list(fields)}}
    if properties:
        schema["properties"] = properties
    return schema


def public_schema() -> dict:
    """The JSON Schema of the public profile: the main schema (``$ref``) and, on top of it, the names a
    public document may hold — a person, a note or a meeting has no place in it."""
    return {
        "$schema": SCHEMA["$schema"],
        "$id": PUBLIC_SCHEMA_ID,
        "title": "Maillage — document d'échange, profil public (données ouvertes)",
        "description": (
            "Le document maillage/project@1 d'un plan publié, sans données personnelles : aucune personne "
            "(pilotes, élus référents, membres et présidents d'instances), aucune note de suivi, aucune "
            "réunion, aucune coordonnée, aucun budget. Tout document de ce profil est aussi un document "
            "maillage/project@1 valide."
        ),
        "$ref": SCHEMA["$id"].rsplit("/", 1)[1],
        **_only(
            PUBLIC_KEYS,
            {
                "project": _only(PUBLIC_PROJECT_FIELDS),
                "territories": {"items": _only(PUBLIC_TERRITORY_FIELDS)},
                "partners": {"items": _only(PUBLIC_PARTNER_FIELDS)},
                "nodes": {"items": {"$ref": "#/$defs/node"}},
                "actions": {"items": {"$ref": "#/$defs/action"}},
            },
        ),
        "$defs": {
            "node": _only(PUBLIC_NODE_FIELDS, {"children": {"items": {"$ref": "#/$defs/node"}}}),
            "action": _only(PUBLIC_ACTION_FIELDS, {"indicators": {"items": {"$ref": "#/$defs/indicator"}}}),
            "indicator": _only(PUBLIC_INDICATOR_FIELDS, {"values": {"items": _only(PUBLIC_VALUE_FIELDS)}}),
        },
    }


def schema_text(schema: dict) -> str:
    """How the schema files are written (``schemas/`` and the package's copy)."""
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


_REGISTRY = Registry().with_resource(SCHEMA["$id"], DRAFT202012.create_resource(SCHEMA))


def _validator():
    """The validator of the committed schema file (what the site publishes), built once."""
    global _PUBLIC_VALIDATOR
    if _PUBLIC_VALIDATOR is None:
        schema = json.loads(PUBLIC_SCHEMA_PATH.read_text(encoding="utf-8"))
        _PUBLIC_VALIDATOR = type(VALIDATOR)(schema, registry=_REGISTRY, format_checker=VALIDATOR.format_checker)
    return _PUBLIC_VALIDATOR


_PUBLIC_VALIDATOR = None


def public_problems(document) -> list[str]:
    """What keeps ``document`` from being a public document (empty when it is one), "path : message"."""
    return [
        f"$.{'.'.join(str(part) for part in error.absolute_path)} : {error.message}"
        for error in _validator().iter_errors(document)
    ]


def write_schema_files() -> Path:
    """Write the generated public schema into the package (``schemas/`` of a checkout links to it, as it
    does to the main schema): ``maillage shell -c "from maillage.interchange.public import write_schema_files;
    write_schema_files()"``."""
    PUBLIC_SCHEMA_PATH.write_text(schema_text(public_schema()), encoding="utf-8")
    return PUBLIC_SCHEMA_PATH
