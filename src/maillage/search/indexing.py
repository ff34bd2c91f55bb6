"""What each kind of object is found by, and keeping the index in step with the objects.

Every path that writes an object keeps its row: ``save()`` through ``post_save`` (one object, two
queries), the bulk paths (the interchange import, which the demo and the imports of projects use)
through :func:`reindex_project`, a restored backup and a freshly migrated database through
:func:`fill_after_migrate`, and anything else through ``maillage reindex`` (:func:`rebuild`).
Deleting an object deletes its row in the database's cascade (``models.SearchEntry``).
"""

from django.db import connections, router, transaction
from django.db.models.signals import post_save

from maillage.actions.models import SECTIONS, Action
from maillage.diagnostic.models import Finding
from maillage.governance.models import Decision, Meeting
from maillage.interchange.bulk import insert
from maillage.partners.models import Organisation
from maillage.projects.models import Node

from .engines import engine_for
from .models import KEYS, Kind, SearchEntry

BATCH = 2000
TITLE_LENGTH = SearchEntry._meta.get_field("title").max_length


def _join(*parts) -> str:
    return "\n".join(str(part) for part in parts if part)


def _action(action):
    return action.title, _join(action.ref, action.code, *(getattr(action, name) for name in SECTIONS))


def _node(node):
    return _join(node.code, node.title), node.description


def _organisation(organisation):
    return _join(organisation.name, organisation.acronym), _join(organisation.description, organisation.city)


def _meeting(meeting):
    return meeting.title, _join(meeting.place, meeting.agenda, meeting.minutes)


def _decision(decision):
    meeting = decision.meeting
    return f"{meeting.title} — {meeting.date:%d/%m/%Y}", decision.text


def _finding(finding):
    return finding.title or finding.theme or finding.text[:120], _join(finding.theme, finding.text, finding.source)


# kind → (model, what it is found by, its project id, the fields a partial save must touch to matter,
# what to read with it in bulk).
SOURCES = {
    Kind.ACTION: (Action, _action, "project_id", {"title", "ref", "code", *SECTIONS}, ()),
    Kind.NODE: (Node, _node, "project_id", {"code", "title", "description"}, ()),
    Kind.ORGANISATION: (
        Organisation,
        _organisation,
        "project_id",
        {"name", "acronym", "description", "city"},
        (),
    ),
    Kind.MEETING: (Meeting, _meeting, "project_id", {"title", "place", "agenda", "minutes"}, ()),
    Kind.DECISION: (Decision, _decision, "meeting__project_id", {"text", "meeting"}, ("meeting",)),
    Kind.FINDING: (Finding, _finding, "project_id", {"title", "theme", "text", "source"}, ()),
}
KIND_OF_MODEL = {model: kind for kind, (model, *_rest) in SOURCES.items()}


def _project_id(obj, path: str) -> int:
    for name in path.split("__")[:-1]:
        obj = getattr(obj, name)
    return obj.project_id


def entry_for(kind, obj, using="default") -> SearchEntry:
    """The unsaved row of one object (the engine's own columns filled)."""
    _model, describe, project_path, _fields, _related = SOURCES[kind]
    title, text = describe(obj)
    entry = SearchEntry(
        project_id=_project_id(obj, project_path), kind=kind, title=(title or "")[:TITLE_LENGTH], text=text or ""
    )
    setattr(entry, KEYS[kind] + "_id", obj.pk)
    engine_for(using).prepare(entry)
    return entry


def reindex(obj, using="default") -> None:
    """Write the row of one saved object: two queries."""
    kind = KIND_OF_MODEL[type(obj)]
    entry = entry_for(kind, obj, using)
    key = KEYS[kind]
    values = {name: getattr(entry, name) for name in ("project_id", "title", "text", "stemmed_title", "stemmed_text")}
    SearchEntry.objects.using(using).update_or_create(**{key + "_id": obj.pk}, kind=kind, defaults=values)


