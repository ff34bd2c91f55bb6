"""Budget totals by funder and year, summed in the database: the one definition the deliberation
annex (planned amounts) and the steering view (planned against actual) both read.

Only lines in euros count (staff in full-time equivalents is not money); a line without funder goes
to "Financeur non précisé", a line without year to the whole period (``year`` None). Funders are
grouped by name, as a reader of the table sees them.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from .models import BudgetLine

UNKNOWN_FUNDER = _("Financeur non précisé")
ZERO = Decimal(0)


@dataclass
class BudgetTotals:
    """``amounts[(funder, year)][kind]``: the sum of the lines of that funder, year and kind."""

    amounts: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(Decimal)))

    @property
    def years(self) -> list[int | None]:
        """The years with an amount, in order; the whole period (None) last."""
        return sorted({year for _funder, year in self.amounts}, key=lambda year: (year is None, year or 0))

    @property
    def funders(self) -> list[str]:
        return sorted({funder for funder, _year in self.amounts})

    def amount(self, funder: str, year, kind: str) -> Decimal | None:
        """None when the funder has no line of that kind that year (an empty cell, not a zero)."""
        cell = self.amounts.get((funder, year))
        return cell.get(kind) if cell else None

    def has(self, kind: str) -> bool:
        return any(kind in cell for cell in self.amounts.values())

    def only(self, kind: str) -> "BudgetTotals":
        """The totals of one kind (``planned`` or ``actual``) alone."""
        kept = BudgetTotals()
        for key, cell in self.amounts.items():
            if kind in cell:
                kept.amounts[key][kind] = cell[kind]
        return kept

    def rows(self) -> list[dict]:
        """One row per funder and year, with its planned and actual amounts and the share spent."""
        rows = []
        for funder in self.funders:
            for year in self.years:
                cell = self.amounts.get((funder, year))
                if cell:
                    rows.append(_row(funder, year, cell.get("planned"), cell.get("actual")))
        return rows

    def funder_totals(self) -> list[dict]:
        return [self._total(lambda f, _y, funder=funder: f == funder, funder=funder) for funder in self.funders]

    def year_totals(self) -> list[dict]:
        return [self._total(lambda _f, y, year=year: y == year, year=year) for year in self.years]

    def total(self) -> dict:
        return self._total(lambda _f, _y: True)

    def _total(self, keep, funder="", year=None) -> dict:
        def total(kind):
            values = [cell[kind] for (f, y), cell in self.amounts.items() if keep(f, y) and kind in cell]
            return sum(values, ZERO) if values else None

        return _row(funder, year, total("planned"), total("actual"))


def _row(funder, year, planned, actual) -> dict:
    share = round(100 * actual / planned) if planned and actual is not None else None
    return {"funder": funder, "year": year, "planned": planned, "actual": actual, "share": share}


def funder_year_totals(lines) -> BudgetTotals:
    """Sum ``lines`` (a BudgetLine QuerySet, e.g. ``BudgetLine.objects.filter(action__project=p)``) by
    funder name, year and kind, in one query whose result has one row per funder × year × kind."""
    totals = BudgetTotals()
    rows = (
        lines.filter(unit=BudgetLine.Unit.EUR)
        .order_by()
        .values("funder__name", "year", "kind")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        funder = row["funder__name"] or str(UNKNOWN_FUNDER)
        totals.amounts[(funder, row["year"])][row["kind"]] += row["total"] or ZERO
    return totals


def project_totals(project, actions=None) -> BudgetTotals:
    """The project's totals; ``actions``: a QuerySet of some of its actions (a filtered list) to sum alone."""
    lines = BudgetLine.objects.filter(action__project=project)
    if actions is not None:
        lines = lines.filter(action__in=actions.order_by().values("pk"))
    return funder_year_totals(lines)
