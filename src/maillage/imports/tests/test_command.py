"""``maillage import`` on spreadsheets: tolerant reading, the report, --dry-run, --into, the template, bad files."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from maillage.actions.models import Action
from maillage.documents.registry import What
from maillage.documents.tabular import write_xlsx
from maillage.interchange.validation import check
from maillage.projects.models import Project

pytestmark = pytest.mark.django_db

HEADERS = [
    "N°",
    "Nom de l'action",
    "État",
    "Origine",
    "Axe",
    "Objectif",
    "Années",
    "Public cible",
    "Partenaires",
    "Couleur",
]
ROWS = [
    ["01", "Créer un guichet unique", "réalisé", "NA", "1 Accès aux droits", "1.1 Informer", "2023 ; 2024",
     "Familles", "CAF (Financeur) ; Mission locale (relais)", "bleu"],
    ["02", "Ateliers numériques", "en continu", "E", "1 Accès aux droits", "1.2 Accompagner", "2024",
     "Séniors", "Médiathèque (intervenant)", ""],
    ["03", "Mobilité solidaire", "", "AE", "2 Mobilité", "2.1 Se déplacer", "2025", "", "", ""],
    ["", "", "", "", "", "", "", "", "", "oublié"],
    ["04", "créer un guichet UNIQUE", "peut-être", "", "2 Mobilité", "2.1 Se déplacer", "", "", "", ""],
]  # fmt: skip


def _xlsx(path, headers=HEADERS, rows=ROWS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _dry_run(path, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(path), dry_run=True, stdout=out, stderr=err, **options)
    return json.loads(out.getvalue()), err.getvalue()


def test_dry_run_prints_a_valid_draft_and_the_report_and_writes_nothing(tmp_path):
    before = Project.objects.count()
    document, report = _dry_run(_xlsx(tmp_path / "Plan Mobilité.xlsx"))
    assert Project.objects.count() == before
    assert check(document) == []
    assert document["project"]["slug"] == "plan-mobilite"
    assert document["levels"] == ["Axe", "Objectif"]
    assert [n["title"] for n in document["nodes"]] == ["Accès aux droits", "Mobilité"]
    assert [c["code"] for c in document["nodes"][0]["children"]] == ["1.1", "1.2"]
    assert document["nodes"][0]["children"][0]["actions"] == ["01"]
    actions = {a["ref"]: a for a in document["actions"]}
    assert [(a["status"], a.get("origin")) for a in actions.values()] == [
        ("done", "new"),
        ("continuous", "evolution"),
        ("planned", "existing"),
        ("planned", None),
    ]
    assert actions["01"]["periods"] == ["2023", "2024"]
    assert actions["01"]["target_public"] == "Familles"
    partners = {p["key"]: p["name"] for p in document["partners"]}
    assert [(partners[p["partner"]], p["role"]) for p in actions["01"]["partners"]] == [
        ("CAF", "funder"),
        ("Mission locale", "relay"),
    ]
    assert "Couleur" in report and "Colonnes non reconnues" in report
    assert "ligne 4 : action sans statut" in report
    assert "ligne 5 non utilisée" in report
    assert "deux actions portent le titre « créer un guichet UNIQUE » (lignes 2 et 6)" in report
    assert "ligne 6 : statut « peut-être » non reconnu" in report
    assert "4 actions" in report


def test_import_creates_the_project_with_slug_and_title(tmp_path):
    call_command("import", str(_xlsx(tmp_path / "plan.xlsx")), slug="mon-plan", title="Mon plan", stdout=io.StringIO())
    project = Project.objects.get(slug="mon-plan")
    assert project.title == "Mon plan"
    assert project.actions.count() == 4
    assert project.nodes.count() == 5
    assert project.actions.get(ref="02").status == "continuous"


def test_csv_in_cp1252_with_commas_and_ods_read_the_same(tmp_path):
    xlsx_document, _ = _dry_run(_xlsx(tmp_path / "a.xlsx"))
    text = io.StringIO()
    import csv

    csv.writer(text, delimiter=",").writerows([HEADERS, *ROWS])
    (tmp_path / "a.csv").write_bytes(text.getvalue().encode("cp1252"))
    csv_document, _ = _dry_run(tmp_path / "a.csv", slug="a")
    assert csv_document["actions"] == xlsx_document["actions"]
    assert csv_document["nodes"] == xlsx_document["nodes"]
    utf8 = io.StringIO()
    csv.writer(utf8, delimiter=";").writerows([HEADERS, *ROWS])
    (tmp_path / "b.csv").write_bytes(utf8.getvalue().encode("utf-8-sig"))
    bom_document, _ = _dry_run(tmp_path / "b.csv", slug="a")
    assert bom_document["actions"] == xlsx_document["actions"]

    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    ods = OpenDocumentSpreadsheet()
    table = Table(name="Actions")
    for row in [HEADERS, *ROWS]:
        table_row = TableRow()
        for value in row:
            cell = TableCell(valuetype="string")
            if value:
                cell.addElement(P(text=value))
            table_row.addElement(cell)
        table.addElement(table_row)
    ods.spreadsheet.addElement(table)
    ods.save(str(tmp_path / "a.ods"))
    ods_document, _ = _dry_run(tmp_path / "a.ods", slug="a")
    assert ods_document["actions"] == xlsx_document["actions"]


def test_merge_into_updates_matched_actions_creates_new_ones_and_deletes_nothing(demo_db, tmp_path):
    project = Project.objects.get(slug="genas-pset-2")
    before = {a.ref: a.status for a in project.actions.all()}
    path = tmp_path / "genas.xlsx"
    path.write_bytes(write_xlsx(project, What("project")))
    workbook = load_workbook(path)
    sheet = workbook["Actions"]
    header = [cell.value for cell in sheet[1]]
    first_ref = sheet.cell(row=2, column=header.index("Référence") + 1).value
    first_title = sheet.cell(row=2, column=header.index("Intitulé") + 1).value
    sheet.cell(row=2, column=header.index("Statut") + 1).value = "abandonnée"
    sheet.cell(row=2, column=header.index("Référence") + 1).value = None  # matched by title then
    sheet.cell(row=2, column=header.index("Intitulé") + 1).value = first_title.upper()
    new_row = [None] * len(header)
    new_row[header.index("Intitulé")] = "Une action ajoutée par le tableur"
    new_row[header.index("Statut")] = "à venir"
    sheet.append(new_row)
    workbook.save(path)
    out = io.StringIO()
    call_command("import", str(path), into="genas-pset-2", stdout=out, stderr=io.StringIO())
    after = {a.ref: a for a in project.actions.all()}
    assert set(before) <= set(after)
    assert len(after) == len(before) + 1
    assert after[first_ref].status == "abandoned"
    assert after[first_ref].title == first_title.upper()
    assert all(after[ref].status == status for ref, status in before.items() if ref != first_ref)
    added = next(a for a in after.values() if a.ref not in before)
    assert added.title == "Une action ajoutée par le tableur" and added.status == "planned"
    assert "1 créées" in out.getvalue() and f"{len(before)} actions mises à jour" in out.getvalue()


def test_merge_into_an_unknown_project_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Projet « nulle-part » introuvable"):
        call_command("import", str(_xlsx(tmp_path / "a.xlsx")), into="nulle-part")


def test_template_has_the_canonical_headers_help_and_lists(tmp_path):
    call_command("import-template", "-o", str(tmp_path / "modele.xlsx"), stdout=io.StringIO())
    workbook = load_workbook(tmp_path / "modele.xlsx")
    assert workbook.sheetnames == ["Actions", "Aide"]
    headers = [cell.value for cell in workbook["Actions"][1]]
    assert {"Intitulé", "Statut", "Origine", "Partenaires", "Freins à lever", "Niveau 1 : Axe"} <= set(headers)
    help_rows = {row[0]: row[1] for row in workbook["Aide"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert set(headers) <= set(help_rows)
    assert "« Terminée »" in help_rows["Statut"] and "NA, E, AE" in help_rows["Origine"]
    lists = [v.formula1 for v in workbook["Actions"].data_validations.dataValidation]
    assert any("Terminée" in formula for formula in lists)
    assert any("Haute" in formula for formula in lists)
    # A filled template imports.
    sheet = workbook["Actions"]
    row = [None] * len(headers)
    row[headers.index("Intitulé")] = "Une action"
    row[headers.index("Statut")] = "Terminée"
    row[headers.index("Niveau 1 : Axe")] = "1 Premier axe"
    sheet.append(row)
    workbook.save(tmp_path / "rempli.xlsx")
    document, report = _dry_run(tmp_path / "rempli.xlsx")
    assert document["actions"][0]["status"] == "done"
    assert "Colonnes non reconnues" not in report
    call_command("import-template", "-o", str(tmp_path / "modele.csv"), "--format", "csv", stdout=io.StringIO())
    data = (tmp_path / "modele.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig").split("\r\n")[0].split(";") == headers


# --- Bad files: a French message and nothing created ---------------------------------------------------


def _refused(path, match, **options):
    before = (Project.objects.count(), Action.objects.count())
    with pytest.raises(CommandError, match=match) as error:
        call_command("import", str(path), stdout=io.StringIO(), stderr=io.StringIO(), **options)
    assert "Rien n'a été importé" in str(error.value)
    assert (Project.objects.count(), Action.objects.count()) == before


def test_text_file_renamed_xlsx(tmp_path):
    (tmp_path / "faux.xlsx").write_text("Intitulé;Statut\nUne action;fait\n", encoding="utf-8")
    _refused(tmp_path / "faux.xlsx", "n'est pas un classeur XLSX")


def test_truncated_xlsx(tmp_path):
    data = _xlsx(tmp_path / "entier.xlsx").read_bytes()
    (tmp_path / "tronque.xlsx").write_bytes(data[: len(data) // 2])
    _refused(tmp_path / "tronque.xlsx", "endommagé ou incomplet")


def test_zip_that_is_not_a_workbook(tmp_path):
    with zipfile.ZipFile(tmp_path / "archive.xlsx", "w") as archive:
        archive.writestr("bonjour.txt", "bonjour")
    _refused(tmp_path / "archive.xlsx", "endommagé ou incomplet")


def test_password_protected_xlsx(tmp_path):
    (tmp_path / "secret.xlsx").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 1024)
    _refused(tmp_path / "secret.xlsx", "protégé par un mot de passe")


def test_empty_file(tmp_path):
    (tmp_path / "vide.csv").write_bytes(b"")
    _refused(tmp_path / "vide.csv", "est vide")


def test_spreadsheet_without_rows(tmp_path):
    Workbook().save(tmp_path / "blanc.xlsx")
    _refused(tmp_path / "blanc.xlsx", "ne contient aucune ligne")


def test_no_recognisable_column(tmp_path):
    _xlsx(tmp_path / "courses.xlsx", headers=["Produit", "Quantité"], rows=[["Pommes", 3]])
    _refused(tmp_path / "courses.xlsx", "Aucune colonne reconnue")


def test_file_over_the_size_limit_is_refused_before_parsing(tmp_path, settings):
    settings.MAILLAGE_IMPORT_MAX_BYTES = 1000
    (tmp_path / "gros.xlsx").write_bytes(b"not even a zip " * 100)  # would be "not a workbook" if parsed
    _refused(tmp_path / "gros.xlsx", "au-delà de la limite de 0,0 Mo")


def test_dry_run_of_a_bad_file_is_refused_too(tmp_path):
    (tmp_path / "vide.xlsx").write_bytes(b"")
    _refused(tmp_path / "vide.xlsx", "est vide", dry_run=True)


def test_tree_with_repeated_codes_and_a_skipped_level(tmp_path):
    headers = ["Intitulé", "Statut", "Niveau 1 : Axe", "Niveau 2 : Objectif", "Niveau 3 : Action-type"]
    rows = [
        ["Une", "fait", "Santé", "1 Prévenir", "1.1 Dépister"],
        ["Deux", "fait", "Emploi", "1 Prévenir", ""],
        ["Trois", "fait", "Emploi", "", "2.9 Former"],
    ]
    document, _ = _dry_run(_xlsx(tmp_path / "arbre.xlsx", headers, rows))
    assert check(document) == []
    health, work = document["nodes"]
    assert health["children"][0]["code"] == "1"
    assert work["children"][0]["code"] == "" and work["children"][0]["title"] == "1 Prévenir"
    former = work["children"][1]
    assert (former["code"], former["level"], former["actions"]) == ("2.9", "Action-type", ["003"])
