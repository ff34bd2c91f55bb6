"""Benchmark (not a test): the whole project document of a 1,000-fiche project, in DOCX and PDF.

Generates the project through the interchange importer from the 47 full fiches of the Clermont-Ferrand
demo (real section texts, partners, indicators), each copied until there are N fiches, placed under
the same nodes as their model, with budget lines; then times building + rendering each format and
reports the peak resident memory (getrusage) of the process and of its largest worker (the PDF
of a big document is laid out by a pool of processes) after each format, and the processor seconds
spent (on a machine shared with other jobs the wall time says more about the neighbours).

    .venv/bin/python bench/export_bench.py [--fiches 1000] [--formats build,docx,pdf,odt]

Run one format per process to read each one's own peak (the peak is the process's, so far).

It uses a fresh SQLite database in a temporary directory unless DATABASE_URL is set.
"""

import argparse
import copy
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def generated_document(fiches: int) -> dict:
    document = json.loads((ROOT / "src/maillage/demo/data/clermont-sud.json").read_text())
    document["project"]["slug"] = f"bench-{fiches}"
    document["project"]["title"] = f"Projet d'essai à {fiches} fiches actions"
    document["meetings"] = []
    templates = document["actions"]
    funders = [partner["key"] for partner in document["partners"]][:4]
    where = {}

    def index(nodes):
        for node in nodes:
            for ref in node.get("actions", []):
                where.setdefault(ref, []).append(node)
            index(node.get("children", []))

    index(document["nodes"])
    actions = []
    for number in range(fiches):
        template = templates[number % len(templates)]
        action = copy.deepcopy(template)
        if number >= len(templates):
            action["ref"] = f"{template['ref']}-{number:04d}"
            action.pop("code", None)
            for node in where.get(template["ref"], []):
                node["actions"].append(action["ref"])
        start = document["project"]["period"]["start"]
        action["budget"] = [
            {
                "label": "Animation",
                "nature": "operating",
                "kind": "planned",
                "year": start + number % 4,
                "amount": 1000 + number,
                "funder": funders[number % len(funders)],
            }
        ]
        actions.append(action)
    document["actions"] = actions
    return document


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", type=int, default=1000)
    parser.add_argument("--formats", default="docx,pdf")
    parser.add_argument("--keep", help="directory where to keep the produced files")
    options = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="maillage-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from maillage.documents.registry import What, writer_for
    from maillage.interchange.importing import import_document

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    project = import_document(generated_document(options.fiches), replace=True)
    print(
        f"import of {project.actions.count()} fiches: {time.perf_counter() - started:.1f} s, peak resident "
        f"memory so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} Mo"
    )

    def processor_seconds() -> float:
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    for format in options.formats.split(","):
        what = What("project")
        # "build": the neutral document alone (loading and building, no renderer), to tell its share.
        writer = None if format == "build" else writer_for(format, what)
        if format == "build":
            from maillage.documents.annex.writers import build

            def writer(project, what):
                build(project, what)
                return b""
        started, processor = time.perf_counter(), processor_seconds()
        content = writer(project, what)
        elapsed = time.perf_counter() - started
        processor = processor_seconds() - processor
        pages = ""
        if format == "pdf":
            from io import BytesIO

            from pypdf import PdfReader

            pages = f", {len(PdfReader(BytesIO(content)).pages)} pages"
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{format}: {elapsed:.1f} s ({processor:.1f} s of processor, workers included; load average "
            f"{os.getloadavg()[0]:.1f}), {len(content) / 1e6:.1f} Mo{pages}, peak resident memory so far "
            f"{rss:.0f} Mo (largest worker process: "
            f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} Mo)"
        )
        if options.keep:
            Path(options.keep, f"bench-{options.fiches}.{format}").write_bytes(content)


if __name__ == "__main__":
    main()
