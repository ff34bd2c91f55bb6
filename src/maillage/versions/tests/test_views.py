"""The versions screens for every role, ids of another project, the French forms and the whole update
through the pages: start, carry over, close, add a period, adopt, then compare."""

import datetime
import io
import json

import pytest
from django.urls import reverse
from docx import Document as Docx

from maillage.actions.models import Action, ActionChange
from maillage.actions.tests.factories import ActionFactory
from maillage.partners.tests.roles import check_every_role, check_refused_posts, login_as, project_with_network
from maillage.projects.models import Period
from maillage.versions import taking
from maillage.versions.models import Version

pytestmark = pytest.mark.django_db


@pytest.fixture
def versioned():
    def make(published=False):
        project = project_with_network(published=published)
        ActionFactory(project=project, ref="A1", title="Accès aux droits numériques", status="postponed")
        ActionFactory(project=project, ref="A2", title="Café des parents", status="in_progress")
        adopted = taking.take_version(
            project, label="Plan adopté", kind="adoption", adopted=True, deliberation_date=datetime.date(2024, 1, 10)
        )
        manual = taking.take_version(project, label="État avant le COPIL")
        update = taking.start_update(project, None, label="Mise à jour 2025")
        return project, adopted, manual, update

    return make


def _pages(project, adopted, manual):
    slug = project.slug
    return {
        # name: (url, manage, public_redirect)
        "versions": (reverse("versions", args=[slug]), False, True),
        "version-detail": (reverse("version-detail", args=[slug, adopted.pk]), False, False),
        "version-action": (reverse("version-action", args=[slug, adopted.pk, "A1"]), False, False),
        "version-document": (reverse("version-document", args=[slug, adopted.pk]), False, False),
        "version-compare": (reverse("version-compare", args=[slug]) + f"?de={adopted.pk}&a=current", False, True),
        "version-bilan": (reverse("version-bilan", args=[slug]) + f"?de={adopted.pk}&a={manual.pk}", False, True),
        "update": (reverse("update", args=[slug]), True, False),
    }


def _posts(project, adopted, manual):
    slug = project.slug
    return {
        "version-take": reverse("version-take", args=[slug]),
        "version-delete": reverse("version-delete", args=[slug, manual.pk]),
        "update-start": reverse("update-start", args=[slug]),
        "update-carry-over": reverse("update-carry-over", args=[slug]),
        "update-close": reverse("update-close", args=[slug]),
        "update-period": reverse("update-period", args=[slug]),
        "update-adopt": reverse("update-adopt", args=[slug]),
        "update-abandon": reverse("update-abandon", args=[slug]),
    }


@pytest.mark.parametrize("published", [False, True], ids=["private", "published"])
@pytest.mark.parametrize(
    "name",
    ["versions", "version-detail", "version-action", "version-document", "version-compare", "version-bilan", "update"],
)
def test_every_page_for_every_role(client, versioned, published, name):
    project, adopted, manual, _update = versioned(published)
    url, manage, public_redirect = _pages(project, adopted, manual)[name]
    assert check_every_role(client, project, url, manage=manage, public_redirect=public_redirect) == {}


@pytest.mark.parametrize("published", [False, True], ids=["private", "published"])
def test_every_change_is_refused_to_non_coordinators(client, versioned, published):
    project, adopted, manual, update = versioned(published)
    action = project.actions.get(ref="A1")
    period = Period.objects.create(project=project, label="2025", first_year=2025, last_year=2025)
    data = {
        "label": "Intrus",
        "actions": [action.pk],
        "periods": [period.pk],
        "status": "done",
        "date": "2025-01-01",
        "reference": "n° 1",
        "first_year": 2025,
        "last_year": 2025,
    }
    for name, url in _posts(project, adopted, manual).items():
        assert check_refused_posts(client, project, url, data) == {}, name
    assert Version.objects.filter(project=project).count() == 3
    assert Version.objects.get(pk=update.pk).is_open_update
    assert Action.objects.get(pk=action.pk).status == "postponed" and not action.periods.exists()
    assert list(project.periods.values_list("label", flat=True)) == ["2025"]


