"""The figures of a project's dashboard, computed in the database in a fixed number of queries.

Counts are of top-level actions (sub-actions are steps of an action, the lists and the panorama
count them with their parent). Each completeness figure names the actions list filter that shows
the same actions, so a number on the dashboard always opens the list it counts.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Value, When
from django.urls import reverse

from maillage.actions.counting import fiches
from maillage.actions.models import Action, ActionNode
from maillage.actions.progress import STATUS_ORDER, Overdue, late_q, overdue, status_counts, with_last_year
from maillage.diagnostic.models import Enjeu
from maillage.governance.models import Meeting

from .models import Node

RECENT_SHOWN = 8
MEETINGS_SHOWN = 5
LATE_SHOWN = 5  # the late actions named on the first screen, the most overdue first


def action_list_url(project) -> str:
    """The actions list of the project (its query parameters are the list's public contract)."""
    return reverse("action-list", args=[project.slug])


@dataclass
class RootFigures:
    node: Node
    counts: dict[str, int]
    total: int


@dataclass
class Figures:
    total: int
    counts: dict[str, int]
    late: int
    roots: list[RootFigures]
    unplaced: int
    recent: list[Action]
    meetings: list[Meeting]
    without_lead: int
    without_indicator: int
    without_partner: int
    enjeux_total: int
    enjeux_without_action: list[Enjeu] = field(default_factory=list)
    most_late: list[Overdue] = field(default_factory=list)

    @property
    def done_share(self) -> int:
        return round(100 * self.counts.get("done", 0) / self.total) if self.total else 0

    @property
    def late_share(self) -> int:
        return round(100 * self.late / self.total) if self.total else 0


def _root_of(nodes: list[tuple[int, int | None]]) -> dict[int, int]:
    """Each node's top-level ancestor, from (pk, parent_id) pairs."""
    parent = dict(nodes)
    roots = {}
    for pk in parent:
        seen, current = set(), pk
        while parent.get(current) is not None and current not in seen:
            seen.add(current)
            current = parent[current]
        roots[pk] = current
    return roots


def figures(project, today: datetime.date | None = None) -> Figures:
    today = today or datetime.date.today()
    actions = fiches(project)
    counts = status_counts(actions)
    total = sum(counts.values())
    late = with_last_year(actions).filter(late_q(today)).count()

    nodes = list(Node.objects.filter(project=project).select_related("level").order_by("position", "pk"))
    root_of = _root_of([(node.pk, node.parent_id) for node in nodes])
    root_nodes = [node for node in nodes if node.parent_id is None]
    by_root = {node.pk: dict.fromkeys(STATUS_ORDER, 0) for node in root_nodes}
    totals = dict.fromkeys(by_root, 0)
    placed = ActionNode.objects.filter(node__project=project, action__parent__isnull=True)
    if root_nodes:
        # Which top-level node each placement falls under, decided in the database (no row per action).
        under = Case(
            *[
                When(node_id__in=[pk for pk, root in root_of.items() if root == node.pk], then=Value(node.pk))
                for node in root_nodes
            ],
            output_field=IntegerField(),
        )
        rows = placed.annotate(root=under).order_by().values("root", "action__status")
        for row in rows.annotate(n=Count("action", distinct=True)):
            if row["root"] in by_root:
                by_root[row["root"]][row["action__status"]] = row["n"]
        for row in placed.annotate(root=under).order_by().values("root").annotate(n=Count("action", distinct=True)):
            if row["root"] in totals:
                totals[row["root"]] = row["n"]

    enjeux = list(Enjeu.objects.filter(project=project).order_by("position", "pk"))
    links = Enjeu.nodes.through.objects.filter(enjeu__project=project).values_list("enjeu_id", "node_id")
    nodes_with_actions = set(placed.values_list("node_id", flat=True).distinct())
    children = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node.pk)

    def has_action(pk):
        stack, seen = [pk], set()
        while stack:
            current = stack.pop()
            if current in nodes_with_actions:
                return True
            if current not in seen:
                seen.add(current)
                stack.extend(children.get(current, []))
        return False

    answered = {enjeu_id for enjeu_id, node_id in links if has_action(node_id)}

    return Figures(
        total=total,
        counts=counts,
        late=late,
        roots=[RootFigures(node=node, counts=by_root[node.pk], total=totals[node.pk]) for node in root_nodes],
        unplaced=actions.filter(placements__isnull=True).count(),
        recent=list(actions.order_by("-modified_at", "-pk")[:RECENT_SHOWN]),
        meetings=list(
            Meeting.objects.filter(project=project, date__gte=today)
            .select_related("body")
            .order_by("date", "start_time", "position")[:MEETINGS_SHOWN]
        ),
        without_lead=actions.filter(leads__isnull=True, lead_organisation__isnull=True).count(),
        without_indicator=actions.filter(indicators__isnull=True).count(),
        without_partner=actions.filter(partner_roles__isnull=True).count(),
        enjeux_total=len(enjeux),
        enjeux_without_action=[enjeu for enjeu in enjeux if enjeu.pk not in answered],
        most_late=overdue(actions, today, limit=LATE_SHOWN) if late else [],
    )
