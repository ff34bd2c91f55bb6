"""The dashboard's figures, its links to the filtered actions list, and its bounded cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import member
from maillage.actions.models import Action
from maillage.projects.dashboard import figures

from .factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_figures_of_a_small_plan(plan):
    numbers = figures(plan.project)
    assert numbers.total == 4
    assert numbers.counts["done"] == 1 and numbers.counts["in_progress"] == 1 and numbers.counts["planned"] == 2
    assert numbers.late == 1  # the permanence ended a month ago and is still in progress
    assert (numbers.done_share, numbers.late_share) == (25, 25)
    by_root = {root.node.code: (root.total, root.counts) for root in numbers.roots}
    # The shared sheet A3 counts under both axes; A4 is under no axis.
    assert by_root["1"][0] == 3 and by_root["1"][1]["planned"] == 1 and by_root["1"][1]["done"] == 1
    assert by_root["2"][0] == 1 and by_root["2"][1]["planned"] == 1
    assert numbers.unplaced == 1
    assert numbers.without_lead == 3  # only the guide has a lead organisation
    assert numbers.without_indicator == 3
    assert numbers.without_partner == 3
    assert numbers.enjeux_total == 3
    assert [enjeu.code for enjeu in numbers.enjeux_without_action] == ["E2", "E3"]
    assert [meeting.title for meeting in numbers.meetings] == ["Comité de pilotage de printemps"]
    assert numbers.recent[0].ref in {"A1", "A2", "A3", "A4"} and len(numbers.recent) == 4


def test_a_lead_person_counts_as_a_lead(plan):
    person = plan.project.people.get()
    plan.actions["parents"].leads.add(person)
    assert figures(plan.project).without_lead == 2


def test_sub_actions_are_not_counted_apart(plan):
    Action.objects.create(project=plan.project, ref="A1.1", title="Étape", parent=plan.actions["guide"])
    assert figures(plan.project).total == 4


def test_the_dashboard_page_links_each_figure_to_the_filtered_list(client, plan):
    client.force_login(plan.users[Membership.Role.READER])
    page = client.get(reverse("project-dashboard", args=[plan.project.slug])).content.decode()
    base = f"/projets/{plan.project.slug}/actions/"
    for query in ("?sans=pilote", "?sans=indicateur", "?sans=partenaire", "?retard=1", "?statut=done"):
        assert f'href="{base}{query}"' in page, query
    assert f'href="{base}?noeud={plan.nodes["axe1"].pk}"' in page
    assert "Complétude du plan" in page and "Enjeux sans action" in page
    assert "L&#x27;isolement des aînés" in page or "L'isolement des aînés" in page
    assert "Comité de pilotage de printemps" in page and "Réunion passée" not in page
    # Each chart has its data table.
    assert page.count("<bar-chart") == 2
    assert 'id="tableau-statuts"' in page and 'id="tableau-noeuds"' in page
    assert "vendor/dsfr-chart/DSFRChart.js" in page
    # A reader sees no settings button.
    assert 'id="lien-parametres"' not in page


def test_the_dashboard_of_an_empty_project(client, db):
    project = ProjectFactory()
    client.force_login(member(project, Membership.Role.COORDINATOR))
    page = client.get(reverse("project-dashboard", args=[project.slug])).content.decode()
    assert "Aucune réunion prévue." in page and "<bar-chart" not in page
    assert "pas encore de nœud" in page
    assert 'id="lien-parametres"' in page


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_dashboard_queries_do_not_grow_with_actions(client, plan, big_plan, django_assert_max_num_queries):
    client.force_login(plan.users[Membership.Role.COORDINATOR])
    small = count_queries(client, reverse("project-dashboard", args=[plan.project.slug]))
    client.force_login(big_plan.users[Membership.Role.COORDINATOR])
    url = reverse("project-dashboard", args=[big_plan.project.slug])
    assert figures(big_plan.project).total == 504
    assert count_queries(client, url) == small
    with django_assert_max_num_queries(25):
        client.get(url)


def test_tree_queries_do_not_grow_with_actions(client, plan, big_plan, django_assert_max_num_queries):
    client.force_login(plan.users[Membership.Role.COORDINATOR])
    small = count_queries(client, reverse("project-tree", args=[plan.project.slug]))
    client.force_login(big_plan.users[Membership.Role.COORDINATOR])
    url = reverse("project-tree", args=[big_plan.project.slug])
    # 504 placements: more than a screen draws whole, so each node shows how many actions it holds and
    # opens on demand (one query more than the small plan's inline tree: the counts by node).
    assert count_queries(client, url) <= small + 1
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert 'id="retirer-' not in page
    objectives = big_plan.project.nodes.filter(code__startswith="G", parent__isnull=False)
    assert page.count('id="ouvrir-') == objectives.count() + 4  # the 50 objectives and the small plan's 4 nodes
    assert "Afficher ses 10 actions" in page
    node = objectives.get(code="G1.3")
    branch_url = reverse("node-actions", args=[big_plan.project.slug, node.pk])
    with django_assert_max_num_queries(12):
        branch = client.get(branch_url, headers={"HX-Request": "true"}).content.decode()
    assert branch.count('id="retirer-') == 10 and "<html" not in branch
    full = client.get(branch_url).content.decode()  # without JavaScript: a page of its own
    assert full.count('id="retirer-') == 10 and "Retour à l&#x27;arborescence" in full
