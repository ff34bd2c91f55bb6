"""Where an indicator stands: target compared, share reached (indicators meant to go up or down),
trend, last period; the same answer from memory (the fiche) and from the database (the lists)."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.evaluation import progress
from maillage.evaluation.models import Indicator, IndicatorTarget, IndicatorValue
from maillage.evaluation.progress import DOWN, UP, Target, direction, share_reached, target_for, trend
from maillage.projects.tests.factories import ProjectFactory

from .conftest import TODAY

T = [Target(2024, Decimal(30)), Target(2026, Decimal(50))]


def test_a_value_is_compared_with_the_target_of_its_year_else_the_next_else_the_last():
    assert target_for(2024, T).year == 2024
    assert target_for(2023, T).year == 2024
    assert target_for(2025, T).year == 2026
    assert target_for(2027, T).year == 2026  # measured after the plan: its final target
    assert target_for(2025, []) is None


def test_share_reached_from_the_baseline():
    assert share_reached(25, Target(2024, 30), baseline=20) == Decimal("0.5")
    assert share_reached(30, Target(2024, 30), baseline=20) == 1
    assert share_reached(35, Target(2024, 30), baseline=20) == Decimal("1.5")
    assert share_reached(15, Target(2024, 30), baseline=20) == Decimal("-0.5")  # went the wrong way


def test_share_reached_by_an_indicator_meant_to_go_down():
    # from 20 young people out of school to 10: at 15, half the way
    assert direction(Decimal(20), [Target(2026, Decimal(10))]) == DOWN
    assert share_reached(15, Target(2026, 10), baseline=20) == Decimal("0.5")
    assert share_reached(10, Target(2026, 10), baseline=20) == 1
    assert share_reached(5, Target(2026, 10), baseline=20) == Decimal("1.5")
    assert share_reached(25, Target(2026, 10), baseline=20) == Decimal("-0.5")
    # without a baseline, decreasing targets say which way it goes: target / value
    going = direction(None, [Target(2024, Decimal(30)), Target(2026, Decimal(10))])
    assert going == DOWN
    assert share_reached(20, Target(2026, 10), baseline=None, going=going) == Decimal("0.5")
    assert share_reached(0, Target(2026, 10), baseline=None, going=going) == 1


def test_share_reached_without_a_baseline_or_a_target():
    assert direction(None, T) == UP
    assert share_reached(15, Target(2024, 30), baseline=None) == Decimal("0.5")
    assert share_reached(15, None, baseline=None) is None
    assert share_reached(None, Target(2024, 30), baseline=None) is None
    assert share_reached(5, Target(2024, 0), baseline=None) is None
    # a target equal to the baseline (keep the level): the ratio to the target
    assert share_reached(18, Target(2024, 20), baseline=20) == Decimal("0.9")


@given(
    st.decimals(min_value=-1000, max_value=1000, places=2),
    st.decimals(min_value=-1000, max_value=1000, places=2),
    st.decimals(min_value=-1000, max_value=1000, places=2),
)
def test_reaching_the_target_is_100_percent_whichever_way_it_goes(baseline, target, value):
    if target == baseline:
        return
    assert share_reached(target, Target(2025, target), baseline) == 1
    assert share_reached(baseline, Target(2025, target), baseline) == 0
    share = share_reached(value, Target(2025, target), baseline)
    assert (share >= 1) == ((value >= target) if target > baseline else (value <= target))


def test_trend():
    assert trend(Decimal(3), Decimal(2)) == "up"
    assert trend(Decimal(1), Decimal(2)) == "down"
    assert trend(Decimal(2), Decimal(2)) == "stable"
    assert trend(Decimal(2), None) is None


def test_the_last_period_is_the_last_finished_year_of_the_plan(db):
    running = ProjectFactory(first_year=2023, last_year=2026)
    assert progress.expected_year(running, datetime.date(2026, 12, 1)) == 2025
    assert progress.expected_year(running, datetime.date(2023, 5, 1)) is None  # its first year
    assert progress.expected_year(running, datetime.date(2024, 1, 2)) == 2023
    ended = ProjectFactory(first_year=2021, last_year=2024)
    assert progress.expected_year(ended, datetime.date(2026, 12, 1)) == 2024


def _loaded(indicator):
    return Indicator.objects.prefetch_related("targets", "values").select_related("action").get(pk=indicator.pk)


def test_an_indicators_progress(plan):
    state = progress.of(_loaded(plan.families), plan.project, TODAY)
    assert state.last.period == "2025" and state.number.value == 40 and state.previous.period == "fin 2023"
    assert state.compared_target == Target(2026, 50)
    assert state.share_percent == 67  # (40 - 20) / (50 - 20)
    assert state.next_target == Target(2026, 50)
    assert (state.trend, state.favourable) == ("up", True)
    assert state.expected == 2025 and not state.missing
    later = progress.of(_loaded(plan.families), plan.project, datetime.date(2027, 3, 1))
    assert later.expected == 2026 and later.missing
    assert later.next_target == Target(2026, 50)  # all past: the last one


def test_a_qualitative_indicator_shows_its_dated_appreciation(plan):
    state = progress.of(_loaded(plan.opinion), plan.project, TODAY)
    assert state.last.assessment == "Les parents proposent des sorties."
    assert state.share is None and state.trend is None and state.number is None
    assert state.missing  # juin 2024, nothing for 2025


def test_the_timeline_is_in_period_order_with_a_share_per_value(plan):
    lines = progress.timeline(_loaded(plan.families))
    assert [line.value.period for line in lines] == ["fin 2023", "2025"]
    assert [line.target.year for line in lines] == [2024, 2026]
    assert [line.share_percent for line in lines] == [50, 67]
    assert [line.trend for line in lines] == [None, "up"]


def test_the_database_and_the_memory_give_the_same_answer(plan):
    IndicatorValue.objects.create(indicator=plan.visits, period="2026", assessment="Une appréciation seule")
    IndicatorValue.objects.create(indicator=plan.visits, period="2024", value=7)
    IndicatorTarget.objects.create(indicator=plan.visits, year=2025, value=10)
    indicators = Indicator.objects.filter(action__project=plan.project).select_related("action").order_by("pk")
    from_db = progress.rows(indicators, plan.project, TODAY)
    for row in from_db:
        memory = progress.of(_loaded(row.indicator), plan.project, TODAY)
        assert (row.last, row.number, row.previous) == (memory.last, memory.number, memory.previous), row.indicator
        assert (row.share, row.trend, row.missing, row.next_target) == (
            memory.share,
            memory.trend,
            memory.missing,
            memory.next_target,
        )
    visits = next(row for row in from_db if row.indicator == plan.visits)
    assert visits.last.assessment == "Une appréciation seule" and visits.number.value == 7
    assert visits.share_percent == 70


def test_indicators_missing_the_last_period_are_counted_in_the_database(plan):
    missing = Indicator.objects.filter(action__project=plan.project).filter(progress.missing_q(plan.project, TODAY))
    assert set(missing) == {plan.opinion, plan.visits}
    early = datetime.date(2023, 6, 1)
    assert not Indicator.objects.filter(progress.missing_q(plan.project, early)).exists()


@pytest.mark.parametrize("given_list", [True, False])
def test_rows_keep_the_order_they_are_given(plan, given_list):
    indicators = [plan.visits, plan.families, plan.opinion]
    source = indicators if given_list else Indicator.objects.filter(pk__in=[i.pk for i in indicators]).order_by("-pk")
    found = [row.indicator.pk for row in progress.rows(source, plan.project, TODAY)]
    expected = [i.pk for i in indicators] if given_list else sorted((i.pk for i in indicators), reverse=True)
    assert found == expected


def test_the_progress_table_fragment_for_other_screens(plan):
    """``evaluation/_progress_table.html``: the steering view's "indicator progress" block."""
    from django.template.loader import render_to_string

    indicators = Indicator.objects.filter(action__project=plan.project).select_related("action")
    html = render_to_string(
        "evaluation/_progress_table.html",
        {"rows": progress.rows(indicators, plan.project, TODAY), "project": plan.project},
    )
    assert (
        "Où en sont les indicateurs" in html and "Familles accueillies" in html and "A1 — Accueil des familles" in html
    )
    assert "67" in html and "Pas de valeur pour 2025" in html and "en hausse" in html
    assert f'href="/projets/{plan.project.slug}/indicateurs/{plan.families.pk}/"' in html
    assert "Aucun indicateur." in render_to_string(
        "evaluation/_progress_table.html", {"rows": [], "project": plan.project}
    )


def test_the_data_migration_places_the_values_already_stored(plan):
    from importlib import import_module

    from django.apps import apps

    IndicatorValue.objects.update(year=None, sort_date=None)
    import_module("maillage.evaluation.migrations.0002_indicator_value_period").place_values(apps, None)
    placed = dict(IndicatorValue.objects.filter(indicator=plan.families).values_list("period", "year"))
    assert placed == {"2025": 2025, "fin 2023": 2023}
    assert IndicatorValue.objects.get(indicator=plan.opinion).sort_date == datetime.date(2024, 6, 30)
