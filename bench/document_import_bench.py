"""Benchmark (not a test): a plan document of N fiches read into a draft, then the project created from it.

The document is the DOCX of bench/import_bench.py (``--source plan``, the default: an axis every 50
fiches, an objective every 10, "Fiche action n° N : …" headings, a section table in one fiche in
three), or the project annex Maillage writes for an N-fiche project built like bench/export_bench.py
(``--source annex``; the reader recognises little of that layout). Then, in a fresh database, what
``maillage import plan.docx`` and the import page's "Créer le projet" do, timed apart:

- reading: ``read_document`` (python-docx, the structure rules) into the draft and its report;
- checking: ``check(draft)``, as the review page does before offering to save;
- creating: ``import_document(draft)`` (which checks the draft again, then writes it), with its queries.

    .venv/bin/python bench/document_import_bench.py [--fiches 200]

SQLite in a temporary directory unless DATABASE_URL is set.
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
    parser.add_argument("--fiches", type=int, default=200)
    parser.add_argument("--source", choices=["plan", "annex"], default="plan")
    options = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="maillage-docbench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from export_bench import generated_document
    from maillage.documents.registry import What, writer_for
    from maillage.imports.plan import read_document
    from maillage.interchange.importing import import_document
    from maillage.interchange.validation import check
    from maillage.projects.models import Project

    call_command("migrate", verbosity=0)
    path = Path(workdir, f"{options.source}-{options.fiches}.docx")
    if options.source == "annex":
        project = import_document(generated_document(options.fiches), replace=True)
        path.write_bytes(writer_for("docx", What("project"))(project, What("project")))
        Project.objects.all().delete()
    else:
        from import_bench import generated_docx

        generated_docx(path, options.fiches)
    print(f"{path.name}: {path.stat().st_size / 1e6:.1f} Mo, {options.fiches} fiches", file=sys.stderr)

    started = time.perf_counter()
    draft, report = read_document(path, path.name, slug="plan", title="Plan importé")
    read = time.perf_counter() - started
    started = time.perf_counter()
    problems = check(draft)
    checked = time.perf_counter() - started
    assert problems == [], problems[:5]
    queries = []
    started = time.perf_counter()
    with connection.execute_wrapper(lambda execute, *args: queries.append(1) or execute(*args)):
        created = import_document(draft)
    create = time.perf_counter() - started
    print("| fiches | read into a draft | check the draft | create the project (check + write) | queries | draft |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {options.fiches} | {read:.2f} s | {checked:.2f} s | {create:.2f} s | {len(queries)} "
        f"| {created.actions.count()} actions, {created.nodes.count()} nodes, "
        f"{report.recognised.get('sections de fiche', 0)} sections |"
    )


if __name__ == "__main__":
    main()
