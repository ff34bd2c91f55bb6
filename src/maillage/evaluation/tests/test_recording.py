"""record_value: a value and its history line, together or not at all."""

import pytest
from django.core.exceptions import ValidationError

from maillage.actions.models import ActionChange
from maillage.actions.tests.factories import ActionFactory
from maillage.evaluation.models import Indicator
from maillage.evaluation.recording import record_value


@pytest.fixture
def indicator(db):
    action = ActionFactory()
    return Indicator.objects.create(action=action, kind="quantitative", title="Familles accueillies")


def test_a_value_is_written_with_its_history_and_reason(indicator, django_user_model):
    user = django_user_model.objects.create_user("camille", first_name="Camille", last_name="Pilote")
    value = record_value(indicator, period="2024", value=42, user=user, reason="Bilan annuel 2024")
    assert value.pk and value.position == 0
    entry = ActionChange.objects.get(action=indicator.action)
    assert entry.kind == ActionChange.Kind.INDICATOR
    assert entry.reason == "Bilan annuel 2024"
    assert entry.author == "Camille Pilote"
    assert entry.changes[0]["new"] == "2024 : 42"
    assert record_value(indicator, period="2025", assessment="Bonne dynamique").position == 1


def test_an_empty_value_is_refused_and_nothing_is_written(indicator):
    with pytest.raises(ValidationError) as refused:
        record_value(indicator, period="2024", assessment="   ")
    assert "Indiquez une valeur ou une appréciation" in str(refused.value)
    assert not indicator.values.exists()
    assert not ActionChange.objects.filter(action=indicator.action).exists()
