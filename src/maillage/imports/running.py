"""Reading an uploaded file into a draft, for the web: the same readers as the command line, with the
progress written on the run so that the page can show it while a worker does the reading."""

import json
import tempfile
import time
from pathlib import Path

from django.utils.translation import gettext as _

from maillage.actions.vocabulary import project_labels
from maillage.interchange.validation import InvalidDocument, check

from .documents import is_document
from .drafting import Report, ensure_valid
from .models import ImportRun
from .plan import read_document
from .reading import SPREADSHEET_EXTENSIONS, UnreadableFile
from .review import walk_nodes
from .spreadsheet import read_spreadsheet

ACCEPTED = sorted({".json", *SPREADSHEET_EXTENSIONS, ".docx", ".odt", ".pdf", ".txt", ".md"})
PROGRESS_EVERY = 0.5  # seconds between two progress writes


def report_data(report: Report) -> dict:
    """The report as stored with the run: its parts for the page, and its text for a download."""
    return {
        "text": report.text(),
        "recognised": report.recognised,
        "warnings": report.warnings,
        "unplaced": [list(item) for item in report.unplaced],
        "unrecognised_columns": report.unrecognised_columns,
        "unused_rows": [list(item) for item in report.unused_rows],
    }


def _progress_writer(run: ImportRun):
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY or done >= total:
            last[0] = now
            ImportRun.objects.filter(pk=run.pk).update(done=done, total=total)

    return progress


def read_run(run: ImportRun) -> ImportRun:
    """Read the run's file into its draft and report; a bad file leaves a French error and no draft."""
    run.status, run.done, run.total = ImportRun.Status.READING, 0, 0
    run.save(update_fields=["status", "done", "total", "modified_at"])
    suffix = Path(run.name).suffix.lower()
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"import{suffix}"
            path.write_bytes(bytes(run.content or b""))
            draft, report = _read(run, path, suffix)
        ensure_valid(draft)
    except (UnreadableFile, InvalidDocument) as error:
        run.status = ImportRun.Status.FAILED
        run.error = error.report() if isinstance(error, InvalidDocument) else str(error)
        run.content = None
        run.save()
        return run
    run.draft, run.report = draft, report_data(report)
    run.status, run.content = ImportRun.Status.READY, None
    run.done = run.total = max(run.total, 1)
    run.save()
    return run


def _read(run: ImportRun, path: Path, suffix: str) -> tuple[dict, Report]:
    slug = run.into.slug if run.into else run.slug
    title = run.into.title if run.into else run.title
    if suffix == ".json":
        return _read_interchange(path, slug, title)
    if is_document(path):
        return read_document(path, run.name, _progress_writer(run), slug=slug, title=title)
    if suffix in SPREADSHEET_EXTENSIONS:
        labels = project_labels(run.into) if run.into else None
        draft, report = read_spreadsheet(path, slug=slug, title=title, labels=labels)
        report.sheet = report.sheet or run.name
        return draft, report
    raise UnreadableFile(
        _("« %(name)s » : format non pris en charge (attendu : %(formats)s).")
        % {"name": run.name, "formats": ", ".join(ACCEPTED)}
    )


def _read_interchange(path: Path, slug: str, title: str) -> tuple[dict, Report]:
    """An interchange document brought in through the page: its own slug and title give way to the form's."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableFile(_("« %(name)s » n'est pas un document JSON lisible.") % {"name": path.name}) from error
    if not isinstance(document, dict) or not isinstance(document.get("project"), dict):
        raise UnreadableFile(_("Ce fichier JSON n'est pas un document d'échange Maillage."))
    problems = check(document)
    if problems:
        raise InvalidDocument(problems)
    document["project"]["slug"], document["project"]["title"] = slug, title
    report = Report(document=path.name)
    nodes = sum(1 for _node in walk_nodes(document.get("nodes", [])))
    report.recognised = {"nœuds": nodes, "actions": len(document.get("actions", []))}
    return document, report
