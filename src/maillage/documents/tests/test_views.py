"""The documents page, the direct downloads and the background export, for every role.

Exports are checked by opening the files; the background task is run by calling its body (the
database backend only stores the task in tests: no worker runs)."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import UserFactory, member
from maillage.actions.tests.factories import ActionFactory
from maillage.documents import exporting
from maillage.documents.models import Export
from maillage.partners.models import Person
from maillage.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan():
    project = ProjectFactory(published=False, title="Projet de Sainte-Élise")
    action = ActionFactory(project=project, ref="A1", title="Café des parents « bébé lecteur »")
    person = Person.objects.create(
        project=project, key="p1", name="Chloé Martin", email="chloe@exemple.fr", phone="0600000000"
    )
    action.leads.add(person)
    return project


def client_for(client, project, role):
    """A client signed in with ``role`` on ``project`` ("none": signed in, no role; None: anonymous)."""
    if role == "none":
        client.force_login(UserFactory())
    elif role is not None:
        client.force_login(member(project, role))
    return client


def download_url(project, document, format, **extra):
    query = "&".join(f"{key}={value}" for key, value in {"document": document, "format": format, **extra}.items())
    return f"{reverse('document-download', args=[project.slug])}?{query}"


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


MEMBERS = [Role.COORDINATOR, Role.CONTRIBUTOR, Role.READER, Role.NETWORK_ADMIN]


@pytest.mark.parametrize("role", MEMBERS)
def test_members_see_every_document_and_take_the_tables(client, plan, role):
    client = client_for(client, plan, role)
    page = client.get(reverse("project-documents", args=[plan.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Documents du projet" in html and "Panorama des actions" in html and "Tableaux" in html
    assert 'id="download-panorama-pdf"' in html and 'id="export-project-pdf"' in html
    # the shared secret URL for coordinators, a personal one for every member (issue 16, finding 12)
    assert (plan.calendar_token in html) == (role in (Role.COORDINATOR, Role.NETWORK_ADMIN))
    assert 'id="calendar-personal"' in html
    workbook = client.get(download_url(plan, "tables", "xlsx"))
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    assert 'filename="' + plan.slug + '-tables.xlsx"' in workbook["Content-Disposition"]


@pytest.mark.parametrize("role", ["none", None])
def test_a_private_project_gives_no_file_to_outsiders(client, plan, role):
    client = client_for(client, plan, role)
    for url in (
        reverse("project-documents", args=[plan.slug]),
        download_url(plan, "panorama", "pdf"),
        download_url(plan, "tables", "xlsx"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert response.get("Content-Disposition") is None
        if response.status_code == 403:
            assert "Sainte-Élise" not in response.content.decode()  # nothing leaks
    response = client.post(reverse("export-start", args=[plan.slug]), {"document": "project", "format": "pdf"})
    assert response.status_code in (302, 403)
    assert not Export.objects.filter(project=plan).exists()


def test_a_user_of_project_a_gets_nothing_of_project_b(client, plan):
    other = ProjectFactory(published=False)
    client.force_login(member(other, Role.COORDINATOR))
    assert client.get(download_url(plan, "action:A1", "pdf")).status_code == 403
    assert client.get(reverse("project-documents", args=[plan.slug])).status_code == 403
    # An export of project B asked through project A's URL, or by its id: 404.
    mine = exporting.start_export(other, "project", "pdf", user=None)
    export_b = exporting.start_export(plan, "project", "pdf", user=None)
    assert client.get(reverse("export-status", args=[other.slug, export_b.pk])).status_code == 404
    assert client.get(reverse("export-file", args=[other.slug, export_b.pk])).status_code == 404
    assert client.get(reverse("export-status", args=[other.slug, mine.pk])).status_code == 404  # not asked by me


def test_visitors_of_a_published_plan_take_the_public_documents_only(client, plan):
    plan.published = True
    plan.save()
    page = client.get(reverse("project-documents", args=[plan.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Panorama des actions" in html and "Tableaux" not in html and "jeton=" not in html
    fiche = client.get(download_url(plan, "action:A1", "pdf"))
    assert fiche.status_code == 200
    text = pdf_text(fiche.content)
    assert "Café des parents « bébé lecteur »" in text
    assert client.get(download_url(plan, "tree", "png")).content[:8] == b"\x89PNG\r\n\x1a\n"
    for refused in (download_url(plan, "tables", "xlsx"), download_url(plan, "project", "csv")):
        response = client.get(refused)
        assert response.status_code == 403 and response.get("Content-Disposition") is None
    response = client.get(download_url(plan, "calendar", "ics"))  # the meetings: members only
    assert response.status_code == 403


def test_the_public_annex_has_no_contact_details(plan):
    plan.published = True
    plan.save()
    export = exporting.start_export(plan, "project", "pdf")
    exporting.run_export(export.pk)
    export.refresh_from_db()
    text = pdf_text(export.file.read())
    assert "Café des parents" in text and "Chloé Martin" in text  # the lead is named, as in the deliberated annex
    assert "chloe@exemple.fr" not in text and "0600000000" not in text


def test_bad_requests_get_a_french_page_and_no_file(client, plan):
    client = client_for(client, plan, Role.COORDINATOR)
    for url, message in (
        (download_url(plan, "action:ZZ9", "pdf"), "Fiche action « ZZ9 » introuvable"),
        (download_url(plan, "panorama", "rtf"), "Format « rtf » non pris en charge"),
        (download_url(plan, "rapport", "pdf"), "Document « rapport » inconnu"),
        (download_url(plan, "project", "pdf"), "tâche de fond"),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert message in response.content.decode()
        assert response.get("Content-Disposition") is None
    assert client.get(download_url(ProjectFactory.build(slug="inconnu"), "panorama", "pdf")).status_code == 404


def test_background_export_shows_progress_then_the_file(client, plan):
    client = client_for(client, plan, Role.READER)
    response = client.post(
        reverse("export-start", args=[plan.slug]), {"document": "project", "format": "pdf"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    export = Export.objects.get(project=plan)
    html = response.content.decode()
    assert export.status == Export.Status.QUEUED
    assert "en attente" in html and 'hx-get="' + reverse("export-status", args=[plan.slug, export.pk]) in html
    assert client.get(reverse("export-file", args=[plan.slug, export.pk])).status_code == 404  # not ready

    exporting.run_export(export.pk)  # what the worker does

    fragment = client.get(reverse("export-status", args=[plan.slug, export.pk]), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "prêt" in html and "hx-get" not in html  # polling stops
    assert reverse("export-file", args=[plan.slug, export.pk]) in html
    download = client.get(reverse("export-file", args=[plan.slug, export.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "Projet de Sainte-Élise" in pdf_text(download.content)
    page = client.get(reverse("export-status", args=[plan.slug, export.pk]))
    assert "Export du document du projet" in page.content.decode()


def test_a_visitor_follows_the_export_they_started_only(client, plan):
    plan.published = True
    plan.save()
    response = client.post(reverse("export-start", args=[plan.slug]), {"document": "project", "format": "odt"})
    export = Export.objects.get(project=plan)
    assert response.status_code == 302 and response["Location"] == reverse("export-status", args=[plan.slug, export.pk])
    assert client.get(response["Location"]).status_code == 200
    other_visitor = client_class_fresh()
    assert other_visitor.get(response["Location"]).status_code == 404


def client_class_fresh():
    from django.test import Client

    return Client()


def test_unfiltered_list_query_exports_every_action(plan):
    """Only the page number in the query string: no filter, so the filtering module is not needed."""
    assert exporting.filtered_actions(plan, "page=2") is None
    assert exporting.filtered_actions(plan, "") is None


def test_exports_started_from_a_filtered_list_keep_its_filters(client, demo_db):
    """Genas's list filtered on « reportée »: the CSV and the panorama hold the 7 postponed actions only."""
    import csv
    from urllib.parse import quote

    project = demo_db["genas-pset-2"]
    client_for(client, project, Role.READER)
    postponed = list(project.actions.filter(status="postponed").values_list("title", flat=True))
    assert len(postponed) == 7
    list_page = client.get(reverse("action-list", args=[project.slug]) + "?statut=postponed").content.decode()
    assert "filtres=statut%3Dpostponed" in list_page
    response = client.get(download_url(project, "project", "csv", filtres=quote("statut=postponed")))
    rows = list(csv.reader(response.content.decode("utf-8-sig").splitlines(), delimiter=";"))
    titles = {row[rows[0].index(next(h for h in rows[0] if h.lower().startswith("intitul")))] for row in rows[1:]}
    assert titles == set(postponed)
    panorama = client.get(download_url(project, "panorama", "pdf", filtres=quote("statut=postponed")))
    text = pdf_text(panorama.content)
    assert postponed[0][:30] in text
    done_title = project.actions.filter(status="done").first().title
    assert done_title[:30] not in text


def test_visitors_share_one_export_of_each_state_of_the_plan(client, plan, django_capture_on_commit_callbacks):
    """Twenty visitors asking for the whole PDF queue one export, not twenty; a change of the plan starts anew."""
    plan.published = True
    plan.save()
    url = reverse("export-start", args=[plan.slug])
    ask = {"document": "project", "format": "pdf"}
    first = client.post(url, ask)["Location"]
    others = [client_class_fresh() for _ in range(3)]
    assert {other.post(url, ask)["Location"] for other in others} == {first}
    assert Export.objects.filter(project=plan).count() == 1
    assert all(other.get(first).status_code == 200 for other in others)  # each follows it from their session
    with django_capture_on_commit_callbacks(execute=True):
        action = plan.actions.get(ref="A1")
        action.title = "Café des parents, nouvelle formule"
        action.save()
    assert client.post(url, ask)["Location"] != first
    assert Export.objects.filter(project=plan).count() == 2
    member_client = client_for(client_class_fresh(), plan, Role.READER)
    member_client.post(url, ask)
    assert Export.objects.filter(project=plan).count() == 3  # members' exports are their own
