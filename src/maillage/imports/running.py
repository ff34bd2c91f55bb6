"""Reading an uploaded file into a draft, for the web: the same readers as the command line, run in a
child process with a memory and a time limit (``maillage.jobs.sandbox``), with the progress and a
heartbeat written on the run so that the page can show it, and tell a dead worker from a slow file.

Every way the reading can end is a run that is ``ready`` or ``failed`` with a French message: a bad
file, a file over a limit, a reader that ran out of memory or time, a bug of the reader. A failed run
keeps no upload, except when its worker died (``fail_stale_runs``): the file was not at fault and the
person may retry.
"""

import logging
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.actions.vocabulary import project_labels
from maillage.interchange.validation import InvalidDocument, check, parse
from maillage.jobs.sandbox import SandboxFailure, run_limited

from .documents import is_document
from .drafting import Report, ensure_valid
from .models import ImportRun
from .plan import read_document
from .reading import SPREADSHEET_EXTENSIONS, UnreadableFile
from .review import walk_nodes
from .spreadsheet import read_spreadsheet

logger = logging.getLogger(__name__)

ACCEPTED = sorted({".json", *SPREADSHEET_EXTENSIONS, ".docx", ".odt", ".pdf", ".txt", ".md"})
PROGRESS_EVERY = 0.5  # seconds between two progress writes
REPORT_ITEMS = 200  # lines of each list of the report kept with the run (the rest are counted)
MAX_ATTEMPTS = 3  # a file that keeps killing its worker is not read a fourth time


def report_data(report: Report) -> dict:
    """The report as stored with the run: its parts for the page, and its text for a download. Each list
    keeps its first ``REPORT_ITEMS`` lines and the count of the others, so that a 20,000-row sheet
    without statuses does not make a page of 20,000 warnings."""
    return {
        "text": report.text()[:200_000],
        "recognised": report.recognised,
        "warnings": report.warnings[:REPORT_ITEMS],
        "more_warnings": max(0, len(report.warnings) - REPORT_ITEMS),
        "unsure": report.unsure[:REPORT_ITEMS],  # what a document reader guessed (the project's kind, period)
        "unplaced": [list(item) for item in report.unplaced[:REPORT_ITEMS]],
        "unrecognised_columns": report.unrecognised_columns[:REPORT_ITEMS],
        "unused_rows": [list(item) for item in report.unused_rows[:REPORT_ITEMS]],
        "more_unplaced": max(0, len(report.unplaced) + len(report.unused_rows) - 2 * REPORT_ITEMS),
        "unplaced_count": len(report.unplaced) + len(report.unused_rows),
    }


def _progress_writer(run: ImportRun):
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY or done >= total:
            last[0] = now
            ImportRun.objects.filter(pk=run.pk).update(done=done, total=total, heartbeat=timezone.now())

    return progress


def _beat(run: ImportRun):
    return lambda: ImportRun.objects.filter(pk=run.pk).update(heartbeat=timezone.now())


def read_run(run: ImportRun) -> ImportRun:
    """Read the run's file into its draft and report; a bad file leaves a French error and no upload."""
    if run.status not in (ImportRun.Status.WAITING, ImportRun.Status.READING):
        return run  # already read, failed or saved (a task run twice)
    run.status, run.done, run.total = ImportRun.Status.READING, 0, 0
    run.heartbeat, run.attempts = timezone.now(), run.attempts + 1
    run.save(update_fields=["status", "done", "total", "heartbeat", "attempts", "modified_at"])
    suffix = Path(run.name).suffix.lower()
    labels = project_labels(run.into) if run.into and suffix in SPREADSHEET_EXTENSIONS else None
    slug = run.into.slug if run.into else run.slug
    title = run.into.title if run.into else run.title
    data = bytes(run.content or b"")
    try:
        draft, report = run_limited(
            read_upload, data, run.name, slug, title, labels, progress=_progress_writer(run), heartbeat=_beat(run)
        )
    except (UnreadableFile, InvalidDocument, SandboxFailure) as error:
        message = error.report() if isinstance(error, InvalidDocument) else str(error)
        if isinstance(error, SandboxFailure):
            message = _("« %(name)s » n'a pas pu être lu : %(why)s") % {"name": run.name, "why": message}
        return _failed(run, message)
    except Exception:  # a bug of a reader: the person is told, the worker goes on, the log has the trace
        logger.exception("Import %s: the reader failed", run.pk)
        return _failed(
            run,
            _(
                "« %(name)s » n'a pas pu être lu : le lecteur a rencontré une erreur imprévue. "
                "Rien n'a été importé ; si l'erreur se répète, signalez-la avec le fichier."
            )
            % {"name": run.name},
        )
    run.draft, run.report = draft, report
    run.status, run.content = ImportRun.Status.READY, None
    run.done = run.total = max(ImportRun.objects.filter(pk=run.pk).values_list("total", flat=True).first() or 0, 1)
    run.error = ""
    run.save()
    return run


