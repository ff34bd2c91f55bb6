"""The evaluation report, opened with real readers (python-docx, odfpy, pypdf, openpyxl): the synthesis,
the accepted answers with their indicators (chart images and tables), never the drafts; the workbook
formula-safe; ``maillage export --what evaluation[:CAMPAIGN]`` and its errors."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from maillage.campaigns.answering import save_answer
from maillage.campaigns.models import Campaign
from maillage.campaigns.opening import create_campaign
from maillage.campaigns.report import workbook
from maillage.campaigns.reviewing import accept, send_back
from maillage.documents.exporting import start_export
from maillage.documents.models import Export
from maillage.documents.registry import ExportError, parse_what, write
from maillage.documents.tests.test_annex import text_of
from maillage.evaluation.models import IndicatorValue

from .test_life import full_data, questions_by_kind

pytestmark = pytest.mark.django_db

ACCEPTED_TEXT = "Le guide a été écrit avec six familles et diffusé."
RETURNED_TEXT = "Un brouillon du café des parents, à ne jamais publier."


@pytest.fixture
def reviewed(scene):
    """The lead answered two actions; the guide is accepted, the café is sent back."""
    IndicatorValue.objects.create(indicator=scene.quantitative, period="2022", value=90)
    lead, coordinator = scene.users["lead"], scene.users["coordinator"]
    guide = save_answer(scene.answer("guide"), full_data(scene), lead, submit=True)
    accept(guide, coordinator, status="continuous")
    done = questions_by_kind(scene.campaign)["Qu'est-ce qui a été réalisé ?"].key
    parents = save_answer(
        scene.answer("parents"),
        full_data(scene, responses={done: RETURNED_TEXT}, proposal="stop", indicators={}),
        lead,
        submit=True,
    )
    send_back(parents, coordinator, "Précisez le public.")
    return scene


def export(scene, format, what="evaluation"):
    return write(format, scene.project, parse_what(scene.project, what))


@pytest.mark.parametrize("format", ["docx", "odt", "pdf"])
def test_the_report_holds_the_synthesis_and_the_accepted_answers_only(reviewed, format):
    content = export(reviewed, format)
    text = text_of(format, content)
    assert "Rapport d'évaluation — Bilan annuel 2023" in text
    assert "Synthèse" in text and "Les actions par statut" in text and "Les propositions des pilotes" in text
    assert "Axe 1 — Accéder à ses droits" in text  # the top-level node's section
    assert "A1 — Écrire le guide" in text
    assert ACCEPTED_TEXT in text
    assert "Co-construction" in text and "Poursuivre" in text and "Une nouvelle édition en 2024." in text
    assert "Guides distribués" in text and "Satisfaction des familles" in text
    assert "Les familles le trouvent clair." in text
    assert "150" in text and "200" in text and "90" in text  # value, target, earlier value
    # The sent-back answer is named among the actions without an accepted answer, never reproduced.
    assert "Actions sans réponse acceptée" in text and "Renvoyée au pilote" in text
    assert RETURNED_TEXT not in text and "Précisez le public." not in text


def test_the_report_draws_the_indicator_chart_as_an_image_with_its_text_alternative(reviewed):
    content = export(reviewed, "docx")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        pictures = [name for name in archive.namelist() if name.startswith("word/media/")]
        document = archive.read("word/document.xml").decode()
    assert len(pictures) == 1  # one quantitative indicator with two values and a target
    assert "Évolution de l'indicateur « Guides distribués »" in document
    assert "90" in document and "cibles 2023 : 200" in document


def test_the_synthesis_counts_by_status_and_proposal_per_top_level_node(reviewed):
    from maillage.campaigns.report import load

    data = load(reviewed.campaign)
    by_node = {row.node.code if row.node else None: row for row in data.rows}
    # The guide (accepted, now continuous) is under axe 1; the shared café under both axes; A4 placed nowhere.
    assert by_node["1"].statuses["continuous"] == 1 and by_node["1"].proposals["continue"] == 1
    assert by_node["2"].proposals == {"continue": 0, "adapt": 0, "stop": 0, "done": 0}  # the café was sent back
    assert by_node["1"].states["returned"] == 1 and by_node["2"].states["returned"] == 1
    assert by_node[None].total == 1
    assert data.total.proposals["continue"] == 1 and data.figures.accepted == 1


def test_the_workbook_lists_every_expected_action_and_writes_text_as_text(reviewed):
    scene = reviewed
    done = questions_by_kind(scene.campaign)["Qu'est-ce qui a été réalisé ?"].key
    answer = scene.answer("permanence")
    dangerous = '=HYPERLINK("http://exemple.invalid","clic")'
    save_answer(
        answer, full_data(scene, responses={done: dangerous}, indicators={}), scene.users["other_lead"], submit=True
    )
    accept(scene.answer("permanence"), scene.users["coordinator"])
    book = load_workbook(io.BytesIO(export(scene, "xlsx")))
    assert book.sheetnames == ["Synthèse", "Réponses", "Indicateurs"]
    rows = list(book["Réponses"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("Réf.", "Action", "Pilotes attendus", "État de la réponse")
    by_ref = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_ref) == {"A1", "A2", "A3", "A4"}
    assert by_ref["A1"]["Qu'est-ce qui a été réalisé ?"] == ACCEPTED_TEXT
    assert by_ref["A1"]["Pilotes attendus"] == "Camille Martin"
    assert by_ref["A1"]["Proposition pour la suite de l'action"] == "Poursuivre"
    assert by_ref["A3"]["État de la réponse"] == "Renvoyée au pilote"
    assert by_ref["A3"]["Qu'est-ce qui a été réalisé ?"] is None  # not accepted: not reproduced
    # A text starting with "=" stays a text: no formula in the file.
    cell = next(c for c in book["Réponses"]["A"] if c.value == "A2")
    formula_cell = book["Réponses"].cell(row=cell.row, column=header.index("Qu'est-ce qui a été réalisé ?") + 1)
    assert formula_cell.value == dangerous and formula_cell.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(export(scene, "xlsx"))) as archive:
        sheets = "".join(
            archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/")
        )
    assert "<f>" not in sheets
    values = list(book["Indicateurs"].iter_rows(values_only=True))
    expected = ("A1", "Écrire le guide", "Guides distribués", "Quantitatif", None, "2023", 150, None)
    assert expected + ("Compté à la sortie des écoles.", 200) in values


def test_formula_like_starts_are_written_as_text():
    from openpyxl import Workbook

    from maillage.campaigns.report import put

    sheet = Workbook().active
    for row, text in enumerate(["=1+1", "+33 6 00", "-5", "@SUM(A1)", "\tx", "ordinaire"], start=1):
        put(sheet, row, 1, text)
    assert all(sheet.cell(row=row, column=1).data_type == "s" for row in range(1, 7))
    assert sheet.cell(row=1, column=1).quotePrefix and not sheet.cell(row=6, column=1).quotePrefix


def test_which_campaign_the_what_names(reviewed):
    scene = reviewed
    project = scene.project
    assert parse_what(project, "evaluation").subject == scene.campaign
    assert parse_what(project, f"evaluation:{scene.campaign.pk}").subject == scene.campaign
    assert parse_what(project, "evaluation:bilan-annuel-2023").subject == scene.campaign
    draft = create_campaign(project, kind="final", first_year=2023, last_year=2026, due_date=scene.campaign.due_date)
    assert parse_what(project, "evaluation").subject == scene.campaign  # a draft is never the latest
    with pytest.raises(ExportError, match="en préparation"):
        parse_what(project, f"evaluation:{draft.key}")
    with pytest.raises(ExportError, match="introuvable"):
        parse_what(project, "evaluation:inconnue")
    other = Campaign.objects.create(
        project=scene.other_project,
        key="autre",
        title="Autre",
        first_year=2023,
        last_year=2023,
        due_date=draft.due_date,
    )
    with pytest.raises(ExportError, match="introuvable"):
        parse_what(project, f"evaluation:{other.pk}")  # another project's campaign
    with pytest.raises(ExportError, match="aucune campagne"):
        parse_what(scene.other_project, "evaluation")
    assert parse_what(project, "evaluation").suffix == "evaluation-bilan-annuel-2023"


def test_the_command_writes_the_report(reviewed, tmp_path, capsys):
    target = tmp_path / "bilan.docx"
    call_command("export", reviewed.project.slug, "--format", "docx", "--what", "evaluation", "-o", str(target))
    assert ACCEPTED_TEXT in text_of("docx", target.read_bytes())
    with pytest.raises(CommandError, match="introuvable"):
        call_command("export", reviewed.project.slug, "--format", "pdf", "--what", "evaluation:nulle-part")
    with pytest.raises(CommandError, match="ne produit pas"):
        call_command("export", reviewed.project.slug, "--format", "csv", "--what", "evaluation")
    call_command("campaigns", reviewed.project.slug)
    line = capsys.readouterr().out.strip()
    assert line.split("\t") == [
        str(reviewed.campaign.pk),
        "bilan-annuel-2023",
        "annual",
        "2023",
        reviewed.campaign.due_date.isoformat(),
        "open",
        "1/4",
        "1",
    ]


def test_the_report_runs_in_the_background_with_progress(reviewed, immediate_tasks):
    queued = start_export(reviewed.project, f"evaluation:{reviewed.campaign.pk}", "pdf", reviewed.users["reader"])
    export = Export.objects.get(pk=queued.pk)
    assert export.status == Export.Status.DONE and export.percent == 100
    assert export.filename == f"{reviewed.project.slug}-evaluation-bilan-annuel-2023.pdf"
    assert export.title == "Rapport d'évaluation"
    with export.file.open("rb") as stored:
        assert ACCEPTED_TEXT in text_of("pdf", stored.read())


@pytest.mark.parametrize("format", ["docx", "pdf"])
def test_the_writer_reports_its_progress_from_the_charts_to_the_layout(reviewed, format):
    seen = []
    write(
        format, reviewed.project, parse_what(reviewed.project, "evaluation"), progress=lambda d, t: seen.append((d, t))
    )
    shares = [done / total for done, total in seen]
    assert shares == sorted(shares) and shares[-1] == 1
    assert any(0 < share <= 0.5 for share in shares)  # the chart was drawn before the layout


def test_a_report_without_accepted_answers_says_so(scene):
    text = text_of("docx", export(scene, "docx"))
    assert "Aucune réponse n'a encore été acceptée." in text


def test_numbers_are_french_in_the_report(reviewed):
    from maillage.campaigns.reading import french_number

    assert french_number(Decimal("1500.50"), "€") == "1\u202f500,5 €"
    assert french_number("12") == "12"
    text = text_of("docx", export(reviewed, "docx"))
    assert "180 personnes" in text


def test_the_workbook_function_takes_the_loaded_data(reviewed):
    from maillage.campaigns.report import load

    assert workbook(load(reviewed.campaign)).startswith(b"PK")


def test_many_charts_are_drawn_by_a_pool_of_processes_with_the_same_pictures():
    from maillage.campaigns.charts import Series, draw_many

    jobs = [(n, Series(["2022", "2023"], {"2022": n, "2023": n + 5}, {"2023": 10}), "personnes") for n in range(3)]
    seen = []
    alone = draw_many(jobs)
    pooled = draw_many(jobs, progress=lambda done, total: seen.append((done, total)), workers=2, parallel_above=0)
    assert set(pooled) == {0, 1, 2} and all(png.startswith(b"\x89PNG") for png in pooled.values())
    assert pooled == alone
    assert seen[-1] == (3, 3)
