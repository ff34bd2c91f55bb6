"""A plan with a campaign opened on it: a lead (with an account) of two actions, another lead of a third
action, one action without lead, and a user per role. Built on ``projects.tests.conftest.build_plan``."""

import datetime
from dataclasses import dataclass

import pytest

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import member
from maillage.campaigns.models import Answer, Campaign
from maillage.campaigns.opening import create_campaign, open_campaign
from maillage.evaluation.models import Indicator, IndicatorTarget
from maillage.partners.models import Person
from maillage.projects.tests.conftest import build_plan
from maillage.projects.tests.factories import ProjectFactory

Role = Membership.Role


@dataclass
class Scene:
    plan: object
    project: object
    campaign: Campaign
    lead: Person
    other_lead: Person
    users: dict
    quantitative: Indicator
    qualitative: Indicator
    other_project: object

    def answer(self, key) -> Answer:
        return Answer.objects.get(campaign=self.campaign, action=self.plan.actions[key])


def build_scene(django_capture_on_commit_callbacks=None, open_it=True) -> Scene:
    plan = build_plan()
    project = plan.project
    users = dict(plan.users)
    users["lead"] = users.pop("contributor")
    users["other_lead"] = member(project, Role.CONTRIBUTOR)
    other_project = ProjectFactory(title="Un autre projet")
    users["other_member"] = member(other_project, Role.COORDINATOR)
    lead = Person.objects.create(project=project, key="camille", name="Camille Martin", user=users["lead"])
    other_lead = Person.objects.create(project=project, key="sami", name="Sami Durand", user=users["other_lead"])
    guide, permanence, parents = plan.actions["guide"], plan.actions["permanence"], plan.actions["parents"]
    guide.leads.add(lead)
    parents.leads.add(lead)
    permanence.leads.add(other_lead)
    quantitative = guide.indicators.get()  # « Guides distribués »
    IndicatorTarget.objects.create(indicator=quantitative, year=2023, value=200)
    qualitative = Indicator.objects.create(
        action=guide, kind="qualitative", title="Satisfaction des familles", position=1
    )
    campaign = create_campaign(
        project,
        kind=Campaign.Kind.ANNUAL,
        first_year=2023,
        last_year=2023,
        due_date=datetime.date.today() + datetime.timedelta(days=20),
        user=users["coordinator"],
        skip_closed=False,
    )
    if open_it:
        campaign = open_campaign(campaign, users["coordinator"])
    return Scene(plan, project, campaign, lead, other_lead, users, quantitative, qualitative, other_project)


@pytest.fixture
def scene(db):
    return build_scene()


@pytest.fixture
def draft_scene(db):
    return build_scene(open_it=False)
