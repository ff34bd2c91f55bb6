import datetime

import factory

from maillage.actions.tests.factories import ActionFactory
from maillage.campaigns.models import Answer, AnswerIndicator, Campaign, Question
from maillage.projects.tests.factories import ProjectFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    """A campaign in preparation, without questions (``opening.create_campaign`` adds the default ones)."""

    class Meta:
        model = Campaign

    project = factory.SubFactory(ProjectFactory)
    key = factory.Sequence(lambda n: f"campagne-{n}")
    title = factory.Sequence(lambda n: f"Bilan annuel n° {n}")
    kind = Campaign.Kind.ANNUAL
    first_year = factory.LazyAttribute(lambda campaign: campaign.project.first_year)
    last_year = factory.LazyAttribute(lambda campaign: campaign.first_year)
    due_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    campaign = factory.SubFactory(CampaignFactory)
    kind = Question.Kind.TEXT
    label = factory.Sequence(lambda n: f"Question n° {n}")
    position = factory.Sequence(lambda n: n)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    campaign = factory.SubFactory(CampaignFactory)
    action = factory.SubFactory(ActionFactory, project=factory.SelfAttribute("..campaign.project"))
    position = factory.Sequence(lambda n: n)


class AnswerIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnswerIndicator

    answer = factory.SubFactory(AnswerFactory)
