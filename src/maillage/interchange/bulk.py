"""Inserting many rows of one model at the speed of the database, for the interchange importer.

``bulk_create`` builds a model instance per row and compiles every value into the statement: about
80 µs of Python per indicator value, so that the values of 10,000 actions alone took longer than the
whole aim of the import (docs/performance.md, "Imports"). Here a row is a tuple in the order of the
columns given, each value converted once by its field exactly as ``save()`` converts it
(``get_db_prep_save``; text, numbers of the document, booleans and foreign keys need nothing), and
the primary keys are reserved before the insert so that the statement returns nothing:

- SQLite: the next ids after the table's ``sqlite_sequence`` (what ``AUTOINCREMENT`` hands out next;
  ids of deleted rows are not reused), then one ``executemany``. Reading them is safe because a
  SQLite database has one writer at a time: the import's transaction takes the write lock when it
  begins (``transaction_mode = IMMEDIATE``, settings.py) and holds it until it commits.
- PostgreSQL: ``nextval`` of the table's sequence as many times as there are rows, in one query,
  then one ``INSERT … SELECT * FROM UNNEST(arrays)``: one parameter per column, whatever the rows.
- any other database: ``bulk_create``.

Fields left out of ``columns`` get what a new instance would: their default, ``now`` for
``auto_now`` and ``auto_now_add`` fields.
"""

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

# Values of these fields are written as the document (or the importer) gives them: str, int, bool,
# None or a primary key; Django's conversion would return them unchanged.
_AS_GIVEN = (models.CharField, models.TextField, models.BooleanField, models.ForeignKey)


def insert(model, columns: Sequence[str], rows: list[tuple]) -> list[int]:
    """Insert the rows (values in the order of ``columns``, attribute names) and return their ids."""
    if not rows:
        return []
    fields = [model._meta.get_field(name) for name in columns]
    rows = _converted(fields, rows)
    missing, values = _missing(model, fields)
    if missing:
        rows = [row + values for row in rows]
        fields = fields + missing
    vendor = connection.vendor
    if vendor == "sqlite":
        return _insert_sqlite(model, fields, rows)
    if vendor == "postgresql":
        return _insert_postgresql(model, fields, rows)
    objects = model.objects.bulk_create(
        [model(**{field.attname: value for field, value in zip(fields, row, strict=True)}) for row in rows]
    )
    return [obj.pk for obj in objects]


def _converted(fields, rows):
    converters = [_converter(field) for field in fields]
    if not any(converters):
        return rows
    return [
        tuple(value if convert is None else convert(value) for convert, value in zip(converters, row, strict=True))
        for row in rows
    ]


def _converter(field):
    """What ``field.get_db_prep_save`` does to a value of the document, without the path to it."""
    if isinstance(field, _AS_GIVEN):
        return None
    ops = connections[DEFAULT_DB_ALIAS].ops
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda value: None if value is None else ops.adapt_decimalfield_value(value, digits, places)
    if isinstance(field, models.DateTimeField):
        return lambda value: field.get_db_prep_save(value, connections[DEFAULT_DB_ALIAS])
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.TimeField):
        return ops.adapt_timefield_value
    if isinstance(field, models.IntegerField):
        return lambda value: None if value is None else int(value)
    return lambda value: field.get_db_prep_save(value, connections[DEFAULT_DB_ALIAS])


def _missing(model, fields):
    """The fields not given and the value each row gets for them (one ``now`` for the whole insert)."""
    given = {field.attname for field in fields}
    missing, values = [], []
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now if isinstance(field, models.DateTimeField) else now.date()
        elif field.has_default() and callable(field.default):
            raise ValueError(f"{model.__name__}.{field.name} : valeur par défaut calculée à donner explicitement.")
        else:
            value = field.get_default()
        missing.append(field)
        values.append(field.get_db_prep_save(value, connection))
    return missing, tuple(values)


def _insert_sqlite(model, fields, rows):
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0),"
            f" COALESCE((SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(table)}), 0))",
            [table],
        )
        start = cursor.fetchone()[0] + 1
        ids = list(range(start, start + len(rows)))
        names = ", ".join(quote(field.column) for field in [model._meta.pk, *fields])
        marks = ", ".join(["%s"] * (len(fields) + 1))
        cursor.executemany(
            f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",
            [(pk, *row) for pk, row in zip(ids, rows, strict=True)],
        )
    return ids


def _insert_postgresql(model, fields, rows):
    table = model._meta.db_table
    quote = connection.ops.quote_name
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(table), pk.column, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = [pk, *fields]
        # varchar[] rather than varchar(50)[]: the column's own type checks the lengths.
        types = [field.db_type(connection).split("(")[0] for field in columns]
        arrays = [ids, *(list(values) for values in zip(*rows, strict=True))]
        cursor.execute(
            f"INSERT INTO {quote(table)} ({', '.join(quote(field.column) for field in columns)}) "
            f"SELECT * FROM UNNEST({', '.join(f'%s::{kind}[]' for kind in types)})",
            arrays,
        )
    return ids


def update(model, column: str, pairs: list[tuple[int, object]]) -> None:
    """Set one column of existing rows: ``pairs`` of (id, value), in one ``executemany``."""
    if not pairs:
        return
    field = model._meta.get_field(column)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s "
            f"WHERE {quote(model._meta.pk.column)} = %s",
            [(field.get_db_prep_save(value, connection), pk) for pk, value in pairs],
        )
