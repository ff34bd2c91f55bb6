"""The strategy tree in memory: every node with its children and its actions, in a fixed number of
queries whatever the size of the plan (the tree screen, the public plan and the dashboard use it)."""

from dataclasses import dataclass, field

from maillage.actions.models import Action, ActionNode

from .models import Node


@dataclass
class Branch:
    node: Node
    children: list["Branch"] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

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


def build_tree(project, actions=None) -> list[Branch]:
    """The roots of the project's tree. ``actions`` (a queryset of the project's actions) limits the
    actions shown, e.g. to a filtered list or to top-level actions only; default: actions without parent."""
    nodes = list(Node.objects.filter(project=project).select_related("level").order_by("position", "pk"))
    branches = {node.pk: Branch(node) for node in nodes}
    roots = []
    for node in nodes:
        parent = branches.get(node.parent_id)
        (parent.children if parent else roots).append(branches[node.pk])
    if actions is None:
        actions = Action.objects.filter(project=project, parent__isnull=True)
    by_pk = {action.pk: action for action in actions}
    placements = ActionNode.objects.filter(node__project=project, action_id__in=list(by_pk)).order_by(
        "position", "action__position"
    )
    for node_id, action_id in placements.values_list("node_id", "action_id"):
        branches[node_id].actions.append(by_pk[action_id])
    return roots


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
