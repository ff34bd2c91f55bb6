import datetime

import factory

from maillage.accounts.tests.factories import UserFactory
from maillage.actions.tests.factories import ActionFactory
from maillage.evaluation.models import DigestLog, FollowUpNote, Indicator, IndicatorTarget, IndicatorValue


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    action = factory.SubFactory(ActionFactory)
    kind = Indicator.Kind.QUANTITATIVE
    title = factory.Sequence(lambda n: f"Indicateur n° {n}")
    position = factory.Sequence(lambda n: n)


class IndicatorTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2025
    value = 100


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    """A value written directly (fixtures only: the product writes values through ``record_value``)."""

    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    period = "2024"
    value = 10
    position = factory.Sequence(lambda n: n)


class FollowUpNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpNote

    action = factory.SubFactory(ActionFactory)
    date = factory.LazyFunction(datetime.date.today)
    text = factory.Sequence(lambda n: f"Note de suivi n° {n}")


class DigestLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DigestLog

    user = factory.SubFactory(UserFactory)
    period = "2026-12"
    items = 1
