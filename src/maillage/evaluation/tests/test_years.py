"""One rule for the years of targets, values and baselines, wherever they are written (plan 2023-2026)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillage.actions.forms import IndicatorForm, TargetForm, ValueForm
from maillage.actions.models import ActionChange
from maillage.evaluation.forms import ValueEntryForm
from maillage.evaluation.models import Indicator, IndicatorTarget, IndicatorValue
from maillage.evaluation.recording import record_value
from maillage.evaluation.years import YearRule
from maillage.interchange.tests.documents import minimal
from maillage.interchange.validation import check

RULE = YearRule(2023, 2026)


def test_targets_lie_within_the_plan():
    assert RULE.target_problem(2023) is None and RULE.target_problem(2026) is None
    assert "de 2023 à 2026" in RULE.target_problem(2022)
    assert "de 2023 à 2026" in RULE.target_problem(2027)


def test_values_go_up_to_two_years_after_the_plan_for_the_final_evaluation():
    assert RULE.value_problem(2023) is None
    assert RULE.value_problem(2027) is None  # the year a 2027 target is refused: said in the form
    assert RULE.value_problem(2028) is None
    assert "jusqu'en 2028" in RULE.value_problem(2029)


def test_before_the_plan_a_figure_is_the_baseline():
    assert "valeur de départ" in RULE.value_problem(2022)
    assert RULE.baseline_problem(2013) is None and RULE.baseline_problem(2026) is None
    assert RULE.baseline_problem(2012) and RULE.baseline_problem(2027)
    assert "Indiquez l'année" in RULE.value_problem(None)


def test_the_forms_say_the_rule():
    assert "de 2023 à 2028" in RULE.value_help() and "Avant 2023" in RULE.value_help()
    assert "de 2023 à 2026" in RULE.target_help()
    assert "de 2013 à 2026" in RULE.baseline_help()


# --- Models -----------------------------------------------------------------------------------


def test_model_rules(plan):
    families = plan.families
    IndicatorTarget(indicator=families, year=2025, value=1).full_clean()
    with pytest.raises(ValidationError) as refused:
        IndicatorTarget(indicator=families, year=2027, value=1).full_clean()
    assert "year" in refused.value.message_dict
    IndicatorValue(indicator=families, period="2027", value=1).full_clean()
    for period in ("2029", "fin 2022", "bilan"):
        with pytest.raises(ValidationError) as refused:
            IndicatorValue(indicator=families, period=period, value=1).full_clean()
        assert "period" in refused.value.message_dict, period
    import datetime

    IndicatorValue(indicator=families, period="bilan", date=datetime.date(2025, 3, 1), value=1).full_clean()
    families.baseline_year = 2012
    with pytest.raises(ValidationError) as refused:
        families.full_clean()
    assert "baseline_year" in refused.value.message_dict


def test_a_value_saved_is_placed_in_time_even_in_bulk(plan):
    value = IndicatorValue.objects.create(indicator=plan.visits, period="juin 2024", value=3)
    assert (value.year, value.sort_date.isoformat()) == (2024, "2024-06-30")
    value.period = "2025"
    value.save(update_fields=["period"])
    value.refresh_from_db()
    assert value.year == 2025
    (bulk,) = IndicatorValue.objects.bulk_create([IndicatorValue(indicator=plan.visits, period="T1 2026", value=1)])
    bulk.refresh_from_db()
    assert (bulk.year, bulk.sort_date.isoformat()) == (2026, "2026-03-31")


def test_values_come_out_in_period_order(plan):
    typed = list(plan.families.values.values_list("period", flat=True))
    assert typed == ["2025", "fin 2023"]  # the default order is the typing order (the interchange keeps it)
    ordered = list(plan.families.values.chronological().values_list("period", flat=True))
    assert ordered == ["fin 2023", "2025"]
    IndicatorValue.objects.create(indicator=plan.families, period="sans date", value=1, position=9)
    ordered = list(plan.families.values.chronological().values_list("period", flat=True))
    assert ordered == ["fin 2023", "2025", "sans date"]  # values without a year come last


# --- record_value ---------------------------------------------------------------------------


def test_record_value_follows_the_rule_and_writes_nothing_when_refused(plan):
    value = record_value(plan.visits, period="2027", value=12, reason="Évaluation finale")
    assert value.year == 2027
    before = (IndicatorValue.objects.count(), ActionChange.objects.count())
    for period in ("2029", "2021", "à la fin"):
        with pytest.raises(ValidationError):
            record_value(plan.visits, period=period, value=12)
    assert (IndicatorValue.objects.count(), ActionChange.objects.count()) == before


# --- Forms ----------------------------------------------------------------------------------


def test_the_indicator_forms_follow_the_rule(plan):
    project = plan.project
    assert TargetForm({"year": "2026", "value": "3"}, project=project).is_valid()
    refused = TargetForm({"year": "2027", "value": "3"}, project=project)
    assert not refused.is_valid() and "de 2023 à 2026" in refused.errors["year"][0]
    form = IndicatorForm({"title": "T", "kind": "quantitative", "baseline_year": "2000"}, project=project)
    assert not form.is_valid() and "baseline_year" in form.errors
    assert "de 2023 à 2028" in ValueForm(project=project)["period"].help_text
    entry = ValueEntryForm({"period": "2027", "value": "4"}, indicator=plan.visits, project=project)
    assert entry.is_valid(), entry.errors
    entry = ValueEntryForm({"period": "2029", "value": "4"}, indicator=plan.visits, project=project)
    assert not entry.is_valid() and "jusqu'en 2028" in entry.errors["period"][0]
    assert "jusqu'à 2 ans après la fin du plan" in entry["period"].help_text


def _indicator_post(target_year, value_period):
    return {
        "title": "Visites",
        "kind": "quantitative",
        "unit": "visites",
        "cibles-TOTAL_FORMS": "1",
        "cibles-INITIAL_FORMS": "0",
        "cibles-0-year": str(target_year),
        "cibles-0-value": "10",
        "valeurs-TOTAL_FORMS": "1",
        "valeurs-INITIAL_FORMS": "0",
        "valeurs-0-period": value_period,
        "valeurs-0-value": "4",
    }


def test_the_indicator_edit_page_accepts_a_final_evaluation_value_and_refuses_a_target_after_the_plan(plan, client):
    client.force_login(plan.users["coordinator"])
    url = reverse("action-indicator-add", args=[plan.project.slug, plan.not_led.ref])
    page = client.get(url).content.decode()
    assert "jusqu&#x27;à 2 ans après la fin du plan" in page or "jusqu'à 2 ans après la fin du plan" in page
    response = client.post(url, _indicator_post(2027, "2026"))
    assert response.status_code == 422
    assert "Une cible porte sur une année du plan, de 2023 à 2026." in response.content.decode()
    response = client.post(url, _indicator_post(2026, "2029"))
    assert response.status_code == 422
    assert not Indicator.objects.filter(action=plan.not_led, title="Visites", targets__year=2026).exists()
    response = client.post(url, _indicator_post(2026, "2027"))
    assert response.status_code == 302
    created = Indicator.objects.filter(action=plan.not_led).order_by("-pk").first()
    assert created.values.get().year == 2027


# --- The interchange document ----------------------------------------------------------------


def _problems(**changes):
    return [str(problem) for problem in check(minimal(**changes))]


def test_the_interchange_document_follows_the_same_rule():
    assert _problems() == []
    assert _problems(**{"actions.0.indicators.0.values.0.period": "2027"}) == []
    assert _problems(**{"actions.0.indicators.0.values.0.period": "2029"}) == [
        "$.actions[0].indicators[0].values[0].period : Les valeurs sont mesurées jusqu'en 2028 au plus tard "
        "(2 ans après la fin du plan, 2026, pour l'évaluation finale)."
    ]
    problems = _problems(**{"actions.0.indicators.0.targets.0.year": 2027})
    assert problems == [
        "$.actions[0].indicators[0].targets[0].year : Une cible porte sur une année du plan, de 2023 à 2026."
    ]
    problems = _problems(**{"actions.0.indicators.0.values.0.period": "bilan"})
    assert problems and problems[0].startswith("$.actions[0].indicators[0].values[0].period : Indiquez l'année")
    dated = minimal(**{"actions.0.indicators.0.values.0.period": "bilan"})
    dated["actions"][0]["indicators"][0]["values"][0]["date"] = "2025-01-31"
    assert check(dated) == []
    baseline = minimal()
    baseline["actions"][0]["indicators"][0]["baseline_year"] = 2000
    assert [p.path for p in check(baseline)] == ["$.actions[0].indicators[0].baseline_year"]
