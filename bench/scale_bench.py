"""Benchmark (not a test): every page of a plan on an instance the size of a country's network.

Builds a fresh database (SQLite file or PostgreSQL database), migrates it, fills it by bulk insert
(``maillage.testing.scale.generate``) and measures, in this process through Django's test client and
the whole middleware, each member and public page of one plan: queries, rows read, model instances
built, median time over ``--runs`` requests, HTML size, and the ratio of its median to the trivial
view's (``/sante/``) in the same run.

Sizes: ``1k`` (1,000 actions in 11 projects), ``10k`` (10,000 in 101), ``100k`` (100,000 in 1,010) —
the measured plan has about 100 actions in each, so the three runs say whether a page grows with the
rest of the database — and ``big`` (one plan of 10,000 actions beside ten of 100), which says whether
a page grows with its own plan.

    .venv/bin/python bench/scale_bench.py --size 10k [--db sqlite|postgres] [--runs 5] [--reuse] [--json FILE]

SQLite files go to /tmp/maillage-bench/; PostgreSQL uses the database maillage_bench_<size> on
127.0.0.1 (``--pg-url`` to change), dropped and created again unless ``--reuse``.
"""

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SIZES = {"1k": (1_000, 11, 1), "10k": (10_000, 101, 1), "100k": (100_000, 1_010, 1), "big": (11_000, 11, 0)}


def prepare_environment(args) -> bool:
    """Point Django at the bench database; True when it must be built."""
    os.environ.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        MAILLAGE_DATA_DIR="/tmp/maillage-bench/data",
        DJANGO_SETTINGS_MODULE="maillage.settings",
    )
    if args.db == "sqlite":
        path = Path(f"/tmp/maillage-bench/{args.size}.sqlite3")
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not (args.reuse and path.exists())
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return fresh
    import psycopg

    name = f"maillage_bench_{args.size}"
    with psycopg.connect(args.pg_url + "/postgres", autocommit=True) as admin:
        exists = admin.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
        fresh = not (args.reuse and exists)
        if fresh:
            admin.execute(f'drop database if exists "{name}"')
            admin.execute(f'create database "{name}"')
    os.environ["DATABASE_URL"] = f"{args.pg_url}/{name}"
    return fresh


def build(size: str) -> None:
    from django.core.management import call_command

    from maillage.testing.scale import generate

    actions, projects, _measured = SIZES[size]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if size == "big":
        generate(10_000, 1, prefix="grand")
        generated = generate(actions - 10_000, projects - 1)
    else:
        generated = generate(actions, projects)
    print(
        f"built {generated.actions + (10_000 if size == 'big' else 0):,} actions, "
        f"{projects} projects in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )


def measure(client, address, runs):
    from maillage.testing.fetching import counting

    client.get(address)  # warm the per-process caches
    with counting() as fetched:
        response = client.get(address)
    assert response.status_code == 200, (address, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(address)
        times.append(time.perf_counter() - started)
    return {
        "queries": fetched.queries,
        "rows": fetched.rows,
        "instances": fetched.instances,
        "median_ms": statistics.median(times) * 1000,
        "kb": len(response.content) / 1024,
    }


def run(args) -> list[dict]:
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from maillage.accounts.models import User
    from maillage.projects.models import Project
    from maillage.testing.scale import pages

    setup_test_environment()
    index = SIZES[args.size][2]
    project = Project.objects.order_by("slug")[index] if args.size != "big" else Project.objects.get(slug="grand-0000")
    action = project.actions.order_by("position")[project.actions.count() // 2]
    organisation = project.organisations.order_by("pk").first()
    member_pages, public_pages = pages(project, action.ref, organisation.pk)
    coordinator, visitor = Client(), Client()
    coordinator.force_login(User.objects.get(username=f"{project.slug}-coordinator"))
    trivial = measure(visitor, "/sante/", args.runs * 4)
    results = [{"page": "trivial view (/sante/)", **trivial, "ratio": 1.0}]
    for client, entries in ((coordinator, member_pages), (visitor, public_pages)):
        for name, address in entries:
            figures = measure(client, address, args.runs)
            results.append({"page": name, **figures, "ratio": figures["median_ms"] / trivial["median_ms"]})
    return results


def table(results, title) -> str:
    lines = [
        f"### {title}",
        "",
        "| page | queries | rows | instances | median ms | ×trivial | KB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['page']} | {r['queries']} | {r['rows']} | {r['instances']} | {r['median_ms']:.1f} "
            f"| {r['ratio']:.1f} | {r['kb']:.0f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="1k")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep an already built database of that size")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    fresh = prepare_environment(args)
    import django

    django.setup()
    if fresh:
        build(args.size)
    results = run(args)
    print(table(results, f"{args.size} on {args.db}"))
    if args.json:
        Path(args.json).write_text(json.dumps({"size": args.size, "db": args.db, "pages": results}, indent=1))


if __name__ == "__main__":
    main()
