"""The full-text engines of the index, by database (see ``search/engines.py``).

PostgreSQL: the ``unaccent`` extension, the ``maillage_fr`` configuration (``french`` with
``unaccent`` before the stemmer), a trigger writing ``vector`` from the title (weight A) and the text
(weight B), and its GIN index. SQLite: the FTS5 table ``search_entry_fts`` over the stemmed columns,
with triggers that keep it in step. Reversing drops what was created (the ``unaccent`` extension is
left: other schemas may use it). The index is filled for the objects that already exist after the
migration, by the ``post_migrate`` hook (``indexing.fill_after_migrate``), with the current models.
"""

from django.db import migrations

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS maillage_fr",
    "CREATE TEXT SEARCH CONFIGURATION maillage_fr (COPY = french)",
    "ALTER TEXT SEARCH CONFIGURATION maillage_fr ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
    """CREATE FUNCTION search_entry_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.vector := setweight(to_tsvector('maillage_fr', coalesce(NEW.title, '')), 'A')
                   || setweight(to_tsvector('maillage_fr', coalesce(NEW.text, '')), 'B');
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER search_entry_vector BEFORE INSERT OR UPDATE OF title, text ON search_entry
    FOR EACH ROW EXECUTE FUNCTION search_entry_vector()""",
    "CREATE INDEX search_entry_vector_gin ON search_entry USING gin (vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_entry_vector_gin",
    "DROP TRIGGER IF EXISTS search_entry_vector ON search_entry",
    "DROP FUNCTION IF EXISTS search_entry_vector()",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS maillage_fr",
]

SQLITE = [
    """CREATE VIRTUAL TABLE search_entry_fts USING fts5(
        stemmed_title, stemmed_text, content='search_entry', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2")""",
    """CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_entry BEGIN
        INSERT INTO search_entry_fts(rowid, stemmed_title, stemmed_text)
        VALUES (new.id, new.stemmed_title, new.stemmed_text);
    END""",
    """CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_entry BEGIN
        INSERT INTO search_entry_fts(search_entry_fts, rowid, stemmed_title, stemmed_text)
        VALUES ('delete', old.id, old.stemmed_title, old.stemmed_text);
    END""",
    """CREATE TRIGGER search_entry_fts_update AFTER UPDATE ON search_entry BEGIN
        INSERT INTO search_entry_fts(search_entry_fts, rowid, stemmed_title, stemmed_text)
        VALUES ('delete', old.id, old.stemmed_title, old.stemmed_text);
        INSERT INTO search_entry_fts(rowid, stemmed_title, stemmed_text)
        VALUES (new.id, new.stemmed_title, new.stemmed_text);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_entry_fts_update",
    "DROP TRIGGER IF EXISTS search_entry_fts_delete",
    "DROP TRIGGER IF EXISTS search_entry_fts_insert",
    "DROP TABLE IF EXISTS search_entry_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_entry")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
