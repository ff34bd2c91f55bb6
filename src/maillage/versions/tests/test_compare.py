"""Comparing two states of the plan: every kind of difference, and the matching rules' awkward cases
(renamed and renumbered nodes, nodes without code, duplicate titles, renumbered actions, sub-actions)."""

import copy
import datetime

import pytest

from maillage.actions.editing import change_status
from maillage.actions.models import ActionNode
from maillage.evaluation.models import Indicator, IndicatorTarget
from maillage.interchange.exporting import export_project
from maillage.partners.models import Person
from maillage.projects.models import Node, Period
from maillage.projects.tests.conftest import build_plan
from maillage.versions.comparing import Side, compare
from maillage.versions.reading import Plan
from maillage.versions.taking import comparison_of, take_version

pytestmark = pytest.mark.django_db


def side(document, ident="1", label="Version"):
    return Side(ident, label, datetime.date(2024, 1, 1), "adopted", Plan(document))


def diff(before, after):
    return compare(side(before, "1", "Avant"), side(after, "2", "Après"))


def node(document, code):
    stack = list(document["nodes"])
    while stack:
        current = stack.pop()
        if current.get("code") == code:
            return current
        stack.extend(current.get("children", []))
    raise KeyError(code)


def action(document, ref):
    return next(a for a in document["actions"] if a["ref"] == ref)


@pytest.fixture
def document(db):
    return export_project(build_plan().project)


def test_identical_documents_have_no_difference(document):
    result = diff(document, copy.deepcopy(document))
    assert result.empty
    assert all(n == 0 for _kind, _label, n in result.counts())


def test_nodes_added_removed_renamed_and_moved(document):
    after = copy.deepcopy(document)
    node(after, "2")["children"].append(
        {"code": "2.3", "title": "Bouger ensemble", "level": "Objectif", "actions": [], "children": []}
    )
    axe1 = node(after, "1")
    axe1["children"] = [child for child in axe1["children"] if child["code"] != "1.2"]  # its action A2 is then unplaced
    node(after, "2.1")["title"] = "Soutenir tous les parents"
    moved = node(after, "2.2")
    node(after, "2")["children"].remove(moved)
    axe1["children"].append(moved)
    result = diff(document, after)
    assert [(e["code"], e["title"], e["parent"]) for e in result.nodes_added] == [
        ("2.3", "Bouger ensemble", "2 — Grandir ensemble")
    ]
    assert [(e["code"], e["title"]) for e in result.nodes_removed] == [("1.2", "Accompagner les démarches")]
    assert [(e["code"], e["old_title"], e["title"]) for e in result.nodes_renamed] == [
        ("2.1", "Soutenir les parents", "Soutenir tous les parents")
    ]
    assert [(e["code"], e["from"], e["to"]) for e in result.nodes_moved] == [
        ("2.2", "2 — Grandir ensemble", "1 — Accéder à ses droits")
    ]
    # The action of the removed node moved out of the tree; the renamed node's action did not move.
    assert [(e["ref"], e["from"], e["to"]) for e in result.actions_moved] == [
        ("A2", ["1.2 — Accompagner les démarches"], [])
    ]


def test_swapped_codes_are_a_renumbering_not_two_renames(document):
    after = copy.deepcopy(document)
    first, second = node(after, "1.1"), node(after, "1.2")
    first["code"], second["code"] = "1.2", "1.1"
    result = diff(document, after)
    assert sorted((e["old_code"], e["code"], e["title"]) for e in result.nodes_renamed) == [
        ("1.1", "1.2", "Informer les habitants"),
        ("1.2", "1.1", "Accompagner les démarches"),
    ]
    assert not result.nodes_added and not result.nodes_removed and not result.actions_moved