def _indexed(sender, instance, created, raw=False, update_fields=None, using="default", **kwargs):
    if raw:
        return  # fixtures and restored rows: the whole index is rebuilt after them
    kind = KIND_OF_MODEL[sender]
    if update_fields is not None and not created and not set(update_fields) & SOURCES[kind][3]:
        return  # a save of the version or the status: nothing the search reads
    reindex(instance, using)
    if sender is Meeting and not created:
        # A decision is found under its meeting's title and date.
        for decision in instance.decisions.all():
            decision.meeting = instance
            reindex(decision, using)


def connect_signals() -> None:
    for model in KIND_OF_MODEL:
        post_save.connect(_indexed, sender=model, dispatch_uid=f"search-{model._meta.label_lower}")


def _rows(kind, objects, using):
    return [entry_for(kind, obj, using) for obj in objects]


def reindex_project(project, using="default") -> int:
    """Rebuild the rows of one project, after a bulk write (an import, a copy): a few queries per 2,000
    objects. Returns the number of rows written."""
    project_id = getattr(project, "pk", project)
    with transaction.atomic(using=using):
        SearchEntry.objects.using(using).filter(project_id=project_id).delete()
        written = 0
        for kind, (model, _describe, project_path, _fields, related) in SOURCES.items():
            objects = model.objects.using(using).filter(**{project_path: project_id})
            if related:
                objects = objects.select_related(*related)
            written += _write(kind, objects.order_by("pk"), using)
    return written


def index_created(model, pks, using="default") -> int:
    """Write the rows of objects just created in bulk (no ``post_save``): a few queries per 2,000, whatever
    the rest of their project holds."""
    kind = KIND_OF_MODEL[model]
    _model, _describe, _path, _fields, related = SOURCES[kind]
    objects = model.objects.using(using).filter(pk__in=list(pks))
    if related:
        objects = objects.select_related(*related)
    return _write(kind, objects.order_by("pk"), using)


COLUMNS = ["project_id", "kind", "title", "text", "stemmed_title", "stemmed_text"]


def _write(kind, objects, using) -> int:
    """Rows of ``objects`` by the interchange's bulk insert (one statement per batch, on SQLite too,
    where ``bulk_create`` would cut a batch into statements of 999 parameters)."""
    columns = [*COLUMNS, KEYS[kind] + "_id"]
    written, batch = 0, []
    for obj in objects.iterator(chunk_size=BATCH):
        entry = entry_for(kind, obj, using)
        batch.append(tuple(getattr(entry, name) for name in columns))
        if len(batch) >= BATCH:
            written += _insert(columns, batch, using)
            batch = []
    if batch:
        written += _insert(columns, batch, using)
    return written


def _insert(columns, rows, using) -> int:
    if using != "default":
        SearchEntry.objects.using(using).bulk_create(
            [SearchEntry(**dict(zip(columns, row, strict=True))) for row in rows]
        )
    else:
        insert(SearchEntry, columns, rows)
    return len(rows)


def rebuild(using="default") -> int:
    """The whole index again, from every object of every project (``maillage reindex``)."""
    with transaction.atomic(using=using):
        SearchEntry.objects.using(using).all().delete()
        written = 0
        for kind, (model, _describe, _project_path, _fields, related) in SOURCES.items():
            objects = model.objects.using(using).all()
            if related:
                objects = objects.select_related(*related)
            written += _write(kind, objects.order_by("pk"), using)
    return written


def fill_after_migrate(sender, using="default", **kwargs) -> None:
    """An empty index beside existing objects (the index's first migration, a restored backup): fill it."""
    if not router.allow_migrate_model(using, SearchEntry):
        return
    tables = connections[using].introspection.table_names()
    if SearchEntry._meta.db_table not in tables or Action._meta.db_table not in tables:
        return
    if SearchEntry.objects.using(using).exists():
        return
    if any(model.objects.using(using).exists() for model, *_rest in SOURCES.values()):
        rebuild(using)
