"""A decision's changes of the plan: written down with checks, applied all at once or not at all, never
twice, with history that names the decision."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from maillage.actions import editing
from maillage.actions.models import Action, ActionChange, ActionNode
from maillage.governance import changes
from maillage.governance.models import DecisionChange
from maillage.projects.models import Node
from maillage.projects.tests.factories import LevelFactory, NodeFactory, ProjectFactory

from .conftest import make_steered

pytestmark = pytest.mark.django_db


def _state(project):
    """Everything applying a decision may touch, to compare before and after a refusal."""
    return {
        "actions": sorted(Action.objects.filter(project=project).values_list("ref", "status", "end_date", "version")),
        "periods": sorted(
            Action.periods.through.objects.filter(action__project=project).values_list("action_id", "period_id")
        ),
        "placements": sorted(ActionNode.objects.filter(action__project=project).values_list("action_id", "node_id")),
        "nodes": sorted(Node.objects.filter(project=project).values_list("code", "title")),
        "history": ActionChange.objects.filter(action__project=project).count(),
        "applied": DecisionChange.objects.filter(decision__meeting__project=project, applied_at__isnull=False).count(),
    }


def _five_changes(steered):
    plan, decision = steered.plan, steered.decision
    levels = {level.depth: level for level in plan.project.levels.all()}
    first = changes.status_change(decision, plan.actions["permanence"], "done")
    second = changes.postponement(
        decision, plan.actions["parents"], period=steered.periods["later"], end_date=datetime.date(2026, 6, 30)
    )
    axis = changes.new_node(decision, "Vieillir chez soi", levels[2], code="2.3", parent=plan.nodes["axe2"])
    fourth = changes.new_action(decision, "A9", "Visites de convivialité", node_change=axis)
    fifth = changes.new_action(decision, "A10", "Un annuaire des aidants", node=plan.nodes["obj22"])
    return [first, second, axis, fourth, fifth]


def test_a_decision_is_applied_in_one_step_with_history_naming_it(steered):
    plan, decision = steered.plan, steered.decision
    coordinator = plan.users["coordinator"]
    written = _five_changes(steered)
    assert [change.position for change in written] == [0, 1, 2, 3, 4]
    assert written[0].from_status == "in_progress"  # what the decision saw
    applied = changes.apply_decision(decision, coordinator)
    assert [change.pk for change in applied] == [change.pk for change in written]

    permanence = Action.objects.get(pk=plan.actions["permanence"].pk)
    assert permanence.status == "done"
    parents = Action.objects.get(pk=plan.actions["parents"].pk)
    assert parents.status == "postponed" and parents.end_date == datetime.date(2026, 6, 30)
    assert list(parents.periods.values_list("label", flat=True)) == ["2025-2026"]
    node = Node.objects.get(project=plan.project, code="2.3")
    assert node.parent == plan.nodes["axe2"] and node.level.name == "Objectif" and node.title == "Vieillir chez soi"
    visits = Action.objects.get(project=plan.project, ref="A9")
    assert list(visits.nodes.all()) == [node]
    assert list(Action.objects.get(project=plan.project, ref="A10").nodes.all()) == [plan.nodes["obj22"]]

    why = f"Décision de la réunion « COPIL de printemps » du {steered.meeting.date:%d/%m/%Y}"
    entries = ActionChange.objects.filter(action__project=plan.project).order_by("pk")
    assert [(entry.action.ref, entry.kind, entry.reason) for entry in entries] == [
        ("A2", "status", why),
        ("A3", "edited", why),
        ("A9", "created", why),
        ("A10", "created", why),
    ]
    postponed = {change["field"]: (change["old"], change["new"]) for change in entries[1].changes}
    assert postponed["status"] == ("À venir", "Reportée")
    assert postponed["periods"] == ("", "2025-2026")
    assert entries[0].user == coordinator
    for change in DecisionChange.objects.filter(decision=decision):
        assert change.applied and change.applied_by == coordinator and change.applied_by_name == coordinator.username
    assert DecisionChange.objects.get(pk=written[3].pk).action == visits
    assert DecisionChange.objects.get(pk=written[2].pk).created_node == node
    # Every action the decision touched is listed with it, so that each fiche shows it.
    assert set(decision.actions.values_list("ref", flat=True)) == {"A2", "A3", "A9", "A10"}


def test_one_invalid_change_refuses_the_whole_decision_and_names_it(steered):
    plan, decision = steered.plan, steered.decision
    _five_changes(steered)
    Action.objects.create(project=plan.project, ref="A9", title="Créée entre-temps à la main", position=50)
    before = _state(plan.project)
    with pytest.raises(changes.ChangeRefused) as refused:
        changes.apply_decision(decision, plan.users["coordinator"])
    message = refused.value.messages[0]
    assert message.startswith("Changement n° 4 (Nouvelle action A9 « Visites de convivialité »")
    assert "la référence « A9 » est déjà utilisée dans ce projet." in message
    assert message.endswith("Rien n'a été appliqué.")
    # The three changes before it were made inside the transaction, then rolled back with it.
    assert _state(plan.project) == before


def test_a_status_changed_since_the_meeting_refuses_the_decision(steered):
    plan, decision = steered.plan, steered.decision
    changes.status_change(decision, plan.actions["permanence"], "done")
    editing.change_status(plan.actions["permanence"], "blocked", plan.users["coordinator"])
    before = _state(plan.project)
    with pytest.raises(changes.ChangeRefused) as refused:
        changes.apply_decision(decision, plan.users["coordinator"])
    assert (
        "le statut de l'action est « Bloquée » depuis la décision, et non plus « En cours »"
        in refused.value.messages[0]
    )
    assert _state(plan.project) == before


def test_a_node_of_another_project_is_refused_when_written_and_when_applied(steered):
    plan, decision = steered.plan, steered.decision
    foreign = NodeFactory(project=ProjectFactory(), title="Ailleurs")
    with pytest.raises(ValidationError, match="appartient à un autre projet"):
        changes.new_action(decision, "A9", "Intruse", node=foreign)
    # Forged past the checks (a script writing the row itself): still refused when applying.
    DecisionChange.objects.create(decision=decision, kind="new_action", ref="A9", title="Intruse", node=foreign)
    before = _state(plan.project)
    with pytest.raises(changes.ChangeRefused, match="le nœud « Ailleurs » appartient à un autre projet"):
        changes.apply_decision(decision, plan.users["coordinator"])
    assert _state(plan.project) == before


def test_applying_twice_is_refused_and_writes_nothing(steered):
    plan, decision = steered.plan, steered.decision
    changes.status_change(decision, plan.actions["permanence"], "done")
    changes.apply_decision(decision, plan.users["coordinator"])
    before = _state(plan.project)
    with pytest.raises(changes.ChangeRefused, match="déjà appliqués"):
        changes.apply_decision(decision, plan.users["coordinator"])
    assert _state(plan.project) == before
    # A change added afterwards is applied on its own, the first one is not redone.
    changes.new_action(decision, "A9", "Ajoutée après coup", node=plan.nodes["obj22"])
    applied = changes.apply_decision(decision, plan.users["coordinator"])
    assert [change.ref for change in applied] == ["A9"]
    assert ActionChange.objects.filter(action=plan.actions["permanence"]).count() == 1


def test_a_decision_without_change_has_nothing_to_apply(steered):
    with pytest.raises(changes.ChangeRefused, match="ne liste aucun changement"):
        changes.apply_decision(steered.decision, steered.plan.users["coordinator"])


def test_a_write_failure_midway_rolls_everything_back(steered, monkeypatch):
    plan, decision = steered.plan, steered.decision
    _five_changes(steered)
    before = _state(plan.project)

    def broken(change, project):
        raise IntegrityError("disk full")

    monkeypatch.setattr(changes, "_apply_new_node", broken)
    with pytest.raises(changes.ChangeRefused, match="Changement n° 3 .* conflit d'écriture"):
        changes.apply_decision(decision, plan.users["coordinator"])
    assert _state(plan.project) == before


@pytest.mark.parametrize(
    "write, message",
    [
        (lambda s: changes.status_change(s.decision, s.plan.actions["guide"], "done"), "a déjà le statut « Terminée »"),
        (lambda s: changes.new_action(s.decision, "A1", "Doublon", node=s.plan.nodes["obj22"]), "déjà utilisée"),
        (lambda s: changes.new_action(s.decision, "A/9", "Barre", node=s.plan.nodes["obj22"]), "« / »"),
        (lambda s: changes.new_action(s.decision, "A9", "Sans nœud"), "choisissez le nœud"),
        (lambda s: changes.new_action(s.decision, "A9", " ", node=s.plan.nodes["obj22"]), "intitulé"),
        (
            lambda s: changes.postponement(s.decision, s.plan.actions["guide"], end_date=datetime.date(2026, 1, 1)),
            "terminée ou abandonnée",
        ),
        (lambda s: changes.postponement(s.decision, s.plan.actions["parents"]), "indiquez la période"),
        (
            lambda s: changes.new_node(s.decision, "Trop haut", s.plan.levels[0], parent=s.plan.nodes["axe2"]),
            "doit être plus profond que celui du parent",
        ),
        (
            lambda s: changes.new_node(
                s.decision, "Doublon", s.plan.levels[1], code="2.1", parent=s.plan.nodes["axe2"]
            ),
            "a déjà le code « 2.1 »",
        ),
        (
            lambda s: changes.new_node(s.decision, "Niveau étranger", LevelFactory(project=ProjectFactory())),
            "appartient à un autre projet",
        ),
    ],
    ids=[
        "same-status",
        "ref-taken",
        "ref-slash",
        "no-node",
        "no-title",
        "postpone-done",
        "postpone-nothing",
        "level-not-deeper",
        "code-taken",
        "foreign-level",
    ],
)
def test_a_change_that_could_not_be_made_is_refused_when_written(steered, write, message):
    with pytest.raises(ValidationError, match=f"(?i){message}"):
        write(steered)
    assert not DecisionChange.objects.filter(decision__meeting__project=steered.project).exists()
    assert not steered.decision.actions.exists()


def test_the_same_reference_twice_in_one_decision_is_refused(steered):
    changes.new_action(steered.decision, "A9", "Une", node=steered.plan.nodes["obj22"])
    with pytest.raises(ValidationError, match="déjà prévue par un autre changement"):
        changes.new_action(steered.decision, "A9", "Deux", node=steered.plan.nodes["obj22"])


def test_a_postponed_action_is_no_longer_counted_late(steered):
    plan = steered.plan
    permanence = plan.actions["permanence"]  # in progress, ended a month ago: late
    changes.postponement(steered.decision, permanence, period=steered.periods["later"])
    changes.apply_decision(steered.decision, plan.users["coordinator"])
    permanence.refresh_from_db()
    # Postponed to a period without a new date: it ends with the period, its old end date no longer makes it late.
    assert permanence.status == "postponed" and permanence.end_date == datetime.date(2026, 12, 31)


def test_a_pending_change_can_be_taken_back_an_applied_one_cannot(steered):
    plan, decision = steered.plan, steered.decision
    node = changes.new_node(decision, "Vieillir chez soi", plan.levels[1], code="2.3", parent=plan.nodes["axe2"])
    below = changes.new_action(decision, "A9", "Visites", node_change=node)
    changes.remove_change(node)
    assert not DecisionChange.objects.filter(pk=below.pk).exists()  # it built on the node taken back
    status = changes.status_change(decision, plan.actions["permanence"], "done")
    changes.apply_decision(decision, plan.users["coordinator"])
    with pytest.raises(ValidationError, match="déjà appliqué"):
        changes.remove_change(DecisionChange.objects.get(pk=status.pk))


def test_nodes_a_change_points_at_get_a_key_for_the_interchange_document(steered):
    plan = steered.plan
    assert plan.nodes["obj22"].key == ""
    change = changes.new_action(steered.decision, "A9", "Visites", node=plan.nodes["obj22"])
    assert Node.objects.get(pk=plan.nodes["obj22"].pk).key == "22"
    node = changes.new_node(
        steered.decision, "Vieillir chez soi", plan.levels[1], code="2.3", parent=plan.nodes["axe2"]
    )
    assert node.key == "23" and change.node.key == "22"


def test_descriptions_read_in_the_projects_words(steered):
    plan = steered.plan
    plan.project.labels.create(vocabulary="status", code="done", label="Réalisée")
    change = changes.status_change(steered.decision, plan.actions["permanence"], "done")
    assert changes.describe(change) == "A2 Permanence d'accès aux droits : En cours → Réalisée"
    later = changes.postponement(
        steered.decision, plan.actions["parents"], period=steered.periods["later"], end_date=datetime.date(2026, 6, 30)
    )
    assert changes.describe(later) == "A3 Café des parents : reportée à 2025-2026, fin au 30/06/2026"
    node = changes.new_node(steered.decision, "Vieillir", plan.levels[1], code="2.3", parent=plan.nodes["axe2"])
    assert changes.describe(node) == "Nouveau nœud Objectif 2.3 « Vieillir » sous « 2 Grandir ensemble »"
    below = changes.new_action(steered.decision, "A9", "Visites", node_change=node)
    assert changes.describe(below) == "Nouvelle action A9 « Visites » sous le nouveau nœud « 2.3 Vieillir »"


def test_another_decision_of_the_same_project_does_not_see_these_changes(steered):
    other = make_steered(title="Un autre plan")
    changes.new_action(steered.decision, "A9", "Visites", node=steered.plan.nodes["obj22"])
    # The same ref in another project is free.
    changes.new_action(other.decision, "A9", "Visites", node=other.plan.nodes["obj22"])
    changes.apply_decision(other.decision, other.plan.users["coordinator"])
    assert not DecisionChange.objects.filter(decision=steered.decision, applied_at__isnull=False).exists()
