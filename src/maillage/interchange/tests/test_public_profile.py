"""The public profile's schema: generated from the one definition of what is public, committed in the
package (which the site serves; schemas/ links to it, as to the main schema), referring to the main one."""

import json
from pathlib import Path

import pytest

from maillage.interchange import public
from maillage.interchange.validation import SCHEMA_PATH

REPOSITORY = Path(__file__).resolve().parents[4] / "schemas"
REGENERATE = 'maillage shell -c "from maillage.interchange.public import write_schema_files; write_schema_files()"'


def test_the_committed_public_schema_is_the_generated_one():
    assert public.PUBLIC_SCHEMA_PATH.read_text(encoding="utf-8") == public.schema_text(public.public_schema()), (
        f"schema out of date: {REGENERATE}"
    )


@pytest.mark.skipif(not REPOSITORY.is_dir(), reason="no schemas/ folder: an installed package, not a checkout")
@pytest.mark.parametrize("path", [SCHEMA_PATH, public.PUBLIC_SCHEMA_PATH], ids=lambda path: path.name)
def test_schemas_folder_holds_the_same_files_as_the_package(path):
    assert (REPOSITORY / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_the_public_schema_refers_to_the_main_one():
    schema = json.loads(public.PUBLIC_SCHEMA_PATH.read_text(encoding="utf-8"))
    main = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$ref"] == main["$id"].rsplit("/", 1)[1]
    assert schema["$id"].rsplit("/", 1)[0] == main["$id"].rsplit("/", 1)[0]
    assert "people" not in schema["propertyNames"]["enum"]


def test_every_public_name_is_a_name_of_the_main_schema():
    """The lists of what is public name only fields that exist: a typo would silently drop a field."""
    main = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    defs = main["$defs"]
    pairs = [
        (public.PUBLIC_KEYS, main["properties"]),
        (public.PUBLIC_PROJECT_FIELDS, defs["project"]["properties"]),
        (public.PUBLIC_TERRITORY_FIELDS, defs["territory"]["properties"]),
        (public.PUBLIC_PARTNER_FIELDS, defs["organisation"]["properties"]),
        (public.PUBLIC_NODE_FIELDS, defs["node"]["properties"]),
        (public.PUBLIC_ACTION_FIELDS, defs["action"]["properties"]),
        (public.PUBLIC_INDICATOR_FIELDS, defs["indicator"]["properties"]),
        (public.PUBLIC_VALUE_FIELDS, defs["indicator_value"]["properties"]),
    ]
    for names, properties in pairs:
        assert set(names) <= set(properties), set(names) - set(properties)


def test_nothing_personal_is_kept():
    document = {
        "schema": "maillage/project@1",
        "project": {"slug": "p", "title": "P", "kind": "pst", "period": {"start": 2024, "end": 2026}},
        "levels": ["Axe"],
        "partners": [{"key": "o", "name": "Centre social", "email": "cs@exemple.fr", "phone": "0102030405"}],
        "people": [{"key": "n", "name": "Nadia", "email": "n@exemple.fr"}],
        "nodes": [{"code": "1", "title": "Axe 1", "level": "Axe", "referent": "n", "actions": ["A1"], "children": []}],
        "actions": [
            {
                "ref": "A1",
                "title": "Action",
                "status": "done",
                "leads": ["n"],
                "elected_referent": "n",
                "notes": [{"date": "2024-01-01", "author": "n", "text": "interne"}],
                "budget": [{"nature": "operating", "kind": "planned", "amount": 10}],
                "indicators": [
                    {"kind": "quantitative", "title": "I", "values": [{"period": "2024", "value": 1, "comment": "c"}]}
                ],
            }
        ],
        "bodies": [{"key": "copil", "kind": "copil", "name": "COPIL", "chair": "n"}],
    }
    stripped = public.public_document(document)
    text = json.dumps(stripped)
    for secret in ("Nadia", "n@exemple.fr", "cs@exemple.fr", "0102030405", "interne", '"c"', "COPIL"):
        assert secret not in text, secret
    assert public.public_problems(stripped) == []
    assert public.public_problems(document)
