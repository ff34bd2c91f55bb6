"""How far a plan has come: open and late actions, counts by status. Shared by the home page,
the dashboard, the public plan and the lists, so that "late" means the same thing everywhere."""

import datetime

from django.db.models import Count, Max, Q

from .vocabulary import Status

# Statuses of an action still expected to finish; "en continu" has no end, so it is never late.
OPEN = [Status.PLANNED, Status.IN_PROGRESS, Status.POSTPONED, Status.BLOCKED]
# Statuses in the order the panorama and the charts show them.
STATUS_ORDER = [
    Status.DONE,
    Status.IN_PROGRESS,
    Status.CONTINUOUS,
    Status.PLANNED,
    Status.POSTPONED,
    Status.BLOCKED,
    Status.ABANDONED,
]
# DSFR badge colour for each status (accessible contrasts, same meaning on every page).
BADGE = {
    Status.DONE: "fr-badge--success",
    Status.IN_PROGRESS: "fr-badge--info",
    Status.CONTINUOUS: "fr-badge--blue-ecume",
    Status.PLANNED: "fr-badge--new",
    Status.POSTPONED: "fr-badge--warning",
    Status.BLOCKED: "fr-badge--error",
    Status.ABANDONED: "",
}


def with_last_year(queryset):
    """Annotate ``last_period_year``: the end of the last period an action is planned in."""
    return queryset.annotate(last_period_year=Max("periods__last_year"))


def late_q(today: datetime.date | None = None) -> Q:
    """Open actions whose end date has passed, or, without an end date, whose last period is over.

    Needs the ``last_period_year`` annotation of :func:`with_last_year`.
    """
    today = today or datetime.date.today()
    past = Q(end_date__lt=today) | Q(end_date__isnull=True, last_period_year__lt=today.year)
    return Q(status__in=OPEN) & past


def is_late(action, today: datetime.date | None = None) -> bool:
    """The same rule for one action already in memory (its periods prefetched)."""
    today = today or datetime.date.today()
    if action.status not in OPEN:
        return False
    if action.end_date:
        return action.end_date < today
    years = [period.last_year for period in action.periods.all()]
    return bool(years) and max(years) < today.year


def status_counts(actions) -> dict[str, int]:
    """Number of actions per status code, every status present (zero when unused)."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for row in actions.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts
