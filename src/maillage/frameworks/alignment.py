"""What a framework receives from the plans declined from it, in a fixed number of queries.

The framework page of a plan shows, for each node of its tree, the actions of every child plan (at
any depth) that serve it — declared on the action itself, or on a node of the child's tree where the
action is placed — and its coverage: how many plans contribute, out of how many. A node's coverage
counts its own contributions and those of the nodes below it: an engagement is served by the actions
of its chantiers. Only the plans the reader may open count, so that a private plan shows nowhere.

Common indicators add up the values of the child indicators that report against them, year by year:
each child indicator counts once a year, with its latest value of that year.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from maillage.accounts.access import readable_projects
from maillage.actions.models import Action, ActionNode
from maillage.evaluation.models import IndicatorValue
from maillage.projects.models import Node, Project
from maillage.projects.network import descendants_q
from maillage.projects.tree import skeleton, walk

from .models import ActionContribution, FrameworkIndicator, NodeContribution
from .rules import framework_project_ids


def descendant_projects(project, user):
    """The plans declined from ``project`` at any depth that ``user`` may open, in title order (one query)."""
    return list(
        readable_projects(user).filter(descendants_q([project.pk])).only("pk", "slug", "title", "kind", "published")
    )


@dataclass
class Contribution:
    action: Action
    via: Node | None = None  # the child's node that serves the framework node, when not the action itself


@dataclass
class FrameworkNode:
    node: Node
    depth: int
    contributions: list[Contribution] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)  # child nodes declaring this one
    action_ids: set = field(default_factory=set)  # with the nodes below
    project_ids: set = field(default_factory=set)  # with the nodes below

    @property
    def indent(self) -> str:
        return "— " * (self.depth - 1)


@dataclass
class FrameworkView:
    project: Project
    children: list[Project]
    nodes: list[FrameworkNode]
    indicators: list["CommonIndicator"]

    @property
    def uncovered(self) -> list[FrameworkNode]:
        return [entry for entry in self.nodes if not entry.action_ids]


def framework_view(project, user) -> FrameworkView:
    children = descendant_projects(project, user)
    child_ids = [child.pk for child in children]
    roots, branches = skeleton(project)
    entries = {}
    ordered = []
    for branch, depth in walk(roots):
        entries[branch.node.pk] = FrameworkNode(branch.node, depth)
        ordered.append(entries[branch.node.pk])
    if child_ids and entries:
        _fill(entries, child_ids)
        _roll_up(roots, entries)
    return FrameworkView(project, children, ordered, common_indicators(project, child_ids))


def _fill(entries, child_ids):
    direct = list(
        ActionContribution.objects.filter(framework_node_id__in=entries, action__project_id__in=child_ids)
        .select_related("action__project")
        .order_by("action__project__title", "action__position", "action__pk")
    )
    for link in direct:
        entries[link.framework_node_id].contributions.append(Contribution(link.action))
    declared = list(
        NodeContribution.objects.filter(framework_node_id__in=entries, node__project_id__in=child_ids)
        .select_related("node__project", "node__level")
        .order_by("node__project__title", "node__position")
    )
    served_by_node = {}
    for link in declared:
        entries[link.framework_node_id].nodes.append(link.node)
        served_by_node.setdefault(link.node_id, []).append(link.framework_node_id)
    if served_by_node:
        placed = (
            ActionNode.objects.filter(node_id__in=served_by_node, action__parent__isnull=True)
            .select_related("action__project", "node")
            .order_by("action__project__title", "position", "action__pk")
        )
        listed = {(link.framework_node_id, link.action_id) for link in direct}
        for placement in placed:
            for framework_node in served_by_node[placement.node_id]:
                if (framework_node, placement.action_id) not in listed:
                    listed.add((framework_node, placement.action_id))
                    entries[framework_node].contributions.append(Contribution(placement.action, via=placement.node))
    for entry in entries.values():
        entry.contributions.sort(key=lambda c: (c.action.project.title, c.action.position, c.action.pk))
        entry.action_ids = {c.action.pk for c in entry.contributions}
        entry.project_ids = {c.action.project_id for c in entry.contributions} | {n.project_id for n in entry.nodes}


def _roll_up(roots, entries):
    def visit(branch):
        entry = entries[branch.node.pk]
        for child in branch.children:
            below = visit(child)
            entry.action_ids |= below.action_ids
            entry.project_ids |= below.project_ids
        return entry

    for root in roots:
        visit(root)


# --- the actions' side: what a fiche serves --------------------------------------------------------


def served_by_action(action, public: bool = False) -> list[Node]:
    """The framework nodes an action serves, itself or through the nodes it is placed in (3 queries).
    ``public``: only those of published frameworks, for a visitor."""
    own = ActionContribution.objects.filter(action=action).values_list("framework_node_id", flat=True)
    through = NodeContribution.objects.filter(node__placements__action=action).values_list(
        "framework_node_id", flat=True
    )
    ids = set(own) | set(through)
    if not ids:
        return []
    nodes = Node.objects.filter(pk__in=ids).select_related("project", "level")
    if public:
        nodes = nodes.filter(project__published=True)
    return list(nodes.order_by("project__title", "position"))


def framework_choices(project) -> list[tuple[Project, list[tuple[Node, int]]]]:
    """The trees ``project`` may serve: each plan it is declined from, nearest first, with its nodes in
    tree order and their depth (one query per plan above, at most ``MAX_NETWORK_DEPTH``)."""
    ancestors = framework_project_ids(project)
    plans = Project.objects.in_bulk(ancestors)
    return [(plans[pk], [(branch.node, depth) for branch, depth in walk(skeleton(plans[pk])[0])]) for pk in ancestors]


# --- common indicators -----------------------------------------------------------------------------


@dataclass
class CommonIndicator:
    indicator: FrameworkIndicator
    years: list[int]
    totals: list[Decimal]
    plans: list[int]  # plans reporting, year by year
    reporting: int  # child indicators reporting, any year

    @property
    def rows(self):
        return list(zip(self.years, self.totals, self.plans, strict=True))


def common_indicators(project, child_ids) -> list[CommonIndicator]:
    """Each common indicator of ``project`` with its total (or mean) per year over the child plans."""
    indicators = list(FrameworkIndicator.objects.filter(project=project).select_related("node"))
    if not indicators:
        return []
    rows = (
        IndicatorValue.objects.filter(
            indicator__framework_report__framework_indicator__project=project,
            indicator__action__project_id__in=child_ids,
            value__isnull=False,
            year__isnull=False,
        )
        .values_list(
            "indicator__framework_report__framework_indicator_id",
            "indicator_id",
            "indicator__action__project_id",
            "year",
            "value",
        )
        .order_by("year", "sort_date", "position", "pk")
    )
    latest = {}  # (common, indicator, year) -> (plan, value): the last value of the year wins
    reporting = {}
    for common, indicator, plan, year, value in rows:
        latest[(common, indicator, year)] = (plan, value)
        reporting.setdefault(common, set()).add(indicator)
    result = []
    for common in indicators:
        by_year = {}
        for (c, _indicator, year), (plan, value) in latest.items():
            if c == common.pk:
                values, plans = by_year.setdefault(year, ([], set()))
                values.append(value)
                plans.add(plan)
        years = sorted(by_year)
        totals = []
        for year in years:
            values = by_year[year][0]
            total = sum(values, Decimal(0))
            totals.append(total if common.aggregation == FrameworkIndicator.Aggregation.SUM else total / len(values))
        result.append(
            CommonIndicator(
                common,
                years,
                totals,
                [len(by_year[year][1]) for year in years],
                len(reporting.get(common.pk, ())),
            )
        )
    return result