def test_the_versions_of_another_project_are_not_found(client, versioned):
    project, adopted, manual, _update = versioned()
    other, foreign, foreign_manual, _other_update = versioned()
    login_as(client, project, "coordinator")
    slug = project.slug
    for url in (
        reverse("version-detail", args=[slug, foreign.pk]),
        reverse("version-action", args=[slug, foreign.pk, "A1"]),
        reverse("version-document", args=[slug, foreign.pk]),
        reverse("version-compare", args=[slug]) + f"?de={foreign.pk}&a=current",
        reverse("version-bilan", args=[slug]) + f"?de={adopted.pk}&a={foreign.pk}",
        reverse("version-compare", args=[slug]) + "?de=abc&a=current",
        reverse("version-action", args=[slug, adopted.pk, "PAS-DE-TELLE-FICHE"]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("version-delete", args=[slug, foreign_manual.pk])).status_code == 404
    assert Version.objects.filter(pk=foreign_manual.pk).exists()
    download = reverse("document-download", args=[slug]) + f"?document=comparison:{foreign.pk}:current&format=docx"
    response = client.get(download)
    assert response.status_code == 404 and "introuvable" in response.content.decode()


def test_the_list_shows_every_version_and_the_open_update_in_french(client, versioned):
    project, adopted, manual, update = versioned()
    login_as(client, project, "reader")
    page = client.get(reverse("versions", args=[project.slug])).content.decode()
    assert "Versions du plan" in page and "Mise à jour en cours : « Mise à jour 2025 »" in page
    assert "Plan adopté" in page and "État avant le COPIL" in page and "Adoptée" in page and "Brouillon" in page
    assert "Version en vigueur : <strong>Plan adopté</strong>, adoptée le 10 janvier 2024" in page
    assert "2 actions, 0 nœud" in page
    assert 'id="form-prendre-version"' not in page and 'id="reprendre-mise-a-jour"' not in page
    login_as(client, project, "coordinator")
    page = client.get(reverse("versions", args=[project.slug])).content.decode()
    assert 'id="form-prendre-version"' in page and 'id="reprendre-mise-a-jour"' in page


def test_a_version_page_reads_the_stored_plan_not_the_live_one(client, versioned):
    project, adopted, _manual, _update = versioned()
    Action.objects.filter(project=project, ref="A2").update(title="Titre changé depuis", status="done")
    login_as(client, project, "contributor")
    page = client.get(reverse("version-detail", args=[project.slug, adopted.pk])).content.decode()
    assert "Café des parents" in page and "Titre changé depuis" not in page
    assert "Le plan tel qu’il était le 10 janvier 2024" in page
    fiche = client.get(reverse("version-action", args=[project.slug, adopted.pk, "A2"])).content.decode()
    assert "Café des parents" in fiche and "En cours" in fiche and "Voir la fiche d’aujourd’hui" in fiche
    document = client.get(reverse("version-document", args=[project.slug, adopted.pk]))
    assert document["Content-Type"].startswith("application/json")
    assert json.loads(document.content)["schema"] == "maillage/project@1"


def test_taking_a_version_by_hand_with_french_errors(client, versioned):
    project, *_ = versioned()
    login_as(client, project, "coordinator")
    url = reverse("version-take", args=[project.slug])
    refused = client.post(url, {"label": "Adoptée sans date", "adopted": "on"})
    assert refused.status_code == 400
    assert "Une version adoptée a la date de sa délibération." in refused.content.decode()
    assert client.post(url, {"label": ""}).status_code == 400
    assert Version.objects.filter(project=project).count() == 3
    response = client.post(url, {"label": "Avant le séminaire"})
    version = Version.objects.get(project=project, label="Avant le séminaire")
    assert response["Location"] == reverse("version-detail", args=[project.slug, version.pk])
    assert version.taken_by is not None and version.state == "draft"
    response = client.post(reverse("version-delete", args=[project.slug, version.pk]))
    assert not Version.objects.filter(pk=version.pk).exists()
    adopted = Version.objects.get(project=project, kind="adoption")
    client.post(reverse("version-delete", args=[project.slug, adopted.pk]))
    assert Version.objects.filter(pk=adopted.pk).exists()  # an adopted version is never deleted


def test_starting_an_update_from_the_page(client):
    project = project_with_network()
    ActionFactory(project=project, ref="A1", status="postponed")
    login_as(client, project, "coordinator")
    url = reverse("update-start", args=[project.slug])
    page = client.get(url).content.decode()
    assert "Date de la délibération qui a adopté le plan" in page
    refused = client.post(url, {"label": "Mise à jour 2025"})
    assert refused.status_code == 400 and "Ce champ est obligatoire." in refused.content.decode()
    assert not Version.objects.filter(project=project).exists()
    response = client.post(url, {"label": "Mise à jour 2025", "base_date": "2024-02-01", "base_reference": "n° 4"})
    assert response["Location"] == reverse("update", args=[project.slug])
    assert [(v.kind, v.state) for v in Version.objects.filter(project=project).order_by("pk")] == [
        ("adoption", "adopted"),
        ("update", "draft"),
    ]
    again = client.get(url)
    assert again["Location"] == reverse("update", args=[project.slug])  # one update at a time


def test_the_whole_update_through_the_pages(client, versioned):
    project, adopted, _manual, update = versioned()
    login_as(client, project, "coordinator")
    screen = client.get(reverse("update", args=[project.slug])).content.decode()
    postponed = project.actions.get(ref="A1")
    assert f'id="reconduire-{postponed.pk}"' in screen and "Rien n’a encore changé." in screen
    # A period of the plan, then the carry-over to it.
    bad = client.post(
        reverse("update-period", args=[project.slug]), {"label": "2040", "first_year": 2040, "last_year": 2040}
    )
    assert bad.status_code == 400 and "période du projet" in bad.content.decode()
    client.post(
        reverse("update-period", args=[project.slug]), {"label": "2025-2026", "first_year": 2025, "last_year": 2026}
    )
    period = project.periods.get(label="2025-2026")
    refused = client.post(reverse("update-carry-over", args=[project.slug]), {"actions": [postponed.pk]})
    assert "Choisissez au moins une période" in refused.content.decode()
    response = client.post(
        reverse("update-carry-over", args=[project.slug]),
        {"actions": [postponed.pk], "periods": [period.pk], "status": "planned"},
    )
    assert response.status_code == 302
    postponed.refresh_from_db()
    assert postponed.status == "planned" and list(postponed.periods.all()) == [period]
    # Close what ended; the history names the update.
    cafe = project.actions.get(ref="A2")
    client.post(
        reverse("update-close", args=[project.slug]),
        {"actions": [cafe.pk], "status": "done", "reason": "objectif atteint"},
    )
    assert (
        ActionChange.objects.filter(action=cafe).latest("at").reason
        == "Mise à jour du plan « Mise à jour 2025 » : objectif atteint"
    )
    screen = client.get(reverse("update", args=[project.slug])).content.decode()
    assert "Changements de statut : 2" in screen
    # Adopt: date and reference are required.
    url = reverse("update-adopt", args=[project.slug])
    refused = client.post(url, {"label": "Mise à jour 2025", "date": "", "reference": ""})
    assert refused.status_code == 400 and "Ce champ est obligatoire." in refused.content.decode()
    response = client.post(
        url, {"label": "Mise à jour 2025", "date": "2025-06-30", "reference": "Délibération n° 2025-31"}
    )
    update.refresh_from_db()
    assert update.is_adopted and update.deliberation_reference == "Délibération n° 2025-31"
    assert response["Location"] == reverse("version-compare", args=[project.slug]) + f"?de={adopted.pk}&a={update.pk}"
    compare = client.get(response["Location"]).content.decode()
    assert "Changements de statut (2)" in compare and "Accès aux droits numériques" in compare
    assert "Reportée → À venir" in compare or "Reportée" in compare
    assert client.get(reverse("update", args=[project.slug]))["Location"] == reverse("versions", args=[project.slug])
    # The previous version is still there, and readable.
    page = client.get(reverse("version-detail", args=[project.slug, adopted.pk])).content.decode()
    assert "Accès aux droits numériques" in page


def test_abandoning_the_update_from_the_page(client, versioned):
    project, *_rest, update = versioned()
    login_as(client, project, "coordinator")
    response = client.post(reverse("update-abandon", args=[project.slug]), follow=True)
    assert "est abandonnée" in response.content.decode()
    assert not Version.objects.filter(pk=update.pk).exists()


def test_the_compare_page_and_its_documents(client, versioned):
    project, adopted, _manual, _update = versioned()
    Action.objects.filter(project=project, ref="A2").update(status="done", context="Nouveau contexte")
    ActionFactory(project=project, ref="A3", title="Jardin partagé")
    login_as(client, project, "reader")
    page = client.get(reverse("version-compare", args=[project.slug]))
    html = page.content.decode()
    assert page.context["old"] == str(adopted.pk) and page.context["new"] == "current"  # the version in force → today
    assert "Actions ajoutées (1)" in html and "Jardin partagé" in html
    assert "Champs de fiche modifiés (1)" in html and "Nouveau contexte" in html and "Contexte" in html
    assert 'id="panorama-done">1<' in html and 'id="panorama-new">1<' in html
    link = (
        reverse("document-download", args=[project.slug])
        + f"?document=comparison%3A{adopted.pk}%3Acurrent&amp;format=docx"
    )
    assert link in html
    docx = client.get(link.replace("&amp;", "&"))
    assert docx.status_code == 200
    text = "\n".join(
        cell.text for table in Docx(io.BytesIO(docx.content)).tables for row in table.rows for cell in row.cells
    )
    assert "Jardin partagé" in text and "Nouveau contexte" in text
    bilan = client.get(reverse("version-bilan", args=[project.slug]) + f"?de={adopted.pk}&a=current").content.decode()
    assert "Bilan : ce que sont devenues les actions" in bilan and "Close" in bilan and "Poursuivie" in bilan


def test_visitors_of_a_published_plan_never_get_the_versions_documents(client, versioned):
    project, adopted, *_ = versioned(published=True)
    url = reverse("document-download", args=[project.slug]) + f"?document=comparison:{adopted.pk}:current&format=pdf"
    assert client.get(url).status_code == 403
