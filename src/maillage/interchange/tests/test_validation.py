"""Invalid documents are refused, with each problem in French at its JSON path, and nothing is written."""

import json

import pytest
from django.core.management import CommandError, call_command

from maillage.interchange.importing import import_document
from maillage.interchange.validation import InvalidDocument, check, parse
from maillage.projects.models import Project
from maillage.territories.models import Territory

from .documents import DELETE, minimal

pytestmark = pytest.mark.django_db


def paths(problems):
    return [problem.path for problem in problems]


def test_the_minimal_document_is_valid():
    assert check(minimal()) == []


def test_broken_json_is_refused_with_its_line():
    with pytest.raises(InvalidDocument) as error:
        parse('{"schema": "maillage/project@1",\n "project": }')
    assert "JSON illisible ligne 2" in str(error.value)


def test_a_wrong_schema_version_is_refused():
    problems = check(minimal(schema="maillage/project@2"))
    assert [str(p) for p in problems] == [
        "$.schema : version de schéma non prise en charge : « maillage/project@2 » (attendu : « maillage/project@1 »)."
    ]


def test_a_missing_title_is_reported_at_its_path():
    problems = check(minimal(**{"project.title": DELETE}))
    assert [str(p) for p in problems] == ["$.project.title : champ obligatoire manquant."]


def test_a_status_outside_the_vocabulary_is_refused():
    problems = check(minimal(**{"actions.0.status": "finie"}))
    assert paths(problems) == ["$.actions[0].status"]
    assert "valeur « finie » non autorisée" in problems[0].message
    assert "planned" in problems[0].message and "done" in problems[0].message


def test_an_action_attached_to_an_unknown_node_or_a_node_listing_an_unknown_action():
    document = minimal(**{"bodies.0.node": "axe-9"})
    document["nodes"][0]["children"][0]["actions"].append("A9")
    problems = check(document)
    assert [str(p) for p in problems] == [
        "$.nodes[0].children[0].actions[1] : action « A9 » inconnu(e) dans ce document.",
        "$.bodies[0].node : nœud « axe-9 » inconnu(e) dans ce document.",
    ]


def test_every_problem_is_listed_not_only_the_first():
    document = minimal(**{"actions.0.origin": "NA", "project.kind": "quartier", "nodes.0.title": ""})
    problems = check(document)
    assert paths(problems) == ["$.actions[0].origin", "$.nodes[0].title", "$.project.kind"]


def test_cross_reference_rules():
    document = minimal(
        **{
            "nodes.0.children.0.level": "Axe",
            "actions.0.periods": ["2027"],
            "actions.0.themes": ["Jeunesse"],
            "actions.0.partners": [{"partner": "mission-locale", "role": "operational"}],
            "actions.0.budget.0.year": 2030,
            "periods.0.end": 2028,
            "diagnostic.tables.0.rows.0.values": ["36%"],
        }
    )
    messages = [str(p) for p in check(document)]
    assert messages == [
        "$.periods[0] : 2023-2028 hors de la période du projet (2023-2026).",
        "$.nodes[0].children[0].level : le niveau « Axe » doit être plus profond que celui du parent.",
        "$.actions[0].periods[0] : période « 2027 » inconnu(e) dans ce document.",
        "$.actions[0].themes[0] : thème « Jeunesse » inconnu(e) dans ce document.",
        "$.actions[0].partners[0].partner : partenaire « mission-locale » inconnu(e) dans ce document.",
        "$.actions[0].budget[0].year : 2030 hors de la période du projet (2023-2026).",
        "$.diagnostic.tables[0].rows[0].values : 1 valeur(s) pour 2 colonne(s).",
    ]


def test_duplicate_refs_and_parent_loops():
    document = minimal()
    document["actions"].append({**document["actions"][0], "parent": "A1"})
    problems = check(document)
    assert "$.actions[1].ref" in paths(problems)
    document["actions"][1]["ref"] = "A2"
    document["actions"][0]["parent"] = "A2"
    assert "les actions parentes forment une boucle." in [p.message for p in check(document)]


def test_unknown_fields_are_refused():
    problems = check(minimal(**{"actions.0.budjet": []}))
    assert [str(p) for p in problems] == [
        "$.actions[0].budjet : champ inconnu (« budjet ») : vérifiez son orthographe."
    ]


@pytest.mark.parametrize(
    "document, where",
    [
        (minimal(schema="maillage/project@0"), "$.schema"),
        (minimal(**{"project.title": DELETE}), "$.project.title"),
        (minimal(**{"actions.0.status": "finie"}), "$.actions[0].status"),
        (minimal(**{"bodies.0.node": "inconnu"}), "$.bodies[0].node"),
    ],
)
def test_an_invalid_document_writes_nothing(document, where):
    territories, projects = Territory.objects.count(), Project.objects.count()
    with pytest.raises(InvalidDocument) as error:
        import_document(document)
    assert where in error.value.report()
    assert "Rien n'a été enregistré." in error.value.report()
    assert Project.objects.count() == projects
    assert Territory.objects.count() == territories


def test_import_command_refuses_a_broken_file_with_a_french_message(tmp_path):
    projects = Project.objects.count()
    broken = tmp_path / "plan.json"
    broken.write_text('{"schema": "maillage/project@1", "project": {', encoding="utf-8")
    with pytest.raises(CommandError, match="JSON illisible"):
        call_command("import", str(broken))
    invalid = tmp_path / "invalide.json"
    invalid.write_text(json.dumps(minimal(**{"actions.0.status": "finie"})), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import", str(invalid))
    assert str(error.value).startswith("Document refusé : 1 problème.")
    assert "$.actions[0].status" in str(error.value)
    assert Project.objects.count() == projects
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import", str(tmp_path / "absent.json"))


def test_an_existing_slug_needs_replace():
    import_document(minimal())
    with pytest.raises(InvalidDocument, match="--replace"):
        import_document(minimal())
    replaced = import_document(minimal(**{"project.title": "Nouveau titre"}), replace=True)
    assert Project.objects.get(slug="essai").title == "Nouveau titre" == replaced.title


def test_a_missing_parent_project_is_refused():
    with pytest.raises(InvalidDocument, match="projet parent « pms-absent » introuvable"):
        import_document(minimal(**{"project.parent": "pms-absent"}))
