"""How far each indicator has come: its last value and when, the next target, the share of the target
reached, the trend, and whether the last period is still to be measured.

One computation for every screen that shows it — the fiche, the indicator page, the project's
indicators page, the steering view, the digest — in two ways that give the same answer:

- :func:`of` reads an indicator whose ``values`` and ``targets`` are already in memory (prefetched);
- :func:`rows` reads a bounded list of indicators (a page) from the database in three queries,
  whatever the number of values each holds: the newest values are found by subqueries on
  ``IndicatorValue.year`` / ``sort_date`` (:mod:`maillage.evaluation.periods`), targets are few.

The rules:

- a value is compared with the **target of its year**, else the next target after it, else the last
  target (a value measured after the plan is compared with its final target);
- **share reached** = (value − baseline) / (target − baseline) when the baseline is known, which reads
  the same for an indicator meant to go down (target below the baseline: 20 → 10, at 15 it is 50 %);
  without a baseline, value / target, or target / value when the targets go down over the years;
- **trend**: the last number against the one before it (up, down or stable), said favourable when it
  goes the way the targets go;
- **the last period** is the last finished year of the plan (last year, or the year before today's
  if the plan is still running); an indicator has "no value for the last period" when none of its
  values is of that year or later. Nothing is expected during a plan's first year.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Indicator, IndicatorTarget, IndicatorValue

UP, DOWN, STABLE = "up", "down", "stable"
TRENDS = {UP: _("en hausse"), DOWN: _("en baisse"), STABLE: _("stable")}


def current_date() -> datetime.date:
    """Today in the platform's time zone: the one clock of follow-up (tests set it here)."""
    return timezone.localdate()


@dataclass(frozen=True)
class Target:
    year: int
    value: Decimal


def expected_year(project, today: datetime.date | None = None) -> int | None:
    """The last finished year of the plan, whose values should be in; None during its first year."""
    today = today or current_date()
    year = min(today.year - 1, project.last_year)
    return year if year >= project.first_year else None


def target_for(year: int | None, targets: list[Target]) -> Target | None:
    """The target a value of ``year`` is compared with: that year's, else the next one, else the last."""
    if not targets:
        return None
    ordered = sorted(targets, key=lambda target: target.year)
    if year is None:
        return ordered[-1]
    return next((target for target in ordered if target.year >= year), ordered[-1])


def next_target(targets: list[Target], today: datetime.date | None = None) -> Target | None:
    """The first target of this year or later; once they are all past, the last one."""
    today = today or current_date()
    return target_for(today.year, targets)


def direction(baseline: Decimal | None, targets: list[Target]) -> str:
    """Which way the indicator is meant to go: down when its targets lie below its baseline (or, without
    a baseline, when they decrease over the years); up otherwise."""
    ordered = sorted(targets, key=lambda target: target.year)
    if baseline is not None and ordered and ordered[-1].value != baseline:
        return DOWN if ordered[-1].value < baseline else UP
    if len(ordered) >= 2 and ordered[-1].value < ordered[0].value:
        return DOWN
    return UP


def share_reached(value, target: Target | None, baseline, going: str = UP) -> Decimal | None:
    """The share of ``target`` reached by ``value`` (1 = reached), None when it cannot be said."""
    if value is None or target is None:
        return None
    value, goal = Decimal(value), Decimal(target.value)
    if baseline is not None and goal != Decimal(baseline):
        start = Decimal(baseline)
        return (value - start) / (goal - start)
    if going == DOWN:
        if value <= 0:
            return Decimal(1) if goal >= value else None
        return goal / value
    if goal == 0:
        return None
    return value / goal


def trend(latest, previous) -> str | None:
    if latest is None or previous is None:
        return None
    if latest > previous:
        return UP
    if latest < previous:
        return DOWN
    return STABLE


@dataclass
class Progress:
    """Where one indicator stands. ``last`` is the newest value of any kind (a number or an
    appreciation); ``number`` the newest one with a number, which the share and trend read. What is
    derived is computed once (a template reads it several times)."""

    indicator: Indicator
    targets: list[Target]
    last: IndicatorValue | None = None
    number: IndicatorValue | None = None
    previous: IndicatorValue | None = None
    expected: int | None = None
    has_expected: bool = False
    today: datetime.date = field(default_factory=lambda: current_date())

    @property
    def quantitative(self) -> bool:
        return self.indicator.kind == Indicator.Kind.QUANTITATIVE

    @cached_property
    def direction(self) -> str:
        return direction(self.indicator.baseline, self.targets)

    @cached_property
    def next_target(self) -> Target | None:
        return next_target(self.targets, self.today)

    @cached_property
    def compared_target(self) -> Target | None:
        """The target the newest number is compared with."""
        if self.number is None:
            return None
        return target_for(self.number.year, self.targets)

    @cached_property
    def share(self) -> Decimal | None:
        if not self.quantitative or self.number is None:
            return None
        return share_reached(self.number.value, self.compared_target, self.indicator.baseline, self.direction)

    @property
    def share_percent(self) -> int | None:
        share = self.share
        return None if share is None else int((share * 100).quantize(Decimal(1)))

    @property
    def reached(self) -> bool:
        share = self.share
        return share is not None and share >= 1

    @cached_property
    def trend(self) -> str | None:
        if self.number is None or self.previous is None:
            return None
        return trend(self.number.value, self.previous.value)

    @property
    def trend_label(self) -> str:
        return str(TRENDS.get(self.trend, ""))

    @property
    def favourable(self) -> bool | None:
        """True when the trend goes the way the targets go, False against it, None when flat or unknown."""
        if self.trend in (None, STABLE):
            return None
        return self.trend == self.direction

    @property
    def missing(self) -> bool:
        """No value for the last finished year of the plan (nothing is expected before it has one)."""
        return self.expected is not None and not self.has_expected