def test_nodes_without_code_are_matched_by_title_and_duplicates_by_their_parent():
    def tree(*axes):
        return {
            "schema": "maillage/project@1",
            "project": {"slug": "p", "title": "P", "kind": "pst", "period": {"start": 2024, "end": 2026}},
            "levels": ["Axe", "Objectif"],
            "nodes": [
                {
                    "title": axe,
                    "level": "Axe",
                    "actions": [],
                    "children": [{"title": "Informer", "level": "Objectif", "actions": [ref], "children": []}],
                }
                for axe, ref in axes
            ],
            "actions": [{"ref": ref, "title": f"Action {ref}", "status": "planned"} for _axe, ref in axes],
        }

    before = tree(("Santé", "S1"), ("Logement", "L1"))
    after = tree(("Logement", "L1"), ("Santé", "S1"), ("Mobilité", "M1"))  # reordered, one axis added
    result = diff(before, after)
    assert [e["title"] for e in result.nodes_added] == ["Mobilité", "Informer"]
    assert not result.nodes_removed and not result.nodes_renamed and not result.nodes_moved
    assert not result.actions_moved  # each "Informer" matched the one under the same axis
    assert [e["ref"] for e in result.actions_added] == ["M1"]


def test_a_node_key_wins_over_a_changed_code_and_title(document):
    before = copy.deepcopy(document)
    node(before, "2.1")["key"] = "parents"
    after = copy.deepcopy(before)
    renamed = node(after, "2.1")
    renamed["code"], renamed["title"] = "2.9", "Parentalité"
    result = diff(before, after)
    assert [(e["key"], e["old_code"], e["code"], e["title"]) for e in result.nodes_renamed] == [
        ("parents", "2.1", "2.9", "Parentalité")
    ]
    assert not result.nodes_added and not result.nodes_removed


def test_actions_added_removed_moved_and_status_changes(document):
    after = copy.deepcopy(document)
    after["actions"].append({"ref": "A5", "title": "Jardin partagé", "status": "planned"})
    node(after, "2.2")["actions"].append("A5")
    after["actions"] = [a for a in after["actions"] if a["ref"] != "A4"]
    node(after, "1.2")["actions"].remove("A2")
    node(after, "2.2")["actions"].append("A2")
    action(after, "A1")["status"] = "in_progress"
    after["labels"] = {"status": {"in_progress": "Lancée"}}
    result = diff(document, after)
    assert [(e["ref"], e["title"], e["nodes"]) for e in result.actions_added] == [
        ("A5", "Jardin partagé", ["2.2 — Prévenir l'isolement"])
    ]
    assert [(e["ref"], e["status_label"]) for e in result.actions_removed] == [("A4", "À venir")]
    assert [(e["ref"], e["from"], e["to"]) for e in result.actions_moved] == [
        ("A2", ["1.2 — Accompagner les démarches"], ["2.2 — Prévenir l'isolement"])
    ]
    assert [(e["ref"], e["from"], e["to"], e["from_label"], e["to_label"]) for e in result.status_changes] == [
        ("A1", "done", "in_progress", "Terminée", "Lancée")
    ]


def test_a_shared_sheet_placed_under_one_more_node_has_moved(document):
    after = copy.deepcopy(document)
    node(after, "2.2")["actions"].append("A3")
    result = diff(document, after)
    assert [(e["ref"], sorted(e["from"]), sorted(e["to"])) for e in result.actions_moved] == [
        (
            "A3",
            ["1.1 — Informer les habitants", "2.1 — Soutenir les parents"],
            ["1.1 — Informer les habitants", "2.1 — Soutenir les parents", "2.2 — Prévenir l'isolement"],
        )
    ]


def test_renumbered_actions_are_matched_by_title_when_unambiguous(document):
    after = copy.deepcopy(document)
    action(after, "A3")["ref"] = "B3"
    for current in (node(after, "1.1"), node(after, "2.1")):
        current["actions"] = ["B3" if ref == "A3" else ref for ref in current["actions"]]
    result = diff(document, after)
    assert result.refs_changed == [{"ref": "B3", "old_ref": "A3", "title": "Café des parents"}]
    assert not result.actions_added and not result.actions_removed and not result.actions_moved


def test_same_titles_on_both_sides_are_not_guessed():
    def doc(refs):
        return {
            "schema": "maillage/project@1",
            "project": {"slug": "p", "title": "P", "kind": "pst", "period": {"start": 2024, "end": 2026}},
            "levels": ["Axe"],
            "nodes": [],
            "actions": [{"ref": ref, "title": "Noël solidaire", "status": "done"} for ref in refs],
        }

    result = diff(doc(["1.1-01", "2.2-01"]), doc(["1.1-09", "2.2-09"]))
    assert not result.refs_changed
    assert [e["ref"] for e in result.actions_removed] == ["1.1-01", "2.2-01"]
    assert [e["ref"] for e in result.actions_added] == ["1.1-09", "2.2-09"]


