"""Spreadsheet cells that stay data: a text written out by Maillage is never run as a formula.

An action titled ``=HYPERLINK("http://…")`` or ``+33 1 23…`` is text typed by a user (or an imported
file); opened in Excel or LibreOffice it must not become a live formula (CSV / formula injection).
XLSX cells are typed, so a text cell is written as text whatever it starts with. CSV has no types: a
text starting with a character a spreadsheet reads as a formula is prefixed with an apostrophe, the
convention spreadsheets themselves use for "this is text", and the CSV reader takes it off again.
"""

# What Excel, LibreOffice and Google Sheets start a formula with (tab and carriage return included:
# some of them drop those and read what follows).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(text: str) -> str:
    """``text`` for a CSV cell, prefixed with ``'`` when a spreadsheet would read it as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def from_csv_text(text: str) -> str:
    """The text :func:`csv_text` wrote: the protective apostrophe taken off, anything else unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def keep_as_text(cell) -> None:
    """An openpyxl cell that took a text starting with ``=`` for a formula holds it as text again."""
    if cell.data_type == "f":
        cell.data_type = "s"
