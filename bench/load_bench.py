"""Benchmark (not a test): many users at once on ``maillage serve``, over loopback, bounded in time.

Loads the demo into a fresh database (SQLite file or PostgreSQL database), starts ``maillage serve``
(gunicorn, WhiteNoise; no task worker) on a free port of 127.0.0.1 with production settings, then runs
``--clients`` simulated users for ``--seconds``, each with its own keep-alive connection and session:

- visitors (the rest): the public plan, a public fiche, a branch of the public plan, ``/plans/``;
- readers (``--readers``, signed in as the demo coordinator of the plan): the dashboard, the actions list,
  a fiche, the indicators page;
- writers (``--writers``, signed in too): change an action's status (htmx, one transaction), then read
  its fiche.

It prints, per kind, the requests, errors (any answer other than 200 / 302, or a broken connection),
requests/s and the median and 95th-percentile times, and the trivial view's (``/sante/``) requests/s
measured alone just before, through the same server. The client threads run on the same machine as the
server: on two cores they take part of the CPU, which the figures include.

    .venv/bin/python bench/load_bench.py [--db sqlite|postgres] [--clients 50] [--seconds 60]
        [--readers 15] [--writers 5] [--workers N] [--threads T] [--json FILE]
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
PLAN = "clermont-sud"  # a published demo plan
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def environment(args) -> dict:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SESSION_COOKIE_SECURE": "0",
        "DJANGO_CSRF_COOKIE_SECURE": "0",
        "MAILLAGE_DATA_DIR": "/tmp/maillage-load/data",
        "MAILLAGE_LOGIN_FAILURE_LIMIT": "1000",
    }
    if args.db == "sqlite":
        path = Path("/tmp/maillage-load/load.sqlite3")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(args.pg_url + "/postgres", autocommit=True) as admin:
            admin.execute('drop database if exists "maillage_load"')
            admin.execute('create database "maillage_load"')
        env["DATABASE_URL"] = args.pg_url + "/maillage_load"
    return env


def prepare(env) -> dict:
    """Migrate, load the demo, and pick the plan's pages (as the bench's clients will ask for them)."""
    python = [sys.executable, "-m", "maillage"]
    subprocess.run([*python, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*python, "loaddemo"], env=env, check=True, stdout=subprocess.DEVNULL)
    script = (
        "import django, json; django.setup();"
        "from maillage.projects.models import Project;"
        f"p = Project.objects.get(slug='{PLAN}');"
        "refs = list(p.actions.filter(parent__isnull=True).order_by('position').values_list('ref', flat=True)[:20]);"
        "nodes = list(p.nodes.filter(parent__isnull=True).values_list('pk', flat=True)[:5]);"
        "print(json.dumps({'refs': refs, 'nodes': nodes}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "maillage.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Client:
    """One user: a keep-alive connection and the session's cookies."""

    def __init__(self, port):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            sent = {"Host": "127.0.0.1", "Accept-Language": "fr", **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None  # a worker recycled after --max-requests closes its connections
                if attempt == 2:
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if response.headers.get("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return response.status, content
        raise AssertionError("unreachable")

    def sign_in(self, username, password):
        _status, page = self.request("GET", "/connexion/")
        token = TOKEN.search(page.decode()).group(1)
        body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
        status, _ = self.request(
            "POST",
            "/connexion/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": "http://127.0.0.1/"},
        )
        if status != 302:
            raise RuntimeError(f"connexion refusée ({status})")


def scenario(kind, targets):
    refs, nodes = targets["refs"], targets["nodes"]
    if kind == "visitor":
        return random.choice(
            [
                ("GET", f"/plans/{PLAN}/"),
                ("GET", f"/plans/{PLAN}/actions/{random.choice(refs)}/"),
                ("GET", f"/plans/{PLAN}/noeuds/{random.choice(nodes)}/") if nodes else ("GET", f"/plans/{PLAN}/"),
                ("GET", "/plans/"),
            ]
        )
    if kind == "reader":
        return random.choice(
            [
                ("GET", f"/projets/{PLAN}/"),
                ("GET", f"/projets/{PLAN}/actions/"),
                ("GET", f"/projets/{PLAN}/actions/{random.choice(refs)}/"),
                ("GET", f"/projets/{PLAN}/indicateurs/"),
            ]
        )
    return ("STATUS", random.choice(refs))


def run_client(kind, port, targets, deadline, results, lock):
    client = Client(port)
    timings, errors = [], 0
    try:
        if kind != "visitor":
            client.sign_in(f"coord-{PLAN}", "demo-maillage")
    except Exception as error:  # noqa: BLE001 — counted, the bench goes on
        with lock:
            results[kind]["errors"] += 1
            results[kind]["messages"].append(f"connexion : {error}")
        return
    statuses = ["in_progress", "done", "planned"]
    while time.monotonic() < deadline:
        method, what = scenario(kind, targets)
        started = time.perf_counter()
        try:
            if method == "STATUS":
                csrf = client.cookies.get("csrftoken", "")
                body = urlencode({"status": random.choice(statuses), "from": "page"})
                status, _ = client.request(
                    "POST",
                    f"/projets/{PLAN}/actions/{what}/statut/",
                    body,
                    {
                        "Content-Type": "application/x-www-form-urlencoded",
                        "X-CSRFToken": csrf,
                        "HX-Request": "true",
                        "Referer": "http://127.0.0.1/",
                    },
                )
            else:
                status, _ = client.request(method, what)
        except Exception as error:  # noqa: BLE001
            status = f"{type(error).__name__}"
        timings.append(time.perf_counter() - started)
        if status not in (200, 302):
            errors += 1
            with lock:
                if len(results[kind]["messages"]) < 5:
                    results[kind]["messages"].append(f"{method} {what} → {status}")
    with lock:
        results[kind]["timings"] += timings
        results[kind]["errors"] += errors


def trivial_rate(port, seconds=5.0, clients=10) -> float:
    count = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def hammer():
        client, done = Client(port), 0
        while time.monotonic() < deadline:
            status, _ = client.request("GET", "/sante/")
            done += status == 200
        with lock:
            count[0] += done

    threads = [threading.Thread(target=hammer) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count[0] / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--readers", type=int, default=15)
    parser.add_argument("--writers", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--json")
    args = parser.parse_args()

    env = environment(args)
    targets = prepare(env)
    port = free_port()
    command = [sys.executable, "-m", "maillage", "serve", "--bind", f"127.0.0.1:{port}", "--no-worker"]
    command += ["--workers", str(args.workers)] if args.workers else []
    command += ["--threads", str(args.threads)] if args.threads else []
    server = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        for _ in range(600):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        Client(port).request("GET", f"/plans/{PLAN}/")  # warm the visitors' cache as a first visitor would
        trivial = trivial_rate(port)
        kinds = ["writer"] * args.writers + ["reader"] * args.readers
        kinds += ["visitor"] * max(0, args.clients - len(kinds))
        results = {kind: {"timings": [], "errors": 0, "messages": []} for kind in ("visitor", "reader", "writer")}
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=run_client, args=(kind, port, targets, deadline, results, lock)) for kind in kinds
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)

    rows = {}
    print(f"{args.db} · {args.clients} clients · {args.seconds:.0f} s · /sante/ seul : {trivial:.0f} req/s")
    print(f"{'kind':<8} {'clients':>7} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}")
    for kind in ("visitor", "reader", "writer"):
        timings = sorted(results[kind]["timings"])
        clients = kinds.count(kind)
        if not clients:
            continue
        p50 = statistics.median(timings) * 1000 if timings else 0
        p95 = timings[int(len(timings) * 0.95) - 1] * 1000 if timings else 0
        rate = len(timings) / args.seconds
        rows[kind] = {
            "clients": clients,
            "requests": len(timings),
            "errors": results[kind]["errors"],
            "rate": rate,
            "p50_ms": p50,
            "p95_ms": p95,
            "messages": results[kind]["messages"],
        }
        errors = results[kind]["errors"]
        print(f"{kind:<8} {clients:>7} {len(timings):>8} {errors:>6} {rate:>7.1f} {p50:>7.0f} {p95:>7.0f}")
        for message in results[kind]["messages"]:
            print("   ", message)
    total = sum(row["requests"] for row in rows.values())
    errors = sum(row["errors"] for row in rows.values())
    print(f"total : {total} requêtes, {errors} erreurs, {total / args.seconds:.1f} req/s")
    if args.json:
        Path(args.json).write_text(json.dumps({"db": args.db, "trivial": trivial, "kinds": rows}, indent=2))


if __name__ == "__main__":
    main()
