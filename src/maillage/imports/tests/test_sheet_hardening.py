"""Issue 17: no spreadsheet error escapes as a 500 or a run stuck in progress. Corrupt, protected and
hostile XLSX / ODS files, generated here, end in a failed run with a French message, in bounded time
and memory; sheets that weigh little but hold a lot (a million empty rows, one cell at XFD1048576, a
row repeated over the whole grid) are read or refused on what they hold. Figures: bench/sheet_bench.py."""

import io
import time
import zipfile

import openpyxl
import pytest

from maillage.accounts.tests.factories import UserFactory
from maillage.imports.models import ImportRun
from maillage.imports.reading import MAX_COLUMNS, UnreadableFile, read_sheets
from maillage.imports.running import read_run
from maillage.imports.spreadsheet import read_spreadsheet

from . import bombs
from .test_hardening import assert_failed_in_french

pytestmark = pytest.mark.django_db


def run_of(content: bytes, name: str) -> ImportRun:
    return ImportRun.objects.create(owner=UserFactory(), name=name, content=content, slug="essai", title="Essai")


@pytest.fixture(scope="module")
def million_empty_xlsx() -> bytes:
    return bombs.empty_rows(".xlsx", 1_000_000)  # 4.7 MB; before: 12 s, refused as « plus de 20000 lignes »


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_a_sheet_of_a_million_empty_rows_fails_the_run_quickly_in_french(suffix, million_empty_xlsx, settings):
    settings.MAILLAGE_IMPORT_MAX_RATIO = 100_000  # past the ratio check, which refuses the ODS first
    data = million_empty_xlsx if suffix == ".xlsx" else bombs.empty_rows(".ods", 1_000_000)
    run = run_of(data, f"Suivi{suffix}")
    started = time.monotonic()
    read_run(run)
    assert time.monotonic() - started < 10  # before: 12 s (XLSX), about 110 s and 1.5 GB (ODS, odfpy's DOM)
    assert_failed_in_french(run, f"« Suivi{suffix} »", "100000 lignes, vides pour la plupart", "lignes vides")


def test_empty_rows_under_the_bound_are_skipped_not_counted_as_rows(settings):
    settings.MAILLAGE_IMPORT_MAX_RATIO = 100_000
    settings.MAILLAGE_IMPORT_MAX_ROWS = 1000
    for suffix in (".xlsx", ".ods"):
        run = read_run(run_of(bombs.empty_rows(suffix, 4000), f"plan{suffix}"))  # 4,000 empty < 5 × 1,000
        assert run.status == ImportRun.Status.READY, run.error
        assert [a["title"] for a in run.draft["actions"]] == ["Une action"]


def test_a_cell_at_the_far_corner_of_the_grid_costs_what_the_file_weighs(tmp_path):
    """Before: openpyxl filled in the 1,048,573 rows between, each 16,384 cells wide (30 s)."""
    path = bombs.write(tmp_path, "plan.xlsx", bombs.far_corner_xlsx())
    started = time.monotonic()
    document, report = read_spreadsheet(path, slug="essai", title="Essai")
    assert time.monotonic() - started < 5
    assert [a["title"] for a in document["actions"]] == ["Une action"]
    assert f"1 cellule(s) au-delà de la colonne {MAX_COLUMNS} non lue(s)" in report.warnings[0]


def test_a_row_repeated_over_the_whole_grid(tmp_path):
    """LibreOffice writes the empty rows below a table as one row repeated 1,048,574 times: nothing to
    read. The same row holding a value is over the row limit, refused without writing it out."""
    path = bombs.write(tmp_path, "plan.ods", bombs.repeated_ods(value=False))
    assert [sheet.rows for sheet in read_sheets(path)] == [[["Intitulé"], ["Une action"]]]
    path = bombs.write(tmp_path, "plein.ods", bombs.repeated_ods(value=True))
    with pytest.raises(UnreadableFile, match="plus de 20000 lignes"):
        read_sheets(path)
    path = bombs.write(tmp_path, "large.ods", bombs.repeated_ods(value=True, rows=2, columns=16_384))
    rows = read_sheets(path)[0].rows
    assert [len(row) for row in rows] == [1, 1, MAX_COLUMNS, MAX_COLUMNS]


def _ods_members(content: str | None = None, manifest: str | None = None) -> bytes:
    members, _main = bombs._skeleton(".ods")
    if manifest is not None:
        members["META-INF/manifest.xml"] = manifest
    if content is not None:
        members["content.xml"] = content
    return bombs._zip(members)


def _xlsx_with(sheet_xml: str) -> bytes:
    members, main = bombs._skeleton(".xlsx")
    members[main] = sheet_xml
    return bombs._zip(members)


def _valid_xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Intitulé"])
    book.active.append(["Une action"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _valid_ods() -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Actions")
    for text in ("Intitulé", "Une action"):
        row, cell = TableRow(), TableCell(valuetype="string")
        cell.addElement(P(text=text))
        row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def _without(data: bytes, member: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info))
    return out.getvalue()


ENCRYPTED_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
    '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
    "</manifest:file-entry></manifest:manifest>"
)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("sans contenu.ods", _ods_members(), "une partie obligatoire du fichier manque"),
        ("xml cassé.ods", _ods_members(content="<office:document-content><table:table"), "contenu XML invalide"),
        ("chiffré.ods", _ods_members(content="\x00\x17binaire", manifest=ENCRYPTED_MANIFEST), "mot de passe"),
        ("tronqué.ods", _valid_ods()[:-300], "endommagé ou incomplet"),
        ("xml cassé.xlsx", _xlsx_with("<worksheet><sheetData><row>"), "endommagé ou incomplet"),
        ("sans feuille.xlsx", _without(_valid_xlsx(), "xl/worksheets/sheet1.xml"), "ne contient aucune ligne"),
        ("sans classeur.xlsx", _without(_valid_xlsx(), "xl/workbook.xml"), "endommagé ou incomplet"),
        ("tronqué.xlsx", _valid_xlsx()[:-200], "endommagé ou incomplet"),
    ],
)
def test_a_corrupt_or_protected_workbook_fails_the_run_in_french(name, content, words):
    run = read_run(run_of(content, name))
    assert_failed_in_french(run, f"« {name} »", words)


def test_an_ods_whose_cells_lie_about_their_values_is_read_as_text(tmp_path):
    content = (
        bombs.ODS_HEAD
        + bombs.ODS_TITLE_ROWS
        + '<table:table-row><table:table-cell office:value-type="float" office:value="beaucoup"><text:p>beaucoup'
        '</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="nan"/>'
        '<table:table-cell table:number-columns-repeated="-3"/><table:table-cell office:value-type="date"/>'
        "</table:table-row>" + bombs.ODS_TAIL
    )
    path = bombs.write(tmp_path, "plan.ods", _ods_members(content=content))
    assert read_sheets(path)[0].rows[-1] == ["beaucoup"]
