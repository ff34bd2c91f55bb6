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
            raise UnreadableFile(
                f"« {name} » est protégé par un mot de passe (classeur chiffré) : "
                "enregistrez-le sans mot de passe puis importez-le de nouveau."
            )
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


class _RowBudget:
    """Rows read so far, every sheet together; past ``MAILLAGE_IMPORT_MAX_ROWS`` the reading stops."""

    def __init__(self, name: str):
        from .limits import max_rows

        self.name, self.left, self.limit = name, max_rows(), max_rows()

    def take(self, count: int = 1) -> None:
        from .limits import too_many_rows

        self.left -= count
        if self.left < 0:
            raise too_many_rows(self.name, self.limit)


def _opened_zip(data: bytes, name: str) -> zipfile.ZipFile:
    from .limits import check_zip

    archive = zipfile.ZipFile(io.BytesIO(data))
    check_zip(archive, name)
    return archive


def _trimmed(rows, budget: "_RowBudget | None" = None) -> list[list]:
    kept = []
    for row in rows:
        if budget is not None:
            budget.take()
        cells = list(row)
        while cells and (cells[-1] is None or (isinstance(cells[-1], str) and not cells[-1].strip())):
            cells.pop()
        if cells:
            kept.append(cells)
    return kept


def _xlsx_sheets(data: bytes, name: str) -> list[Sheet]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise zipfile.BadZipFile("not a zip")
    _opened_zip(data, name).close()
    budget = _RowBudget(name)
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [
            Sheet(sheet.title, _trimmed(sheet.iter_rows(values_only=True), budget)) for sheet in workbook.worksheets
        ]
    finally:
        workbook.close()


def _ods_sheets(data: bytes, name: str) -> list[Sheet]:
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    _opened_zip(data, name).close()
    budget = _RowBudget(name)
    document = load(io.BytesIO(data))
    sheets = []
    for table in document.spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            cells = []
            for cell in row.getElementsByType(TableCell):
                repeat = int(cell.attributes.get((TABLENS, "number-columns-repeated"), 1) or 1)
                value = _ods_value(cell, P)
                cells.extend([value] * min(repeat, 200))
            repeat_rows = int(row.attributes.get((TABLENS, "number-rows-repeated"), 1) or 1)
            copies = 1 if not any(cells) else min(repeat_rows, 10000)
            budget.take(copies if any(cells) else 0)
            rows.extend([cells] * copies)
        sheets.append(Sheet(str(table.getAttribute("name")), _trimmed(rows)))
    return sheets


def _ods_value(cell, paragraph):
    from odf.namespaces import OFFICENS

    kind = cell.attributes.get((OFFICENS, "value-type"))
    if kind == "date":
        return cell.attributes.get((OFFICENS, "date-value"))[:10]
    if kind in ("float", "currency", "percentage"):
        number = float(cell.attributes.get((OFFICENS, "value")))
        return int(number) if number.is_integer() else number
    return "\n".join(_text(p) for p in cell.getElementsByType(paragraph)) or None


def _text(node) -> str:
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
        budget.take()
        yield row
