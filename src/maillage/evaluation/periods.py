"""Where a measured period sits in time: « 2023 », « fin 2023 », « juin 2024 », « 2023-2024 » → a year
and the last day the period covers.

The period of a value stays free text, as the seeds write it ("72 structures partenaires fin 2023");
what is derived from it is kept in two columns of :class:`~maillage.evaluation.models.IndicatorValue`
(``year`` and ``sort_date``), so that values sort by period and lists compare years in the database.

A period covering several years ("2023-2024", "année scolaire 2023-2024") counts for its last year:
a value measures where things stand at the end of what it covers. When the text names no year, the
measurement date gives it; without either, a value has no place in time.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from maillage.french import normalise

# Four-digit years a plan can name; anything else (a count, a postcode) is not a year.
_YEAR = r"(?:19|20|21)\d{2}"
_MONTHS = {
    "janvier": 1,
    "janv": 1,
    "jan": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "sep": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
# Words that place a value inside its year, by the month the period ends.
_MOMENTS = {
    "debut": 3,
    "premier trimestre": 3,
    "1er trimestre": 3,
    "t1": 3,
    "q1": 3,
    "deuxieme trimestre": 6,
    "2e trimestre": 6,
    "2eme trimestre": 6,
    "second trimestre": 6,
    "t2": 6,
    "q2": 6,
    "mi": 6,
    "milieu": 6,
    "premier semestre": 6,
    "1er semestre": 6,
    "s1": 6,
    "printemps": 6,
    "ete": 8,
    "troisieme trimestre": 9,
    "3e trimestre": 9,
    "3eme trimestre": 9,
    "t3": 9,
    "q3": 9,
    "rentree": 9,
    "automne": 11,
    "fin": 12,
    "quatrieme trimestre": 12,
    "4e trimestre": 12,
    "4eme trimestre": 12,
    "t4": 12,
    "q4": 12,
    "second semestre": 12,
    "deuxieme semestre": 12,
    "2e semestre": 12,
    "2nd semestre": 12,
    "s2": 12,
}
_MONTH_WORDS = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MOMENT_WORDS = "|".join(sorted((re.escape(word) for word in _MOMENTS), key=len, reverse=True))


@dataclass(frozen=True)
class PlacedPeriod:
    """The year a value counts for, and the last day of the period it measures (to sort by)."""

    year: int
    end: datetime.date


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _exact_date(text: str) -> datetime.date | None:
    """« 2024-06-21 », « 21/06/2024 », « 21.06.2024 »."""
    found = re.search(rf"\b({_YEAR})-(\d{{1,2}})-(\d{{1,2}})\b", text)
    if found:
        year, month, day = (int(part) for part in found.groups())
    else:
        found = re.search(rf"\b(\d{{1,2}})[/.](\d{{1,2}})[/.]({_YEAR})\b", text)
        if not found:
            return None
        day, month, year = (int(part) for part in found.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def place(period: str, date: datetime.date | None = None) -> PlacedPeriod | None:
    """The year and end of ``period`` (free text); else of the measurement ``date``; else None."""
    raw = str(period or "")
    exact = _exact_date(raw)
    if exact:
        return PlacedPeriod(exact.year, exact)
    lowered = raw.lower()
    # "06/2024", "6-2024": a month of a year.
    numeric = re.search(rf"(?<![\d/.])(\d{{1,2}})\s*[/-]\s*({_YEAR})\b", lowered)
    if numeric and 1 <= int(numeric.group(1)) <= 12:
        year = int(numeric.group(2))
        return PlacedPeriod(year, _month_end(year, int(numeric.group(1))))
    text = normalise(raw)
    # "2023-2024", "2023 / 2024", "2023-24", "2023 à 2024": the last year of the span.
    span = re.search(rf"\b({_YEAR})\s*(?:[-/–—]|à|au|et)\s*(\d{{4}}|\d{{2}})\b", lowered)
    if span:
        first, second = span.group(1), span.group(2)
        last = int(second) if len(second) == 4 else int(first[:2] + second)
        if int(first) <= last <= int(first) + 10:
            month = 6 if "scolaire" in text else 12  # a school year ends in June
            return PlacedPeriod(last, _month_end(last, month))
    years = [int(year) for year in re.findall(rf"\b({_YEAR})\b", text)]
    if years:
        year = max(years)
        month = 12
        found = re.search(rf"\b({_MONTH_WORDS})\b(?: de| d)? ?(?:{year})\b", text)
        if found:
            month = _MONTHS[found.group(1)]
        else:
            moment = re.search(rf"(?:^|\b)({_MOMENT_WORDS})\b", text)
            if moment:
                month = _MOMENTS[moment.group(1)]
        return PlacedPeriod(year, _month_end(year, month))
    if date:
        return PlacedPeriod(date.year, date)
    return None
