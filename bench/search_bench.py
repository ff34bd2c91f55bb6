"""Benchmark (not a test): the search on 100,000 actions in 1,000 projects, on PostgreSQL (or SQLite).

Builds a fresh database, fills it by bulk insert (actions whose titles and descriptions are drawn
from a vocabulary of the plans, so that a word is as common as in real plans), builds the index with
``maillage reindex``'s code, then measures through Django's test client and the whole middleware:

- ``/recherche/?q=…`` for a member of one project (the other 999 half published): queries, median
  over ``--runs`` requests; beside it the same searches as raw SQL in the same run (each group's
  count and first page, the permission in the SQL, as the page asks them);
- ``similar_actions`` for one action;
- the actions list of one project with ``q=``.

    .venv/bin/python bench/search_bench.py [--actions 100000] [--projects 1000] [--db postgres|sqlite]
                                           [--runs 5] [--reuse]

PostgreSQL uses the database maillage_bench_search on 127.0.0.1 (``--pg-url`` to change).
"""

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

_VOCABULARY = (
    "accueil assistante maternelle enfants familles parents jeunes quartier école écoles médiathèque ludothèque "
    "jardin partagé sport culture santé logement emploi insertion numérique mobilité seniors aidants handicap "
    "parentalité loisirs vacances crèche relais centre social association bénévoles habitants lien animation "
    "prévention accompagnement formation accès droits alimentation solidarité transport ateliers rencontre "
    "lecture musique théâtre citoyenneté égalité jeunesse éducation périscolaire cantine vélo"
)
VOCABULARY = _VOCABULARY.split()
QUERIES = ["assistante maternelle", "ludothèques", "jeunes quartier", "numérique seniors accès"]


def prepare_environment(args) -> bool:
    os.environ.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        MAILLAGE_DATA_DIR="/tmp/maillage-bench/data",
        DJANGO_SETTINGS_MODULE="maillage.settings",
        DJANGO_SECURE_SSL_REDIRECT="0",  # the test client speaks plain HTTP
    )
    if args.db == "sqlite":
        path = Path("/tmp/maillage-bench/search.sqlite3")
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not (args.reuse and path.exists())
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return fresh
    import psycopg

    name = "maillage_bench_search"
    with psycopg.connect(args.pg_url + "/postgres", autocommit=True) as admin:
        exists = admin.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
        fresh = not (args.reuse and exists)
        if fresh:
            admin.execute(f'drop database if exists "{name}"')
            admin.execute(f'create database "{name}"')
    os.environ["DATABASE_URL"] = f"{args.pg_url}/{name}"
    return fresh


def sentence(rng, n) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(n))


def build(args) -> None:
    from django.core.management import call_command

    from maillage.accounts.models import Membership, User
    from maillage.actions.models import Action
    from maillage.projects.models import Project
    from maillage.search.indexing import rebuild

    rng = random.Random(12)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    projects = Project.objects.bulk_create(
        Project(
            slug=f"recherche-{i:04d}",
            title=f"Projet social de territoire n° {i}",
            kind="pst",
            first_year=2023,
            last_year=2027,
            published=i % 2 == 0,
        )
        for i in range(args.projects)
    )
    share = args.actions // args.projects
    batch = []
    for project in projects:
        for n in range(share):
            title = sentence(rng, 5).capitalize()
            batch.append(
                Action(
                    project=project,
                    ref=f"A{n:04d}",
                    title=title,
                    description=sentence(rng, 40),
                    target_public=sentence(rng, 6),
                    position=n,
                )
            )
        if len(batch) >= 10_000:
            Action.objects.bulk_create(batch, batch_size=5_000)
            batch = []
    Action.objects.bulk_create(batch, batch_size=5_000)
    user = User.objects.create_user("recherche-membre", password="x")
    Membership.objects.create(user=user, project=projects[1], role=Membership.Role.READER)
    built = time.perf_counter()
    written = rebuild()
    indexed = time.perf_counter()
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does after a load: without it, plans are guessed
    print(
        f"built {Action.objects.count():,} actions in {built - started:.1f} s; "
        f"index of {written:,} rows in {indexed - built:.1f} s"
    )


