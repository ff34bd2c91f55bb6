"""Where a free-text period sits in time: the year it counts for and the day it ends."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.evaluation.periods import place

D = datetime.date


@pytest.mark.parametrize(
    "text, year, end",
    [
        ("2023", 2023, D(2023, 12, 31)),
        ("fin 2023", 2023, D(2023, 12, 31)),
        ("Fin 2023", 2023, D(2023, 12, 31)),
        ("juin 2024", 2024, D(2024, 6, 30)),
        ("fin juin 2024", 2024, D(2024, 6, 30)),
        ("septembre 2024", 2024, D(2024, 9, 30)),
        ("sept. 2024", 2024, D(2024, 9, 30)),
        ("Déc. 2023", 2023, D(2023, 12, 31)),
        ("février 2024", 2024, D(2024, 2, 29)),
        ("2023-2024", 2024, D(2024, 12, 31)),
        ("2023 / 2024", 2024, D(2024, 12, 31)),
        ("2023-24", 2024, D(2024, 12, 31)),
        ("2023 à 2024", 2024, D(2024, 12, 31)),
        ("année scolaire 2023-2024", 2024, D(2024, 6, 30)),
        ("T1 2024", 2024, D(2024, 3, 31)),
        ("1er trimestre 2024", 2024, D(2024, 3, 31)),
        ("S1 2024", 2024, D(2024, 6, 30)),
        ("2e semestre 2023", 2023, D(2023, 12, 31)),
        ("mi-2024", 2024, D(2024, 6, 30)),
        ("début 2025", 2025, D(2025, 3, 31)),
        ("rentrée 2024", 2024, D(2024, 9, 30)),
        ("été 2024", 2024, D(2024, 8, 31)),
        ("06/2024", 2024, D(2024, 6, 30)),
        ("21/06/2024", 2024, D(2024, 6, 21)),
        ("2024-06-21", 2024, D(2024, 6, 21)),
        ("bilan 2024 (données 2023)", 2024, D(2024, 12, 31)),
    ],
)
def test_a_period_is_placed_at_its_year_and_end(text, year, end):
    placed = place(text)
    assert (placed.year, placed.end) == (year, end)


def test_without_a_year_the_measurement_date_places_the_value():
    assert place("bilan mi-parcours", D(2025, 3, 14)).year == 2025
    assert place("bilan mi-parcours", D(2025, 3, 14)).end == D(2025, 3, 14)
    assert place("bilan mi-parcours") is None
    assert place("370 RDV") is None  # a count is not a year
    # the period's own words win over the date of the measure (figures of 2024 measured in 2025)
    assert place("2024", D(2025, 2, 1)).year == 2024


def test_periods_sort_in_time_order():
    periods = ["2025", "juin 2024", "2023-2024", "fin 2023", "T1 2024", "2022"]
    ordered = sorted(periods, key=lambda text: place(text).end)
    assert ordered == ["2022", "fin 2023", "T1 2024", "juin 2024", "2023-2024", "2025"]


@given(st.text(max_size=80))
def test_any_text_is_read_without_error(text):
    placed = place(text)
    assert placed is None or 1900 <= placed.year <= 2199


@given(st.integers(min_value=1900, max_value=2199), st.sampled_from(["", "fin ", "bilan ", "année ", "juin "]))
def test_a_year_written_in_words_is_found(year, prefix):
    assert place(f"{prefix}{year}").year == year
