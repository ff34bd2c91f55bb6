"""Lists of projects: searched in the database (accents aside), filtered by kind, one page at a time."""

import pytest
from django.urls import reverse

from maillage.accounts.tests.factories import member
from maillage.projects.listing import PAGE_SIZE
from maillage.projects.models import Project

from .factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_the_search_key_follows_the_title_on_every_save():
    project = ProjectFactory(title="Projet social de GÉNAS", subtitle="Écrire ensemble")
    assert project.search_key.startswith("projet social de genas ecrire ensemble")
    project.title = "Cœur de ville"
    project.save(update_fields=["title"])
    project.refresh_from_db()
    assert project.search_key.startswith("coeur de ville")


def test_published_plans_are_searched_accents_and_case_aside(client):
    ProjectFactory(title="PSET de Genas", published=True, kind="pset")
    ProjectFactory(title="Projet social de l'Écusson", published=True)
    ProjectFactory(title="Génas, projet privé", published=False)
    page = client.get(reverse("public-projects"), {"q": "GÉNAS"}).content.decode()
    assert "PSET de Genas" in page and "Écusson" not in page and "projet privé" not in page
    page = client.get(reverse("public-projects"), {"q": "ecusson"}).content.decode()
    assert "Écusson" in page and "PSET de Genas" not in page
    assert "1 plan publié" in page


def test_published_plans_filter_by_kind_and_ignore_an_unknown_kind(client):
    ProjectFactory(title="La CTG du Gier", published=True, kind="ctg")
    ProjectFactory(title="Le PEdT de Plouzané", published=True, kind="pedt")
    page = client.get(reverse("public-projects"), {"kind": "ctg"}).content.decode()
    assert "La CTG du Gier" in page and "Plouzané" not in page
    page = client.get(reverse("public-projects"), {"kind": "inconnu"})
    assert page.status_code == 200 and "Plouzané" in page.content.decode()


def test_published_plans_come_one_page_at_a_time(client):
    for n in range(PAGE_SIZE + 3):
        ProjectFactory(title=f"Lot d'essai {n:02d}", published=True)
    first = client.get(reverse("public-projects"), {"q": "lot d'essai"})
    assert len(first.context["projects"]) == PAGE_SIZE
    assert f"{PAGE_SIZE + 3} plans publiés" in first.content.decode()
    last = client.get(reverse("public-projects"), {"q": "lot d'essai", "page": 2})
    assert len(last.context["projects"]) == 3
    assert client.get(reverse("public-projects"), {"page": "n'importe"}).status_code == 200


def test_my_projects_are_paginated_and_searched_on_the_home_page(client):
    user = member(ProjectFactory(title="Contrat de ville d'Ambérieu"), "reader")
    for n in range(PAGE_SIZE + 1):
        ProjectFactory(title=f"Lot maison {n:02d}")
    for project in Project.objects.filter(title__startswith="Lot maison "):
        project.memberships.create(user=user, role="reader")
    client.force_login(user)
    page = client.get(reverse("home"))
    assert len(page.context["projects"]) == PAGE_SIZE
    assert page.context["page_obj"].paginator.count == PAGE_SIZE + 2
    found = client.get(reverse("home"), {"q": "amberieu"})
    assert [p.title for p in found.context["projects"]] == ["Contrat de ville d'Ambérieu"]
    assert found.context["projects"][0].n_actions == 0


def test_the_home_page_shows_the_latest_published_plans_and_links_to_all(client):
    ProjectFactory.create_batch(8, published=True)
    page = client.get(reverse("home"))
    assert len(page.context["published"]) == 6
    total = Project.objects.filter(published=True).count()
    assert f"Les {total} plans publiés" in page.content.decode()
