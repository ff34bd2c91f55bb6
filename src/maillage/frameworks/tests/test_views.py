"""The framework pages: who may see and change what, in French, in a bounded number of queries."""

import pytest
from django.urls import reverse

from maillage.actions.tests.factories import ActionFactory
from maillage.evaluation.tests.factories import IndicatorFactory, IndicatorValueFactory
from maillage.frameworks import editing
from maillage.frameworks.models import ActionContribution, FrameworkIndicator, IndicatorReport, NodeContribution
from maillage.frameworks.tests.conftest import ours

pytestmark = pytest.mark.django_db


def _get(client, user, url):
    if user:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    "who, status",
    [
        ("network_admin", 200),
        ("pms_coordinator", 200),
        ("pms_reader", 200),
        ("coordinator_a", 403),  # a child's coordinator reads its own plan, not the framework's pages
        ("other", 403),
        (None, 302),  # anonymous: to the login page
    ],
)
def test_who_opens_the_framework_page(client, network, who, status):
    response = _get(client, network.users.get(who), reverse("project-framework", args=["pms"]))
    assert response.status_code == status
    if status == 302:
        assert "/connexion/" in response["Location"] or "login" in response["Location"]


def test_the_framework_page_in_french(client, network):
    editing.set_action_links(network.a1, [network.e1], {}, None)
    response = _get(client, network.users["network_admin"], reverse("project-framework", args=["pms"]))
    page = response.content.decode()
    assert "Cadre de référence" in page
    assert "Guichet unique" in page and "PST A" in page
    assert "2 nœuds du cadre ne reçoivent aucune action" in page  # the chantier C1.1 and E2
    assert "Engagement « E2 Prendre soin » : 0 action dans 3 plans déclinés" in page


def test_a_private_child_never_shows_to_a_reader_of_the_framework(client, network):
    editing.set_action_links(network.a1, [network.e1], {}, None)
    page = _get(client, network.users["pms_reader"], reverse("project-framework", args=["pms"])).content.decode()
    assert "Guichet unique" not in page and "PST A" not in page


@pytest.mark.parametrize(
    "who, status",
    [
        ("coordinator_a", 200),
        ("network_admin", 200),  # coordinator of every plan declined from the PMS
        ("contributor_a", 403),  # leads no action
        ("reader_a", 403),
        ("coordinator_b", 403),
        ("other", 403),
    ],
)
def test_who_changes_an_action_links(client, network, who, status):
    url = reverse("action-framework", args=["pst-a", "A-1"])
    client.force_login(network.users[who])
    assert client.get(url).status_code == status
    response = client.post(url, {"serves": [str(network.e1.pk)]})
    assert response.status_code in ((302,) if status == 200 else (403,))
    assert ours(ActionContribution).filter(action=network.a1).exists() == (status == 200)


def test_the_lead_of_an_action_changes_its_links(client, network):
    from maillage.partners.models import Person

    lead = Person.objects.create(project=network.pst_a, name="Camille Pilote", user=network.users["contributor_a"])
    network.a1.leads.add(lead)
    client.force_login(network.users["contributor_a"])
    response = client.post(reverse("action-framework", args=["pst-a", "A-1"]), {"serves": [str(network.e2.pk)]})
    assert response.status_code == 302
    assert list(network.a1.contributions.values_list("framework_node__code", flat=True)) == ["E2"]
    assert client.get(reverse("action-detail", args=["pst-a", "A-1"])).content.decode().count("Prendre soin") >= 1


