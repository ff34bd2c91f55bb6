"""What the steering committee reads: the late actions by name, indicator progress, the budget planned
against actual by funder and year, the last decisions and the next meetings.

One computation for the screen (``/projets/<slug>/pilotage/``) and the printed COPIL note
(``governance.note``), in a fixed number of queries whatever the size of the plan: the late actions
are sorted and cut in the database, the budget is summed there.

Indicator progress belongs to the evaluation app: ``INDICATOR_FRAGMENT`` is the template the steering
page includes for it (with ``indicators``, the project's indicators), and ``indicator_rows`` what the
note prints. Both are the seam where ``maillage.evaluation.progress`` and its
``evaluation/_progress_table.html`` fragment plug in.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from maillage.actions.budget import BudgetTotals, project_totals
from maillage.actions.models import Action
from maillage.actions.progress import Overdue, late_q, overdue, status_counts, with_last_year
from maillage.evaluation.models import Indicator

from .models import Decision, DecisionChange, Meeting

LATE_SHOWN = 15
DECISIONS_SHOWN = 8
MEETINGS_SHOWN = 5
INDICATORS_SHOWN = 10
# The steering page's indicator block: the lead wires "evaluation/_progress_table.html" here.
INDICATOR_FRAGMENT = "governance/_indicator_progress.html"


def top_level_actions(project):
    """The actions the dashboard counts (sub-actions are steps of their action)."""
    return Action.objects.filter(project=project, parent__isnull=True)


def changes_prefetch() -> Prefetch:
    """A decision's changes with everything :func:`maillage.governance.changes.describe` reads."""
    return Prefetch(
        "changes",
        queryset=DecisionChange.objects.select_related(
            "action", "node", "node_change", "level", "period", "created_node"
        ).order_by("position", "pk"),
    )


def last_decisions(project, until: datetime.date, exclude_meeting=None, limit: int = DECISIONS_SHOWN):
    """The decisions of the meetings held up to ``until``, the most recent first, with their changes and
    how many of them are still to apply."""
    decisions = (
        Decision.objects.filter(meeting__project=project, meeting__date__lte=until)
        .select_related("meeting__body")
        .prefetch_related(changes_prefetch())
        .annotate(pending=Count("changes", filter=Q(changes__applied_at__isnull=True)))
        .order_by("-meeting__date", "-meeting__position", "position", "pk")
    )
    if exclude_meeting is not None:
        decisions = decisions.exclude(meeting=exclude_meeting)
    return list(decisions[:limit])


def next_meetings(project, after: datetime.date, exclude_meeting=None, limit: int = MEETINGS_SHOWN):
    meetings = (
        Meeting.objects.filter(project=project, date__gte=after)
        .select_related("body")
        .order_by("date", "start_time", "position", "pk")
    )
    if exclude_meeting is not None:
        meetings = meetings.exclude(pk=exclude_meeting.pk)
    return list(meetings[:limit])


def indicators_of(project, limit: int = INDICATORS_SHOWN):
    """(the first indicators in plan order with their action, how many the project has)."""
    indicators = (
        Indicator.objects.filter(action__project=project)
        .select_related("action")
        .annotate(value_count=Count("values"))
        .order_by("action__position", "action_id", "position", "pk")
    )
    return list(indicators[:limit]), Indicator.objects.filter(action__project=project).count()


def indicator_rows(indicators) -> list[list[str]]:
    """The note's indicator table (action, indicator, unit, values recorded): the seam where the evaluation
    app's progress (last value, target, share reached) takes over."""
    return [
        [
            f"{indicator.action.code or indicator.action.ref}",
            indicator.title,
            indicator.unit,
            str(indicator.value_count),
        ]
        for indicator in indicators
    ]


@dataclass
class Steering:
    today: datetime.date
    total: int
    counts: dict[str, int]
    late: list[Overdue]
    late_total: int
    budget: BudgetTotals
    decisions: list
    meetings: list
    indicators: list = field(default_factory=list)
    indicators_total: int = 0

    @property
    def late_share(self) -> int:
        return round(100 * self.late_total / self.total) if self.total else 0

    @property
    def more_late(self) -> int:
        return self.late_total - len(self.late)


def steering(project, today: datetime.date | None = None, *, meeting=None, late_limit: int = LATE_SHOWN) -> Steering:
    """The steering view of ``project`` on ``today``. For the note of ``meeting``: the decisions before it
    and the meetings after it, the meeting itself left out."""
    today = today or datetime.date.today()
    actions = top_level_actions(project)
    counts = status_counts(actions)
    indicators, indicators_total = indicators_of(project)
    return Steering(
        today=today,
        total=sum(counts.values()),
        counts=counts,
        late=overdue(actions, today, limit=late_limit),
        late_total=with_last_year(actions).filter(late_q(today)).count(),
        budget=project_totals(project),
        decisions=last_decisions(project, meeting.date if meeting else today, exclude_meeting=meeting),
        meetings=next_meetings(project, meeting.date if meeting else today, exclude_meeting=meeting),
        indicators=indicators,
        indicators_total=indicators_total,
    )
