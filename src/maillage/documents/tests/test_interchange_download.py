"""The interchange document from the documents page: the whole document for members (it used to answer
« Document impossible à produire »: ``json`` was listed as a format but no writer produced it)."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import UserFactory, member
from maillage.actions.tests.factories import ActionFactory
from maillage.documents import exporting, views
from maillage.documents.models import Export
from maillage.documents.registry import What, write
from maillage.interchange.exporting import export_project
from maillage.interchange.importing import import_document
from maillage.interchange.public import public_problems
from maillage.partners.models import Person
from maillage.projects.models import Level
from maillage.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def project():
    project = ProjectFactory(published=False, title="Projet de Sainte-Élise")
    Level.objects.create(project=project, depth=1, name="Axe")  # a valid document has at least one level
    action = ActionFactory(project=project, ref="A1", title="Café des parents")
    person = Person.objects.create(project=project, key="p1", name="Chloé Martin", email="chloe@exemple.fr")
    action.leads.add(person)
    return project


def _url(project, format="json", document="project"):
    return f"{reverse('document-download', args=[project.slug])}?document={document}&format={format}"


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CONTRIBUTOR, Role.READER])
def test_members_download_the_whole_interchange_document(client, project, role):
    client.force_login(member(project, role))
    response = client.get(_url(project))
    assert response.status_code == 200, response.content.decode()[:300]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{project.slug}-project.json"'
    document = json.loads(response.content)
    assert document == export_project(project)  # the full document, people included, as the CLI writes it
    assert document["people"][0]["email"] == "chloe@exemple.fr"


def test_the_documents_page_offers_it_to_members_only(client, project):
    client.force_login(member(project, Role.READER))
    page = client.get(reverse("project-documents", args=[project.slug])).content.decode()
    assert 'id="download-project-json"' in page and _url(project).replace("&", "&amp;") in page
    project.published = True
    project.save()
    client.logout()
    page = client.get(reverse("project-documents", args=[project.slug])).content.decode()
    assert 'id="download-project-json"' not in page


def test_visitors_and_strangers_do_not_get_it(client, project):
    assert client.get(_url(project)).status_code in (302, 404)  # unpublished: the login page
    project.published = True
    project.save()
    assert client.get(_url(project)).status_code == 403  # visitors: the open data instead
    client.force_login(UserFactory())
    assert client.get(_url(project)).status_code == 403


def test_json_writes_the_project_only_with_a_french_message(client, project):
    client.force_login(member(project, Role.COORDINATOR))
    response = client.get(_url(project, document="panorama"))
    assert response.status_code == 404
    assert "ne produit pas le document « panorama »" in response.content.decode()


def test_a_document_written_for_a_visitor_is_the_public_profile(project):
    project.published = True
    project.save()
    document = json.loads(write("json", project, What("project", public=True)))
    assert public_problems(document) == []
    assert "Chloé Martin" not in json.dumps(document, ensure_ascii=False)


def test_the_command_line_writes_the_same_document(project, capsys):
    call_command("export", project.slug, "--format", "json")
    assert json.loads(capsys.readouterr().out) == export_project(project)
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="ne produit pas le document « panorama »"):
        call_command("export", project.slug, "--format", "json", "--what", "panorama")


def test_the_downloaded_document_imports_back(client, project):
    client.force_login(member(project, Role.COORDINATOR))
    document = json.loads(client.get(_url(project)).content)
    document["project"]["slug"] = "copie-sainte-elise"
    copy = import_document(document)
    assert copy.actions.get(ref="A1").leads.get().email == "chloe@exemple.fr"


def test_a_large_project_writes_it_in_the_background(client, project, monkeypatch):
    """Beyond JSON_IN_REQUEST_ACTIONS the document is an export with its progress, like the annex."""
    monkeypatch.setattr(views, "JSON_IN_REQUEST_ACTIONS", 0)
    client.force_login(member(project, Role.CONTRIBUTOR))
    page = client.get(reverse("project-documents", args=[project.slug])).content.decode()
    assert 'id="export-project-json"' in page and 'id="download-project-json"' not in page
    refused = client.get(_url(project))
    assert refused.status_code == 404 and "tâche de fond" in refused.content.decode()
    started = client.post(reverse("export-start", args=[project.slug]), {"document": "project", "format": "json"})
    assert started.status_code == 302
    export = Export.objects.get(project=project, format="json")
    exporting.run_export(export.pk)  # what the worker does
    download = client.get(reverse("export-file", args=[project.slug, export.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(download.content) == export_project(project)
