"""How far a plan has come: open and late actions, counts by status. Shared by the home page,
the dashboard, the public plan and the lists, so that "late" means the same thing everywhere."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Max, Prefetch, Q
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import ngettext

from maillage.partners.models import Person

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


@dataclass(frozen=True)
class StatusColour:
    """A status's one colour: a DSFR colour family, drawn as the badge of that family on the pages, as
    its flat background in the progress bars (``maillage.css`` writes the same families, a test checks
    it) and as its flat colour's light-theme value in the diagram and the documents."""

    family: str
    hex: str

    @property
    def badge(self) -> str:
        return "" if self.family == "grey" else f"fr-badge--{self.family}"

    @property
    def css_variable(self) -> str:
        return f"--background-flat-{self.family}"


# One colour per status (accessible contrasts, the same meaning on every page, chart aside: see below):
# done green, in progress blue, continuous blue-grey, planned mustard, postponed orange, stuck red, dropped grey.
COLOURS = {
    Status.DONE: StatusColour("success", "#18753c"),
    Status.IN_PROGRESS: StatusColour("info", "#0063cb"),
    Status.CONTINUOUS: StatusColour("blue-ecume", "#2f4077"),
    Status.PLANNED: StatusColour("yellow-moutarde", "#695240"),
    Status.POSTPONED: StatusColour("warning", "#b34000"),
    Status.BLOCKED: StatusColour("error", "#ce0500"),
    Status.ABANDONED: StatusColour("grey", "#3a3a3a"),
}
BADGE = {status: colour.badge for status, colour in COLOURS.items()}


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


@dataclass(frozen=True)
class Overdue:
    """A late action with the date it was due (its end date, or the end of its last period) and how late."""

    action: object
    due: datetime.date
    days: int

    @property
    def delay(self) -> str:
        """How late, in the unit a reader counts in: days for two months, then months, then years."""
        if self.days < 61:
            return ngettext("%(n)s jour", "%(n)s jours", self.days) % {"n": self.days}
        months = self.days * 12 // 365
        if months < 24:
            return ngettext("%(n)s mois", "%(n)s mois", months) % {"n": months}
        years = self.days // 365
        return ngettext("%(n)s an", "%(n)s ans", years) % {"n": years}

    @property
    def leads(self) -> list[str]:
        """Who answers for it: the lead people, else the lead organisation (as the dashboard counts leads)."""
        names = [person.name for person in self.action.leads.all()]
        if not names and self.action.lead_organisation_id:
            names = [self.action.lead_organisation.name]
        return names


def due_date(action) -> datetime.date | None:
    """When an action was due: its end date, or the 31 December of its last period's last year."""
    if action.end_date:
        return action.end_date
    year = getattr(action, "last_period_year", None)
    return datetime.date(year, 12, 31) if year else None


def overdue(actions, today: datetime.date | None = None, limit: int | None = None) -> list[Overdue]:
    """The late actions of ``actions`` (a QuerySet), the most overdue first, with their leads.

    Sorted in the database (end date, or the last period's year for those without one) and cut at
    ``limit``, so naming the five worst of a 5,000-action plan reads five rows."""
    today = today or datetime.date.today()
    due_year = Coalesce(ExtractYear("end_date"), "last_period_year")
    late = (
        with_last_year(actions)
        .filter(late_q(today))
        .select_related("lead_organisation")
        .prefetch_related(Prefetch("leads", queryset=Person.objects.only("pk", "name").order_by("name")))
        .only("pk", "ref", "code", "title", "status", "end_date", "project_id", "lead_organisation__name")
        .order_by(due_year.asc(), F("end_date").asc(nulls_last=True), "position", "pk")
    )
    if limit is not None:
        late = late[:limit]
    rows = []
    for action in late:
        due = due_date(action)
        rows.append(Overdue(action, due, (today - due).days))
    return rows
