"""Exports started from the web or the command line: checked at once, written in the background.

``start_export`` refuses a bad request before anything is stored; ``run_export`` (the task's body)
writes the file and reports progress through the writers' ``progress(done, total)`` callback.
"""

import dataclasses
import time

from django.core.files.base import ContentFile
from django.http import QueryDict
from django.utils import timezone

from maillage.actions.filtering import filter_actions

from .models import Export
from .registry import ExportError, What, parse_what, write, writer_for

# Exports started from a filtered list keep only the query string's filter parameters.
IGNORED_PARAMETERS = {"page", "format", "what", "csrfmiddlewaretoken"}


def filtered_actions(project, query: str):
    """The actions of the list filtered by ``query`` (its URL query string), None when unfiltered."""
    params = QueryDict(query or "", mutable=True)
    for name in IGNORED_PARAMETERS:
        params.pop(name, None)
    if not params:
        return None
    return filter_actions(project, params)


def target(project, what: str, format: str, query: str = "") -> What:
    """The document asked for, or ExportError (French) if no writer produces it."""
    chosen = parse_what(project, what)
    writer_for(format, chosen)
    actions = filtered_actions(project, query)
    if actions is not None:
        chosen = dataclasses.replace(chosen, actions=actions)
    return chosen


def filename(project, what: What, format: str) -> str:
    return f"{project.slug}-{what.suffix}.{format}"


def start_export(project, what: str, format: str, user=None, query: str = "") -> Export:
    """Check the request, store it and queue its task; raises ExportError for a bad request."""
    from .tasks import export_document

    target(project, what, format, query)
    export = Export.objects.create(
        project=project,
        requested_by=user if user is not None and user.is_authenticated else None,
        what=what,
        format=format,
        query=query or "",
    )
    export_document.enqueue(str(export.pk))
    export.refresh_from_db()
    return export


class Progress:
    """Writes done / total to the export's row, at most a few times a second."""

    def __init__(self, export_id, every: float = 0.5):
        self.export_id = export_id
        self.every = every
        self.last = 0.0

    def __call__(self, done: int, total: int):
        now = time.monotonic()
        if done < total and now - self.last < self.every:
            return
        self.last = now
        Export.objects.filter(pk=self.export_id).update(done=done, total=total)


def run_export(export_id) -> Export:
    """Write the export's file (the task's body); a failure is stored with its French message."""
    export = Export.objects.select_related("project").get(pk=export_id)
    if export.status == Export.Status.DONE:
        return export
    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING)
    try:
        chosen = target(export.project, export.what, export.format, export.query)
        content = write(export.format, export.project, chosen, progress=Progress(export.pk))
    except ExportError as error:
        return _failed(export, str(error))
    except Exception as error:  # noqa: BLE001 — the person waiting must be told, the worker must go on
        _failed(export, "L'écriture du document a échoué. Réessayez ; si l'échec se répète, signalez-le.")
        raise error
    export.refresh_from_db()
    export.filename = filename(export.project, chosen, export.format)
    export.file.save(export.filename, ContentFile(content), save=False)
    export.status = Export.Status.DONE
    export.done = export.total = max(export.total, 1)
    export.finished = timezone.now()
    export.save()
    return export


def _failed(export, message: str) -> Export:
    Export.objects.filter(pk=export.pk).update(status=Export.Status.FAILED, error=message, finished=timezone.now())
    export.refresh_from_db()
    return export