def _failed(run: ImportRun, message: str, keep_upload: bool = False) -> ImportRun:
    run.status, run.error = ImportRun.Status.FAILED, message
    if not keep_upload:
        run.content = None
    run.save()
    return run


def read_upload(data: bytes, name: str, slug: str, title: str, labels: dict | None, progress=None):
    """The reading itself, run in the sandbox: bytes and the person's file name → (draft, stored report).
    Touches no database (the child process has none)."""
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"import{suffix}"
        path.write_bytes(data)
        if suffix == ".json":
            draft, report = _read_interchange(data, name, slug, title)
        elif is_document(path):
            draft, report = read_document(path, name, progress, slug=slug, title=title)
        elif suffix in SPREADSHEET_EXTENSIONS:
            draft, report = read_spreadsheet(path, slug=slug, title=title, labels=labels, name=name)
            report.sheet = report.sheet or name
        else:
            raise UnreadableFile(
                _("« %(name)s » : format non pris en charge (attendu : %(formats)s).")
                % {"name": name, "formats": ", ".join(ACCEPTED)}
            )
    ensure_valid(draft)
    return draft, report_data(report)


def _read_interchange(data: bytes, name: str, slug: str, title: str) -> tuple[dict, Report]:
    """An interchange document brought in through the page: its own slug and title give way to the form's."""
    document = parse(data)  # bounded before parsing: size, depth, values, digits (interchange.validation)
    if not isinstance(document, dict) or not isinstance(document.get("project"), dict):
        raise UnreadableFile(_("Ce fichier JSON n'est pas un document d'échange Maillage."))
    problems = check(document)
    if problems:
        raise InvalidDocument(problems)
    document["project"]["slug"], document["project"]["title"] = slug, title
    report = Report(document=name)
    nodes = sum(1 for _node in walk_nodes(document.get("nodes", [])))
    report.recognised = {"nœuds": nodes, "actions": len(document.get("actions", []))}
    return document, report


# --- runs left behind by a dead worker ---------------------------------------------------------------


def fail_stale_runs(now=None, only=None) -> int:
    """Runs whose worker stopped beating (killed, machine restarted), and runs queued for longer than
    ``MAILLAGE_JOB_QUEUE_TIMEOUT`` with no worker taking them: failed with a French message, their
    upload kept so that the person can retry. Returns how many were failed. ``only``: the id of the one
    run to look at (its progress fragment)."""
    from maillage.jobs.staleness import fail_task_rows

    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.MAILLAGE_JOB_STALE_SECONDS)
    queued = now - timedelta(seconds=settings.MAILLAGE_JOB_QUEUE_TIMEOUT)
    dead = _("La lecture s'est interrompue : le travailleur des tâches de fond s'est arrêté.")
    unstarted = _("La lecture n'a pas commencé : aucun travailleur des tâches de fond n'a pris l'import en charge.")
    failed = []
    with transaction.atomic():
        runs = ImportRun.objects.select_for_update()
        if only is not None:
            runs = runs.filter(pk=only)
        for run in runs.filter(status=ImportRun.Status.READING, heartbeat__lt=stale):
            failed.append(_fail_dead(run, dead))
        for run in runs.filter(status=ImportRun.Status.READING, heartbeat__isnull=True, modified_at__lt=stale):
            failed.append(_fail_dead(run, dead))
        for run in runs.filter(status=ImportRun.Status.WAITING, modified_at__lt=queued):
            failed.append(_fail_dead(run, unstarted))
    if failed:
        fail_task_rows("maillage.imports.tasks.read_import", failed)
    return len(failed)


def _fail_dead(run: ImportRun, reason: str) -> int:
    retry = run.attempts < MAX_ATTEMPTS and run.content is not None
    advice = (
        _("Relancez la lecture ; rien n'a été importé.")
        if retry
        else _("Rien n'a été importé ; déposez le fichier de nouveau.")
    )
    _failed(run, f"{reason} {advice}", keep_upload=retry)
    return run.pk


def may_retry(run: ImportRun) -> bool:
    return run.status == ImportRun.Status.FAILED and run.content is not None and run.attempts < MAX_ATTEMPTS


def retry(run: ImportRun) -> None:
    """Queue the reading again (a run whose worker died; its upload was kept)."""
    from .tasks import read_import

    run.status, run.error, run.done, run.total = ImportRun.Status.WAITING, "", 0, 0
    run.heartbeat = None
    run.save(update_fields=["status", "error", "done", "total", "heartbeat", "modified_at"])
    transaction.on_commit(lambda: read_import.enqueue(run.pk))
