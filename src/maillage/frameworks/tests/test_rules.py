"""The rules of a framework link: only the plans a project is declined from, same unit, quantitative."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from maillage.evaluation.tests.factories import IndicatorFactory, IndicatorValueFactory
from maillage.frameworks import editing
from maillage.frameworks.alignment import common_indicators, framework_view, served_by_action
from maillage.frameworks.models import ActionContribution, FrameworkIndicator, IndicatorReport, NodeContribution
from maillage.frameworks.tests.conftest import ours

pytestmark = pytest.mark.django_db


def test_an_action_serves_a_node_of_its_parent_or_of_its_grandparent(network):
    ActionContribution(action=network.a1, framework_node=network.e1).save()
    ActionContribution(action=network.p1, framework_node=network.c11).save()  # the PMS, two levels up
    ActionContribution(action=network.p1, framework_node=network.axe_a).save()  # its own parent PST
    assert set(ours(ActionContribution).values_list("action__ref", "framework_node__code")) == {
        ("A-1", "E1"),
        ("P-1", "C1.1"),
        ("P-1", "1"),
    }


@pytest.mark.parametrize(
    "subject, target",
    [
        ("a1", "other_node"),  # another network
        ("a1", "axe_a"),  # its own plan's node
        ("b1", "axe_a"),  # a sibling, not a parent
        ("a1", "e1_of_child"),  # a child's node (the framework is above, never below)
    ],
)
def test_links_across_unrelated_plans_are_refused(network, subject, target):
    from maillage.projects.tests.factories import NodeFactory

    if target == "e1_of_child":
        target_node = NodeFactory(project=network.perimeter, title="Sous-nœud")
    else:
        target_node = getattr(network, target)
    with pytest.raises(ValidationError, match="n'appartient pas à un cadre"):
        ActionContribution(action=getattr(network, subject), framework_node=target_node).save()
    with pytest.raises(ValidationError):
        editing.set_action_links(getattr(network, subject), [network.e1, target_node], {}, None)
    assert not ours(ActionContribution).exists()  # refused whole: e1 was not written either


def test_a_node_link_is_checked_the_same_way(network):
    NodeContribution(node=network.axe_a, framework_node=network.e2).save()
    with pytest.raises(ValidationError):
        NodeContribution(node=network.axe_a, framework_node=network.other_node).save()
    with pytest.raises(ValidationError):
        editing.set_node_links(network.axe_a, [network.other_node])
    assert list(ours(NodeContribution).values_list("framework_node__code", flat=True)) == ["E2"]


def test_an_indicator_reports_in_the_same_unit_and_only_when_quantitative(network):
    common = FrameworkIndicator.objects.create(
        project=network.pms, key="structures", title="Structures", unit="structures"
    )
    IndicatorReport(indicator=IndicatorFactory(action=network.a1, unit="Structures"), framework_indicator=common).save()
    with pytest.raises(ValidationError, match="en « % »"):
        IndicatorReport(indicator=IndicatorFactory(action=network.a1, unit="%"), framework_indicator=common).save()
    with pytest.raises(ValidationError, match="quantitatif"):
        IndicatorReport(
            indicator=IndicatorFactory(action=network.a1, unit="structures", kind="qualitative"),
            framework_indicator=common,
        ).save()
    elsewhere = FrameworkIndicator.objects.create(project=network.other, key="x", title="Ailleurs", unit="structures")
    with pytest.raises(ValidationError, match="n'appartient pas à un cadre"):
        IndicatorReport(
            indicator=IndicatorFactory(action=network.a1, unit="structures"), framework_indicator=elsewhere
        ).save()
    assert ours(IndicatorReport).count() == 1


def test_the_framework_lists_every_child_action_and_its_coverage(network):
    editing.set_action_links(network.a1, [network.c11], {}, None)
    editing.set_action_links(network.p1, [network.e1], {}, None)
    editing.set_node_links(network.axe_a, [network.e1])  # brings A-2, placed in that axis
    view = framework_view(network.pms, network.users["network_admin"])
    by_code = {entry.node.code: entry for entry in view.nodes}
    assert [c.action.ref for c in by_code["E1"].contributions] == ["A-2", "P-1"]
    assert by_code["E1"].contributions[0].via == network.axe_a
    assert [c.action.ref for c in by_code["C1.1"].contributions] == ["A-1"]
    # the engagement counts its chantier's actions; plans: PST A and the perimeter (P-1)
    assert by_code["E1"].action_ids == {network.a1.pk, network.a2.pk, network.p1.pk}
    assert by_code["E1"].project_ids == {network.pst_a.pk, network.perimeter.pk}
    assert [entry.node.code for entry in view.uncovered] == ["E2"]
    assert {child.slug for child in view.children} == {"pst-a", "pst-b", "perimetre-a1"}


def test_the_framework_shows_only_the_plans_the_reader_may_open(network):
    editing.set_action_links(network.a1, [network.e1], {}, None)
    editing.set_action_links(network.b1, [network.e1], {}, None)
    network.pst_b.published = True
    network.pst_b.save()
    view = framework_view(network.pms, network.users["pms_reader"])  # reads the PMS, not the private PST A
    assert [child.slug for child in view.children] == ["pst-b"]
    assert [c.action.ref for c in view.nodes[0].contributions] == ["B-1"]


def test_common_indicators_add_up_the_latest_value_of_each_plan_by_year(network):
    total = FrameworkIndicator.objects.create(project=network.pms, key="rdv", title="RDV", unit="RDV")
    mean = FrameworkIndicator.objects.create(
        project=network.pms, key="taux", title="Taux", unit="%", aggregation=FrameworkIndicator.Aggregation.MEAN
    )
    a_rdv = IndicatorFactory(action=network.a1, unit="RDV")
    b_rdv = IndicatorFactory(action=network.b1, unit="rdv")
    a_rate = IndicatorFactory(action=network.a1, unit="%")
    b_rate = IndicatorFactory(action=network.b1, unit="%")
    unrelated = IndicatorFactory(action=network.b1, unit="RDV")  # does not report: not counted
    for indicator, common in [(a_rdv, total), (b_rdv, total), (a_rate, mean), (b_rate, mean)]:
        IndicatorReport(indicator=indicator, framework_indicator=common).save()
    IndicatorValueFactory(indicator=a_rdv, period="mi-2024", date="2024-06-30", value=100)
    IndicatorValueFactory(indicator=a_rdv, period="fin 2024", date="2024-12-31", value=150)  # replaces mi-2024
    IndicatorValueFactory(indicator=b_rdv, period="2024", value=50)
    IndicatorValueFactory(indicator=b_rdv, period="2025", value=70)
    IndicatorValueFactory(indicator=unrelated, period="2024", value=1000)
    IndicatorValueFactory(indicator=a_rate, period="2024", value=40)
    IndicatorValueFactory(indicator=b_rate, period="2024", value=61)
    rows = {c.indicator.key: c for c in common_indicators(network.pms, [network.pst_a.pk, network.pst_b.pk])}
    expected_2024 = 150 + 50  # computed by hand: latest of A in 2024, B's 2024
    assert rows["rdv"].rows == [(2024, Decimal(expected_2024), 2), (2025, Decimal(70), 1)]
    assert rows["rdv"].reporting == 2
    assert rows["taux"].rows == [(2024, Decimal("50.5"), 2)]


def test_the_fiche_names_what_the_action_serves_directly_or_through_its_node(network):
    editing.set_action_links(network.a2, [network.e2], {}, None)
    editing.set_node_links(network.axe_a, [network.e1])
    assert [node.code for node in served_by_action(network.a2)] == ["E1", "E2"]
    assert served_by_action(network.a2, public=True) == []  # the PMS is not published
    network.pms.published = True
    network.pms.save()
    assert len(served_by_action(network.a2, public=True)) == 2


def test_changing_the_links_is_in_the_action_history(network):
    user = network.users["coordinator_a"]
    common = FrameworkIndicator.objects.create(project=network.pms, key="rdv", title="RDV", unit="RDV")
    indicator = IndicatorFactory(action=network.a1, unit="RDV", title="Rendez-vous")
    change = editing.set_action_links(network.a1, [network.e1], {indicator: common}, user)
    labels = [entry["label"] for entry in change.changes]
    assert labels == ["Cadre de référence", "Indicateur « Rendez-vous » rapporté au cadre"]
    assert "Accueillir sans condition" in change.changes[0]["new"]
    assert editing.set_action_links(network.a1, [network.e1], {indicator: common}, user) is None  # nothing changed
    editing.set_action_links(network.a1, [], {indicator: None}, user)
    assert not ours(ActionContribution).exists() and not ours(IndicatorReport).exists()
