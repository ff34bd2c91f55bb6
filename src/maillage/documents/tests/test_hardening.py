"""Issue 16: findings 4 (exports left running by a dead worker), 7 (a line break in a title broke the
calendar), 9 (public documents named people), 10 (anyone could fill the task queue) and 12 (the calendar
token could never be rotated)."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from odf.opendocument import load as load_odt
from odf.text import H, P

from maillage.accounts.members import remove_member
from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import member
from maillage.actions.tests.factories import ActionFactory
from maillage.documents import exporting
from maillage.documents.models import Export
from maillage.governance.models import Body, BodyMember
from maillage.partners.models import Organisation, Person
from maillage.projects.models import Node
from maillage.projects.tests.factories import ProjectFactory

from .test_views import download_url, pdf_text

pytestmark = pytest.mark.django_db
Role = Membership.Role
PEOPLE = ("Chloé Martin", "Marc Dupuis", "Inès Roux", "Paul Girard")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def published():
    """A published plan whose every place for a person is filled: leads, elected referents of the action
    and of a node, the chair and the members of a body."""
    project = ProjectFactory(published=True, title="Projet de Sainte-Élise")
    maison = Organisation.objects.create(project=project, key="msp", name="Maison des solidarités")
    lead = Person.objects.create(project=project, key="p1", name=PEOPLE[0], function="Animatrice", organisation=maison)
    elected = Person.objects.create(project=project, key="p2", name=PEOPLE[1], function="Adjoint", elected=True)
    chair = Person.objects.create(project=project, key="p3", name=PEOPLE[2], elected=True)
    alone = Person.objects.create(project=project, key="p4", name=PEOPLE[3])
    action = ActionFactory(
        project=project, ref="A1", title="Café des parents", elected_referent=elected, lead_organisation=maison
    )
    action.leads.add(lead)
    level = project.levels.create(depth=1, name="Axe")
    node = Node.objects.create(project=project, level=level, code="1", title="Soutenir les familles", referent=elected)
    action.placements.create(node=node, position=1)
    body = Body.objects.create(
        project=project, key="copil", kind=Body.Kind.COPIL, name="Comité de pilotage", chair=chair
    )
    BodyMember.objects.create(body=body, person=lead, organisation=maison, role="membre")
    BodyMember.objects.create(body=body, person=alone, role="habitant")
    return project


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode()


def odt_text(content: bytes) -> str:
    from maillage.imports.reading import _text

    document = load_odt(io.BytesIO(content))
    return " ".join(_text(node) for kind in (H, P) for node in document.getElementsByType(kind))


READERS = {"pdf": pdf_text, "docx": docx_text, "odt": odt_text}


# --- finding 9: public documents name no person ------------------------------------------------------------


@pytest.mark.parametrize("format", ["docx", "odt", "pdf"])
def test_finding_9_an_anonymous_visitor_gets_a_fiche_that_names_no_person(published, format):
    response = Client().get(download_url(published, "action:A1", format))
    assert response.status_code == 200
    text = READERS[format](response.content)
    assert "Café des parents" in text and "Maison des solidarités" in text  # organisations stay
    assert not [name for name in PEOPLE if name in text]


@pytest.mark.parametrize("document", ["panorama", "calendar"])
def test_finding_9_the_public_panorama_and_calendar_name_no_person(published, document):
    text = pdf_text(Client().get(download_url(published, document, "pdf")).content)
    assert "Café des parents" in text
    assert not [name for name in PEOPLE if name in text]


def test_finding_9_the_public_project_document_names_no_person_but_a_members_does(client, published):
    visitor = Client()
    visitor.post(reverse("export-start", args=[published.slug]), {"document": "project", "format": "pdf"})
    export = Export.objects.get()
    assert export.public
    exporting.run_export(export.pk)
    export.refresh_from_db()
    text = pdf_text(export.file.read())
    assert "Comité de pilotage" in text and "Maison des solidarités" in text
    assert not [name for name in PEOPLE if name in text]
    client.force_login(member(published, Role.READER))
    own = pdf_text(client.get(download_url(published, "action:A1", "pdf")).content)
    assert PEOPLE[0] in own and PEOPLE[1] in own  # members read the deliberated annex as it is


# --- finding 10: the task queue has limits ---------------------------------------------------------------------


def start(client, project, format="pdf", filters=""):
    data = {"document": "project", "format": format}
    if filters:
        data["filtres"] = filters
    return client.post(reverse("export-start", args=[project.slug]), data)


def test_finding_10_twenty_anonymous_sessions_cannot_queue_twenty_exports(published, settings):
    # Twenty visitors asking for twenty different documents (each a search of the plan): only a few queue.
    answers = [start(Client(), published, filters=f"q=mot{session}").status_code for session in range(20)]
    assert answers.count(302) == settings.MAILLAGE_ANONYMOUS_EXPORTS
    assert answers.count(429) == 20 - settings.MAILLAGE_ANONYMOUS_EXPORTS
    assert Export.objects.count() == settings.MAILLAGE_ANONYMOUS_EXPORTS
    page = start(Client(), published, filters="q=encore").content.decode()
    assert "Service occupé" in page and "réessayez dans quelques minutes" in page


def test_finding_10_twenty_anonymous_sessions_asking_for_the_same_document_share_one_export(published):
    answers = [start(Client(), published).status_code for _session in range(20)]
    assert answers == [302] * 20
    assert Export.objects.count() == 1  # written once for this state of the plan, whoever asks


def test_finding_10_one_session_or_one_person_has_a_few_exports_in_flight(client, published, settings):
    visitor = Client()
    answers = [start(visitor, published, format).status_code for format in ("pdf", "docx", "odt")]
    assert answers == [302, 302, 429]
    client.force_login(member(published, Role.READER))
    answers = [start(client, published, format).status_code for format in ("pdf", "docx", "odt")]
    assert answers == [302, 302, 429]
    Export.objects.update(status=Export.Status.DONE)  # once written, the person may ask again
    assert start(client, published).status_code == 302


def test_finding_10_imports_and_exports_run_on_separate_queues():
    from maillage.documents.tasks import export_document
    from maillage.imports.tasks import read_import
    from maillage.jobs.management.commands.worker import QUEUES

    assert export_document.queue_name == "exports" and read_import.queue_name == "imports"
    assert read_import.priority > export_document.priority
    assert QUEUES["imports"] == "imports" and "imports" not in QUEUES["exports"]  # one worker each


# --- finding 4: exports left running by a dead worker ---------------------------------------------------------


def test_finding_4_an_export_left_running_by_a_dead_worker_is_failed_and_can_be_asked_again(client, published):
    client.force_login(member(published, Role.READER))
    start(client, published)
    export = Export.objects.get()
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.RUNNING,
        started=timezone.now() - timedelta(minutes=5),
        heartbeat=timezone.now() - timedelta(minutes=5),
    )
    fragment = client.get(reverse("export-status", args=[published.slug, export.pk]), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED and "le travailleur des tâches de fond s'est arrêté" in export.error
    assert "hx-trigger" not in html  # the fragment stops polling
    assert f'id="export-retry-{export.pk}"' in html
    assert start(client, published).status_code == 302  # asked again
    exporting.run_export(export.pk)  # the dead worker's task, run late, does not revive the failed export
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED


def test_finding_4_exports_over_the_time_limit_or_never_started_are_failed(published, settings):
    now = timezone.now()
    beating = Export.objects.create(project=published, what="project", format="pdf", status=Export.Status.RUNNING,
                                    started=now - timedelta(hours=2), heartbeat=now)  # fmt: skip
    queued = Export.objects.create(project=published, what="project", format="pdf")
    Export.objects.filter(pk=queued.pk).update(created=now - timedelta(hours=2))
    fresh = Export.objects.create(project=published, what="project", format="docx")
    assert exporting.fail_stale_exports() == 2
    states = dict(Export.objects.values_list("pk", "status"))
    assert states[beating.pk] == states[queued.pk] == Export.Status.FAILED and states[fresh.pk] == Export.Status.QUEUED


# --- finding 7: a line break in the title ----------------------------------------------------------------------


def test_finding_7_a_line_break_in_the_title_no_longer_breaks_the_calendar(client, published):
    published.title = "Projet social\nde Sainte-Élise"
    published.save()
    client.force_login(member(published, Role.COORDINATOR))
    download = client.get(download_url(published, "calendar", "ics"))
    assert download.status_code == 200
    assert "X-WR-CALNAME:Projet social\\nde Sainte-Élise" in download.content.decode()  # escaped (RFC 5545)
    assert len(Calendar.from_ical(download.content).walk("VEVENT")) >= 0
    feed = Client().get(reverse("calendar-feed", args=[published.slug]), {"jeton": published.calendar_token})
    assert feed.status_code == 200


def test_finding_7_the_settings_form_refuses_a_line_break_in_the_title(client, published):
    client.force_login(member(published, Role.COORDINATOR))
    response = client.post(
        reverse("project-settings", args=[published.slug]),
        {"title": "Projet social\r\nde Sainte-Élise", "state": published.state, "form": "project"},
    )
    published.refresh_from_db()
    assert published.title == "Projet de Sainte-Élise"
    assert "Le titre tient sur une ligne" in response.content.decode()


# --- finding 12: calendar addresses that can be withdrawn -----------------------------------------------------


def feed(project, token):
    return Client().get(reverse("calendar-feed", args=[project.slug]), {"jeton": token}).status_code


def test_finding_12_the_shared_token_rotates_from_the_documents_page_and_the_command(client, published):
    old = published.calendar_token
    client.force_login(member(published, Role.COORDINATOR))
    client.post(reverse("calendar-rotate", args=[published.slug]), {"adresse": "projet"})
    published.refresh_from_db()
    assert published.calendar_token != old and feed(published, old) == 404
    assert feed(published, published.calendar_token) == 200
    second = published.calendar_token
    out = io.StringIO()
    call_command("calendar-url", published.slug, "--rotate", stdout=out, stderr=io.StringIO())
    published.refresh_from_db()
    assert published.calendar_token != second and published.calendar_token in out.getvalue()
    assert feed(published, second) == 404


def test_finding_12_a_removed_member_loses_the_feed(client, published):
    coordinator = member(published, Role.COORDINATOR)
    reader = member(published, Role.READER)
    client.force_login(reader)
    page = client.get(reverse("project-documents", args=[published.slug])).content.decode()
    personal = page.split('id="calendar-personal" type="text" readonly value="', 1)[1].split('"', 1)[0]
    token = personal.split("jeton=", 1)[1]
    shared = published.calendar_token  # given to the reader by a coordinator
    assert feed(published, token) == 200 and feed(published, shared) == 200
    remove_member(Membership.objects.get(user=reader, project=published))
    published.refresh_from_db()
    assert feed(published, token) == 404 and feed(published, shared) == 404
    client.force_login(coordinator)
    assert feed(published, published.calendar_token) == 200


def test_finding_12_readers_may_not_rotate_the_shared_address(client, published):
    old = published.calendar_token
    client.force_login(member(published, Role.READER))
    assert client.post(reverse("calendar-rotate", args=[published.slug]), {"adresse": "projet"}).status_code == 403
    published.refresh_from_db()
    assert published.calendar_token == old
    assert Client().post(reverse("calendar-rotate", args=[published.slug]), {"adresse": "personnelle"}).status_code in (
        302,
        403,
    )
