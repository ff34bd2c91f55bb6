"""The programmes page: each programme with its actions and statuses; coordinators choose its actions by
reference (unknown or another project's refused, nothing saved); the actions list filtered on one."""

import pytest
from django.urls import reverse

from maillage.actions.models import Programme, ProgrammeAction
from maillage.actions.tests.factories import ActionFactory
from maillage.partners.tests.roles import check_every_role, check_refused_posts, login_as, project_with_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    project = project_with_network(slug="programmes")
    done = ActionFactory(project=project, ref="1.1", title="Accueil des familles", status="done")
    ActionFactory(project=project, ref="1.2", title="Sorties familiales", status="in_progress")
    ActionFactory(project=project, ref="2.1", title="Conseil des jeunes", status="planned")
    familles = Programme.objects.create(project=project, key="familles", title="Projet familles")
    ProgrammeAction.objects.create(programme=familles, action=done)
    Programme.objects.create(project=project, key="jeunesse", title="Projet jeunesse", position=1)
    return project, familles


def test_the_page_lists_programmes_with_their_actions_and_statuses(client, plan):
    project, _familles = plan
    url = reverse("programmes", args=[project.slug])
    assert check_every_role(client, project, url) == {}
    login_as(client, project, "reader")
    page = client.get(url).content.decode()
    assert "Projet familles" in page and "Accueil des familles" in page and "Terminée" in page
    assert "Aucune action n’est encore rattachée à ce programme." in page  # the jeunesse one
    assert "Nouveau programme" not in page


def test_a_coordinator_chooses_the_actions_by_reference(client, plan):
    project, familles = plan
    edit = reverse("programme-edit", args=[project.slug, familles.pk])
    assert check_refused_posts(client, project, edit, {"title": "X", "refs": "1.2"}) == {}
    login_as(client, project, "coordinator")
    assert "1.1" in client.get(edit).content.decode()
    response = client.post(edit, {"title": "Projet familles", "refs": "1.2, 1.1\n2.1"})
    assert response.status_code == 302
    assert list(familles.actions.order_by("programmeaction__position").values_list("ref", flat=True)) == [
        "1.2",
        "1.1",
        "2.1",
    ]
    other = project_with_network(slug="programmes-autre")
    ActionFactory(project=other, ref="9.9")
    refused = client.post(edit, {"title": "Projet familles", "refs": "1.1, 9.9"})
    assert refused.status_code == 422 and "Références inconnues dans ce projet : 9.9." in refused.content.decode()
    assert familles.actions.count() == 3
    created = client.post(reverse("programme-create", args=[project.slug]), {"title": "Projet seniors", "refs": ""})
    assert created.status_code == 302 and Programme.objects.filter(project=project, key="projet-seniors").exists()


def test_ids_of_another_project_are_not_found(client, plan):
    project, familles = plan
    other = project_with_network(slug="programmes-b")
    login_as(client, other, "coordinator")
    assert client.get(reverse("programme-edit", args=[other.slug, familles.pk])).status_code == 404
    assert client.post(reverse("programme-delete", args=[other.slug, familles.pk])).status_code == 404
    assert Programme.objects.filter(pk=familles.pk).exists()


def test_the_actions_list_filters_on_a_programme(client, plan):
    project, familles = plan
    login_as(client, project, "reader")
    page = client.get(reverse("action-list", args=[project.slug]), {"programme": familles.pk}).content.decode()
    assert "Accueil des familles" in page and "Conseil des jeunes" not in page


def test_the_page_costs_the_same_queries_for_two_or_twelve_programmes(client, plan):
    project, familles = plan
    login_as(client, project, "reader")
    url = reverse("programmes", args=[project.slug])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        client.get(url)
    actions = list(project.actions.all())
    for n in range(10):
        extra = Programme.objects.create(project=project, key=f"p{n}", title=f"Programme {n}", position=10 + n)
        for action in actions:
            ProgrammeAction.objects.create(programme=extra, action=action)
    with CaptureQueriesContext(connection) as twelve:
        page = client.get(url).content.decode()
    assert len(twelve.captured_queries) == len(two.captured_queries)
    assert "Programme 9" in page
