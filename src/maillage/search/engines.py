"""The two full-text engines behind one interface: PostgreSQL's text search and SQLite's FTS5.

Both match every word of a query (stop words aside), plural and singular alike, accents ignored, and
rank title words above text words:

- PostgreSQL: the ``maillage_fr`` configuration (``french`` with ``unaccent`` before Snowball's
  French stemmer), a ``tsvector`` column written by a trigger (title weight A, text weight B),
  a GIN index, ``plainto_tsquery`` and ``ts_rank`` (``SearchRank``).
- SQLite: the FTS5 table ``search_entry_fts`` (``unicode61 remove_diacritics 2``) over the stemmed
  columns, kept by triggers, the query stemmed the same way (``stemming.py``), ranked by ``bm25()``
  with the title weighing four times the text.

The tables, triggers and configuration come from migration ``0002_engines``. Any other database
gets the SQLite behaviour's matching on the stemmed columns, word by word, without ranking.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import Expression, F, FloatField, Q, Value
from django.db.models.expressions import RawSQL

from .stemming import STOP_WORDS, stemmed, stems, words

CONFIG = "maillage_fr"
FTS_TABLE = "search_entry_fts"
TITLE_WEIGHT = 4.0  # SQLite's bm25 column weight of the title (PostgreSQL: weights A=1.0 over B=0.4)


MAX_QUERY = 200  # characters of a query read, whoever asks (the search page, the actions list, the library)
MAX_TERMS = 20  # words of a query kept: a long query costs no more than this


def terms(query) -> list[str]:
    """The words of a query that count (accents folded, stop words out), each once, in order; at most
    ``MAX_TERMS`` of the first ``MAX_QUERY`` characters."""
    seen, result = set(), []
    for word in words(str(query or "")[:MAX_QUERY]):
        if len(result) >= MAX_TERMS:
            break
        if word not in STOP_WORDS and word not in seen:
            seen.add(word)
            result.append(word)
    return result


class Engine:
    vendor = None

    def prepare(self, entry) -> None:
        """Fill the columns this engine indexes, before the row is written."""
        entry.stemmed_title = stemmed(entry.title)
        entry.stemmed_text = stemmed(entry.text)

    def search(self, entries, query, any_word=False):
        """``entries`` (a QuerySet of ``SearchEntry``) matching ``query``, annotated ``rank`` (higher is
        better), best first. Every word must match, or any of them with ``any_word``."""
        found = terms(query)
        if not found:
            return entries.none()
        return self._search(entries, found, any_word)

    def _search(self, entries, found, any_word):
        condition = Q()
        for stem in {stem for word in found for stem in stems(word)}:
            matched = Q(stemmed_title__regex=rf"(^| ){stem}( |$)") | Q(stemmed_text__regex=rf"(^| ){stem}( |$)")
            condition = (condition | matched) if any_word else (condition & matched)
        return entries.filter(condition).annotate(rank=Value(0.0, output_field=FloatField())).order_by("pk")


class SQLiteEngine(Engine):
    vendor = "sqlite"

    def _search(self, entries, found, any_word):
        quoted = [f'"{stem}"' for word in found for stem in stems(word)]
        if not quoted:
            return entries.none()
        match = (" OR " if any_word else " ").join(dict.fromkeys(quoted))
        matched = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])  # noqa: S611
        return entries.filter(pk__in=matched).annotate(rank=_Bm25(match)).order_by("-rank", "pk")


class _Bm25(Expression):
    """``-bm25()`` of one entry for an FTS5 query, as a correlated subquery on its rowid (the outer
    table's alias is the compiler's, whatever the query it is part of)."""

    output_field = FloatField()

    def __init__(self, match: str):
        super().__init__()
        self.match = match
        self.key = F("pk")

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.key = self.key.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return resolved

    def as_sql(self, compiler, connection):
        key, params = compiler.compile(self.key)
        sql = (
            f"(SELECT -bm25({FTS_TABLE}, %s, 1.0) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid = {key})"
        )
        return sql, [TITLE_WEIGHT, self.match, *params]


class PostgreSQLEngine(Engine):
    vendor = "postgresql"

    def prepare(self, entry) -> None:
        """The trigger writes ``vector``; the stemmed columns stay empty."""
        entry.stemmed_title = entry.stemmed_text = ""

    def _search(self, entries, found, any_word):
        if any_word:
            query = SearchQuery(" | ".join(found), config=CONFIG, search_type="raw")
        else:
            query = SearchQuery(" ".join(found), config=CONFIG, search_type="plain")
        return entries.filter(vector=query).annotate(rank=SearchRank(F("vector"), query)).order_by("-rank", "pk")


ENGINES = {engine.vendor: engine for engine in (SQLiteEngine(), PostgreSQLEngine())}


def engine_for(using="default") -> Engine:
    return ENGINES.get(connections[using].vendor) or Engine()
