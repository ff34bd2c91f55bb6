"""Accent- and case-free text of an action's sheet (``Action.search_text``), written on every save.

The actions list's ``q=`` now goes through the search engine (``maillage.search``: stemming, the same
on SQLite and PostgreSQL); this column stays as the plain normalised text of the sheet.
"""

from maillage.french import normalise

# What the search reads: the title, the code, the reference and every section of the sheet.
SEARCHED = ["ref", "code", "title"]


def search_text(values) -> str:
    """The normalised text of a sheet, from its searched values (title, code, sections…)."""
    return " ".join(part for part in (normalise(value) for value in values) if part)
