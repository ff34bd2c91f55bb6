"""The panorama of an update (done since, postponed, new, continuous) and the renewal bilan (what became
of each action of version N in N+1), on screen data and as documents."""

import copy
import datetime
import io

import pytest
from docx import Document as Docx
from pypdf import PdfReader

from maillage.documents.registry import ExportError, parse_what, write
from maillage.interchange.exporting import export_project
from maillage.projects.tests.conftest import build_plan
from maillage.versions.comparing import Side, compare, renewal_bilan, update_panorama
from maillage.versions.reading import Plan
from maillage.versions.taking import take_version

from .factories import VersionFactory

pytestmark = pytest.mark.django_db


def _pair(before, after):
    return compare(
        Side("1", "Adoption", datetime.date(2023, 1, 1), "adopted", Plan(before)),
        Side("2", "Mise à jour", datetime.date(2023, 7, 1), "adopted", Plan(after)),
    )


def _action(document, ref):
    return next(a for a in document["actions"] if a["ref"] == ref)


def _update_of(document):
    """A2 done since, A3 postponed, A4 continuous, A5 new, A1 already done; A6 dropped."""
    before = copy.deepcopy(document)
    before["actions"].append({"ref": "A6", "title": "Ancienne action", "status": "planned"})
    before["nodes"][0]["actions"] = ["A6"]
    after = copy.deepcopy(document)
    _action(after, "A2")["status"] = "done"
    _action(after, "A3")["status"] = "postponed"
    _action(after, "A4")["status"] = "continuous"
    after["actions"].append({"ref": "A5", "title": "Nouvelle action", "status": "planned"})
    after["nodes"][1]["actions"] = ["A5"]
    return before, after


@pytest.fixture
def documents(db):
    return _update_of(export_project(build_plan().project))


def test_the_panorama_sorts_every_action_in_the_genas_columns(documents):
    panorama = update_panorama(_pair(*documents))
    assert panorama.counts == {"done": 1, "postponed": 1, "continuous": 1, "new": 1, "already_done": 1, "dropped": 1}
    assert [code for code, _h, _n in panorama.columns][:4] == ["done", "postponed", "new", "continuous"]
    headings = {code: heading for code, heading, _n in panorama.columns}
    assert headings["done"] == "Actions terminées" and headings["new"] == "Actions nouvelles"
    by_node = {group.node.code if group.node else None: group.columns for group in panorama.groups}
    assert [a["ref"] for a in by_node["1.2"]["done"]] == ["A2"]
    assert [a["ref"] for a in by_node["2"]["new"]] == ["A5"]
    assert [a["ref"] for a in by_node["1"]["dropped"]] == ["A6"]
    # The shared sheet A3 shows under both its nodes, as in the seed's panorama.
    assert [a["ref"] for a in by_node["2.1"]["postponed"]] == ["A3"] == [a["ref"] for a in by_node["1.1"]["postponed"]]
    assert [a["ref"] for a in by_node[None]["continuous"]] == ["A4"]  # unplaced


def test_the_bilan_says_what_became_of_each_action(documents):
    before, after = documents
    _action(after, "A1")["context"] = "Un contexte écrit pendant la mise à jour."
    _action(after, "A1")["status"] = "in_progress"
    bilan = renewal_bilan(_pair(before, after))
    fates = {fate.action["ref"]: fate for _node, items in bilan.groups for fate in items}
    assert {ref: fate.fate for ref, fate in fates.items()} == {
        "A1": "changed",
        "A2": "closed",
        "A3": "continued",
        "A4": "continued",
        "A6": "dropped",
    }
    assert "Contexte" in fates["A1"].detail and fates["A1"].detail.startswith("Terminée → En cours")
    assert (fates["A2"].before, fates["A2"].after) == ("En cours", "Terminée")
    assert fates["A6"].after == "" and fates["A6"].label == "Non reprise"
    assert bilan.counts == {"changed": 1, "closed": 1, "continued": 2, "dropped": 1} and bilan.total == 5
    assert [a["ref"] for a in bilan.new_actions] == ["A5"]
    assert bilan.per_root[0][0] == "1 — Accéder à ses droits"


def _docx_text(content: bytes) -> str:
    document = Docx(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return "\n".join(texts)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_three_documents_in_docx_odt_and_pdf():
    plan = build_plan(title="Plan des documents")
    project = plan.project
    before, after = _update_of(export_project(project))
    old = VersionFactory(project=project, label="Adoption 2023", adopted=True, document=before)
    new = VersionFactory(project=project, label="Mise à jour juillet", adopted=True, document=after)
    argument = f"{old.pk}:{new.pk}"
    comparison = _docx_text(write("docx", project, parse_what(project, f"comparison:{argument}")))
    for text in (
        "Comparaison de deux versions du plan",
        "Adoption 2023",
        "Mise à jour juillet",
        "Nouvelle action",
        "Actions terminées",
        "Changements de statut",
        "Ancienne action",
    ):
        assert text in comparison, text
    panorama = _pdf_text(write("pdf", project, parse_what(project, f"update-panorama:{argument}")))
    assert (
        "Panorama de la mise à jour" in panorama and "Actions reportées" in panorama and "Café des parents" in panorama
    )
    bilan = _pdf_text(write("pdf", project, parse_what(project, f"renewal:{argument}")))
    assert "Bilan du plan précédent" in bilan and "Non reprise" in bilan and "Ancienne action" in bilan
    odt = write("odt", project, parse_what(project, f"comparison:{old.pk}:current"))
    assert odt[:2] == b"PK"


def test_a_document_of_unknown_or_foreign_versions_is_refused():
    plan = build_plan()
    other = VersionFactory(project=build_plan(title="Autre").project)
    mine = take_version(plan.project, label="À moi")
    with pytest.raises(ExportError, match="introuvable"):
        parse_what(plan.project, f"comparison:{other.pk}:current")
    with pytest.raises(ExportError, match="introuvable"):
        parse_what(plan.project, f"renewal:{mine.pk}:abc")
    with pytest.raises(ExportError, match="Précisez les deux versions"):
        parse_what(plan.project, f"comparison:{mine.pk}")
    assert parse_what(plan.project, f"comparison:{mine.pk}:current").suffix == f"comparison-{mine.pk}-current"
