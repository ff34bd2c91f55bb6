"""Writing a backup: one consistent snapshot of the database, streamed table by table, and the files.

Consistent while the site runs: on PostgreSQL every table is read in one REPEATABLE READ, READ ONLY
transaction (one snapshot, writers are not blocked); on SQLite the database is first copied with
SQLite's online backup (a consistent copy, taken in one step) and the copy is read (an in-memory base,
the tests', is read in one transaction). Rows are written as
JSON lines, a few thousand at a time, so the memory does not grow with the database.
"""

import base64
import datetime
import decimal
import json
import sqlite3
import tempfile
import uuid
import zipfile
from contextlib import contextmanager
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .contents import EXCLUDED, FORMAT, backed_up_models, label

CHUNK = 2000


class BackupError(Exception):
    """A backup that cannot be made or restored; the message is French."""


def encode(value):
    if value is None or isinstance(value, bool | int | float | str | dict | list):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | datetime.timedelta):
        return str(value) if not isinstance(value, datetime.timedelta) else value.total_seconds()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


@contextmanager
def snapshot(using: str = "default"):
    """Yield a database alias that reads one consistent state of ``using``."""
    connection = connections[using]
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with transaction.atomic(using=using):  # no other process can reach an in-memory base
            yield using
    elif connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "instantane.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(copy)
            try:
                connection.connection.backup(target)  # one step: the copy is one state of the base
            finally:
                target.close()
            alias = f"{using}__instantane"
            connections.settings[alias] = {**connection.settings_dict, "NAME": str(copy), "TEST": {}}
            try:
                yield alias
            finally:
                connections[alias].close()
                del connections[alias]
                connections.settings.pop(alias, None)
    else:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield using


def applied_migrations(using: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def write_backup(path, using: str = "default", progress=None) -> dict:
    """Write the backup to ``path`` (a zip file); returns its manifest."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise BackupError("La base n'est pas à jour : lancez « maillage migrate » avant de la sauvegarder.")
    counts: dict[str, int] = {}
    files: set[str] = set()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        with snapshot(using) as alias:
            migrations = applied_migrations(alias)
            for model in backed_up_models():
                fields = model._meta.concrete_fields
                names = [field.attname for field in fields]
                file_fields = [index for index, field in enumerate(fields) if isinstance(field, models.FileField)]
                rows = model._base_manager.using(alias).order_by("pk").values_list(*names).iterator(chunk_size=CHUNK)
                count = 0
                with archive.open(f"data/{label(model)}.jsonl", "w", force_zip64=True) as member:
                    for row in rows:
                        member.write(json.dumps([encode(value) for value in row], ensure_ascii=False).encode() + b"\n")
                        count += 1
                        files.update(row[index] for index in file_fields if row[index])
                counts[label(model)] = count
                if progress:
                    progress(label(model), count)
        missing = []
        for name in sorted(files):
            if default_storage.exists(name):
                with (
                    default_storage.open(name, "rb") as stored,
                    archive.open(f"files/{name}", "w", force_zip64=True) as member,
                ):
                    while chunk := stored.read(1024 * 1024):
                        member.write(chunk)
            else:
                missing.append(name)
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "vendor": connections[using].vendor,
            "migrations": migrations,
            "tables": counts,
            "columns": {label(model): [f.attname for f in model._meta.concrete_fields] for model in backed_up_models()},
            "files": len(files) - len(missing),
            "missing_files": missing,
            "excluded": EXCLUDED,
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest
