"""A decision's changes in the interchange document: exported, imported and exported again to the same bytes,
applied or not; and refused with a French message when they name what the document does not hold."""

import copy
import datetime

import pytest

from maillage.governance import changes
from maillage.governance.models import DecisionChange
from maillage.governance.tests.conftest import make_steered
from maillage.interchange.exporting import export_project, to_json
from maillage.interchange.importing import import_document
from maillage.interchange.validation import check, schema_problems
from maillage.projects.models import Project

pytestmark = pytest.mark.django_db


def _decided():
    """A project with a decision applied (status, new node, new action under it) and one still to apply."""
    steered = make_steered()
    plan = steered.plan
    coordinator = plan.users["coordinator"]
    changes.status_change(steered.decision, plan.actions["permanence"], "done")
    axis = changes.new_node(
        steered.decision, "Vieillir chez soi", plan.levels[1], code="2.3", parent=plan.nodes["axe2"]
    )
    changes.new_action(steered.decision, "A9", "Visites de convivialité", node_change=axis)
    changes.apply_decision(steered.decision, coordinator)
    later = steered.meeting.decisions.create(text="Reporter le café des parents, ouvrir un axe.", position=1)
    changes.postponement(
        later, plan.actions["parents"], period=steered.periods["later"], end_date=datetime.date(2026, 6, 30)
    )
    top = changes.new_node(later, "Habiter", plan.levels[0], code="3")
    sub = changes.new_node(later, "Se loger dignement", plan.levels[1], code="3.1", parent_change=top)
    changes.new_action(later, "A10", "Un guichet du logement", node_change=sub)
    return steered


def _decisions(document):
    return next(m for m in document["meetings"] if m["title"] == "COPIL de printemps")["decisions"]


def test_decision_changes_survive_a_round_trip_byte_for_byte():
    steered = _decided()
    first = export_project(steered.project)
    assert schema_problems(first) == [] and check(first) == []
    decisions = _decisions(first)
    applied, pending = decisions[0]["changes"], decisions[1]["changes"]
    assert [change["kind"] for change in applied] == ["status", "new_node", "new_action"]
    assert applied[0] == {
        "kind": "status",
        "ref": "A2",
        "from_status": "in_progress",
        "status": "done",
        "applied": applied[0]["applied"],
    }
    assert applied[0]["applied"]["by"] == steered.plan.users["coordinator"].username
    assert applied[2]["node"] == "23" and applied[1]["key"] == "23"  # the node the decision added, now in the tree
    assert pending == [
        {"kind": "postpone", "ref": "A3", "period": "2025-2026", "end_date": "2026-06-30"},
        {"kind": "new_node", "title": "Habiter", "level": "Axe", "code": "3", "key": "3"},
        {
            "kind": "new_node",
            "title": "Se loger dignement",
            "node": "3",
            "level": "Objectif",
            "code": "3.1",
            "key": "31",
        },
        {"kind": "new_action", "ref": "A10", "title": "Un guichet du logement", "node": "31"},
    ]
    assert "A9" in decisions[0]["actions"] and decisions[1]["actions"] == ["A3"]

    project = import_document(first, replace=True)
    second = export_project(project)
    assert to_json(second) == to_json(first)
    # What was applied stays applied; what was pending can still be applied after the import, in one step.
    imported = DecisionChange.objects.filter(decision__meeting__project=project)
    assert imported.filter(applied_at__isnull=False).count() == 3
    assert imported.get(kind="new_action", ref="A9").action.ref == "A9"
    assert imported.get(kind="new_node", key="23").created_node.code == "2.3"
    later = imported.get(ref="A10").decision
    assert imported.get(ref="A10").node_change.key == "31"
    changes.apply_decision(later, None)
    project = Project.objects.get(pk=project.pk)
    assert project.actions.get(ref="A10").nodes.get().parent.code == "3"
    assert project.actions.get(ref="A3").status == "postponed"


def _with_changes(document, new):
    document = copy.deepcopy(document)
    _decisions(document)[1]["changes"] = new
    return document


@pytest.mark.parametrize(
    "change, path, message",
    [
        ({"kind": "postpone", "ref": "A3", "period": "2031-2032"}, "period", "période « 2031-2032 » inconnu(e)"),
        (
            {"kind": "new_node", "title": "X", "key": "x", "level": "Chantier"},
            "level",
            "niveau « Chantier » inconnu(e)",
        ),
        (
            {"kind": "new_action", "ref": "A11", "title": "X", "node": "nulle-part"},
            "node",
            "nœud « nulle-part » inconnu",
        ),
        ({"kind": "new_node", "title": "X", "key": "23"}, "key", "déjà utilisée par un nœud"),
        ({"kind": "status", "ref": "A2"}, "status", "champ obligatoire manquant"),
        ({"kind": "status", "ref": "A2", "status": "finie"}, "status", "non autorisée"),
        ({"kind": "renommer", "ref": "A2"}, "kind", "non autorisée"),
        (
            {"kind": "status", "ref": "A2", "status": "done", "applied": {"at": "hier"}},
            "applied.at",
            "date et heure",
        ),
    ],
    ids=["period", "level", "node", "key-taken", "no-status", "bad-status", "bad-kind", "bad-date"],
)
def test_changes_that_name_what_the_document_lacks_are_refused(change, path, message):
    document = _with_changes(export_project(_decided().project), [change])
    problems = check(document)
    assert problems, change
    assert any(problem.path.endswith(path) and message in problem.message for problem in problems), problems


def test_a_key_used_twice_in_one_decision_is_refused():
    document = export_project(_decided().project)
    twice = [{"kind": "new_node", "title": "Un", "key": "neuf"}, {"kind": "new_node", "title": "Deux", "key": "neuf"}]
    problems = check(_with_changes(document, twice))
    assert [problem.path for problem in problems] == ["$.meetings[1].decisions[1].changes[1].key"]


def test_an_action_deleted_since_still_round_trips():
    """A change's ref is kept as text: the decision still says what it was about."""
    steered = _decided()
    steered.plan.actions["parents"].delete()
    first = export_project(steered.project)
    assert check(first) == []
    assert _decisions(first)[1]["changes"][0]["ref"] == "A3"
    second = export_project(import_document(first, replace=True))
    assert to_json(second) == to_json(first)
