"""What a resident reads without an account: the published plans, and nothing personal or private."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from maillage.actions.models import Action, ActionNode
from maillage.actions.tests.factories import ActionFactory
from maillage.evaluation.models import FollowUpNote
from maillage.partners.models import Person
from maillage.projects.models import Level, Node
from maillage.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

MAIN_DEMO = ["clermont-sud", "genas-pset-2", "pays-du-gier-ctg-p3", "lyon-pst-villeurbanne", "gea-orientations-cst"]


def test_home_leads_visitors_to_every_main_demo_plan(client, demo_db):
    """The home page shows the latest published plans and leads to the list of all of them."""
    home = client.get(reverse("home")).content.decode()
    assert reverse("public-projects") in home
    plans = client.get(reverse("public-projects")).content.decode()
    for slug in MAIN_DEMO:
        assert reverse("public-plan", args=[slug]) in plans, slug


@pytest.mark.parametrize("slug", MAIN_DEMO)
def test_public_plan_shows_the_tree_and_every_top_level_action(client, demo_db, slug):
    page = client.get(reverse("public-plan", args=[slug])).content.decode()
    project = demo_db[slug]
    for node in project.nodes.all():
        assert escape(node.title) in page, node.title
    for action in project.actions.filter(parent__isnull=True):
        assert reverse("public-action", args=[slug, action.ref]) in page, action.ref
    assert "modifier" not in page.lower()


def test_public_plan_counts_statuses_in_the_project_words(client, demo_db):
    page = client.get(reverse("public-plan", args=["genas-pset-2"])).content.decode()
    assert "142 actions" in page
    assert "dont 42 % terminées" in page  # 59 of 142


def test_public_fiche_shows_the_sheet_but_no_personal_data(client, demo_db):
    project = demo_db["clermont-sud"]
    action = project.actions.get(ref="A1-01")
    Person.objects.create(
        project=project, key="joignable", name="Nadia Joignable", email="nadia@exemple.fr", phone="04 73 00 00 00"
    )
    action.leads.add(Person.objects.get(project=project, key="joignable"))
    FollowUpNote.objects.create(action=action, date="2024-01-15", text="Note interne à ne pas publier")
    page = client.get(reverse("public-action", args=["clermont-sud", "A1-01"])).content.decode()
    assert escape(action.title) in page
    for title in ("Contexte", "Objectifs", "Public cible", "Partenariat", "Indicateurs"):
        assert title in page, title
    assert escape(action.context[:40]) in page
    for secret in ("nadia@exemple.fr", "04 73 00 00 00", "Nadia Joignable", "Note interne"):
        assert secret not in page, secret


def test_unpublished_projects_are_not_public(client):
    private = ProjectFactory(published=False, title="Plan en cours d'écriture")
    ActionFactory(project=private, ref="A1")
    assert client.get(reverse("public-plan", args=[private.slug])).status_code == 404
    assert client.get(reverse("public-action", args=[private.slug, "A1"])).status_code == 404
    assert "Plan en cours" not in client.get(reverse("public-projects")).content.decode()


def test_public_action_of_another_project_is_404(client, demo_db):
    assert client.get(reverse("public-action", args=["genas-pset-2", "A1-01"])).status_code == 404


@pytest.fixture
def big_project():
    project = ProjectFactory(published=True)
    axis = Level.objects.create(project=project, depth=1, name="Axe")
    nodes = [Node.objects.create(project=project, level=axis, title=f"Axe {i}", position=i) for i in range(10)]
    actions = Action.objects.bulk_create(
        Action(project=project, ref=f"A{i:03d}", title=f"Action {i}", position=i) for i in range(500)
    )
    ActionNode.objects.bulk_create(ActionNode(action=a, node=nodes[i % 10], position=i) for i, a in enumerate(actions))
    return project


def test_public_plan_queries_do_not_grow_with_actions(client, big_project, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get(reverse("public-plan", args=[big_project.slug]))
    page = response.content.decode()
    # 500 actions: the plan opens node by node, each node's actions a page at a time.
    assert f"/plans/{big_project.slug}/actions/" not in page
    openers = re.findall(rf'href="(/plans/{big_project.slug}/noeuds/\d+/)"', page)
    assert openers
    shown = 0
    for url in openers:
        with django_assert_max_num_queries(8):
            branch = client.get(url, headers={"HX-Request": "true"}).content.decode()
        shown += branch.count(f"/plans/{big_project.slug}/actions/")
    assert shown == 500


def test_public_plan_shows_the_tree_diagram_that_visitors_may_load(client, demo_db):
    page = client.get(reverse("public-plan", args=["genas-pset-2"])).content.decode()
    source = reverse("document-download", args=["genas-pset-2"]) + "?document=tree&amp;format=svg"
    assert f'src="{source}"' in page
    image = client.get(source.replace("&amp;", "&"))
    assert image.status_code == 200 and image["Content-Type"].startswith("image/svg+xml")
    assert "Visée 1".encode() in image.content and b"Notre territoire" in image.content
