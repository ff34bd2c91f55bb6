"""The panorama (the Genas seed's): for each node, its actions in one column per status, with counts.

One definition for the screen (``/projets/<slug>/panorama/``) and the written document
(``documents.annex.building.panorama_document``): which statuses make columns and in what order,
their headings, which actions count (top-level ones: a sub-action is a step of its action), and
which nodes appear (those with actions, with their ancestors).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from maillage.projects.models import Node

from .models import ActionNode

# The Genas seed's columns first (terminées, reportées, nouvelles, en continu); the other statuses
# follow when the project uses them.
COLUMNS = ["done", "postponed", "planned", "continuous", "in_progress", "blocked", "abandoned"]


def plural(label: str) -> str:
    """ "Terminée" → "Terminées"; "En continu", "À venir" stay as they are."""
    return label + "s" if label and label[-1] in "ée" and " " not in label else label


def node_heading(node) -> str:
    """ "Objectif 1.1 — …" with the project's level name, unless the code already says it ("Visée 1")."""
    return node.heading


@dataclass
class Column:
    status: str
    heading: str  # "Terminées"
    actions: list

    @property
    def title(self) -> str:
        """ "Terminées (12)", the column's heading with its count."""
        return f"{self.heading} ({len(self.actions)})"


@dataclass
class Branch:
    node: object
    depth: int  # 1 for a top-level node
    columns: list[Column]  # empty when the node itself holds no action
    children: list["Branch"] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return node_heading(self.node)

    @property
    def count(self) -> int:
        return sum(len(column.actions) for column in self.columns)


@dataclass
class Panorama:
    statuses: list[str]  # the columns used by the project, in order
    headings: dict[str, str]  # status → plural heading
    counts: dict[str, int]  # status → number of top-level actions
    branches: list[Branch]
    unplaced: list[Column]  # columns of the actions under no node

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> list[tuple[str, str, int]]:
        return [(status, self.headings[status], self.counts[status]) for status in self.statuses]


def build(actions, children, actions_of_node, status_label) -> Panorama:
    """The panorama of ``actions`` (already loaded, in the plan's order).

    ``children``: node id (None for the roots) → its child nodes in order; ``actions_of_node``: node id →
    its actions in placement order; ``status_label(code)``: the project's word for a status.
    """
    top = [action for action in actions if not action.parent_id]
    counts = Counter(action.status for action in top)
    statuses = [status for status in COLUMNS if counts[status]]
    headings = {status: plural(status_label(status)) for status in statuses}
    shown = {action.pk for action in top}

    def columns_of(node_actions) -> list[Column]:
        by_status = defaultdict(list)
        for action in node_actions:
            by_status[action.status].append(action)
        used = [status for status in statuses if by_status[status]] or statuses
        return [Column(status, headings[status], by_status[status]) for status in used]

    def branch(node, depth) -> Branch | None:
        own = [action for action in actions_of_node.get(node.pk, []) if action.pk in shown]
        below = [found for child in children.get(node.pk, []) if (found := branch(child, depth + 1))]
        if not own and not below:
            return None
        return Branch(node, depth, columns_of(own) if own else [], below)

    branches = [found for root in children.get(None, []) if (found := branch(root, 1))]
    placed = {action.pk for node_actions in actions_of_node.values() for action in node_actions}
    loose = [action for action in top if action.pk not in placed]
    return Panorama(statuses, headings, dict(counts), branches, columns_of(loose) if loose else [])


def load(project, actions, labels) -> Panorama:
    """The panorama of a QuerySet of the project's actions (e.g. ``filter_actions``), for the screen:
    four queries reading only what the columns show (reference, title, status), whatever the plan's size."""
    nodes = list(Node.objects.filter(project=project).select_related("level").order_by("position", "pk"))
    children = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    placements = ActionNode.objects.only("node_id", "action_id", "position").order_by("position", "pk")
    top = list(
        actions.filter(parent__isnull=True)
        .only("pk", "ref", "code", "title", "status", "position", "parent_id", "project_id")
        .prefetch_related(Prefetch("placements", queryset=placements))
        .order_by("position", "pk")
    )
    ordered = sorted(
        (
            (placement.node_id, placement.position, action.position, action)
            for action in top
            for placement in action.placements.all()
        ),
        key=lambda item: item[:3],
    )
    actions_of_node = defaultdict(list)
    for node_id, _position, _action_position, action in ordered:
        actions_of_node[node_id].append(action)
    words = labels.get("status", {})
    return build(top, children, actions_of_node, lambda code: words.get(code, code))
