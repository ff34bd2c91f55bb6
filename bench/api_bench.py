"""Benchmark (not a test): the REST API under 10 and 50 concurrent clients, over loopback, bounded in time.

Loads the demo into a fresh database (SQLite file or PostgreSQL database), creates read-write API
tokens for the demo coordinator of the plan, starts ``maillage serve`` (gunicorn, production settings,
no task worker) on a free port of 127.0.0.1, then for 10 and for 50 clients — each a thread with its own
keep-alive connection — runs ``--seconds`` of each, one after the other:

- trivial: ``GET /sante/`` (the health check, no database), the ceiling of the server on this machine;
- anonymous list: ``GET /api/v1/projects/<plan>/actions`` (a page of 50, the visitors' representation);
- authenticated write: ``PATCH /api/v1/projects/<plan>/actions/<ref>`` with a token and ``If-Match``
  (the status flipped; each client on its own action, with the ETag the previous answer returned, read
  again after a 412): one optimistic-locking save with its history entry.

The rate limits are raised for the run (one address, a few tokens). It prints, per phase, the requests,
errors (any answer but 200, a 412 counted apart, or a broken connection), requests/s, p50 and p95.
The clients run on the same machine as the server: on two cores they take part of the CPU.

    .venv/bin/python bench/api_bench.py [--db sqlite|postgres] [--seconds 20] [--json FILE]
"""

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_bench import PLAN, Client, free_port  # noqa: E402 — the same client and port picking

CONCURRENCY = (10, 50)


def environment(args) -> dict:
    """Production settings on loopback, as ``load_bench`` runs them, in a database of this bench's own."""
    import secrets

    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SESSION_COOKIE_SECURE": "0",
        "DJANGO_CSRF_COOKIE_SECURE": "0",
        "MAILLAGE_DATA_DIR": "/tmp/maillage-api-bench/data",
        "MAILLAGE_API_TOKEN_PER_MINUTE": "10000000",
        "MAILLAGE_API_ANONYMOUS_PER_MINUTE": "10000000",
        # This checkout's code, whatever the environment's install of the package points to.
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(Path(__file__).resolve().parents[1] / "src"), os.environ.get("PYTHONPATH")])
        ),
    }
    if args.db == "sqlite":
        path = Path("/tmp/maillage-api-bench/bench.sqlite3")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(args.pg_url + "/postgres", autocommit=True) as admin:
            admin.execute('drop database if exists "maillage_api_bench"')
            admin.execute('create database "maillage_api_bench"')
        env["DATABASE_URL"] = args.pg_url + "/maillage_api_bench"
    return env


def prepare(env, clients: int) -> dict:
    """Migrate, load the demo, create ``clients`` tokens and pick one action per writing client."""
    python = [sys.executable, "-m", "maillage"]
    subprocess.run([*python, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*python, "loaddemo"], env=env, check=True, stdout=subprocess.DEVNULL)
    script = (
        "import django, json; django.setup();"
        "from maillage.projects.models import Project;"
        "from maillage.accounts.models import User;"
        "from maillage.api.tokens import create_token;"
        f"p = Project.objects.get(slug='{PLAN}');"
        f"user = User.objects.get(username='coord-{PLAN}');"
        f"refs = list(p.actions.order_by('position', 'pk').values_list('ref', flat=True)[:{clients}]);"
        f"tokens = [create_token(user, f'bench {{n}}', 'write', 1).secret for n in range({clients})];"
        "print(json.dumps({'refs': refs, 'tokens': tokens}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "maillage.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def trivial(client, state):
    return client.request("GET", "/sante/")[0], 200


def anonymous_list(client, state):
    return client.request("GET", f"/api/v1/projects/{PLAN}/actions")[0], 200


def write(client, state):
    """One PATCH of the client's own action, with the ETag of its previous answer."""
    auth = {"Authorization": f"Bearer {state['token']}", "Accept": "application/json"}
    url = f"/api/v1/projects/{PLAN}/actions/{state['ref']}"
    if state.get("etag") is None:
        status, body = client.request("GET", url, headers=auth)
        state["etag"] = f'"{json.loads(body)["version"]}"'
    state["status"] = "done" if state.get("status") != "done" else "in_progress"
    body = json.dumps({"status": state["status"]})
    headers = {**auth, "Content-Type": "application/json", "If-Match": state["etag"]}
    status, content = client.request("PATCH", url, body, headers)
    state["etag"] = f'"{json.loads(content)["version"]}"' if status == 200 else None
    return status, 200


def phase(port, clients, seconds, action, targets) -> dict:
    results = {"timings": [], "errors": 0, "stale": 0, "messages": []}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run(n):
        client = Client(port)
        state = {
            "token": targets["tokens"][n % len(targets["tokens"])],
            "ref": targets["refs"][n % len(targets["refs"])],
        }
        timings, errors, stale = [], 0, 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status, expected = action(client, state)
            except Exception as error:  # noqa: BLE001 — counted, the bench goes on
                status, expected = type(error).__name__, 200
                client = Client(port)
            timings.append(time.perf_counter() - started)
            if status == 412:
                stale += 1
            elif status != expected:
                errors += 1
                with lock:
                    if len(results["messages"]) < 5:
                        results["messages"].append(f"{action.__name__} → {status}")
        with lock:
            results["timings"] += timings
            results["errors"] += errors
            results["stale"] += stale

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timings = sorted(results["timings"])
    return {
        "requests": len(timings),
        "errors": results["errors"],
        "stale": results["stale"],
        "rate": len(timings) / seconds,
        "p50_ms": statistics.median(timings) * 1000 if timings else 0,
        "p95_ms": timings[max(0, int(len(timings) * 0.95) - 1)] * 1000 if timings else 0,
        "messages": results["messages"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--json")
    args = parser.parse_args()

    env = environment(args)
    targets = prepare(env, max(CONCURRENCY))
    port = free_port()
    command = [sys.executable, "-m", "maillage", "serve", "--bind", f"127.0.0.1:{port}", "--no-worker"]
    command += ["--workers", str(args.workers)] if args.workers else []
    command += ["--threads", str(args.threads)] if args.threads else []
    server = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True)
    rows = []
    try:
        started = time.monotonic()
        while time.monotonic() - started < 600:  # the first start collects the static files
            if server.poll() is not None:
                raise SystemExit(f"le serveur s'est arrêté :\n{server.stderr.read()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        Client(port).request("GET", f"/api/v1/projects/{PLAN}/actions")  # every worker imports lazily
        for clients in CONCURRENCY:
            for action in (trivial, anonymous_list, write):
                row = {
                    "clients": clients,
                    "what": action.__name__,
                    **phase(port, clients, args.seconds, action, targets),
                }
                rows.append(row)
                print(
                    f"{row['what']:<15} {clients:>3} clients  {row['requests']:>6} req  {row['errors']:>4} erreurs "
                    f"{row['stale']:>4} 412  {row['rate']:>7.1f} req/s  p50 {row['p50_ms']:>5.0f} ms  "
                    f"p95 {row['p95_ms']:>5.0f} ms",
                    flush=True,
                )
                for message in row["messages"]:
                    print("   ", message)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    if args.json:
        Path(args.json).write_text(json.dumps({"db": args.db, "seconds": args.seconds, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
