"""The campaign pages on a 500-action plan: a bounded number of queries, and the same rows read and
objects built when the rest of the database grows (other projects with their own campaigns)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import member
from maillage.actions.models import Action
from maillage.campaigns.models import Answer, Campaign
from maillage.campaigns.opening import create_campaign, open_campaign
from maillage.partners.models import Person
from maillage.projects.tests.conftest import big_plan, build_plan  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db

# Queries of each page on the 500-action plan (session, user, project, role, then the page's own).
# Measured: 7, 22, 16, 10, 19 and 12 (home with the lead's 125 actions and questionnaires).
BOUNDS = {
    "campaign-list": 9,
    "campaign-detail": 25,
    "campaign-progress": 18,
    "campaign-questions": 12,
    "campaign-answer": 21,
    "home": 20,  # with its other blocks: my projects (a page and its count), to update, published plans
}


def open_on(project, user, lead_user=None) -> Campaign:
    campaign = create_campaign(
        project,
        kind="annual",
        first_year=project.first_year,
        last_year=project.first_year,
        due_date=datetime.date.today() + datetime.timedelta(days=10),
        skip_closed=False,
    )
    open_campaign(campaign, user)
    # A campaign under way: a third sent, a sixth of them accepted with a proposal.
    answers = list(Answer.objects.filter(campaign=campaign).values_list("pk", flat=True))
    now = timezone.now()
    Answer.objects.filter(pk__in=answers[::3]).update(
        state=Answer.State.SUBMITTED, submitted_at=now, proposal="continue"
    )
    Answer.objects.filter(pk__in=answers[::6]).update(state=Answer.State.ACCEPTED, reviewed_at=now)
    Answer.objects.filter(pk__in=answers[1::3]).update(state=Answer.State.DRAFT, responses={"q1": "brouillon"})
    return campaign


def grow_elsewhere(projects=2, actions=600):
    """Other projects, each bigger than the measured one's campaign, with an open campaign of their own."""
    for n in range(projects):
        other = build_plan(title=f"Autre plan {n}")
        made = Action.objects.bulk_create(
            Action(project=other.project, ref=f"X{i}", title=f"Action {i}", position=10 + i) for i in range(actions)
        )
        person = Person.objects.create(
            project=other.project, key="p", name="Pilote ailleurs", user=other.users["contributor"]
        )
        Action.leads.through.objects.bulk_create(
            Action.leads.through(action_id=a.pk, person_id=person.pk) for a in made
        )
        open_on(other.project, other.users["coordinator"])


@pytest.fixture
def big_campaign(big_plan):  # noqa: F811
    project = big_plan.project
    lead_user = member(project, Membership.Role.CONTRIBUTOR)
    Person.objects.filter(project=project, key="pilote").update(user=lead_user)
    campaign = open_on(project, big_plan.users["coordinator"])
    led = Answer.objects.filter(campaign=campaign, respondents__user=lead_user).order_by("position").first()
    return big_plan, campaign, lead_user, led


def pages(plan, campaign, lead_user, led):
    slug = plan.project.slug
    coordinator = plan.users["coordinator"]
    return [
        ("campaign-list", coordinator, reverse("campaign-list", args=[slug])),
        ("campaign-detail", coordinator, reverse("campaign-detail", args=[slug, campaign.pk])),
        ("campaign-progress", coordinator, reverse("campaign-progress", args=[slug, campaign.pk])),
        ("campaign-questions", coordinator, reverse("campaign-questions", args=[slug, campaign.pk])),
        ("campaign-answer", lead_user, reverse("campaign-answer", args=[slug, campaign.pk, led.pk])),
        ("home", lead_user, reverse("home")),
    ]


def test_the_pages_of_a_500_action_campaign_use_a_bounded_number_of_queries(
    client, big_campaign, django_assert_max_num_queries
):
    plan, campaign, lead_user, led = big_campaign
    assert Answer.objects.filter(campaign=campaign).count() == 504
    for name, user, url in pages(plan, campaign, lead_user, led):
        client.force_login(user)
        client.get(url)
        with django_assert_max_num_queries(BOUNDS[name]):
            response = client.get(url)
        assert response.status_code == 200, name


def test_the_pages_read_the_same_rows_when_other_projects_grow(client, big_campaign, fetched):
    plan, campaign, lead_user, led = big_campaign
    before = {}
    for name, user, url in pages(plan, campaign, lead_user, led):
        client.force_login(user)
        client.get(url)
        with fetched() as measure:
            assert client.get(url).status_code == 200
        before[name] = measure
    grow_elsewhere()
    for name, user, url in pages(plan, campaign, lead_user, led):
        client.force_login(user)
        client.get(url)
        with fetched() as after:
            assert client.get(url).status_code == 200
        assert (after.rows, after.instances) == (before[name].rows, before[name].instances), (
            f"{name}: {before[name]} → {after}"
        )


def test_the_progress_page_reads_what_it_shows_not_the_whole_campaign(client, big_campaign, fetched):
    plan, campaign, _lead, _led = big_campaign
    client.force_login(plan.users["coordinator"])
    url = reverse("campaign-progress", args=[plan.project.slug, campaign.pk])
    client.get(url)
    with fetched() as measure:
        assert client.get(url).status_code == 200
    # 50 answers a page, their actions and leads, the tree's nodes for nothing else: far below 504 answers.
    assert measure.by_model.get("campaigns.Answer", 0) <= 50, measure
    assert measure.instances < 250, measure
