"""Jobs left "in progress" by a dead worker: found by their heartbeat, failed, and their task rows too.

Each app that runs jobs says how to find its stale ones (``SWEEPERS``); ``sweep()`` runs them all. The
supervised worker (``maillage worker``) sweeps at start and every ``SWEEP_EVERY`` seconds, and the
progress fragments sweep the job they show, so a page never polls a dead job for ever even where no
supervisor runs.
"""

import logging

from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

SWEEPERS = [
    "maillage.imports.running.fail_stale_runs",
    "maillage.documents.exporting.fail_stale_exports",
    "maillage.territories.locating.fail_stale_runs",
]
SWEEP_EVERY = 30  # seconds


def sweep() -> dict[str, int]:
    """Fail every stale job; returns how many per sweeper (for the worker's log)."""
    counts = {}
    for path in SWEEPERS:
        try:
            counts[path] = import_string(path)()
        except Exception:  # one app's bug must not stop the others' sweep, nor the worker
            logger.exception("Sweeping stale jobs with %s failed", path)
    return counts


def fail_task_rows(task_path: str, first_arguments) -> int:
    """Mark failed the task rows (django-tasks-db) still "running" for these jobs: their worker is dead."""
    from django_tasks_db.models import DBTaskResult

    wanted = {str(argument) for argument in first_arguments}
    stuck = []
    for row in DBTaskResult.objects.filter(task_path=task_path, status="RUNNING").only("pk", "args_kwargs"):
        arguments = (row.args_kwargs or {}).get("args") or []
        if arguments and str(arguments[0]) in wanted:
            stuck.append(row.pk)
    if stuck:
        DBTaskResult.objects.filter(pk__in=stuck).update(
            status="FAILED",
            finished_at=timezone.now(),
            exception_class_path="maillage.jobs.staleness.WorkerDied",
            traceback="The worker running this task stopped (no heartbeat): marked failed by maillage.jobs.",
        )
    return len(stuck)