def test_an_id_from_another_network_is_refused_with_a_french_error(client, network):
    client.force_login(network.users["coordinator_a"])
    response = client.post(
        reverse("action-framework", args=["pst-a", "A-1"]), {"serves": [str(network.e1.pk), str(network.other_node.pk)]}
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not ours(ActionContribution).exists()


def test_an_action_of_another_project_is_not_found_through_this_one(client, network):
    client.force_login(network.users["coordinator_a"])
    assert client.get(reverse("action-framework", args=["pst-a", "B-1"])).status_code == 404


def test_the_node_links_page(client, network):
    url = reverse("node-framework", args=["pst-a", network.axe_a.pk])
    client.force_login(network.users["reader_a"])
    assert client.post(url, {"serves": [str(network.e1.pk)]}).status_code == 403
    client.force_login(network.users["coordinator_a"])
    assert reverse("node-framework", args=["pst-a", network.e1.pk])  # a PMS node through the PST: not found
    assert client.get(reverse("node-framework", args=["pst-a", network.e1.pk])).status_code == 404
    assert client.post(url, {"serves": [str(network.e1.pk), str(network.e2.pk)]}).status_code == 302
    assert set(ours(NodeContribution).values_list("framework_node__code", flat=True)) == {"E1", "E2"}


def test_a_plan_without_framework_says_so(client, network):
    client.force_login(network.users["other"])
    page = client.get(reverse("action-framework", args=["autre", ActionFactory(project=network.other).ref])).content
    assert "n'est décliné d'aucun cadre" in page.decode()


def test_common_indicators_are_managed_by_the_framework_coordinator(client, network):
    add = reverse("framework-indicator-add", args=["pms"])
    data = {"title": "Structures partenaires", "key": "structures", "unit": "structures", "aggregation": "sum"}
    client.force_login(network.users["pms_reader"])
    assert client.post(add, data).status_code == 403
    client.force_login(network.users["coordinator_a"])
    assert (
        client.post(reverse("framework-indicator-add", args=["pst-a"]), {**data, "node": network.e1.pk}).status_code
        == 400
    )
    client.force_login(network.users["pms_coordinator"])
    assert client.post(add, {**data, "node": network.e1.pk}).status_code == 302
    assert client.post(add, data).status_code == 400  # the same key twice
    common = FrameworkIndicator.objects.get(project=network.pms)
    assert common.node == network.e1
    client.force_login(network.users["coordinator_a"])
    indicator = IndicatorFactory(action=network.a1, unit="structures", title="Structures sur A")
    form = client.get(reverse("action-framework", args=["pst-a", "A-1"])).content.decode()
    assert "Structures partenaires — Projet métropolitain" in form
    assert (
        client.post(
            reverse("action-framework", args=["pst-a", "A-1"]), {f"indicator_{indicator.pk}": str(common.pk)}
        ).status_code
        == 302
    )
    assert ours(IndicatorReport).get().indicator == indicator
    IndicatorValueFactory(indicator=indicator, period="2023", value=60)
    IndicatorValueFactory(indicator=indicator, period="2024", value=72)
    client.force_login(network.users["network_admin"])
    page = client.get(reverse("project-framework", args=["pms"])).content.decode()
    assert "<bar-chart" in page and "72" in page
    client.force_login(network.users["coordinator_a"])
    assert client.post(reverse("framework-indicator-delete", args=["pms", common.pk])).status_code == 403
    client.force_login(network.users["pms_coordinator"])
    assert client.post(reverse("framework-indicator-delete", args=["pms", common.pk])).status_code == 302
    assert not ours(IndicatorReport).exists()


def test_the_public_fiche_names_a_published_framework_only(client, network):
    editing.set_action_links(network.a1, [network.e1], {}, None)
    network.pst_a.published = True
    network.pst_a.save()
    url = reverse("public-action", args=["pst-a", "A-1"])
    assert "Accueillir sans condition" not in client.get(url).content.decode()
    network.pms.published = True
    network.pms.save()
    assert "Accueillir sans condition" in client.get(url).content.decode()


@pytest.mark.parametrize("children", [2, 12])
def test_the_framework_page_costs_the_same_whatever_the_network(
    client, network, django_assert_max_num_queries, children
):
    from maillage.projects.tests.factories import ProjectFactory

    for n in range(children):
        child = ProjectFactory(parent=network.pms, slug=f"enfant-{n}")
        for m in range(50):
            action = ActionFactory(project=child, ref=f"E{n}-{m}")
            ActionContribution(action=action, framework_node=network.e1 if m % 2 else network.c11).save()
    client.force_login(network.users["network_admin"])
    with django_assert_max_num_queries(16):
        response = client.get(reverse("project-framework", args=["pms"]))
    assert response.status_code == 200


def test_the_network_rollup_counts_the_indicators_reported_to_the_framework(client, network):
    from maillage.projects.rollup import rollup

    common = FrameworkIndicator.objects.create(project=network.pms, key="rdv", title="RDV", unit="RDV")
    for action in (network.a1, network.p1, network.b1):
        IndicatorReport(indicator=IndicatorFactory(action=action, unit="RDV"), framework_indicator=common).save()
    IndicatorFactory(action=network.a1, unit="RDV")  # not reported: not counted
    rows = {row.project.slug: row for row in rollup(network.pms).rows}
    assert rows["pst-a"].figures.reporting == 2  # A-1, and P-1 in the perimeter below PST A
    assert rows["pst-a"].own.reporting == 1 and rows["pst-b"].figures.reporting == 1
    client.force_login(network.users["network_admin"])
    page = client.get(reverse("project-network", args=["pms"]), {"tri": "-indicateurs"}).content.decode()
    assert "Indicateurs rapportés au cadre" in page
    assert page.index("ligne-pst-a") < page.index("ligne-pst-b")
