"""Opening a spreadsheet file (XLSX, ODS, CSV) as sheets of rows, refusing bad files with a French message.

The size limit (``MAILLAGE_IMPORT_MAX_BYTES``) is checked before anything is parsed, then what a zipped
workbook unpacks to (``limits.check_zip``); rows are counted as they are read and the reader stops at
``MAILLAGE_IMPORT_MAX_ROWS``. Encrypted workbooks (an OLE container, which is how Excel stores a
password-protected XLSX) and files that are not what their extension says are told apart from a
corrupted file. Messages name the person's file (``name``), never the reader's temporary copy, and never
an English exception name.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from maillage.documents.cells import from_csv_text

OLE_HEADER = bytes.fromhex("D0CF11E0A1B11AE1")
SPREADSHEET_EXTENSIONS = {".xlsx", ".xlsm", ".ods", ".csv"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class UnreadableFile(Exception):
    """The file cannot be read as a spreadsheet; the message is French and says why."""


@dataclass
class Sheet:
    name: str
    rows: list[list]  # the first row holds the headers
    dropped_columns: int = 0  # cells beyond ``MAX_COLUMNS`` with a value, not read


def max_bytes() -> int:
    return int(getattr(settings, "MAILLAGE_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",") + " Mo"


def why(error: Exception) -> str:
    """What went wrong inside a parser, in French words a person can act on (never an exception name)."""
    import xml.parsers.expat
    import xml.sax

    if isinstance(error, zipfile.BadZipFile | zipfile.LargeZipFile | EOFError):
        return "archive illisible ou tronquée"
    if isinstance(error, xml.sax.SAXException | xml.parsers.expat.ExpatError | SyntaxError):
        return "contenu XML invalide"
    if isinstance(error, KeyError):
        return "une partie obligatoire du fichier manque"
    if isinstance(error, UnicodeError):
        return "caractères illisibles"
    if isinstance(error, MemoryError | RecursionError):
        return "structure trop lourde ou trop profonde"
    if isinstance(error, ValueError | TypeError | AttributeError | IndexError):
        return "contenu inattendu"
    return "contenu non reconnu"


def damaged(name: str, error: Exception) -> UnreadableFile:
    return UnreadableFile(f"« {name} » est endommagé ou incomplet : impossible de l'ouvrir ({why(error)}).")


def protected(name: str) -> UnreadableFile:
    return UnreadableFile(
        f"« {name} » est protégé par un mot de passe (classeur chiffré) : "
        "enregistrez-le sans mot de passe puis importez-le de nouveau."
    )


def read_sheets(path: Path, name: str | None = None) -> list[Sheet]:
    """Every sheet of the file, trimmed of empty rows and trailing empty cells; ``name`` (the person's file
    name, default the path's) is the one the messages show."""
    path = Path(path)
    name = Path(name or path.name).name
    suffix = Path(name).suffix.lower() or path.suffix.lower()
    if suffix not in SPREADSHEET_EXTENSIONS:
        raise UnreadableFile(f"« {name} » : format non pris en charge (attendu : .xlsx, .ods ou .csv).")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile(f"« {name} » est vide.")
    limit = max_bytes()
    if size > limit:
        raise UnreadableFile(
            f"« {name} » pèse {_megabytes(size)}, au-delà de la limite de {_megabytes(limit)} "
            "(réglage MAILLAGE_IMPORT_MAX_BYTES)."
        )
    data = path.read_bytes()
    if suffix == ".csv":
        sheets = [_csv_sheet(data, name)]
    else:
        if data.startswith(OLE_HEADER):
            raise protected(name)
        if not data.startswith(b"PK"):
            raise UnreadableFile(f"« {name} » n'est pas un classeur {suffix[1:].upper()} (contenu non reconnu).")
        try:
            sheets = _ods_sheets(data, name) if suffix == ".ods" else _xlsx_sheets(data, name)
        except UnreadableFile:
            raise
        except Exception as error:  # zipfile, XML and openpyxl errors all mean the same thing to the user
            raise damaged(name, error) from error
    sheets = [sheet for sheet in sheets if sheet.rows]
    if not sheets:
        raise UnreadableFile(f"« {name} » ne contient aucune ligne.")
    return sheets


MAX_COLUMNS = 1000  # cells further right are dropped (said in the report): no plan needs more
EMPTY_ROWS_FACTOR = 5  # a sheet may hold this many times the row limit in row elements, empty ones too


@dataclass
class _RowBudget:
    """Rows read so far, every sheet together: past ``MAILLAGE_IMPORT_MAX_ROWS`` rows with content, or
    ``EMPTY_ROWS_FACTOR`` times as many row elements of the file (empty ones too: a sheet of a million
    empty rows), the reading stops with a French message. Rows a file skips or repeats cost nothing."""

    name: str
    limit: int = 0
    left: int = 0
    elements: int = 0

    def __post_init__(self):
        from .limits import max_rows

        self.limit = self.left = max_rows()

    def take(self, count: int = 1) -> None:
        from .limits import too_many_rows

        self.left -= count
        if self.left < 0:
            raise too_many_rows(self.name, self.limit)

    def element(self) -> None:
        from .limits import too_many_row_elements

        self.elements += 1
        if self.elements > self.limit * EMPTY_ROWS_FACTOR:
            raise too_many_row_elements(self.name, self.limit * EMPTY_ROWS_FACTOR)


def _opened_zip(data: bytes, name: str) -> zipfile.ZipFile:
    from .limits import check_zip

    archive = zipfile.ZipFile(io.BytesIO(data))
    check_zip(archive, name)
    return archive


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trimmed(rows) -> list[list]:
    kept = []
    for row in rows:
        cells = list(row)
        while cells and _blank(cells[-1]):
            cells.pop()
        if cells:
            kept.append(cells)
    return kept


def _xlsx_sheets(data: bytes, name: str) -> list[Sheet]:
    """Each worksheet read row element by row element (openpyxl's streaming parser, which converts
    dates by their number format): rows and columns a sheet skips are never made up, so a file whose
    one cell sits at XFD1048576 costs what it weighs."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise zipfile.BadZipFile("not a zip")
    budget = _RowBudget(name)
    with _opened_zip(data, name) as archive:
        _count_row_elements(archive, budget)
    budget.elements = 0
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            if not hasattr(worksheet, "_get_source"):  # a chart sheet: no cells
                continue
            dropped = 0
            rows = []
            with worksheet._get_source() as source:
                parser = WorkSheetParser(
                    source,
                    worksheet._shared_strings,
                    data_only=True,
                    epoch=workbook.epoch,
                    date_formats=workbook._date_formats,
                    timedelta_formats=workbook._timedelta_formats,
                )
                for _index, cells in parser.parse():
                    budget.element()
                    row: list = []
                    for cell in cells:
                        column, value = cell["column"], cell["value"]
                        if _blank(value):
                            continue
                        if column > MAX_COLUMNS:
                            dropped += 1
                            continue
                        row.extend([None] * (column - 1 - len(row)))
                        row.append(value)
                    if row:
                        budget.take()
                        rows.append(row)
            sheets.append(Sheet(worksheet.title, rows, dropped))
    finally:
        workbook.close()
    return sheets


_ROW_TAG = re.compile(rb"<(?:[\w.-]{1,10}:)?row[\s>/]")  # at most 16 bytes
_OVERLAP = 16


def _count_row_elements(archive: zipfile.ZipFile, budget: "_RowBudget") -> None:
    """Count the row elements of every worksheet by scanning its bytes, before openpyxl opens the
    workbook: openpyxl parses a whole sheet that has no dimension to size it (23 s for a million
    empty rows), so a sheet of too many rows is refused here, in a fraction of a second."""
    for member in archive.infolist():
        if not re.match(r"xl/worksheets/[^/]+\.xml$", member.filename):
            continue
        block = b""
        with archive.open(member) as part:
            while True:
                chunk = part.read(1024 * 1024)
                block += chunk
                safe = len(block) - _OVERLAP if chunk else len(block)  # a tag that may go on is kept
                for found in _ROW_TAG.finditer(block):
                    if found.start() >= safe:
                        break
                    budget.element()
                if not chunk:
                    break
                block = block[max(safe, 0) :]


_ODF = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _odf(prefix: str, local: str) -> str:
    return f"{{{_ODF[prefix]}}}{local}"


TABLE, ROW = _odf("table", "table"), _odf("table", "table-row")
CELLS = {_odf("table", "table-cell"), _odf("table", "covered-table-cell")}
PARAGRAPHS = {_odf("text", "p"), _odf("text", "h")}
ANNOTATION = _odf("office", "annotation")
ROWS_REPEATED, COLUMNS_REPEATED = _odf("table", "number-rows-repeated"), _odf("table", "number-columns-repeated")
VALUE_TYPE, VALUE, DATE_VALUE = _odf("office", "value-type"), _odf("office", "value"), _odf("office", "date-value")
SPACE, TAB, LINE_BREAK = _odf("text", "s"), _odf("text", "tab"), _odf("text", "line-break")


def _ods_sheets(data: bytes, name: str) -> list[Sheet]:
    """The spreadsheet's content.xml read as a stream (one row in memory at a time, never a DOM of the
    whole file): a row repeated a million times is one row, a cell repeated across 16,384 columns is
    only written out up to the last cell with a value. The zip check has already refused any DTD."""
    import xml.etree.ElementTree as ElementTree

    archive = _opened_zip(data, name)
    if "META-INF/manifest.xml" in archive.namelist():
        with archive.open("META-INF/manifest.xml") as manifest:
            if b"encryption-data" in manifest.read(1024 * 1024):  # LibreOffice's "save with password"
                raise protected(name)
    budget = _RowBudget(name)
    sheets: list[Sheet] = []
    stack: list = []
    try:
        with archive.open("content.xml") as content:
            for event, element in ElementTree.iterparse(content, events=("start", "end")):
                if event == "start":
                    stack.append(element)
                    if element.tag == TABLE and not any(e.tag == TABLE for e in stack[:-1]):
                        sheets.append(Sheet(str(element.get(_odf("table", "name")) or ""), []))
                    continue
                stack.pop()
                if element.tag == ROW and sheets and not any(e.tag == ROW for e in stack):
                    budget.element()
                    _ods_row(element, sheets[-1], budget)
                    if stack:
                        stack[-1].remove(element)  # the parsed rows do not pile up under their table
    finally:
        archive.close()
    return sheets


def _repeat(element, attribute: str) -> int:
    try:
        return max(1, int(element.get(attribute) or 1))
    except ValueError:
        return 1


def _ods_row(element, sheet: Sheet, budget: "_RowBudget") -> None:
    row: list = []
    pending = 0  # empty cells not yet written: only written when a cell with a value follows
    for cell in element:
        if cell.tag not in CELLS:
            continue
        value, repeat = _ods_value(cell), _repeat(cell, COLUMNS_REPEATED)
        if _blank(value):
            pending += repeat
            continue
        room = MAX_COLUMNS - len(row) - pending
        if room <= 0:
            sheet.dropped_columns += repeat
            continue
        row.extend([None] * pending)
        pending = 0
        row.extend([value] * min(repeat, room))
        sheet.dropped_columns += max(0, repeat - room)
    if not row:
        return
    copies = _repeat(element, ROWS_REPEATED)
    budget.take(min(copies, budget.left + 1))
    sheet.rows.extend(list(row) for _ in range(copies))


def _ods_value(cell):
    kind = cell.get(VALUE_TYPE)
    if kind == "date" and cell.get(DATE_VALUE):
        return cell.get(DATE_VALUE)[:10]
    if kind in ("float", "currency", "percentage") and cell.get(VALUE) is not None:
        try:
            number = float(cell.get(VALUE))
        except ValueError:
            number = None
        if number is not None and number == number and abs(number) != float("inf"):
            return int(number) if number.is_integer() else number
    return "\n".join(_element_text(p) for p in cell if p.tag in PARAGRAPHS) or None


def _element_text(node) -> str:
    parts = [node.text or ""]
    for child in node:
        if child.tag == SPACE:
            parts.append(" " * min(_repeat(child, _odf("text", "c")), 1000))
        elif child.tag == TAB:
            parts.append("\t")
        elif child.tag == LINE_BREAK:
            parts.append("\n")
        elif child.tag != ANNOTATION:
            parts.append(_element_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _text(node) -> str:
    """The text of an odfpy node, spaces, tabs and line breaks included (the ODT reader's)."""
    parts = []
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(str(child.data))
        elif getattr(child, "qname", (None, None))[1] == "s":
            parts.append(" " * int(child.attributes.get((child.qname[0], "c"), 1) or 1))
        elif getattr(child, "qname", (None, None))[1] == "line-break":
            parts.append("\n")
        else:
            parts.append(_text(child))
    return "".join(parts)


def _csv_sheet(data: bytes, name: str) -> Sheet:
    """UTF-8 (with or without BOM), else cp1252; ";" or "," sniffed from the header line."""
    if b"\x00" in data[:4096]:
        raise UnreadableFile(f"« {name} » n'est pas un fichier texte CSV (contenu binaire).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    if "\t" in first_line and first_line.count("\t") > first_line.count(delimiter):
        delimiter = "\t"
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    budget = _RowBudget(name)
    try:
        cells = [[from_csv_text(cell) if cell.strip() else None for cell in row] for row in _counted(rows, budget)]
    except csv.Error as error:
        raise UnreadableFile(f"« {name} » n'est pas un CSV lisible : {why(error)}.") from error
    return Sheet(Path(name).stem, _trimmed(cells))


def _counted(rows, budget: _RowBudget):
    for row in rows:
        budget.element()
        if any(cell.strip() for cell in row):
            budget.take()
        yield row
