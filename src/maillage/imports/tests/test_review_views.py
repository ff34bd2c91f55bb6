"""The import pages: upload, background reading with progress, review and fixes, then save — for its author only."""

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import UserFactory, member
from maillage.imports.models import ImportRun
from maillage.imports.running import read_run
from maillage.projects.models import Project
from maillage.projects.tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]


def plan_docx() -> bytes:
    """A small plan as a territory writes it: two axes, numbered actions, one fiche with its sections."""
    document = docx.Document()
    document.add_heading("Projet social de territoire 2024-2027", 0)
    document.add_heading("AXE 1 : Favoriser l'accès aux droits", 1)
    document.add_paragraph("Action 1.1 : Accompagner les démarches en ligne")
    document.add_paragraph("Action 1.2 : Créer un point d'accueil itinérant")
    document.add_heading("AXE 2 : Soutenir la parentalité", 1)
    document.add_paragraph("Action 2.1 : Ouvrir un café des parents")
    document.add_heading("Fiche action 2.1 : Ouvrir un café des parents", 2)
    document.add_heading("Contexte", 3)
    document.add_paragraph("Les parents du quartier manquent de lieux pour échanger.")
    document.add_heading("Public cible", 3)
    document.add_paragraph("Parents d'enfants de 0 à 11 ans.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name: str, **data):
    return client.post(reverse("import-start"), {"file": SimpleUploadedFile(name, content), **data}, format="multipart")


def test_upload_reads_in_the_background_then_shows_the_draft(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, plan_docx(), "plan-2024.docx", title="PST des Tilleuls")
    run = ImportRun.objects.get(owner=user)
    assert response["Location"] == reverse("import-review", args=[run.pk])
    run.refresh_from_db()
    assert run.status == ImportRun.Status.READY and run.content is None
    page = client.get(response["Location"]).content.decode()
    assert "Favoriser l&#x27;accès aux droits" in page
    assert "Ouvrir un café des parents" in page
    assert "Les parents du quartier manquent de lieux pour échanger." in page
    assert "Créer le projet" in page


def test_progress_fragment_polls_then_asks_for_a_refresh(client):
    user = UserFactory()
    run = ImportRun.objects.create(owner=user, name="plan.pdf", status=ImportRun.Status.READING, done=3, total=12)
    client.force_login(user)
    fragment = client.get(reverse("import-progress", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "3 sur 12" in fragment
    run.status = ImportRun.Status.READY
    run.save()
    done = client.get(reverse("import-progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


@pytest.fixture
def ready_run():
    user = UserFactory()
    run = ImportRun.objects.create(owner=user, name="plan.docx", content=plan_docx(), slug="pst-tilleuls", title="PST")
    return read_run(run)


def edit(client, run, **data):
    return client.post(reverse("import-edit", args=[run.pk]), data)


def test_fixes_rename_move_merge_and_drop(client, ready_run):
    run = ready_run
    client.force_login(run.owner)
    refs = {a["title"]: a["ref"] for a in run.draft["actions"]}
    assert len(refs) >= 3
    first = refs["Accompagner les démarches en ligne"]
    edit(client, run, op="rename-action", ref=first, title="Accompagner les démarches numériques")
    edit(client, run, op="move-action", ref=first, path="1")
    run.refresh_from_db()
    assert run.draft["nodes"][1]["actions"][-1] == first
    assert first not in run.draft["nodes"][0]["actions"]
    second = refs["Créer un point d'accueil itinérant"]
    edit(client, run, op="drop-action", ref=second)
    edit(client, run, op="rename-level", level=run.draft["levels"][0], title="Orientation")
    run.refresh_from_db()
    titles = [a["title"] for a in run.draft["actions"]]
    assert "Accompagner les démarches numériques" in titles
    assert "Créer un point d'accueil itinérant" not in titles
    assert run.draft["nodes"][0]["level"] == "Orientation"


def test_a_bad_fix_changes_nothing_and_says_why(client, ready_run):
    run = ready_run
    client.force_login(run.owner)
    before = run.draft
    response = edit(client, run, op="rename-action", ref=run.draft["actions"][0]["ref"], title="   ")
    page = client.get(response["Location"]).content.decode()
    assert "L&#x27;intitulé ne peut pas être vide." in page
    run.refresh_from_db()
    assert run.draft == before


def test_save_creates_the_project_and_its_author_coordinates_it(client, ready_run):
    run = ready_run
    client.force_login(run.owner)
    response = client.post(reverse("import-save", args=[run.pk]))
    project = Project.objects.get(slug="pst-tilleuls")
    assert response["Location"] == reverse("project-dashboard", args=[project.slug])
    assert Membership.objects.get(user=run.owner, project=project).role == Membership.Role.COORDINATOR
    assert project.actions.filter(title="Ouvrir un café des parents").exists()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SAVED
    again = client.post(reverse("import-save", args=[run.pk]))
    assert Project.objects.filter(slug="pst-tilleuls").count() == 1
    assert "déjà été enregistré" in client.get(again["Location"]).content.decode()


def test_merge_into_a_project_needs_to_coordinate_it(client):
    project = ProjectFactory()
    reader = member(project, Membership.Role.READER)
    run = read_run(ImportRun.objects.create(owner=reader, name="plan.docx", content=plan_docx(), into=project))
    client.force_login(reader)
    assert client.post(reverse("import-save", args=[run.pk])).status_code == 403
    assert project.actions.count() == 0
    coordinator = member(project, Membership.Role.COORDINATOR)
    client.force_login(coordinator)
    form = client.get(reverse("import-start")).content.decode()
    assert project.title in form
    run.owner = coordinator
    run.save()
    client.post(reverse("import-save", args=[run.pk]))
    assert project.actions.filter(title="Ouvrir un café des parents").exists()


def test_the_upload_form_only_offers_projects_the_user_coordinates(client):
    mine, theirs = ProjectFactory(title="Le mien"), ProjectFactory(title="Pas le mien")
    user = member(mine, Membership.Role.COORDINATOR)
    member(theirs, Membership.Role.READER).delete()
    client.force_login(user)
    response = upload(client, plan_docx(), "plan.docx", into=theirs.pk)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_someone_elses_import_is_a_404(client, ready_run):
    client.force_login(UserFactory())
    for name in ("import-review", "import-progress"):
        assert client.get(reverse(name, args=[ready_run.pk])).status_code == 404
    assert client.post(reverse("import-save", args=[ready_run.pk])).status_code == 404
    assert client.post(reverse("import-edit", args=[ready_run.pk]), {"op": "drop-action"}).status_code == 404


def test_import_pages_need_an_account(client):
    response = client.get(reverse("import-start"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.exe", b"MZ\x90\x00", "Format non pris en charge"),
        ("plan.docx", b"", "Le fichier est vide."),
    ],
)
def test_bad_uploads_are_refused_before_reading(client, name, content, message):
    client.force_login(UserFactory())
    response = upload(client, content, name)
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()


def test_too_big_upload_is_refused(client, settings):
    settings.MAILLAGE_IMPORT_MAX_BYTES = 100
    client.force_login(UserFactory())
    response = upload(client, b"x" * 101, "plan.txt")
    assert "au-delà de la limite" in response.content.decode()


def test_unreadable_files_fail_with_a_french_message_and_create_nothing(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)
    before = Project.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, b"PK\x03\x04 pas vraiment un docx", "casse.docx")
    page = client.get(response["Location"]).content.decode()
    assert "Le fichier n’a pas pu être lu" in page
    assert "Rien n’a été enregistré." in page
    assert ImportRun.objects.get(owner=user).status == ImportRun.Status.FAILED
    assert Project.objects.count() == before


def test_the_template_downloads_without_an_account(client):
    response = client.get(reverse("import-template", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="modele-import-maillage.xlsx"'
    assert client.get(reverse("import-template", args=["csv"])).content.startswith(b"\xef\xbb\xbf")
