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
from maillage.actions.tests.factories import ActionFactory
from maillage.campaigns.opening import create_campaign, open_campaign
from maillage.diagnostic.models import Finding
from maillage.evaluation.models import FollowUpNote, Indicator, IndicatorTarget, IndicatorValue
from maillage.governance.models import Body, Decision
from maillage.library.templatetags.library_tags import SIMILAR_SHOWN
from maillage.partners.models import Organisation, Person
from maillage.projects.listing import PAGE_SIZE
from maillage.projects.tests.conftest import build_plan
from maillage.projects.tests.factories import ProjectFactory
from maillage.versions.taking import take_version

TODAY = datetime.date.today()


def furnish(plan, actions=60):
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
    nodes = list(project.nodes.order_by("pk"))
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
    ActionNode.objects.bulk_create(ActionNode(action=a, node=nodes[n % len(nodes)]) for n, a in enumerate(made))
    ActionPartner.objects.bulk_create(ActionPartner(action=a, organisation=organisation, role="lead") for a in made)
    Action.leads.through.objects.bulk_create(Action.leads.through(action_id=a.pk, person_id=person.pk) for a in made)
    indicators = Indicator.objects.bulk_create(
        Indicator(action=a, kind="quantitative", title="Participants") for a in [*made, plan.actions["guide"]]
    )
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=i, year=project.last_year, value=10) for i in indicators
    )
    # One indicator in ten has values: the others fill a whole page of the « no value » filter.
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=i, period=str(project.first_year + y), value=y)
        for i in indicators[::10]
        for y in range(3)
    )
    FollowUpNote.objects.bulk_create(FollowUpNote(action=a, date=TODAY, text="Point d'étape") for a in made)
    Comment.objects.bulk_create(Comment(action=a, author="Lecteur", text="Bien vu") for a in made)
    version = take_version(project, label="Version adoptée", adopted=True, date=TODAY, reference="D-1")
    campaign = create_campaign(
        project,
        kind="annual",
        first_year=project.first_year,
        last_year=project.first_year,
        due_date=TODAY + datetime.timedelta(days=30),
    )
    open_campaign(campaign)
    return {
        "body": body,
        "meeting": meeting,
        "decision": decision,
        "organisation": organisation,
        "person": person,
        "version": version,
        "campaign": campaign,
        "answer": campaign.answers.order_by("pk").first(),
    }


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
        ("action-choices", [slug, "action"], {"q": "masse"}),
        ("action-choices", [slug, "pilote"], {"q": "agent"}),
        ("action-choices", [slug, "partenaire"], {"q": "asso"}),
        ("action-create", [slug]),
        ("action-detail", [slug, guide.ref]),
        ("action-edit", [slug, guide.ref]),
        ("action-indicator-edit", [slug, guide.ref, indicator.pk]),
        ("partner-directory", [slug]),
        ("organisation-detail", [slug, extra["organisation"].pk]),
        ("partner-duplicates", [slug]),
        ("partner-exchange", [slug]),
        ("partner-exchange-download", [slug, "json"]),
        ("partner-mobilisation", [slug]),
        ("partner-proposals", [slug]),
        ("programmes", [slug]),
        ("organisation-edit", [slug, extra["organisation"].pk]),
        ("people-directory", [slug]),
        ("person-edit", [slug, extra["person"].pk]),
        ("partner-map", [slug]),
        ("partner-map-data", [slug]),
        ("project-territories", [slug]),
        ("territories-map-data", [slug]),
        ("governance", [slug]),
        ("body-detail", [slug, extra["body"].pk]),
        ("meeting-detail", [slug, extra["meeting"].pk]),
        ("meeting-edit", [slug, extra["meeting"].pk]),
        ("diagnostic", [slug]),
        ("constat-edit", [slug, finding.pk]),
        ("steering", [slug]),
        ("panorama", [slug]),
        ("indicator-list", [slug]),
        ("indicator-list", [slug], {"manquant": "1"}),
        ("indicator-detail", [slug, indicator.pk]),
        ("indicator-value-add", [slug, indicator.pk]),
        ("action-quick-update", [slug, guide.ref]),
        ("account", []),
        ("versions", [slug]),
        ("campaign-list", [slug]),
        ("campaign-detail", [slug, extra["campaign"].pk]),
        ("campaign-progress", [slug, extra["campaign"].pk]),
        ("campaign-questions", [slug, extra["campaign"].pk]),
        ("campaign-answer", [slug, extra["campaign"].pk, extra["answer"].pk]),
        ("version-detail", [slug, extra["version"].pk]),
        ("version-action", [slug, extra["version"].pk, guide.ref]),
        ("project-documents", [slug]),
        *downloads(plan),
        ("home", []),
    ]