def _targets(indicator) -> list[Target]:
    return [Target(target.year, target.value) for target in indicator.targets.all()]


def chronological(values) -> list[IndicatorValue]:
    """Values already in memory in the order of their periods (as ``IndicatorValue.objects.chronological``)."""
    far = datetime.date.max
    return sorted(
        values,
        key=lambda v: (v.year is None, v.year or 0, v.sort_date is None, v.sort_date or far, v.position, v.pk or 0),
    )


def of(indicator: Indicator, project=None, today: datetime.date | None = None) -> Progress:
    """The progress of an indicator whose ``values`` and ``targets`` are prefetched (no query)."""
    today = today or current_date()
    project = project or indicator.action.project
    values = chronological(indicator.values.all())
    numbers = [value for value in values if value.value is not None and value.year is not None]
    dated = [value for value in values if value.year is not None]
    expected = expected_year(project, today)
    return Progress(
        indicator=indicator,
        targets=_targets(indicator),
        last=dated[-1] if dated else (values[-1] if values else None),
        number=numbers[-1] if numbers else None,
        previous=numbers[-2] if len(numbers) > 1 else None,
        expected=expected,
        has_expected=expected is not None and any(value.year >= expected for value in dated),
        today=today,
    )


@dataclass(frozen=True)
class Line:
    """One value of an indicator's table, with the target it is compared with, the share and the trend."""

    value: IndicatorValue
    target: Target | None
    share: Decimal | None
    trend: str | None

    @property
    def share_percent(self) -> int | None:
        return None if self.share is None else int((self.share * 100).quantize(Decimal(1)))

    @property
    def trend_label(self) -> str:
        return str(TRENDS.get(self.trend, ""))


def timeline(indicator: Indicator) -> list[Line]:
    """Every value of a prefetched indicator, in period order, each with its share and trend."""
    targets = _targets(indicator)
    going = direction(indicator.baseline, targets)
    quantitative = indicator.kind == Indicator.Kind.QUANTITATIVE
    lines, previous = [], None
    for value in chronological(indicator.values.all()):
        target = target_for(value.year, targets) if value.value is not None and value.year is not None else None
        share = share_reached(value.value, target, indicator.baseline, going) if quantitative else None
        lines.append(Line(value, target, share, trend(value.value, previous) if value.value is not None else None))
        if value.value is not None:
            previous = value.value
    return lines


# --- From the database, for lists -------------------------------------------------------------------


def _newest(numbers_only: bool, skip: int = 0):
    """The newest value (dated first, as :func:`of` reads them), or the newest dated number."""
    values = IndicatorValue.objects.filter(indicator=OuterRef("pk"))
    if numbers_only:
        values = values.filter(value__isnull=False, year__isnull=False)
    return Subquery(values.newest_first().values("pk")[skip : skip + 1])


def annotate(indicators, project, today: datetime.date | None = None):
    """Add to an indicator queryset the ids of its newest value, newest number and the number before
    it (``last_id``, ``number_id``, ``previous_id``) and ``has_expected`` (a value of the last period).

    Correlated subqueries served by the index on (indicator, year, sort_date): on a page, only the
    rows shown are evaluated."""
    expected = expected_year(project, today)
    annotated = indicators.annotate(
        last_id=_newest(numbers_only=False),
        number_id=_newest(numbers_only=True),
        previous_id=_newest(numbers_only=True, skip=1),
    )
    if expected is None:
        return annotated
    return annotated.annotate(has_expected=Exists(values_since(expected)))


def values_since(year: int):
    """Values of the outer indicator measured in ``year`` or later (for ``Exists``)."""
    return IndicatorValue.objects.filter(indicator=OuterRef("pk"), year__gte=year)


def missing_q(project, today: datetime.date | None = None) -> Q:
    """Indicators of ``project`` without a value for the last period (empty Q-filter when nothing is expected)."""
    expected = expected_year(project, today)
    if expected is None:
        return Q(pk__in=[])
    return ~Exists(values_since(expected))


def rows(indicators, project, today: datetime.date | None = None) -> list[Progress]:
    """The progress of a bounded list of indicators (a page: the caller slices), in three queries:
    the indicators with their newest value ids, those values, and their targets."""
    today = today or current_date()
    order = None
    if not hasattr(indicators, "query"):
        order = [indicator.pk for indicator in indicators]
        indicators = Indicator.objects.filter(pk__in=order)
    if "last_id" not in indicators.query.annotations:
        indicators = annotate(indicators, project, today)
    found = list(indicators)
    if order is not None:
        found.sort(key=lambda row: order.index(row.pk))
    wanted = {pk for row in found for pk in (row.last_id, row.number_id, row.previous_id) if pk}
    values = {value.pk: value for value in IndicatorValue.objects.filter(pk__in=wanted)} if wanted else {}
    targets: dict[int, list[Target]] = {}
    if found:
        for target in IndicatorTarget.objects.filter(indicator__in=[row.pk for row in found]).order_by("year"):
            targets.setdefault(target.indicator_id, []).append(Target(target.year, target.value))
    expected = expected_year(project, today)
    return [
        Progress(
            indicator=row,
            targets=targets.get(row.pk, []),
            last=values.get(row.last_id),
            number=values.get(row.number_id),
            previous=values.get(row.previous_id),
            expected=expected,
            has_expected=bool(getattr(row, "has_expected", False)),
            today=today,
        )
        for row in found
    ]
