"""Benchmark (not a test): the open data of a large published plan, and the catalogue of many plans.

Imports a generated plan of N actions (``interchange.tests.generated.large_document``: 7 KB of JSON an
action) and publishes it, then times, through the test client as a visitor with an empty cache, the
first writing of ``plan.json``, ``actions.csv`` and ``arbre.csv`` (the second and third reuse the
public document of the first: one export per change of the plan), then a cached answer; then adds P
small published plans and times the catalogue's first page, counting its queries.

    .venv/bin/python bench/opendata_bench.py [--actions 1000] [--plans 500]

It uses a fresh SQLite database in a temporary directory unless DATABASE_URL is set; DJANGO_DEBUG=0.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--plans", type=int, default=500)
    options = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="maillage-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from maillage.interchange.importing import import_document
    from maillage.interchange.tests.generated import large_document
    from maillage.projects.models import Project

    class Queries:
        """Counts the statements run inside ``with connection.execute_wrapper(queries)``."""

        def __init__(self):
            self.count = 0

        def __call__(self, execute, sql, params, many, context):
            self.count += 1
            return execute(sql, params, many, context)

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    call_command("migrate", verbosity=0)
    document = large_document(options.actions, slug="donnees-bench")
    document["project"]["published"] = True
    project = import_document(document, replace=True)
    Project.objects.filter(pk=project.pk).update(published=True)
    cache.clear()
    client = Client()

    for name in ("plan.json", "actions.csv", "arbre.csv"):
        url = reverse("public-open-data", args=[project.slug, name])
        queries = Queries()
        with connection.execute_wrapper(queries):
            started = time.perf_counter()
            response = client.get(url, secure=True)
            first = time.perf_counter() - started
        started = time.perf_counter()
        client.get(url, secure=True)
        cached = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        print(
            f"{name}: {len(response.content) / 1e6:.2f} MB, first {first:.2f} s ({queries.count} queries), "
            f"from the cache {cached * 1000:.1f} ms (load average {os.getloadavg()[0]:.1f})"
        )

    Project.objects.bulk_create(
        Project(slug=f"plan-{n:05d}", title=f"Plan {n}", kind="pst", first_year=2024, last_year=2027, published=True)
        for n in range(options.plans)
    )
    queries = Queries()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        response = client.get(reverse("public-catalogue"), secure=True)
        elapsed = time.perf_counter() - started
    print(
        f"catalogue, first page of {options.plans + 1} plans: {len(response.content) / 1e3:.0f} KB, "
        f"{elapsed * 1000:.0f} ms, {queries.count} queries"
    )


if __name__ == "__main__":
    main()