def downloads(plan):
    """The documents written in the request (the whole annex is a background export, measured in bench/)."""
    slug, ref = plan.project.slug, plan.actions["guide"].ref
    asked = [("panorama", "docx"), (f"action:{ref}", "pdf"), ("tree", "svg"), ("calendar", "odt")]
    if plan.users:  # members also take the tables and the calendar file
        asked += [("tables", "xlsx"), ("project", "csv"), ("meetings", "ics"), ("project", "json")]
    return [("document-download", [slug], {"document": what, "format": format}) for what, format in asked]


def public_pages(plan):
    slug = plan.project.slug
    return [
        ("public-plan", [slug]),
        ("public-action", [slug, plan.actions["guide"].ref]),
        ("public-partner-map", [slug]),
        ("public-territories", [slug]),
        ("project-documents", [slug]),
        *[entry for entry in downloads(plan) if entry[2]["format"] in ("docx", "pdf", "svg", "odt")],
        *[("public-open-data", [slug, name]) for name in ("plan.json", "actions.csv", "arbre.csv")],
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
    # The fiche shows at most SIMILAR_SHOWN similar actions of other plans: fill that box too, so that a
    # measure run alone (no other test's data) starts full, as the whole suite does.
    guide = plan.actions["guide"]
    for project in ProjectFactory.create_batch(SIMILAR_SHOWN, published=True):
        ActionFactory(project=project, ref=guide.ref, title=guide.title, description=guide.description)
    return plan, extra


def _compare(before, after, slack=0):
    """Every page fetched the same rows and built the same instances (within ``slack`` rows and instances:
    a project ten times larger may add a few aggregate rows, one for each status it now uses)."""
    grown = {
        url: f"{before[url][2]}  →  {after[url][2]}"
        for url in before
        if after[url][0] > before[url][0] + slack or after[url][1] > before[url][1] + slack
    }
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


# Rows a page may add when its project is ten times larger: aggregates by status, late ones, one more
# page of a list that was not full. Not a number that grows with the actions.
GROWTH_SLACK = 10


def grow_inside(plan, extra, actions=300):
    """The measured project itself ten times larger: actions under every node, with leads and partners."""
    project = plan.project
    nodes = list(project.nodes.all())
    made = Action.objects.bulk_create(
        Action(
            project=project,
            ref=f"H{n:04d}",
            title=f"Action ajoutée {n}",
            search_text=f"action ajoutee {n}",
            title_key=f"action ajoutee {n}",
            status=["planned", "in_progress", "done"][n % 3],
            end_date=TODAY - datetime.timedelta(days=n % 90),
            position=1000 + n,
        )
        for n in range(actions)
    )
    ActionNode.objects.bulk_create(ActionNode(action=a, node=nodes[n % len(nodes)]) for n, a in enumerate(made))
    ActionPartner.objects.bulk_create(
        ActionPartner(action=a, organisation=extra["organisation"], role="operational") for a in made
    )
    Action.leads.through.objects.bulk_create(
        Action.leads.through(action_id=a.pk, person_id=extra["person"].pk) for a in made
    )
    indicators = Indicator.objects.bulk_create(Indicator(action=a, kind="quantitative", title="Publics") for a in made)
    IndicatorValue.objects.bulk_create(IndicatorValue(indicator=i, period="2024", value=1) for i in indicators)


def test_member_pages_fetch_the_same_rows_when_the_project_grows(client, measured, fetched):
    """Pages show a page of the project, not all of it: ten times the actions, the same rows."""
    plan, extra = measured
    client.force_login(plan.users["coordinator"])
    urls = [url_of(entry) for entry in member_pages(plan, extra) if entry[0] in PAGES_BOUNDED_IN_THE_PROJECT]
    before = measure(client, urls, fetched)
    grow_inside(plan, extra)
    _compare(before, measure(client, urls, fetched), slack=GROWTH_SLACK)


def test_public_pages_fetch_the_same_rows_when_the_project_grows(client, measured, fetched):
    plan, extra = measured
    urls = [url_of(entry) for entry in public_pages(plan) if entry[0] in PAGES_BOUNDED_IN_THE_PROJECT]
    before = measure(client, urls, fetched)
    grow_inside(plan, extra)
    _compare(before, measure(client, urls, fetched), slack=GROWTH_SLACK)


# Pages whose cost may not grow with the project's own size (the documents are the whole plan on purpose,
# and are measured in bench/).
PAGES_BOUNDED_IN_THE_PROJECT = {
    "project-dashboard",
    "project-settings",
    "project-members",
    "project-tree",
    "action-list",
    "action-create",
    "action-detail",
    "action-edit",
    "action-indicator-edit",
    "partner-directory",
    "organisation-detail",
    "organisation-edit",
    "people-directory",
    "person-edit",
    "governance",
    "body-detail",
    "meeting-detail",
    "meeting-edit",
    "diagnostic",
    "constat-edit",
    "steering",
    "indicator-list",
    "indicator-detail",
    "indicator-value-add",
    "action-quick-update",
    "account",
    "versions",
    "campaign-list",
    "campaign-detail",
    "campaign-progress",
    "campaign-questions",
    "campaign-answer",
    "project-documents",
    "home",
    "public-plan",
    "public-action",
    "public-projects",
}
