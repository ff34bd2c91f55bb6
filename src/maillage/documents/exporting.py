"""Exports started from the web or the command line: checked at once, written in the background.

``start_export`` refuses a bad request before anything is stored; ``run_export`` (the task's body)
writes the file and reports progress through the writers' ``progress(done, total)`` callback.
"""

import hashlib
import logging
import time
from dataclasses import replace
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.actions.filtering import filter_actions
from maillage.jobs.heartbeat import beating
from maillage.projects.stamp import published_stamp

from .models import Export
from .registry import ExportError, What, parse_what, write, writer_for

logger = logging.getLogger(__name__)

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


def target(project, what: str, format: str, query: str = "", public: bool = False) -> What:
    """The document asked for, or ExportError (French) if no writer produces it; ``public``: for a
    visitor, naming no person."""
    chosen = parse_what(project, what)
    writer_for(format, chosen)
    actions = filtered_actions(project, query)
    return replace(chosen, actions=actions, public=public)


def filename(project, what: What, format: str) -> str:
    return f"{project.slug}-{what.suffix}.{format}"


class TooManyExports(ExportError):
    """The queue is full for this person, for visitors, or for everyone: a French message, nothing queued."""


def check_limits(user=None, session_exports=()) -> None:
    """At most ``MAILLAGE_EXPORTS_PER_REQUESTER`` exports waiting or running per person (or visitor's
    session), ``MAILLAGE_ANONYMOUS_EXPORTS`` for all visitors together, ``MAILLAGE_EXPORTS_TOTAL`` in all."""
    pending = Export.objects.filter(status__in=(Export.Status.QUEUED, Export.Status.RUNNING))
    if user is not None and user.is_authenticated:
        mine = pending.filter(requested_by=user)
    else:
        mine = pending.filter(pk__in=list(session_exports)[-20:])
        if pending.filter(requested_by__isnull=True).count() >= settings.MAILLAGE_ANONYMOUS_EXPORTS:
            raise TooManyExports(
                _(
                    "Beaucoup de documents sont en cours d'écriture pour les visiteurs : réessayez dans "
                    "quelques minutes."
                )
            )
    if mine.count() >= settings.MAILLAGE_EXPORTS_PER_REQUESTER:
        raise TooManyExports(
            _(
                "Vous avez déjà %(count)d documents en cours d'écriture : attendez qu'ils soient prêts "
                "avant d'en demander un autre."
            )
            % {"count": settings.MAILLAGE_EXPORTS_PER_REQUESTER}
        )
    if pending.count() >= settings.MAILLAGE_EXPORTS_TOTAL:
        raise TooManyExports(_("Le service écrit déjà beaucoup de documents : réessayez dans quelques minutes."))


def start_export(
    project, what: str, format: str, user=None, query: str = "", session_exports=(), public: bool = False
) -> Export:
    """Check the request and the limits, store it and queue its task; raises ExportError for a bad request
    and TooManyExports when the queue is full."""
    from .tasks import export_document

    target(project, what, format, query)
    check_limits(user, session_exports)
    export = Export.objects.create(
        project=project,
        requested_by=user if user is not None and user.is_authenticated else None,
        what=what,
        format=format,
        query=query or "",
        public=public,
    )
    export_document.enqueue(str(export.pk))
    export.refresh_from_db()
    return export


# How long visitors share one export of a state of the plan (its key names the state: a change starts anew).
VISITORS_EXPORT_TIMEOUT = 24 * 3600


def visitors_export(project, what: str, format: str, query: str = "", session_exports=()) -> Export:
    """A visitor's export of a published plan: the one already written, or being written, for this state
    of the plan (``projects.stamp``), else a new one — a public document is written once per change of
    the plan, not once per visitor (and the visitors' limits count it once)."""
    stamp = published_stamp(project.slug)
    raw = f"{project.slug}|{what}|{format}|{query}|{stamp}"
    key = "visitors-export:" + hashlib.sha256(raw.encode()).hexdigest()
    known = cache.get(key)
    if known:
        export = (
            Export.objects.filter(pk=known, project=project, public=True).exclude(status=Export.Status.FAILED).first()
        )
        if export is not None and (export.status != Export.Status.DONE or export.file):
            return export
    export = start_export(project, what, format, None, query, session_exports=session_exports, public=True)
    cache.set(key, str(export.pk), timeout=VISITORS_EXPORT_TIMEOUT)
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
        Export.objects.filter(pk=self.export_id).update(done=done, total=total, heartbeat=timezone.now())


def run_export(export_id) -> Export | None:
    """Write the export's file (the task's body); a failure is stored with its French message.

    Only a queued export is started (a failed one stays failed: a task run twice, or run after the
    sweeper gave up on it), and the file is kept only if the export is still running when it is ready."""
    export = Export.objects.select_related("project").filter(pk=export_id).first()
    if export is None or export.status != Export.Status.QUEUED:
        return export
    now = timezone.now()
    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING, started=now, heartbeat=now)
    try:
        with beating(Export.objects.filter(pk=export.pk, status=Export.Status.RUNNING)):
            chosen = target(export.project, export.what, export.format, export.query, export.public)
            content = write(export.format, export.project, chosen, progress=Progress(export.pk))
    except ExportError as error:
        return _failed(export, str(error))
    except Exception as error:  # noqa: BLE001 — the person waiting must be told, the worker must go on
        _failed(export, _("L'écriture du document a échoué. Réessayez ; si l'échec se répète, signalez-le."))
        raise error
    export.refresh_from_db()
    if export.status != Export.Status.RUNNING:
        return export  # failed by the sweeper meanwhile (over the time limit): the person was told so
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


def fail_stale_exports(now=None, only=None) -> int:
    """Exports whose worker stopped beating, running beyond ``MAILLAGE_JOB_TIME_LIMIT``, or queued beyond
    ``MAILLAGE_JOB_QUEUE_TIMEOUT``: failed with a French message (the person may ask again). ``only``: the
    id of the one export to look at (its status page)."""
    from maillage.jobs.staleness import fail_task_rows

    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.MAILLAGE_JOB_STALE_SECONDS)
    too_long = now - timedelta(seconds=settings.MAILLAGE_JOB_TIME_LIMIT)
    queued = now - timedelta(seconds=settings.MAILLAGE_JOB_QUEUE_TIMEOUT)
    reasons = [
        (
            Q(status=Export.Status.RUNNING) & (Q(heartbeat__lt=stale) | Q(heartbeat__isnull=True, created__lt=stale)),
            _(
                "L'écriture s'est interrompue : le travailleur des tâches de fond s'est arrêté. "
                "Demandez le document de nouveau."
            ),
        ),
        (
            Q(status=Export.Status.RUNNING, started__lt=too_long),
            _("L'écriture a dépassé la durée permise (réglage MAILLAGE_JOB_TIME_LIMIT). Réessayez plus tard."),
        ),
        (
            Q(status=Export.Status.QUEUED, created__lt=queued),
            _("L'écriture n'a pas commencé : aucun travailleur des tâches de fond ne l'a prise en charge. Réessayez."),
        ),
    ]
    failed = []
    with transaction.atomic():
        for condition, message in reasons:
            exports = Export.objects.select_for_update().filter(condition)
            if only is not None:
                exports = exports.filter(pk=only)
            for pk in exports.values_list("pk", flat=True):
                Export.objects.filter(pk=pk).update(status=Export.Status.FAILED, error=message, finished=now)
                failed.append(pk)
    if failed:
        fail_task_rows("maillage.documents.tasks.export_document", failed)
    return len(failed)
