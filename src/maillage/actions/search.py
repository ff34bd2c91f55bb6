"""Accent- and case-free text for the actions list's search, the same on SQLite and PostgreSQL.

Neither database folds accents the same way (SQLite has no ``unaccent``), so each action keeps a
normalised copy of its title and sheet sections (``Action.search_text``), written on every save; a
query is normalised the same way and matched word by word with a plain ``contains``.
"""

from maillage.french import normalise

# What the search reads: the title, the code, the reference and every section of the sheet.
SEARCHED = ["ref", "code", "title"]


def search_text(values) -> str:
    """The normalised text of a sheet, from its searched values (title, code, sections…)."""
    return " ".join(part for part in (normalise(value) for value in values) if part)


def query_words(query) -> list[str]:
    """The words of a search, normalised; every one must appear in the sheet."""
    return normalise(query).split()
