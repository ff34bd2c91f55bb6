"""Benchmark (not a test): geocoding a directory against the local fake Géoplateforme, and the map
pages on the demo.

- ``locate_directory`` on a project of ``--entries`` organisations with a street address, by CSV
  batches of ``MAILLAGE_GEOCODER_BATCH_SIZE``: addresses per second (the fake answers at once, so this
  is Maillage's own cost: building the CSV, reading the answer, saving the structures);
- the demo's map pages (Clermont Sud, the Lyon network, the Pays du Gier territories): queries and
  median milliseconds over ``--runs`` requests through the test client and the whole middleware.

    .venv/bin/python bench/geo_bench.py [--entries 1000] [--runs 5]

Uses a fresh SQLite database in a temporary folder.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="maillage-geo-bench-")
    os.environ["MAILLAGE_DATA_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.SECURE_SSL_REDIRECT = False
    call_command("migrate", verbosity=0)

    from maillage.territories.tests import fake_geocoder

    server = fake_geocoder.start()
    settings.MAILLAGE_GEOCODER_URL = server.url
    from maillage.partners.models import Organisation
    from maillage.projects.models import Project
    from maillage.territories import locating
    from maillage.territories.geocoding import Geocoder

    project = Project.objects.create(slug="bench-geo", title="Banc d'essai", first_year=2024, last_year=2026)
    for n in range(args.entries):
        Organisation.objects.create(
            project=project,
            key=f"o{n}",
            name=f"Association {n}",
            address=f"{n} rue Baudelaire",
            city="Clermont-Ferrand",
        )
    started = time.perf_counter()
    counts = locating.locate_directory(project, Geocoder())
    elapsed = time.perf_counter() - started
    print(
        f"geocoding: {counts.located} of {args.entries} addresses in {elapsed:.2f} s "
        f"({args.entries / elapsed:.0f} addresses/s, batches of {settings.MAILLAGE_GEOCODER_BATCH_SIZE}, "
        f"{len(server.requests)} requests)"
    )
    server.shutdown()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from maillage.accounts.models import User
    from maillage.demo.loading import load_demo

    started = time.perf_counter()
    load_demo()
    print(f"demo loaded in {time.perf_counter() - started:.1f} s (directories placed offline included)")
    client = Client()
    client.force_login(User.objects.create(username="bench", is_superuser=True))
    for url in (
        "/projets/clermont-sud/partenaires/carte/",
        "/projets/clermont-sud/partenaires/carte/donnees.json",
        "/projets/lyon-pms/partenaires/carte/",
        "/projets/pays-du-gier-ctg-p3/territoires/",
        "/plans/clermont-sud/carte/",
    ):
        client.get(url)
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
        print(
            f"{url}: {response.status_code}, {len(queries)} queries, median {statistics.median(times):.0f} ms, "
            f"{len(response.content) // 1024} KiB"
        )


if __name__ == "__main__":
    main()
