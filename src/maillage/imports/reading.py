"""Opening a spreadsheet file (XLSX, ODS, CSV) as sheets of rows, refusing bad files with a French message.

The size limit (``MAILLAGE_IMPORT_MAX_BYTES``) is checked before anything is parsed; encrypted
workbooks (an OLE container, which is how Excel stores a password-protected XLSX) and files that are
not what their extension says are told apart from a corrupted file.
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


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of the file, trimmed of empty rows and trailing empty cells."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEET_EXTENSIONS:
        raise UnreadableFile(f"« {path.name} » : format non pris en charge (attendu : .xlsx, .ods ou .csv).")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile(f"« {path.name} » est vide.")
    limit = max_bytes()
    if size > limit:
        raise UnreadableFile(
            f"« {path.name} » pèse {_megabytes(size)}, au-delà de la limite de {_megabytes(limit)} "
            "(réglage MAILLAGE_IMPORT_MAX_BYTES)."
        )
    data = path.read_bytes()
    if suffix == ".csv":
        sheets = [_csv_sheet(data, path.stem)]
    else:
        if data.startswith(OLE_HEADER):
            raise UnreadableFile(
                f"« {path.name} » est protégé par un mot de passe (classeur chiffré) : "
                "enregistrez-le sans mot de passe puis importez-le de nouveau."
            )
        if not data.startswith(b"PK"):
            raise UnreadableFile(f"« {path.name} » n'est pas un classeur {suffix[1:].upper()} (contenu non reconnu).")
        try:
            sheets = _ods_sheets(data) if suffix == ".ods" else _xlsx_sheets(data)
        except UnreadableFile:
            raise
        except Exception as error:  # zipfile, XML and openpyxl errors all mean the same thing to the user
            raise UnreadableFile(
                f"« {path.name} » est endommagé ou incomplet : impossible de l'ouvrir ({type(error).__name__})."
            ) from error
    sheets = [sheet for sheet in sheets if sheet.rows]
    if not sheets:
        raise UnreadableFile(f"« {path.name} » ne contient aucune ligne.")
    return sheets


def _trimmed(rows) -> list[list]:
    kept = []
    for row in rows:
        cells = list(row)
        while cells and (cells[-1] is None or (isinstance(cells[-1], str) and not cells[-1].strip())):
            cells.pop()
        if cells:
            kept.append(cells)
    return kept


def _xlsx_sheets(data: bytes) -> list[Sheet]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise zipfile.BadZipFile("not a zip")
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [Sheet(sheet.title, _trimmed(sheet.iter_rows(values_only=True))) for sheet in workbook.worksheets]
    finally:
        workbook.close()


def _ods_sheets(data: bytes) -> list[Sheet]:
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

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
            rows.extend([cells] * (1 if not any(cells) else min(repeat_rows, 10000)))
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
        raise UnreadableFile(f"« {name}.csv » n'est pas un fichier texte CSV (contenu binaire).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    if "\t" in first_line and first_line.count("\t") > first_line.count(delimiter):
        delimiter = "\t"
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return Sheet(name, _trimmed([[from_csv_text(cell) if cell.strip() else None for cell in row] for row in rows]))
