"""The periodic digest job, on Django's tasks API (``django-tasks`` with its database backend).

There is no scheduler in the stack, and none is added: the job is a task that, each time it runs,
sends the digests due (:func:`maillage.evaluation.digest.send_digests`) and queues its own next run
for the next day at ``MAILLAGE_DIGEST_HOUR`` (7 h by default, local time) with ``run_after``. The
worker that runs exports (``maillage db_worker``) runs it too; when the worker was down, the run
waiting in the queue goes as soon as it is back, and a digest missed in between is sent then (the
period decides what is due, not the day). Running daily while the period is a month costs one cheap
query per lead already served; it also serves someone who becomes a lead during the month.

The chain is started by :func:`ensure_scheduled` — ``maillage demo`` calls it, and so does
``maillage send-digests --schedule`` for a server (run it once after installing; running it again
changes nothing). Two chains started by mistake merge back into one: a run queues the next one only
if none is waiting. And however many chains or workers there are, the digest log's unique
constraint sends each digest at most once per period.

With ``MAILLAGE_TASKS_IMMEDIATE=1`` (no worker, tasks run in the request) nothing can be deferred: run
``maillage send-digests`` from the system's scheduler (cron, a systemd timer) instead.
"""

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .digest import send_digests

logger = logging.getLogger(__name__)


@task()
def send_digests_task() -> int:
    """Send the digests due, then queue the next run (even when this one failed)."""
    try:
        outcomes = send_digests()
        return sum(1 for outcome in outcomes if outcome.status == "sent")
    finally:
        schedule_next()


def next_run(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next ``MAILLAGE_DIGEST_HOUR`` o'clock, local time, strictly after ``now``."""
    now = timezone.localtime(now or timezone.now())
    hour = int(getattr(settings, "MAILLAGE_DIGEST_HOUR", 7))
    run = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if run <= now:
        run = timezone.localtime(run + datetime.timedelta(days=1)).replace(hour=hour, minute=0)
    return run


def _waiting():
    """The digest runs waiting in the database queue (None when the backend keeps no queue)."""
    backend = send_digests_task.get_backend()
    if not backend.supports_defer:
        return None
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=send_digests_task.module_path)


def schedule_next(now: datetime.datetime | None = None):
    """Queue the next run unless one is already waiting; returns the queued result (or None)."""
    waiting = _waiting()
    if waiting is None:
        logger.warning("the task backend cannot defer tasks: run `maillage send-digests` from cron instead")
        return None
    if waiting.exists():
        return None
    return send_digests_task.using(run_after=next_run(now)).enqueue()


def ensure_scheduled(now: datetime.datetime | None = None):
    """Start the daily chain if it is not running; returns the waiting run's date, or None without a queue."""
    waiting = _waiting()
    if waiting is None:
        return None
    if not waiting.exists():
        schedule_next(now)
    first = waiting.order_by("run_after").first()
    return first.run_after if first else None
