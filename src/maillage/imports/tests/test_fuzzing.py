"""Issue 16, fuzzing: whatever a spreadsheet holds, the reader gives a draft that the interchange schema
accepts (with its report), or a French refusal — never another exception.

Sheets are drawn with hypothesis: the template's headers in any order, some unknown, missing or
repeated; cells of every kind a person types (dates in several writings, numbers, status words, empty,
very long, control characters); written as CSV (UTF-8 or Windows-1252, ``;`` or ``,``) or XLSX. Then the
template itself, damaged byte by byte. Bounded by ``max_examples``.
"""

import csv
import datetime
import functools
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from maillage.imports.reading import UnreadableFile
from maillage.imports.spreadsheet import read_spreadsheet
from maillage.imports.template import columns, template_xlsx
from maillage.interchange.validation import check

# The template's headers, and headers of other shapes (issue 17: synonyms, partner roles, year grids).
HEADERS = [header for header, _help in columns()] + [
    "Échéance", "Porteur", "Financeurs", "Pilote(s)", "Axes", "Niveau 2", "2025", "2026-2027", "Date de fin prévue",
]  # fmt: skip
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

CELLS = st.one_of(
    st.just(""),
    st.text(alphabet="abcdeéèàçABCÉ-' ;/0123456789", max_size=30),
    st.text(max_size=20),
    st.sampled_from(["Terminée", "en cours", "réalisé", "NA", "E", "2024", "2024-2026", "2024 ; 2025-2026"]),
    st.sampled_from(["31/12/2025", "2025-02-30", "1/1/1", "00/00/0000", "12,50", "1 000 €", "-3", "1e308"]),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)).map(str),
    st.integers(min_value=3000, max_value=5000).map(lambda size: "x" * size),
    st.sampled_from(["CAF, Mairie", "CAF et Mairie (financeur)", "A, B, b", "CAF/Ville ; CCAS", "X", "oui"]),
    st.sampled_from(["juin 2025", "T2 2025", "fin 2026", "2024-2026", "2e semestre 2025", "31 février 2025"]),
)


@st.composite
def sheets(draw):
    headers = draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=len(HEADERS)))
    if draw(st.integers(min_value=0, max_value=4)):  # mostly with the one column a draft needs
        headers.append("Intitulé")
    headers += draw(st.lists(st.text(max_size=12), max_size=2))
    headers = draw(st.permutations(headers))
    width = max(1, len(headers))
    body = draw(st.lists(st.lists(CELLS, min_size=0, max_size=width + 1), max_size=12))
    return [list(headers), *body]


def _csv(rows, delimiter, encoding) -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return text.getvalue().encode(encoding, errors="replace")


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([cell.replace("\x00", "") if isinstance(cell, str) else cell for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _read(tmp_path_factory, data: bytes, suffix: str):
    path = tmp_path_factory.mktemp("fuzz") / f"import{suffix}"
    path.write_bytes(data)
    try:
        document, report = read_spreadsheet(path, slug="essai", title="Essai", name=f"mon plan{suffix}")
    except UnreadableFile as refusal:
        message = str(refusal)
        # In French, naming the person's file when it names one, never the temporary copy.
        assert message and "import." not in message and "Error" not in message and "Traceback" not in message
        event("refusé")
        return None
    assert check(document) == [], "the draft must be an interchange document the schema accepts"
    assert report is not None
    event("lu")
    return document


@FUZZ
@given(rows=sheets(), delimiter=st.sampled_from([";", ","]), encoding=st.sampled_from(["utf-8", "cp1252"]))
def test_any_csv_gives_a_valid_draft_or_a_french_refusal(tmp_path_factory, rows, delimiter, encoding):
    _read(tmp_path_factory, _csv(rows, delimiter, encoding), ".csv")


@FUZZ
@given(rows=sheets())
def test_any_workbook_gives_a_valid_draft_or_a_french_refusal(tmp_path_factory, rows):
    try:
        data = _xlsx(rows)
    except openpyxl.utils.exceptions.IllegalCharacterError:
        return  # openpyxl will not write it: no person's workbook can hold it
    _read(tmp_path_factory, data, ".xlsx")


@functools.cache
def _template() -> bytes:
    """The import template, built once: its size varies from one build to the next (the zip's dates), and
    hypothesis requires the same draws for the same example."""
    return template_xlsx()


@FUZZ
@given(data=st.data())
def test_a_damaged_workbook_gives_a_french_refusal_or_a_draft(tmp_path_factory, data):
    content = bytearray(_template())
    for _ in range(data.draw(st.integers(min_value=1, max_value=20))):
        content[data.draw(st.integers(min_value=0, max_value=len(content) - 1))] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        content = content[: data.draw(st.integers(min_value=1, max_value=len(content)))]
    _read(tmp_path_factory, bytes(content), data.draw(st.sampled_from([".xlsx", ".ods"])))


@FUZZ
@given(content=st.binary(min_size=1, max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".ods"]))
def test_random_bytes_give_a_french_refusal_or_a_draft(tmp_path_factory, content, suffix):
    _read(tmp_path_factory, content, suffix)


pytestmark = pytest.mark.django_db


def test_two_columns_of_the_same_level_read_the_first_and_say_so(tmp_path_factory):
    """Found by the fuzzing: two « Niveau 1 : Axe » columns gave a draft with the level « Axe » twice."""
    rows = [["Niveau 1 : Axe", "Niveau 1 : Axe", "Référence", "Intitulé"], ["Accueil", "Autre", "A1", "Une action"]]
    path = tmp_path_factory.mktemp("double") / "import.csv"
    path.write_bytes(_csv(rows, ";", "utf-8"))
    document, report = read_spreadsheet(path, slug="essai", title="Essai", name="mon plan.csv")
    assert document["levels"] == ["Axe"] and check(document) == []
    assert "colonne « Niveau 1 : Axe » en double : seule la première est lue." in report.warnings