def timed(function, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
    return len(captured.captured_queries), statistics.median(times) * 1000


def raw_search(user, query):
    """The page's ten searches (a count and a first page per group) as hand-written SQL."""
    from django.db import connection

    from maillage.accounts.access import member_projects
    from maillage.search.engines import terms
    from maillage.search.querying import GROUPS
    from maillage.search.stemming import stems

    members = list(member_projects(user).values_list("pk", flat=True)) or [0]
    found = terms(query)
    with connection.cursor() as cursor:
        for group in GROUPS:
            kinds = [str(kind) for kind in group.kinds]
            if connection.vendor == "postgresql":
                base = (
                    "FROM search_entry e JOIN projects_project p ON p.id = e.project_id "
                    "WHERE e.vector @@ plainto_tsquery('maillage_fr', %s) AND e.kind = ANY(%s) "
                    "AND (e.project_id = ANY(%s) OR (p.published AND e.kind IN ('action', 'node')))"
                )
                params = [" ".join(found), kinds, members]
                cursor.execute("SELECT count(*) " + base, params)
                cursor.fetchall()
                cursor.execute(
                    "SELECT e.id, e.title, e.text, p.title, ts_rank(e.vector, plainto_tsquery('maillage_fr', %s)) r "
                    + base
                    + " ORDER BY r DESC, e.id LIMIT 10",
                    [" ".join(found), *params],
                )
            else:
                match = " ".join(f'"{stem}"' for word in found for stem in stems(word))
                base = (
                    "FROM search_entry_fts f JOIN search_entry e ON e.id = f.rowid "
                    "JOIN projects_project p ON p.id = e.project_id WHERE search_entry_fts MATCH ? "
                    f"AND e.kind IN ({','.join('?' * len(kinds))}) "
                    f"AND (e.project_id IN ({','.join('?' * len(members))}) "
                    "OR (p.published AND e.kind IN ('action', 'node')))"
                )
                params = [match, *kinds, *members]
                cursor.execute("SELECT count(*) " + base, params)
                cursor.fetchall()
                cursor.execute(
                    "SELECT e.id, e.title, e.text, p.title, bm25(search_entry_fts, 4.0, 1.0) r "
                    + base
                    + " ORDER BY r, e.id LIMIT 10",
                    params,
                )
            cursor.fetchall()


def run(args) -> list[tuple]:
    from django.test import Client
    from django.urls import reverse

    from maillage.accounts.models import User
    from maillage.actions.models import Action
    from maillage.search.similar import similar_actions

    user = User.objects.get(username="recherche-membre")
    client = Client()
    client.force_login(user)
    client.get("/sante/")
    rows = []
    for query in QUERIES:
        response = client.get(reverse("search"), {"q": query})
        assert response.status_code == 200, response.status_code
        page_queries, page_ms = timed(lambda q=query: client.get(reverse("search"), {"q": q}), args.runs)
        raw_queries, raw_ms = timed(lambda q=query: raw_search(user, q), args.runs)
        count = response.context["total"]
        rows.append((f"/recherche/?q={query}", count, page_queries, page_ms, raw_queries, raw_ms))
    action = Action.objects.filter(project__slug="recherche-0001").order_by("pk").first()
    queries, ms = timed(lambda: similar_actions(action, user), args.runs)
    rows.append(("similar_actions (5)", 5, queries, ms, None, None))
    url = reverse("action-list", args=["recherche-0001"])
    queries, ms = timed(lambda: client.get(url, {"q": "assistante maternelle"}), args.runs)
    rows.append(("actions list ?q=assistante maternelle", None, queries, ms, None, None))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=1_000)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    fresh = prepare_environment(args)
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # response.context, and ALLOWED_HOSTS for "testserver"
    if fresh:
        build(args)
    rows = run(args)
    print(f"\n{args.actions:,} actions in {args.projects:,} projects, {args.db}, median of {args.runs} runs\n")
    print("| what | results | queries | median ms | raw SQL queries | raw SQL median ms | × raw |")
    print("|---|---|---|---|---|---|---|")
    for what, count, queries, ms, raw_queries, raw_ms in rows:
        ratio = f"{ms / raw_ms:.1f}" if raw_ms else ""
        raw = f"{raw_queries} | {raw_ms:.1f}" if raw_ms else " | "
        print(f"| {what} | {'' if count is None else f'{count:,}'} | {queries} | {ms:.1f} | {raw} | {ratio} |")


if __name__ == "__main__":
    main()
