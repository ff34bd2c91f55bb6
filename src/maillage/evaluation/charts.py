"""An indicator's values over time against its baseline and targets, as chart series.

:func:`series` gives the neutral data (one slot per year, the measured value and the target of each
year, the baseline): the page draws it with the DSFR chart component ``<line-chart>`` (vendored in
``home/static/vendor/dsfr-chart``) through :func:`line_chart`; a document writer can draw the same
series as an image. A chart is never alone: the page puts the table of the values and the targets
beside it (DSFR Chart's own advice, the charts being unreadable to assistive technologies).

The x axis has one slot per year, from the first year named (a value, a target, the baseline's year)
to the last, so that the gaps between measures show; a year measured several times (« juin 2024 »,
« fin 2024 ») shows its last value there, the table listing each of them. The baseline is the first
point of the measured curve (at its year, when it has one) and a dashed line across the chart.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .progress import Progress, chronological

# Beyond this many years the chart would be unreadable; the table still lists every value.
MAX_YEARS = 30


@dataclass(frozen=True)
class Series:
    years: list[int]
    values: list[Decimal | None]
    targets: list[Decimal | None]
    baseline: Decimal | None
    baseline_year: int | None
    unit: str

    @property
    def drawable(self) -> bool:
        return any(value is not None for value in self.values) or any(t is not None for t in self.targets)


def series(progress: Progress) -> Series | None:
    """The yearly series of a quantitative indicator whose values are in memory; None for a qualitative one."""
    indicator = progress.indicator
    if indicator.kind != indicator.Kind.QUANTITATIVE:
        return None
    measured: dict[int, Decimal] = {}
    if indicator.baseline is not None and indicator.baseline_year:
        measured[indicator.baseline_year] = indicator.baseline  # where the curve starts
    for value in chronological(indicator.values.all()):
        if value.value is not None and value.year is not None:
            measured[value.year] = value.value  # the year's last value
    targets = {target.year: target.value for target in progress.targets}
    named = set(measured) | set(targets) | ({indicator.baseline_year} if indicator.baseline_year else set())
    if not named:
        return Series([], [], [], indicator.baseline, indicator.baseline_year, indicator.unit)
    first, last = min(named), max(named)
    first = max(first, last - MAX_YEARS + 1)
    years = list(range(first, last + 1))
    return Series(
        years=years,
        values=[measured.get(year) for year in years],
        targets=[targets.get(year) for year in years],
        baseline=indicator.baseline,
        baseline_year=indicator.baseline_year,
        unit=indicator.unit,
    )


def _number(value):
    return None if value is None else float(value)


def line_chart(data: Series | None) -> dict | None:
    """The attributes of a ``<line-chart>``: JSON strings, as the component reads them."""
    if data is None or not data.drawable:
        return None
    names = [_("Valeur mesurée"), _("Cible")]
    chart = {
        "x": json.dumps([[str(year) for year in data.years]]),
        "y": json.dumps([[_number(v) for v in data.values], [_number(t) for t in data.targets]]),
        "name": json.dumps(names, ensure_ascii=False),
        "unit": data.unit,
    }
    if data.baseline is not None:
        label = _("Valeur de départ")
        if data.baseline_year:
            label = f"{label} ({data.baseline_year})"
        chart["hline"] = json.dumps([_number(data.baseline)])
        chart["hlinename"] = json.dumps([label], ensure_ascii=False)
    return chart