def test_a_sub_action_whose_parent_was_renumbered_keeps_its_parent():
    def doc(parent):
        return {
            "schema": "maillage/project@1",
            "project": {"slug": "p", "title": "P", "kind": "pst", "period": {"start": 2024, "end": 2026}},
            "levels": ["Axe"],
            "nodes": [],
            "actions": [
                {"ref": parent, "title": "MDML Contact", "status": "in_progress"},
                {"ref": "M-1", "title": "Traducteur", "status": "planned", "parent": parent},
            ],
        }

    result = diff(doc("MDML"), doc("V-MDML"))
    assert [(e["old_ref"], e["ref"]) for e in result.refs_changed] == [("MDML", "V-MDML")]
    assert not result.fields_changed


def test_fiche_fields_changed_with_the_fiche_french_labels():
    plan = build_plan()
    project = plan.project
    before = take_version(project, label="Avant")
    guide = plan.actions["guide"]
    guide.title = "Écrire et diffuser le guide"
    guide.context = "Les habitants connaissent mal leurs droits."
    guide.start_date = datetime.date(2024, 3, 1)
    guide.save()
    lea = Person.objects.get(project=project, key="lea-pilote")
    guide.leads.add(lea)
    guide.periods.add(Period.objects.create(project=project, label="2024-2025", first_year=2024, last_year=2025))
    indicator = Indicator.objects.get(action=guide)
    IndicatorTarget.objects.create(indicator=indicator, year=2025, value=500)
    guide.budget_lines.create(year=2024, amount=1200, label="Impression")
    change_status(plan.actions["permanence"], "postponed", None)
    result = comparison_of(project, str(before.pk), "current")
    changed = {(e["ref"], e["label"]): (e["before"], e["after"]) for e in result.fields_changed}
    assert changed[("A1", "Intitulé")] == ("Écrire le guide", "Écrire et diffuser le guide")
    assert changed[("A1", "Contexte")] == ("", "Les habitants connaissent mal leurs droits.")
    assert changed[("A1", "Date de début")] == ("", "01/03/2024")
    assert changed[("A1", "Pilotes")] == ("", "Léa Pilote")
    assert changed[("A1", "Périodes")] == ("", "2024-2025")
    assert changed[("A1", "Indicateurs")] == ("Guides distribués", "Guides distribués — cible 2025 : 500")
    assert changed[("A1", "Budget")][1].startswith("2024 · Fonctionnement · Prévisionnel · 1")
    assert "Impression" in changed[("A1", "Budget")][1]
    assert [(e["ref"], e["from_label"], e["to_label"]) for e in result.status_changes] == [
        ("A2", "En cours", "Reportée")
    ]
    assert all(e["field"] != "status" for e in result.fields_changed)  # statuses have their own list
    as_json = result.as_dict()
    for kind in ("nodes_added", "nodes_removed", "actions_added", "actions_removed", "status_changes"):
        assert isinstance(as_json[kind], list)
    assert as_json["from"]["id"] == str(before.pk) and as_json["to"]["id"] == "current"
    assert {"ref", "title", "field", "label", "before", "after"} <= set(as_json["fields_changed"][0])


def test_a_renamed_node_in_the_database_is_a_rename_and_an_added_node_an_addition():
    plan = build_plan()
    before = take_version(plan.project, label="Avant")
    Node.objects.filter(pk=plan.nodes["obj21"].pk).update(title="Soutenir toutes les familles")
    new = Node.objects.create(
        project=plan.project, parent=plan.nodes["axe2"], level=plan.levels[1], code="2.3", title="Bouger"
    )
    ActionNode.objects.create(action=plan.actions["libre"], node=new)
    result = comparison_of(plan.project, str(before.pk), "current")
    assert [e["title"] for e in result.nodes_renamed] == ["Soutenir toutes les familles"]
    assert [e["code"] for e in result.nodes_added] == ["2.3"]
    assert [(e["ref"], e["from"], e["to"]) for e in result.actions_moved] == [("A4", [], ["2.3 — Bouger"])]
