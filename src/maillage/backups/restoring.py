"""Restoring a backup into an empty database: migrated to the backup's schema, rows written with the
models of that schema (historical models), then migrated forward to the code's schema.

So a backup made by an older Maillage restores into a newer one; one made by a newer Maillage (with
migrations this code does not know) is refused. Everything is written in one transaction: a restore that
fails leaves no half-written base. The files go back into the storage at their names.
"""

import json
import zipfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor

from .contents import FORMAT
from .dumping import BackupError

BATCH = 500
# Made by ``migrate`` itself in the empty base; the backup's own rows take their place (same ids).
MIGRATE_MADE = ("contenttypes.contenttype", "auth.permission")


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as error:
        raise BackupError("Ce fichier n'est pas une sauvegarde Maillage (manifeste absent ou illisible).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"Format de sauvegarde non pris en charge : « {manifest.get('format')} » (attendu : {FORMAT})."
        )
    return manifest


def _targets(manifest: dict, executor) -> list[tuple[str, str]]:
    graph = executor.loader.graph
    targets = []
    for app, names in manifest["migrations"].items():
        unknown = [name for name in names if (app, name) not in graph.nodes]
        if unknown:
            raise BackupError(
                f"La sauvegarde vient d'une version plus récente de Maillage (migration {app}.{unknown[0]} "
                "inconnue ici) : restaurez-la avec cette version, ou mettez Maillage à jour."
            )
        leaves = [
            name
            for name in names
            if not any(child[0] == app and child[1] in names for child in graph.node_map[(app, name)].children)
        ]
        targets.extend((app, name) for name in leaves)
    return targets


def _is_empty(using: str, apps, labels) -> list[str]:
    filled = []
    for name in labels:
        if name in MIGRATE_MADE:
            continue
        try:
            model = apps.get_model(name)
        except LookupError:
            continue
        if model._base_manager.using(using).exists():
            filled.append(name)
    return filled


def restore_backup(path, using: str = "default", progress=None) -> dict:
    """Restore the backup at ``path`` into the empty database ``using``; returns the manifest."""
    with zipfile.ZipFile(path) as archive:
        manifest = read_manifest(archive)
        connection = connections[using]
        executor = MigrationExecutor(connection)
        targets = _targets(manifest, executor)
        executor.migrate(targets)  # the schema the rows were read from
        executor = MigrationExecutor(connection)
        state = executor.loader.project_state(targets, at_end=True)
        apps = state.apps
        filled = _is_empty(using, apps, manifest["tables"])
        if filled:
            raise BackupError(
                "La base n'est pas vide (" + ", ".join(filled[:5]) + ") : restaurez dans une base neuve "
                "(« maillage migrate » sur une base vide), rien n'a été écrit."
            )
        written = []
        with transaction.atomic(using=using):
            for name in MIGRATE_MADE:
                if name in manifest["tables"]:
                    apps.get_model(name)._base_manager.using(using).all().delete()
            for name, count in manifest["tables"].items():
                model = apps.get_model(name)
                _load(archive, model, name, manifest["columns"][name], using)
                written.append(model)
                if progress:
                    progress(name, count)
            _reset_sequences(connection, written)
        for member in archive.namelist():
            if member.startswith("files/") and not member.endswith("/"):
                name = member.removeprefix("files/")
                if default_storage.exists(name):
                    default_storage.delete(name)
                saved = default_storage.save(name, ContentFile(archive.read(member)))
                if saved != name:
                    raise BackupError(f"Le fichier « {name} » n'a pas pu reprendre son nom.")
    call_command("migrate", database=using, interactive=False, verbosity=0)  # up to this code's schema
    return manifest


def _load(archive, model, name: str, columns: list[str], using: str) -> None:
    fields = {field.attname: field for field in model._meta.concrete_fields}
    for field in fields.values():  # historical copies: the backup's dates are kept, not "now"
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            field.auto_now = field.auto_now_add = False
            field.pre_save = lambda instance, add, field=field: getattr(instance, field.attname)
    unknown = [column for column in columns if column not in fields]
    if unknown:
        raise BackupError(f"La table {name} de la sauvegarde a des colonnes inconnues : {', '.join(unknown)}.")
    batch = []
    with archive.open(f"data/{name}.jsonl") as lines:
        for line in lines:
            values = json.loads(line)
            batch.append(
                model(**{column: _decode(fields[column], value) for column, value in zip(columns, values, strict=True)})
            )
            if len(batch) >= BATCH:
                model._base_manager.using(using).bulk_create(batch)
                batch = []
    if batch:
        model._base_manager.using(using).bulk_create(batch)


def _decode(field, value):
    if value is None:
        return None
    internal = field.get_internal_type()
    if internal == "JSONField":
        return value
    if internal == "DurationField":
        import datetime

        return datetime.timedelta(seconds=value)
    if internal in ("FileField", "ImageField"):
        return value
    return field.to_python(value)


def _reset_sequences(connection, models) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
