"""The roll-up of a network: each project declined from a framework side by side, and the network's totals.

One row per *direct* child of the framework, holding the figures of its whole subtree (the child and
every project declined from it), so that a CAF's roll-up compares its CTGs with their perimeters
inside; each row with children opens the child's own roll-up. The framework's own actions are a line
of their own, and the totals add them to the children's.

Counted in the database whatever the number of projects, in three queries: the network's projects,
the top-level actions grouped by project (by status, late, last change — ``late`` is the rule of
``actions.progress``, written as conditions so that it groups), and the answers to each project's
latest opened campaign grouped by project. Subtrees are then summed in memory over the projects' rows.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery

from maillage.actions.models import Action
from maillage.actions.progress import OPEN, STATUS_ORDER

from .models import Project
from .network import descendants_q

# The sortable columns: the query parameter ``tri`` (``-`` first for the descending order).
SORTS = ["titre", "actions", *STATUS_ORDER, "terminees", "retard", "maj", "campagnes", "indicateurs", "projets"]


@dataclass
class Figures:
    """The counts of one project, or of several added together."""

    counts: dict = field(default_factory=lambda: dict.fromkeys(STATUS_ORDER, 0))
    total: int = 0
    late: int = 0
    last_change: datetime.datetime | None = None
    answered: int = 0  # answers sent (submitted or accepted) to the latest opened campaign
    expected: int = 0  # actions asked in it
    reporting: int = 0  # indicators reporting against a common indicator of a framework

    def add(self, other: "Figures") -> None:
        for code, n in other.counts.items():
            self.counts[code] = self.counts.get(code, 0) + n
        self.total += other.total
        self.late += other.late
        self.answered += other.answered
        self.expected += other.expected
        self.reporting += other.reporting
        if other.last_change and (self.last_change is None or other.last_change > self.last_change):
            self.last_change = other.last_change

    @property
    def done(self) -> int:
        return self.counts.get("done", 0)

    @property
    def done_share(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def late_share(self) -> int:
        return round(100 * self.late / self.total) if self.total else 0

    @property
    def answered_share(self) -> int | None:
        return round(100 * self.answered / self.expected) if self.expected else None


@dataclass
class Member:
    """A project of the network, as the roll-up names it (no action, no person)."""

    pk: int
    parent_id: int
    slug: str
    title: str
    kind: str
    published: bool


@dataclass
class Row:
    project: Member
    figures: Figures  # the child and everything declined from it
    own: Figures  # the child's own actions
    below: int  # projects declined from the child, at any depth
    readable: bool = False  # the viewer may open the child's pages


@dataclass
class Rollup:
    project: Project
    rows: list[Row]
    own: Figures  # the framework's own actions
    children: Figures  # every declined project together
    total: Figures  # the whole network: the framework and its declined projects
    projects: int  # declined projects, at any depth

    def sorted(self, key: str) -> list[Row]:
        """The rows in the order of ``tri`` (unknown values sort by title)."""
        descending = key.startswith("-")
        name = key.lstrip("-")
        if name not in SORTS:
            name, descending = "titre", False

        def value(row: Row):
            f = row.figures
            return {
                "titre": row.project.title.casefold(),
                "actions": f.total,
                "terminees": (f.done_share, f.done),
                "retard": (f.late_share, f.late),
                "maj": f.last_change.timestamp() if f.last_change else 0,
                "campagnes": -1 if f.answered_share is None else f.answered_share,
                "indicateurs": f.reporting,
                "projets": row.below,
            }.get(name, f.counts.get(name, 0))

        rows = sorted(self.rows, key=lambda row: row.project.title.casefold())  # ties by title
        return sorted(rows, key=value, reverse=descending)


def late_condition(today: datetime.date) -> Q:
    """``actions.progress.late_q`` without its ``Max`` annotation, so that it can filter a grouped count:
    an open action past its end date, or without one, planned in periods that are all over."""
    periods = Action.periods.through.objects.filter(action_id=OuterRef("pk"))
    in_periods = Exists(periods)
    still_running = Exists(periods.filter(period__last_year__gte=today.year))
    past = Q(end_date__lt=today) | (Q(end_date__isnull=True) & Q(in_periods) & ~Q(still_running))
    return Q(status__in=OPEN) & past


def grouped_queries(project_ids, today: datetime.date):
    """The two grouped queries (actions; answers to each project's latest campaign), not yet run."""
    from maillage.campaigns.models import Answer, Campaign

    statuses = {f"s_{code}": Count("pk", filter=Q(status=code)) for code in STATUS_ORDER}
    rows = (
        Action.objects.filter(project_id__in=project_ids, parent__isnull=True)
        .order_by()
        .values("project_id")
        .annotate(
            total=Count("pk"), late=Count("pk", filter=late_condition(today)), last=Max("modified_at"), **statuses
        )
    )
    latest = (
        Campaign.objects.filter(project_id=OuterRef("campaign__project_id"))
        .exclude(state=Campaign.State.DRAFT)
        .order_by("-opened_at", "-pk")
        .values("pk")[:1]
    )
    answers = (
        Answer.objects.filter(campaign__project_id__in=project_ids, campaign_id=Subquery(latest))
        .order_by()
        .values("campaign__project_id")
        .annotate(expected=Count("pk"), answered=Count("pk", filter=Q(state__in=Answer.SENT)))
    )
    return rows, answers


def action_figures(project_ids, today: datetime.date) -> dict[int, Figures]:
    """Each project's own figures, in two grouped queries (``grouped_queries``)."""
    by_project = {pk: Figures() for pk in project_ids}
    rows, answers = grouped_queries(project_ids, today)
    for row in rows:
        figures = by_project[row["project_id"]]
        figures.total, figures.late, figures.last_change = row["total"], row["late"], row["last"]
        figures.counts = {code: row[f"s_{code}"] for code in STATUS_ORDER}
    for row in answers:
        figures = by_project[row["campaign__project_id"]]
        figures.expected, figures.answered = row["expected"], row["answered"]
    for row in reporting_counts(project_ids):
        by_project[row["indicator__action__project_id"]].reporting = row["n"]
    return by_project


def reporting_counts(project_ids):
    """Per project, its indicators that report against a framework's common indicator (one grouped query)."""
    from maillage.frameworks.models import IndicatorReport

    return (
        IndicatorReport.objects.filter(indicator__action__project_id__in=project_ids)
        .order_by()
        .values("indicator__action__project_id")
        .annotate(n=Count("pk"))
    )


def network_members(project: Project) -> list[Member]:
    """Every project declined from ``project`` at any depth, in one query."""
    found = Project.objects.filter(descendants_q([project.pk])).order_by("title", "pk")
    return [Member(**row) for row in found.values("pk", "parent_id", "slug", "title", "kind", "published")]


def rollup(project: Project, today: datetime.date | None = None, readable=None) -> Rollup:
    """The roll-up of ``project``'s network; ``readable``: the pks the viewer may open (all by default)."""
    today = today or datetime.date.today()
    members = network_members(project)
    own = action_figures([project.pk, *(m.pk for m in members)], today)
    children_of: dict[int, list[int]] = {}
    for member in members:
        children_of.setdefault(member.parent_id, []).append(member.pk)

    def subtree(pk: int) -> list[int]:
        found, stack = [], [pk]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(children_of.get(current, []))
        return found

    rows, children = [], Figures()
    for member in members:
        if member.parent_id != project.pk:
            continue
        summed, inside = Figures(), subtree(member.pk)
        for pk in inside:
            summed.add(own[pk])
        children.add(summed)
        is_readable = True if readable is None else member.pk in readable
        rows.append(Row(member, summed, own[member.pk], len(inside) - 1, is_readable))
    total = Figures()
    total.add(own[project.pk])
    total.add(children)
    return Rollup(project, rows, own[project.pk], children, total, len(members))
