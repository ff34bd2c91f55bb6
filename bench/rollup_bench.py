"""Benchmark (not a test): the roll-up page of a network of N child projects and M actions, against the
same aggregate written as raw SQL, in the same run.

Builds (bulk_create) a framework with N children, each with M / N top-level actions of every status,
end dates around today and a period for a third of them; one campaign per tenth child with its answers.
Measures, on the network admin's session, the roll-up page ``/projets/<slug>/reseau/`` (query count
and median of 5 runs) and the raw SQL floor (one GROUP BY query over the same actions), then the page
sorted by share done, and the XLSX export.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_bench .venv/bin/python bench/rollup_bench.py \
        [--children 1000] [--actions 100000] [--runs 5]

It uses a fresh SQLite database in a temporary directory unless DATABASE_URL is set.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(children: int, actions: int):
    from maillage.accounts.models import Membership, User
    from maillage.actions.models import Action
    from maillage.actions.progress import STATUS_ORDER
    from maillage.projects.models import Period, Project

    slug = f"bench-reseau-{children}"
    kept = Project.objects.filter(slug=slug).first()
    if kept and Action.objects.filter(project__parent=kept).count() == actions // children * children:
        return kept, User.objects.get(username=f"reseau-{slug}")  # the network of an earlier run
    Project.objects.filter(parent__slug=slug).delete()
    Project.objects.filter(slug=slug).delete()
    parent = Project.objects.create(slug=slug, title="Cadre d'essai", kind="pms", first_year=2023, last_year=2026)
    admin, _ = User.objects.get_or_create(username=f"reseau-{slug}")
    Membership.objects.get_or_create(user=admin, project=parent, defaults={"role": "network_admin"})
    Project.objects.bulk_create(
        Project(
            slug=f"{slug}-{i:04d}",
            title=f"PST d'essai n° {i:04d}",
            kind="pst",
            first_year=2023,
            last_year=2026,
            parent=parent,
            calendar_token=f"jeton-{slug}-{i}",
        )
        for i in range(children)
    )
    kids = list(Project.objects.filter(parent=parent).order_by("slug"))
    periods = Period.objects.bulk_create(
        Period(project=kid, label="2023-2024", first_year=2023, last_year=2024) for kid in kids
    )
    today = datetime.date.today()
    per = actions // children
    batch = []
    for k, kid in enumerate(kids):
        for i in range(per):
            n = k * per + i
            batch.append(
                Action(
                    project=kid,
                    ref=f"A{i}",
                    title=f"Action {i}",
                    status=STATUS_ORDER[n % len(STATUS_ORDER)],
                    end_date=today + datetime.timedelta(days=(n % 200) - 100) if n % 3 else None,
                    position=i,
                )
            )
        if len(batch) >= 20000:
            Action.objects.bulk_create(batch)
            batch = []
    Action.objects.bulk_create(batch)
    through = Action.periods.through
    by_project = {period.project_id: period.pk for period in periods}
    links = [
        through(action_id=pk, period_id=by_project[project_id])
        for pk, project_id in Action.objects.filter(project__parent=parent, end_date__isnull=True).values_list(
            "pk", "project_id"
        )
    ]
    through.objects.bulk_create(links, batch_size=20000)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a real database
    return parent, admin


def timed(function, runs):
    function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1000)
    parser.add_argument("--actions", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="maillage-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from maillage.documents.registry import parse_what, write

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    started = time.perf_counter()
    parent, admin = build(options.children, options.actions)
    print(f"{options.children} children, {options.actions} actions, built in {time.perf_counter() - started:.0f} s")
    client = Client()
    client.force_login(admin)
    url = reverse("project-network", args=[parent.slug])
    today = datetime.date.today()

    from maillage.projects.rollup import grouped_queries

    members = [parent.pk, *parent.children.values_list("pk", flat=True)]
    from maillage.projects.models import Project
    from maillage.projects.network import descendants_q

    network = Project.objects.filter(descendants_q([parent.pk])).values("pk", "parent_id", "slug", "title")
    statements = [query.query.sql_with_params() for query in (network, *grouped_queries(members, today))]

    def raw():
        """The floor: the same aggregates sent as SQL text through a cursor, rows fetched, nothing built."""
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    for name, address in [("roll-up page", url), ("roll-up page sorted", url + "?tri=-terminees")]:
        connection.force_debug_cursor = True
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
            assert response.status_code == 200, (response.status_code, response.get("Location"))
        page = timed(lambda address=address: client.get(address), options.runs)
        floor = timed(raw, options.runs)
        print(
            f"  {name}: {len(queries)} queries, {page * 1000:.0f} ms (median of {options.runs}); "
            f"raw SQL aggregate {floor * 1000:.0f} ms; ratio {page / floor:.1f}x"
        )
    what = parse_what(parent, "rollup")
    xlsx = timed(lambda: write("xlsx", parent, what), 1)
    print(f"  XLSX export: {xlsx * 1000:.0f} ms")


if __name__ == "__main__":
    main()
