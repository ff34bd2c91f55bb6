"""Framework links in the interchange document: by the framework's slug and node names, exact round
trips, refused across networks, and kept when the framework itself is replaced."""

import copy

import pytest

from maillage.evaluation.tests.factories import IndicatorFactory, IndicatorValueFactory
from maillage.frameworks import editing
from maillage.frameworks.models import ActionContribution, FrameworkIndicator, IndicatorReport, NodeContribution
from maillage.frameworks.tests.conftest import ours
from maillage.interchange.exporting import export_project
from maillage.interchange.importing import import_document
from maillage.interchange.validation import InvalidDocument, check
from maillage.projects.models import Project

pytestmark = pytest.mark.django_db


def _linked(network):
    common = FrameworkIndicator.objects.create(
        project=network.pms, key="rdv", title="Rendez-vous", unit="RDV", node=network.e1, aggregation="mean"
    )
    indicator = IndicatorFactory(action=network.a1, unit="RDV", title="RDV du guichet")
    IndicatorValueFactory(indicator=indicator, period="2024", value=370)
    editing.set_action_links(network.a1, [network.e1, network.c11], {indicator: common}, None)
    editing.set_node_links(network.axe_a, [network.e2])
    return common, indicator


def test_the_links_are_written_by_names_and_the_document_stays_valid(network):
    _linked(network)
    child = export_project(network.pst_a)
    assert check(child) == []
    assert child["nodes"][0]["serves"] == [{"project": "pms", "code": "E2"}]
    action = next(a for a in child["actions"] if a["ref"] == "A-1")
    assert action["serves"] == [{"project": "pms", "code": "C1.1"}, {"project": "pms", "code": "E1"}]
    assert action["indicators"][0]["reports_to"] == {"project": "pms", "indicator": "rdv"}
    framework = export_project(network.pms)
    assert framework["framework_indicators"] == [
        {"key": "rdv", "title": "Rendez-vous", "unit": "RDV", "aggregation": "mean", "node": {"code": "E1"}}
    ]
    assert "serves" not in export_project(network.pst_b)["actions"][0]  # additive: absent when none


def test_a_child_exported_and_imported_again_is_the_same(network):
    _linked(network)
    before = export_project(network.pst_a)
    network.pst_a.children.update(parent=None)
    Project.objects.get(slug="pst-a").delete()
    assert not ours(ActionContribution).exists()
    imported = import_document(copy.deepcopy(before))
    assert export_project(imported) == before
    assert ours(ActionContribution).filter(action__project=imported).count() == 2
    assert ours(IndicatorReport).get().indicator.action.ref == "A-1"


def test_the_framework_exported_and_imported_again_is_the_same(network):
    _linked(network)
    before = export_project(network.pms)
    assert export_project(import_document(copy.deepcopy(before), replace=True)) == before


def test_replacing_the_framework_keeps_the_links_of_its_children(network):
    _linked(network)
    document = export_project(network.pms)
    document["nodes"][1]["title"] = "Prendre soin de chacun"  # E2 renamed: found again by its code
    new = import_document(document, replace=True)
    assert new.pk != network.pms.pk and Project.objects.get(slug="pst-a").parent == new
    assert set(ours(ActionContribution).values_list("action__ref", "framework_node__code")) == {
        ("A-1", "E1"),
        ("A-1", "C1.1"),
    }
    assert ours(NodeContribution).get().framework_node.title == "Prendre soin de chacun"
    assert ours(IndicatorReport).get().framework_indicator.project == new


@pytest.mark.parametrize(
    "change, path, words",
    [
        (
            lambda d: d["actions"][0].update(serves=[{"project": "autre", "code": "X"}]),
            "$.actions[0].serves[0]",
            "n'est pas un cadre",
        ),
        (
            lambda d: d["actions"][0].update(serves=[{"project": "pms", "code": "E9"}]),
            "$.actions[0].serves[0]",
            "aucun nœud de code « E9 »",
        ),
        (
            lambda d: d["nodes"][0].update(serves=[{"project": "pms", "title": "Nulle part"}]),
            "$.nodes[0].serves[0]",
            "intitulé « Nulle part »",
        ),
        (
            lambda d: d["actions"][0].update(
                indicators=[
                    {
                        "kind": "quantitative",
                        "title": "Taux",
                        "unit": "%",
                        "reports_to": {"project": "pms", "indicator": "rdv"},
                    }
                ]
            ),
            "$.actions[0].indicators[0].reports_to",
            "l'indicateur commun en « RDV »",
        ),
        (
            lambda d: d["actions"][0].update(
                indicators=[
                    {
                        "kind": "quantitative",
                        "title": "X",
                        "unit": "RDV",
                        "reports_to": {"project": "pms", "indicator": "inconnu"},
                    }
                ]
            ),
            "$.actions[0].indicators[0].reports_to",
            "aucun indicateur commun de clé « inconnu »",
        ),
    ],
)
def test_a_link_that_does_not_resolve_is_refused_and_nothing_is_written(network, change, path, words):
    _linked(network)
    document = export_project(network.pst_a)
    document["project"]["slug"] = "pst-c"
    change(document)
    with pytest.raises(InvalidDocument) as refused:
        import_document(document)
    assert any(problem.path == path and words in problem.message for problem in refused.value.problems)
    assert not Project.objects.filter(slug="pst-c").exists()


def test_a_common_indicator_names_a_node_of_its_own_document(network):
    document = export_project(network.pms)
    document["framework_indicators"] = [{"key": "x", "title": "X", "unit": "u", "node": {"code": "Z9"}}]
    assert [p.path for p in check(document)] == ["$.framework_indicators[0].node"]
