"""The strategy tree in memory: every node with its children and its actions, in a fixed number of
queries whatever the size of the plan (the tree screen, the public plan and the dashboard use it).

A plan of thousands of actions is not drawn whole: above ``INLINE_PLACEMENTS`` placed actions, the
tree screen and the public plan show every node with the number of its actions, and each node's
actions come in on demand, ``BRANCH_PAGE`` at a time (:func:`tree_page`, :func:`branch_page`).
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count

from maillage.actions.models import Action, ActionNode

from .models import Node

INLINE_PLACEMENTS = 300
BRANCH_PAGE = 100


@dataclass
class Branch:
    node: Node
    children: list["Branch"] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    count: int = 0  # the node's own actions, when they are not loaded (a plan drawn branch by branch)

    def all_actions(self):
        """This node's actions and those of its descendants, each once, in tree order."""
        seen, result = set(), []
        stack = [self]
        while stack:
            branch = stack.pop(0)
            for action in branch.actions:
                if action.pk not in seen:
                    seen.add(action.pk)
                    result.append(action)
            stack[0:0] = branch.children
        return result


def skeleton(project) -> tuple[list[Branch], dict[int, Branch]]:
    """The tree's nodes without their actions: the roots, and every branch by node id."""
    nodes = list(Node.objects.filter(project=project).select_related("level").order_by("position", "pk"))
    branches = {node.pk: Branch(node) for node in nodes}
    roots = []
    for node in nodes:
        parent = branches.get(node.parent_id)
        (parent.children if parent else roots).append(branches[node.pk])
    return roots, branches


def build_tree(project, actions=None) -> list[Branch]:
    """The roots of the project's tree. ``actions`` (a queryset of the project's actions) limits the
    actions shown, e.g. to a filtered list or to top-level actions only; default: actions without parent."""
    roots, branches = skeleton(project)
    if actions is None:
        actions = Action.objects.filter(project=project, parent__isnull=True)
    by_pk = {action.pk: action for action in actions}
    placements = ActionNode.objects.filter(node__project=project, action_id__in=list(by_pk)).order_by(
        "position", "action__position"
    )
    for node_id, action_id in placements.values_list("node_id", "action_id"):
        branches[node_id].actions.append(by_pk[action_id])
    return roots


@dataclass
class TreePage:
    """What a tree screen draws: the branches, and either every action (``inline``) or per-node counts."""

    roots: list[Branch]
    inline: bool
    unplaced: list[Action]
    unplaced_count: int


def tree_page(project, actions) -> TreePage:
    """The tree of ``actions`` (the project's top-level actions, as the screens show them), whole when
    the plan is small, with per-node counts computed in the database when it is large."""
    placements = ActionNode.objects.filter(node__project=project, action__in=actions)
    unplaced = actions.filter(placements__isnull=True)
    shown = list(unplaced[:INLINE_PLACEMENTS])
    total = len(shown) if len(shown) < INLINE_PLACEMENTS else unplaced.count()
    if placements.count() <= INLINE_PLACEMENTS:
        return TreePage(build_tree(project, actions), True, shown, total)
    roots, branches = skeleton(project)
    for node_id, count in placements.values("node_id").annotate(n=Count("pk")).values_list("node_id", "n"):
        branches[node_id].count = count
    return TreePage(roots, False, shown, total)


def branch_page(project, node, actions, number):
    """One page of ``node``'s own actions (``actions``: the project's actions the screen shows), in the
    node's order: what a branch of a large plan shows when it is opened."""
    placed = (
        ActionNode.objects.filter(node=node, action__in=actions)
        .select_related("action")
        .order_by("position", "action__position", "pk")
    )
    page = Paginator(placed, BRANCH_PAGE).get_page(number)
    page.actions = [placement.action for placement in page.object_list]
    return page


def unplaced_actions(project, actions=None) -> list[Action]:
    """Actions under no node: they exist, the tree screen must show them somewhere."""
    if actions is None:
        actions = Action.objects.filter(project=project, parent__isnull=True)
    return list(actions.filter(placements__isnull=True))


def walk(roots):
    """Every branch with its depth, parents before children."""
    stack = [(branch, 1) for branch in roots]
    while stack:
        branch, depth = stack.pop(0)
        yield branch, depth
        stack[0:0] = [(child, depth + 1) for child in branch.children]
