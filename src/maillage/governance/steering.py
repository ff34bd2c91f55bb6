"""What the steering committee reads: the late actions by name, indicator progress, the budget planned
against actual by funder and year, the last decisions and the next meetings.

One computation for the screen (``/projets/<slug>/pilotage/``) and the printed COPIL note
(``governance.note``), in a fixed number of queries whatever the size of the plan: the late actions
are sorted and cut in the database, the budget is summed there.

Indicator progress is the evaluation app's (``maillage.evaluation.progress``): the steering page shows
its ``evaluation/_progress_table.html`` for the first indicators, and ``indicator_rows`` prints the same
figures in the note.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils.formats import number_format

from maillage.actions.budget import BudgetTotals, project_totals
from maillage.actions.models import Action
from maillage.actions.progress import Overdue, late_q, overdue, status_counts, with_last_year
from maillage.evaluation import progress
from maillage.evaluation.models import Indicator

from .models import Decision, DecisionChange, Meeting

LATE_SHOWN = 15
DECISIONS_SHOWN = 8
MEETINGS_SHOWN = 5
INDICATORS_SHOWN = 10
# The steering page's indicator block: the evaluation app's progress table.
INDICATOR_FRAGMENT = "evaluation/_progress_table.html"


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


def indicators_of(project, today: datetime.date, limit: int = INDICATORS_SHOWN):
    """(the progress of the first indicators in plan order, how many the project has): last value, next
    target, share reached, trend, missing last period (``maillage.evaluation.progress``)."""
    first = list(
        Indicator.objects.filter(action__project=project)
        .order_by("action__position", "action_id", "position", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    shown = progress.rows(Indicator.objects.filter(pk__in=first).select_related("action"), project, today)
    shown.sort(key=lambda row: first.index(row.indicator.pk))
    return shown, Indicator.objects.filter(action__project=project).count()


def _number(value, unit: str) -> str:
    text = number_format(value, decimal_pos=None, use_l10n=True, force_grouping=True)
    return f"{text} {unit}".strip()


def indicator_rows(rows) -> list[list[str]]:
    """The note's indicator table, from the progress rows: action, indicator, last value (period), next
    target (year), share of the target reached, trend, and the last period when it has no value."""
    table = []
    for row in rows:
        indicator, last = row.indicator, row.last
        if last is None:
            measured = "Aucune valeur"
        elif last.value is not None:
            measured = f"{_number(last.value.normalize(), indicator.unit)} ({last.period})"
        else:
            measured = f"{last.assessment[:120]} ({last.period})"
        target = row.next_target
        table.append(
            [
                f"{indicator.action.code or indicator.action.ref}",
                indicator.title,
                measured,
                f"{_number(target.value.normalize(), indicator.unit)} ({target.year})" if target else "—",
                f"{row.share_percent} %" if row.share_percent is not None else "—",
                row.trend_label if row.trend else "—",
                f"pas de valeur pour {row.expected}" if row.missing else "",
            ]
        )
    return table


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
    indicators, indicators_total = indicators_of(project, today)
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
