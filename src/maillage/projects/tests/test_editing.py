"""The tree's editing rules: levels of new nodes, moves without loops, reordering, deletion that keeps actions."""

import pytest
from django.core.exceptions import ValidationError

from maillage.actions.models import Action, ActionNode
from maillage.projects import editing
from maillage.projects.models import Node

from .conftest import build_plan

pytestmark = pytest.mark.django_db


def placed_under(node):
    return set(ActionNode.objects.filter(node=node).values_list("action__ref", flat=True))


def children_titles(project, parent):
    return list(
        Node.objects.filter(project=project, parent=parent).order_by("position", "pk").values_list("code", flat=True)
    )


def test_a_new_node_takes_the_level_below_its_parent_and_goes_last(plan):
    root = editing.add_node(plan.project, None, "  Vivre ensemble  ", "3")
    assert root.level.name == "Axe" and root.title == "Vivre ensemble" and root.parent is None
    assert children_titles(plan.project, None) == ["1", "2", "3"]
    child = editing.add_node(plan.project, plan.nodes["axe2"], "Créer des liens", "2.3")
    assert child.level.name == "Objectif"
    assert children_titles(plan.project, plan.nodes["axe2"]) == ["2.1", "2.2", "2.3"]


def test_no_node_below_the_deepest_level(plan):
    with pytest.raises(ValidationError) as error:
        editing.add_node(plan.project, plan.nodes["sub111"], "Trop profond")
    assert "le plus profond du projet" in str(error.value)
    assert not Node.objects.filter(title="Trop profond").exists()


def test_a_node_code_is_unique_in_its_project(plan):
    with pytest.raises(ValidationError) as error:
        editing.add_node(plan.project, None, "Doublon", "1")
    assert "code" in error.value.message_dict
    with pytest.raises(ValidationError):
        editing.rename_node(plan.nodes["axe2"], "Grandir", "1")
    plan.nodes["axe2"].refresh_from_db()
    assert plan.nodes["axe2"].code == "2"


def test_move_refuses_a_loop_with_the_models_message(plan):
    axe1, obj11 = plan.nodes["axe1"], plan.nodes["obj11"]
    sub = editing.add_node(plan.project, obj11, "Une branche")
    with pytest.raises(ValidationError) as error:
        editing.move_node(obj11, sub)
    assert "Un nœud ne peut pas être placé sous lui-même." in error.value.message_dict["parent"]
    obj11.refresh_from_db()
    assert obj11.parent_id == axe1.pk


def test_move_refuses_a_parent_of_the_same_level(plan):
    with pytest.raises(ValidationError) as error:
        editing.move_node(plan.nodes["obj11"], plan.nodes["obj21"])
    assert "doit être plus profond que celui du parent" in str(error.value)


def test_move_takes_the_branch_and_its_actions_along(plan):
    obj11 = editing.move_node(plan.nodes["obj11"], plan.nodes["axe2"])
    assert obj11.parent == plan.nodes["axe2"]
    assert children_titles(plan.project, plan.nodes["axe2"]) == ["2.1", "2.2", "1.1"]
    assert Node.objects.get(pk=plan.nodes["sub111"].pk).parent_id == obj11.pk
    assert placed_under(plan.nodes["sub111"]) == {"A1"}


def test_move_refuses_another_projects_parent(plan):
    other = build_plan(title="Autre projet")
    with pytest.raises(ValidationError):
        editing.move_node(plan.nodes["obj11"], other.nodes["axe1"])


def test_reorder_swaps_with_a_sibling_and_stops_at_the_ends(plan):
    project, axe1 = plan.project, plan.nodes["axe1"]
    assert editing.reorder_node(plan.nodes["obj12"], "up")
    assert children_titles(project, axe1) == ["1.2", "1.1"]
    assert not editing.reorder_node(plan.nodes["obj12"], "up")
    assert editing.reorder_node(plan.nodes["obj12"], "down")
    assert children_titles(project, axe1) == ["1.1", "1.2"]
    assert not editing.reorder_node(plan.nodes["obj12"], "down")
    assert not editing.reorder_node(plan.nodes["obj12"], "sideways")


def test_reorder_mends_equal_positions(plan):
    Node.objects.filter(parent=plan.nodes["axe1"]).update(position=0)
    editing.reorder_node(plan.nodes["obj12"], "up")
    positions = list(
        Node.objects.filter(parent=plan.nodes["axe1"]).order_by("position").values_list("code", "position")
    )
    assert positions == [("1.2", 0), ("1.1", 1)]


def test_delete_a_node_with_children_needs_confirmation(plan):
    with pytest.raises(ValidationError) as error:
        editing.delete_node(plan.nodes["axe1"])
    assert "confirmez la suppression de toute la branche" in str(error.value)
    assert Node.objects.filter(pk=plan.nodes["sub111"].pk).exists()


def test_delete_moves_the_actions_of_the_branch_to_another_node(plan):
    target = plan.nodes["obj21"]  # already holds A3, which is also under 1.1
    moved = editing.delete_node(plan.nodes["axe1"], actions_to=target, branch_confirmed=True)
    assert moved == 2  # A1 and A2; A3 was already there
    assert placed_under(target) == {"A1", "A2", "A3"}
    assert not Node.objects.filter(pk__in=[plan.nodes[k].pk for k in ("axe1", "obj11", "obj12", "sub111")]).exists()
    assert Action.objects.filter(project=plan.project).count() == 4


def test_delete_can_leave_actions_unplaced(plan):
    editing.delete_node(plan.nodes["obj12"])
    permanence = plan.actions["permanence"]
    assert Action.objects.filter(pk=permanence.pk).exists()
    assert not permanence.placements.exists()


def test_delete_refuses_a_target_inside_the_branch(plan):
    with pytest.raises(ValidationError) as error:
        editing.delete_node(plan.nodes["axe1"], actions_to=plan.nodes["sub111"], branch_confirmed=True)
    assert "branche supprimée" in str(error.value)
    assert Node.objects.filter(pk=plan.nodes["axe1"].pk).exists()


def test_an_action_can_serve_several_nodes(plan):
    guide = plan.actions["guide"]
    editing.place_action(guide, plan.nodes["obj22"])
    assert set(guide.nodes.values_list("code", flat=True)) == {"1.1.1", "2.2"}
    with pytest.raises(ValidationError) as error:
        editing.place_action(guide, plan.nodes["obj22"])
    assert "déjà placée" in str(error.value)
    assert editing.unplace_action(guide, plan.nodes["obj22"])
    assert not editing.unplace_action(guide, plan.nodes["obj22"])
    assert set(guide.nodes.values_list("code", flat=True)) == {"1.1.1"}


def test_an_action_cannot_go_under_another_projects_node(plan):
    other = build_plan(title="Autre projet")
    with pytest.raises(ValidationError):
        editing.place_action(plan.actions["guide"], other.nodes["axe1"])
    assert not ActionNode.objects.filter(action=plan.actions["guide"], node=other.nodes["axe1"]).exists()
