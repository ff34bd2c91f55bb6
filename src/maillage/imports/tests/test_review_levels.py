"""Issue 15, item 10: the review names each level with the document's own word (Axe, Orientation…),
else the project's name for that depth (a draft merged into a project), else "Niveau N" — in French."""

import re

import pytest
from django.urls import reverse

from maillage.accounts.tests.factories import UserFactory
from maillage.imports.models import ImportRun
from maillage.imports.review import level_labels
from maillage.projects.tests.factories import LevelFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def draft(levels: list[str]) -> dict:
    """Three nodes, one per level, and one action under the deepest."""
    node = {"code": "1.1.1", "title": "Ouvrir un café des parents", "level": levels[-1], "children": [], "actions": []}
    for depth in range(len(levels) - 2, -1, -1):
        code, title = "1" + ".1" * depth, f"Nœud {depth + 1}"
        node = {"code": code, "title": title, "level": levels[depth], "children": [node], "actions": []}
    return {
        "schema": "maillage/project@1",
        "project": {"slug": "essai", "title": "Essai", "kind": "other", "period": {"start": 2024, "end": 2026}},
        "levels": levels,
        "nodes": [node],
        "actions": [{"ref": "001", "title": "Une action", "status": "planned"}],
    }


def review_page(client, levels, into=None):
    user = UserFactory()
    run = ImportRun.objects.create(
        owner=user, name="plan.docx", status=ImportRun.Status.READY, draft=draft(levels), report={}, into=into
    )
    client.force_login(user)
    response = client.get(reverse("import-review", args=[run.pk]))
    assert response.status_code == 200
    return response.content.decode()


def labels_of(page: str) -> list[str]:
    return re.findall(r'<label class="fr-label" for="level-\d">([^<]*)<span class="fr-hint-text">', page)


def badges_of(page: str) -> list[str]:
    return re.findall(r'<span class="fr-text--sm fr-text-mention--grey">([^<]*?)(?: [\d.]+)?</span>', page)


def test_the_review_shows_the_documents_own_words_for_its_levels(client):
    page = review_page(client, ["Axe", "Orientation", "Objectif opérationnel"])
    assert labels_of(page) == ["Axe", "Orientation", "Objectif opérationnel"]
    assert badges_of(page) == ["Axe", "Orientation", "Objectif opérationnel"]
    assert "niveau 2 de l’arborescence" in page  # the depth is a hint, in French
    assert 'value="Orientation"' in page
    assert ">Niveau 1<" not in page and ">Niveau 2<" not in page


def test_a_level_the_document_does_not_name_takes_the_projects_name_then_niveau_n(client):
    project = ProjectFactory()
    LevelFactory(project=project, depth=1, name="Visée")
    LevelFactory(project=project, depth=2, name="Objectif")
    page = review_page(client, ["Axe", "Niveau 2", "Niveau 3"], into=project)
    assert labels_of(page) == ["Axe", "Objectif", "Niveau 3"]  # the document's word wins over « Visée »
    assert badges_of(page) == ["Axe", "Objectif", "Niveau 3"]
    assert 'name="level" value="Niveau 2"' in page and 'name="title" value="Objectif"' in page
    page = review_page(client, ["Axe", "Niveau 2", "Niveau 3"])  # a new project: no name to borrow
    assert labels_of(page) == ["Axe", "Niveau 2", "Niveau 3"]


def test_renaming_a_level_from_its_fallback_keeps_the_projects_word(client):
    project = ProjectFactory()
    LevelFactory(project=project, depth=1, name="Visée")
    LevelFactory(project=project, depth=2, name="Objectif")
    user = UserFactory()
    run = ImportRun.objects.create(
        owner=user, name="plan.pdf", status=ImportRun.Status.READY, draft=draft(["Axe", "Niveau 2"]), into=project
    )
    client.force_login(user)
    client.post(reverse("import-edit", args=[run.pk]), {"op": "rename-level", "level": "Niveau 2", "title": "Objectif"})
    run.refresh_from_db()
    assert run.draft["levels"] == ["Axe", "Objectif"]
    assert run.draft["nodes"][0]["children"][0]["level"] == "Objectif"


def test_the_move_list_of_an_action_names_levels_the_same_way(client):
    project = ProjectFactory()
    LevelFactory(project=project, depth=2, name="Objectif")
    user = UserFactory()
    run = ImportRun.objects.create(
        owner=user, name="plan.pdf", status=ImportRun.Status.READY, draft=draft(["Axe", "Niveau 2"]), into=project
    )
    client.force_login(user)
    page = client.get(reverse("import-action", args=[run.pk, "001"])).content.decode()
    assert ">Axe 1 : Nœud 1<" in page and ">Objectif 1.1.1 : Ouvrir un café des parents<" in page


def test_level_labels_read_placeholders_in_any_case_and_translate_the_fallback():
    from django.utils import translation

    document = {"levels": ["Thème", "niveau 2", "NIVEAU 3"]}
    assert level_labels(document) == {"Thème": "Thème", "niveau 2": "Niveau 2", "NIVEAU 3": "Niveau 3"}
    with translation.override("en"):
        assert level_labels(document)["niveau 2"] == "Level 2"


def test_another_persons_run_is_not_shown(client):
    run = ImportRun.objects.create(
        owner=UserFactory(), name="plan.pdf", status=ImportRun.Status.READY, draft=draft(["Axe", "Objectif"])
    )
    client.force_login(UserFactory())
    assert client.get(reverse("import-review", args=[run.pk])).status_code == 404
