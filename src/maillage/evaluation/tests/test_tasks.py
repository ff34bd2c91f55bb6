"""The daily digest job: a task that queues its own next run, started once, never doubled."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from maillage.evaluation import tasks
from maillage.evaluation.tasks import ensure_scheduled, next_run, send_digests_task

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _waiting():
    return DBTaskResult.objects.filter(task_path=send_digests_task.module_path, status=TaskResultStatus.READY)


def test_the_next_run_is_the_next_seven_oclock_local_time(settings):
    assert next_run(datetime.datetime(2026, 12, 1, 6, 30, tzinfo=PARIS)) == datetime.datetime(
        2026, 12, 1, 7, tzinfo=PARIS
    )
    assert next_run(datetime.datetime(2026, 12, 1, 7, 0, tzinfo=PARIS)) == datetime.datetime(
        2026, 12, 2, 7, tzinfo=PARIS
    )
    # across the change to summer time, still 7 o'clock on the wall clock
    assert next_run(datetime.datetime(2027, 3, 27, 9, tzinfo=PARIS)).hour == 7
    settings.MAILLAGE_DIGEST_HOUR = 18
    assert next_run(datetime.datetime(2026, 12, 1, 9, tzinfo=PARIS)) == datetime.datetime(2026, 12, 1, 18, tzinfo=PARIS)


def test_starting_the_chain_twice_queues_one_run(db):
    first = ensure_scheduled()
    assert first is not None and _waiting().count() == 1
    assert ensure_scheduled() == first and _waiting().count() == 1
    assert _waiting().get().run_after > datetime.datetime.now(datetime.UTC)


def test_a_run_sends_the_digests_and_queues_the_next_one_once(db, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "send_digests", lambda: calls.append(1) or [])
    send_digests_task.call()
    assert calls == [1] and _waiting().count() == 1
    send_digests_task.call()  # a second chain by mistake: it does not queue another run
    assert _waiting().count() == 1


def test_a_failed_run_still_queues_the_next_one(db, monkeypatch):
    def broken():
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(tasks, "send_digests", broken)
    with pytest.raises(RuntimeError):
        send_digests_task.call()
    assert _waiting().count() == 1


def test_the_worker_runs_the_queued_job(db, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks, "send_digests", lambda: sent.append("ok") or [])
    result = send_digests_task.enqueue()  # due now
    # what `maillage db_worker` does with each task (its loop would close the test's connection)
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    claimed = DBTaskResult.objects.get(id=result.id)
    claimed.claim("test")
    worker.run_task(claimed)
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.SUCCESSFUL
    assert sent == ["ok"] and _waiting().count() == 1 and mail.outbox == []


def test_without_a_queue_the_command_says_to_use_cron(db, immediate_tasks, capsys):
    assert ensure_scheduled() is None
    with pytest.raises(CommandError, match="cron"):
        call_command("send-digests", "--schedule")


def test_the_command_starts_the_chain(db, capsys):
    call_command("send-digests", "--schedule")
    assert "Prochain envoi des récapitulatifs" in capsys.readouterr().out
    assert _waiting().count() == 1
