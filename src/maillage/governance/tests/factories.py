import datetime

import factory

from maillage.governance.models import Body, Decision, DecisionChange, Meeting
from maillage.projects.tests.factories import ProjectFactory


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    project = factory.SubFactory(ProjectFactory)
    key = factory.Sequence(lambda n: f"instance-{n}")
    kind = Body.Kind.COPIL
    name = factory.Sequence(lambda n: f"Comité de pilotage n° {n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    project = factory.SubFactory(ProjectFactory)
    body = factory.LazyAttribute(lambda meeting: BodyFactory(project=meeting.project))
    title = factory.Sequence(lambda n: f"COPIL n° {n}")
    date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=7))


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Le comité décide du point n° {n}.")


class DecisionChangeFactory(factory.django.DjangoModelFactory):
    """A status change by default; pass ``kind`` and its fields for the other kinds (or use
    ``maillage.governance.changes``, which checks them)."""

    class Meta:
        model = DecisionChange

    decision = factory.SubFactory(DecisionFactory)
    kind = DecisionChange.Kind.STATUS
    ref = factory.LazyAttribute(lambda change: change.action.ref if change.action else "")
    status = "done"
    from_status = factory.LazyAttribute(lambda change: change.action.status if change.action else "")
    position = factory.Sequence(lambda n: n)
