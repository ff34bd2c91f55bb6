"""The elected referent of a tree node (issue 15 item 6): shown on the strategy tree, chosen by
coordinators where the node is edited among the project's elected people; other roles refused, other
projects' people and nodes not found, the tree's queries the same for one referent or many, and the
public plan names nobody."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.accounts.models import Membership
from maillage.partners.models import Person
from maillage.projects.models import Node

from .conftest import build_plan

pytestmark = pytest.mark.django_db
Role = Membership.Role
HTMX = {"HTTP_HX_REQUEST": "true"}


def _elected(project, name, function="", elected=True):
    key = name.lower().replace(" ", "-")
    return Person.objects.create(project=project, key=key, name=name, function=function, elected=elected)


def test_the_tree_shows_each_nodes_referent(client, plan):
    axe1, obj12 = plan.nodes["axe1"], plan.nodes["obj12"]
    axe1.referent = _elected(plan.project, "Marie Curie", "adjointe aux solidarités")
    axe1.save()
    obj12.referent = _elected(plan.project, "Paul Langevin")
    obj12.save()
    client.force_login(plan.users[Role.READER])
    html = client.get(reverse("project-tree", args=[plan.project.slug])).content.decode()
    assert f'id="noeud-{axe1.pk}-referent"' in html
    assert "Élu·e référent·e : Marie Curie, adjointe aux solidarités" in html
    assert "Élu·e référent·e : Paul Langevin</p>" in html
    assert html.count("maillage-tree__referent") == 2
    assert f'id="renommer-{axe1.pk}"' not in html  # a reader edits nothing


def test_a_coordinator_chooses_the_referent_where_the_node_is_edited(client, plan):
    project, axe2 = plan.project, plan.nodes["axe2"]
    curie = _elected(project, "Marie Curie")
    _elected(project, "Agent Technique", elected=False)
    client.force_login(plan.users[Role.COORDINATOR])
    url = reverse("node-rename", args=[project.slug, axe2.pk])
    form = client.get(url, **HTMX).content.decode()
    assert "Élu·e référent·e" in form and "Marie Curie" in form and "Agent Technique" not in form
    response = client.post(url, {"title": "Grandir ensemble", "code": "2", "referent": curie.pk}, **HTMX)
    assert "« 2 Grandir ensemble » est modifié." in response.content.decode()
    assert "Élu·e référent·e : Marie Curie" in response.content.decode()
    assert Node.objects.get(pk=axe2.pk).referent == curie
    # Chosen again, the form shows it; emptied, nobody.
    assert "selected>Marie Curie</option>" in client.get(url).content.decode()
    client.post(url, {"title": "Grandir ensemble", "code": "2", "referent": ""})
    assert Node.objects.get(pk=axe2.pk).referent is None


def test_referents_that_are_not_the_projects_elected_are_refused(client, plan):
    project, axe2 = plan.project, plan.nodes["axe2"]
    other = build_plan(title="Un autre plan")
    stranger = _elected(other.project, "Élu Voisin")
    agent = _elected(project, "Agent Technique", elected=False)
    client.force_login(plan.users[Role.COORDINATOR])
    url = reverse("node-rename", args=[project.slug, axe2.pk])
    for person in (stranger, agent):
        response = client.post(url, {"title": "Piraté", "code": "2", "referent": person.pk})
        assert "Sélectionnez un choix valide" in response.content.decode()
    node = Node.objects.get(pk=axe2.pk)
    assert (node.title, node.referent) == ("Grandir ensemble", None)
    # Another project's node is not found from this project.
    foreign = reverse("node-rename", args=[project.slug, other.nodes["axe1"].pk])
    assert client.post(foreign, {"title": "Piraté", "code": "1", "referent": ""}).status_code == 404
    assert Node.objects.get(pk=other.nodes["axe1"].pk).title == "Accéder à ses droits"


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.READER, "outsider", "anonymous"])
def test_other_roles_may_not_choose_a_referent(client, plan, role):
    curie = _elected(plan.project, "Marie Curie")
    if role != "anonymous":
        client.force_login(plan.users[role])
    url = reverse("node-rename", args=[plan.project.slug, plan.nodes["axe2"].pk])
    response = client.post(url, {"title": "Grandir ensemble", "code": "2", "referent": curie.pk})
    assert response.status_code in (302, 403) and (role != "anonymous" or "/connexion" in response["Location"])
    assert Node.objects.get(pk=plan.nodes["axe2"].pk).referent is None


def test_the_tree_reads_referents_in_one_query_and_the_public_plan_names_none(client, plan):
    project = plan.project
    client.force_login(plan.users[Role.READER])
    url = reverse("project-tree", args=[project.slug])
    plan.nodes["axe1"].referent = _elected(project, "Marie Curie")
    plan.nodes["axe1"].save()
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number, node in enumerate(Node.objects.filter(project=project)):
        node.referent = _elected(project, f"Élu {number}")
        node.save()
    with CaptureQueriesContext(connection) as every:
        html = client.get(url).content.decode()
    assert html.count("maillage-tree__referent") == Node.objects.filter(project=project).count()
    assert len(every) == len(one)
    project.published = True
    project.save()
    client.logout()
    public = client.get(reverse("public-plan", args=[project.slug])).content.decode()
    assert "Élu 0" not in public and "référent" not in public
