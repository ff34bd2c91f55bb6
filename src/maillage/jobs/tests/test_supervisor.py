"""Issue 16, finding 4: killing the worker's child also ended the db_worker parent. The supervisor
restarts a child that dies and stops everything when asked."""

import os
import signal
import subprocess
import sys
import threading
import time

from maillage.jobs.supervisor import Child, Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def test_finding_4_killing_a_workers_child_does_not_end_the_supervisor():
    lines: list[str] = []
    child = Child("travailleur", SLEEPER)
    supervisor = Supervisor([child], log=lines.append, poll=0.05)
    runner = threading.Thread(target=supervisor.run)
    runner.start()
    try:
        for _ in range(100):
            if child.process:
                break
            time.sleep(0.05)
        first = child.process.pid
        os.kill(first, signal.SIGKILL)
        for _ in range(100):
            if child.process and child.process.pid != first:
                break
            time.sleep(0.05)
        assert child.process.pid != first and child.process.poll() is None  # started again
        assert any("arrêté (code -9) ; relancé" in line for line in lines)
    finally:
        supervisor.stopping = True
        runner.join(timeout=30)
    assert not runner.is_alive() and child.process.poll() is not None  # stopped with the supervisor


def test_an_essential_child_ending_stops_the_others_with_its_code():
    server = Child("serveur", [sys.executable, "-c", "import sys, time; time.sleep(0.3); sys.exit(3)"], essential=True)
    worker = Child("travailleur", SLEEPER)
    code = Supervisor([server, worker], log=lambda line: None, poll=0.05).run()
    assert code == 3 and worker.process.poll() is not None


def test_the_worker_command_supervises_a_db_worker_per_queue_and_stops_on_sigterm(tmp_path):
    """``maillage worker`` itself: a db_worker child per queue, one killed and restarted, then SIGTERM ends all."""
    from maillage.jobs.management.commands.worker import QUEUES

    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'base.sqlite3'}"}
    subprocess.run([sys.executable, "-m", "maillage", "migrate", "-v0"], env=environment, check=True, timeout=300)
    worker = subprocess.Popen(
        [sys.executable, "-m", "maillage", "worker", "--interval", "0.2"],
        env=environment,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        children = []
        for _ in range(200):
            children = _children(worker.pid)
            if len(children) == len(QUEUES) == 3:  # imports, exports, webhooks
                break
            time.sleep(0.1)
        assert len(children) == len(QUEUES)
        os.kill(children[0], signal.SIGKILL)
        for _ in range(200):
            now = _children(worker.pid)
            if len(now) == len(QUEUES) and children[0] not in now:
                break
            time.sleep(0.1)
        assert len(now) == len(QUEUES) and children[0] not in now
        assert worker.poll() is None
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    assert worker.returncode == 0
    assert _children(worker.pid) == []


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as listing:
            return [int(part) for part in listing.read().split()]
    except FileNotFoundError:
        return []
