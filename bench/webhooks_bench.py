"""Benchmark (not a test): what webhooks cost a write, and how fast deliveries leave.

- a quick status change (``editing.change_status``, committed) with the webhooks switched off, with no
  subscription on the project, then with one subscription listening: queries and time, the emission
  included (its after-commit part);
- N deliveries to a local receiver (``http.server`` on 127.0.0.1 answering 200), one attempt each as the
  worker makes it (signature, POST, log row): time per delivery.

    .venv/bin/python bench/webhooks_bench.py [--changes 200] [--deliveries 200]

It uses a fresh SQLite database in a temporary directory unless DATABASE_URL is set.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Quiet(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def status_changes(project, user, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from maillage.actions import editing
    from maillage.actions.models import Action

    actions = list(Action.objects.filter(project=project).order_by("pk")[:count])
    times, queries = [], []
    for n, action in enumerate(actions):
        status = "done" if n % 2 == 0 else "in_progress"
        action.refresh_from_db()
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            editing.change_status(action, status if action.status != status else "blocked", user)
            times.append(time.perf_counter() - started)
        queries.append(len(captured.captured_queries))
    return statistics.median(times) * 1000, statistics.median(queries)


def bench(options):
    from django.conf import settings

    from maillage.accounts.models import User
    from maillage.actions.models import Action
    from maillage.projects.models import Project
    from maillage.webhooks import delivery
    from maillage.webhooks.models import Delivery, Event, Subscription

    settings.MAILLAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/recu"

    user = User.objects.create(username="bench")
    project = Project.objects.create(slug="bench-webhooks", title="Banc webhooks", first_year=2024, last_year=2027)
    Action.objects.bulk_create(
        Action(project=project, ref=f"A{n}", title=f"Action {n}", position=n, status="planned")
        for n in range(options.changes)
    )
    from unittest import mock

    from maillage.webhooks import events

    with mock.patch.object(events, "emit", lambda *args, **kwargs: None):
        ms, queries = status_changes(project, user, options.changes)
    print(f"status change, webhooks switched off: {ms:.1f} ms, {queries:.0f} queries (median of {options.changes})")
    ms, queries = status_changes(project, user, options.changes)
    print(f"status change, nobody subscribed: {ms:.1f} ms, {queries:.0f} queries")
    Subscription.objects.create(project=project, url=url, events=[code for code, _ in Event.choices])
    ms, queries = status_changes(project, user, options.changes)
    print(f"status change, one subscription: {ms:.1f} ms, {queries:.0f} queries (delivery written and queued)")

    pending = list(Delivery.objects.filter(status="pending").values_list("pk", flat=True)[: options.deliveries])
    started = time.perf_counter()
    for pk in pending:
        delivery.attempt(pk)
    elapsed = time.perf_counter() - started
    delivered = Delivery.objects.filter(pk__in=pending, status="delivered").count()
    print(
        f"{len(pending)} deliveries to a local receiver: {elapsed * 1000 / max(len(pending), 1):.1f} ms each "
        f"({delivered} delivered, one worker)"
    )
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    server.shutdown()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--deliveries", type=int, default=200)
    options = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="maillage-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    bench(options)


if __name__ == "__main__":
    main()
