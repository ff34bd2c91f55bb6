"""Every page of a project fetches the same rows however much the rest of the database holds (issue 11).

Project A is built, each page is measured (rows read, model instances built), then ten times as much
data is built in other projects — published, with members, directory, governance, indicators and
values — and every page is measured again. A page whose work grows with other projects' data (the
fiche once loaded every action of the instance in 37 queries) fails here, whatever its query count.
"""

import datetime

import pytest
from django.urls import reverse

from maillage.actions.models import Action, ActionNode, ActionPartner, Comment
from maillage.diagnostic.models import Finding
from maillage.evaluation.models import FollowUpNote, Indicator, IndicatorTarget, IndicatorValue
from maillage.governance.models import Body, Decision
from maillage.partners.models import Organisation, Person
from maillage.projects.listing import PAGE_SIZE
from maillage.projects.tests.conftest import build_plan
from maillage.projects.tests.factories import ProjectFactory

TODAY = datetime.date.today()


def furnish(plan, actions=20):
    """What the seeds' projects hold besides the base plan: bodies, decisions, findings, notes, values."""
    project = plan.project
    body = Body.objects.create(project=project, key="copil", kind="copil", name="Comité de pilotage")
    meeting = project.meetings.order_by("date").first()
    meeting.body = body
    meeting.save()
    decision = Decision.objects.create(meeting=meeting, text="Poursuivre le guide")
    decision.actions.add(plan.actions["guide"])
    Finding.objects.create(project=project, theme="Accès aux droits", text="Le non-recours est fréquent.")
    organisation = Organisation.objects.create(project=project, key=f"asso-{project.pk}", name="Association")
    person = Person.objects.create(project=project, key=f"p-{project.pk}", name="Agent", organisation=organisation)
    objective = plan.nodes["obj21"]
    made = Action.objects.bulk_create(
        Action(
            project=project,
            ref=f"G{n:03d}",
            title=f"Action de masse {n}",
            search_text=f"action de masse {n}",
            title_key=f"action de masse {n}",
            status="in_progress",
            end_date=TODAY - datetime.timedelta(days=n),
            position=100 + n,
        )
        for n in range(actions)
    )
    ActionNode.objects.bulk_create(ActionNode(action=a, node=objective) for a in made)
    ActionPartner.objects.bulk_create(ActionPartner(action=a, organisation=organisation, role="lead") for a in made)
    Action.leads.through.objects.bulk_create(Action.leads.through(action_id=a.pk, person_id=person.pk) for a in made)
    indicators = Indicator.objects.bulk_create(
        Indicator(action=a, kind="quantitative", title="Participants") for a in [*made, plan.actions["guide"]]
    )
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=i, year=project.last_year, value=10) for i in indicators
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=i, period=str(project.first_year + y), value=y) for i in indicators for y in range(3)
    )
    FollowUpNote.objects.bulk_create(FollowUpNote(action=a, date=TODAY, text="Point d'étape") for a in made)
    Comment.objects.bulk_create(Comment(action=a, author="Lecteur", text="Bien vu") for a in made)
    return {"body": body, "meeting": meeting, "decision": decision, "organisation": organisation, "person": person}


# (name, args from the plan and its furniture, who asks). Members' pages are asked by the coordinator.
def member_pages(plan, extra):
    slug = plan.project.slug
    guide = plan.actions["guide"]
    indicator = guide.indicators.first()
    finding = plan.project.findings.first()
    return [
        ("project-dashboard", [slug]),
        ("project-settings", [slug]),
        ("project-members", [slug]),
        ("project-tree", [slug]),
        ("action-list", [slug]),
        ("action-list", [slug], {"q": "masse", "statut": "in_progress", "tri": "titre"}),
        ("action-create", [slug]),
        ("action-detail", [slug, guide.ref]),
        ("action-edit", [slug, guide.ref]),
        ("action-indicator-edit", [slug, guide.ref, indicator.pk]),
        ("partner-directory", [slug]),
        ("organisation-detail", [slug, extra["organisation"].pk]),
        ("organisation-edit", [slug, extra["organisation"].pk]),
        ("people-directory", [slug]),
        ("person-edit", [slug, extra["person"].pk]),
        ("governance", [slug]),
        ("body-detail", [slug, extra["body"].pk]),
        ("meeting-detail", [slug, extra["meeting"].pk]),
        ("meeting-edit", [slug, extra["meeting"].pk]),
        ("diagnostic", [slug]),
        ("constat-edit", [slug, finding.pk]),
        ("project-documents", [slug]),
        *downloads(plan),
        ("home", []),
    ]


def downloads(plan):
    """The documents written in the request (the whole annex is a background export, measured in bench/)."""
    slug, ref = plan.project.slug, plan.actions["guide"].ref
    asked = [("panorama", "docx"), (f"action:{ref}", "pdf"), ("tree", "svg"), ("calendar", "odt")]
    if plan.users:  # members also take the tables and the calendar file
        asked += [("tables", "xlsx"), ("project", "csv"), ("meetings", "ics")]
    return [("document-download", [slug], {"document": what, "format": format}) for what, format in asked]


def public_pages(plan):
    slug = plan.project.slug
    return [
        ("public-plan", [slug]),
        ("public-action", [slug, plan.actions["guide"].ref]),
        ("project-documents", [slug]),
        *[entry for entry in downloads(plan) if entry[2]["format"] in ("docx", "pdf", "svg", "odt")],
        ("public-projects", []),
        ("home", []),
    ]


def url_of(entry):
    name, args, *query = entry
    url = reverse(name, args=args)
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query[0].items())
    return url


def measure(client, urls, fetched):
    results = {}
    for url in urls:
        client.get(url)  # first request warms per-process caches (content types, translations)
        with fetched() as seen:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        results[url] = (seen.rows, seen.instances, str(seen))
    return results


def grow_elsewhere(times=10):
    """``times`` other published projects, each as furnished as the measured one, with their members."""
    for n in range(times):
        other = build_plan(title=f"Autre plan {n}", published=True)
        furnish(other)


@pytest.fixture
def measured(db):
    plan = build_plan(published=True)
    extra = furnish(plan)
    # Lists of projects show one page: fill it before the first measure, so that growing adds pages only.
    ProjectFactory.create_batch(PAGE_SIZE + 1, published=True)
    return plan, extra


def _compare(before, after):
    grown = {url: f"{before[url][2]}  →  {after[url][2]}" for url in before if before[url][:2] != after[url][:2]}
    assert not grown, "\n".join(f"{url}: {change}" for url, change in grown.items())


def test_member_pages_fetch_the_same_rows_when_other_projects_grow(client, measured, fetched):
    plan, extra = measured
    client.force_login(plan.users["coordinator"])
    urls = [url_of(entry) for entry in member_pages(plan, extra)]
    before = measure(client, urls, fetched)
    grow_elsewhere()
    _compare(before, measure(client, urls, fetched))


def test_public_pages_fetch_the_same_rows_when_other_projects_grow(client, measured, fetched):
    plan, _extra = measured
    urls = [url_of(entry) for entry in public_pages(plan)]
    before = measure(client, urls, fetched)
    grow_elsewhere()
    _compare(before, measure(client, urls, fetched))
