"""Benchmark (not a test): reading a plan document into its draft — time and peak Python memory.

The largest seed (``MAILLAGE_SEEDS_DIR``, default /work/shared/seeds), the largest document of the
corpus (``MAILLAGE_CORPUS_DIR``, default /work/shared/corpus), a DOCX of N actions generated here with
python-docx (an axis heading every 50 actions, an objective every 10, numbered actions, and one fiche in
three with a section table) and a PDF of the same plan generated with ReportLab, read by ``read_document``.
Time is wall clock (best of ``--repeat``); memory is the peak of ``tracemalloc`` during one read,
and the process's peak resident size (getrusage) at the end.

    .venv/bin/python bench/import_bench.py [--actions 1000] [--repeat 3]
"""

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def generated_docx(path: Path, actions: int) -> Path:
    from docx import Document

    document = Document()
    for number in range(actions):
        if number % 50 == 0:
            document.add_heading(f"Axe {number // 50 + 1} : Un axe du projet numéro {number // 50 + 1}", level=1)
        if number % 10 == 0:
            code = f"{number // 50 + 1}.{number % 50 // 10 + 1}"
            document.add_heading(f"Objectif {code} : Un objectif opérationnel {code}", level=2)
        document.add_heading(f"Fiche action n° {number + 1} : Action d'essai numéro {number + 1}", level=3)
        if number % 3 == 0:
            table = document.add_table(rows=2, cols=3)
            for cell, label in zip(table.rows[0].cells, ("Contexte", "Public cible", "Partenariat"), strict=True):
                cell.text = label
            table.rows[1].cells[0].text = "Un constat partagé par les partenaires du territoire. " * 4
            table.rows[1].cells[1].text = "Les familles du quartier"
            table.rows[1].cells[2].text = "Centre social"
            table.rows[1].cells[2].add_paragraph("Caisse d'allocations familiales")
    document.save(path)
    return path


def generated_pdf(path: Path, actions: int) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    story = []
    for number in range(actions):
        if number % 50 == 0:
            story.append(
                Paragraph(f"Axe {number // 50 + 1} : Un axe du projet numéro {number // 50 + 1}", styles["Heading1"])
            )
        if number % 10 == 0:
            code = f"{number // 50 + 1}.{number % 50 // 10 + 1}"
            story.append(Paragraph(f"Objectif {code} : Un objectif opérationnel {code}", styles["Heading2"]))
        story.append(
            Paragraph(f"Fiche action n° {number + 1} : Action d'essai numéro {number + 1}", styles["Heading3"])
        )
        if number % 3 == 0:
            story.append(Paragraph("Public cible : les familles du territoire et leurs enfants.", styles["BodyText"]))
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


def measure(path: Path, repeat: int) -> tuple[float, float, dict]:
    from maillage.imports.plan import read_document

    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        draft, report = read_document(path)
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    read_document(path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 1024 / 1024, report.recognised


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    os.environ.setdefault("MAILLAGE_DATA_DIR", "/tmp/maillage-import-bench")
    import django

    django.setup()
    seeds = Path(os.environ.get("MAILLAGE_SEEDS_DIR", "/work/shared/seeds"))
    rows = []
    largest = max(seeds.glob("*.txt"), key=lambda p: p.stat().st_size, default=None)
    if largest is not None:
        rows.append((f"largest seed `{largest.name}`", largest))
    corpus = Path(os.environ.get("MAILLAGE_CORPUS_DIR", "/work/shared/corpus")) / "docs"
    biggest = max(corpus.glob("*.txt"), key=lambda p: p.stat().st_size, default=None)
    if biggest is not None:
        rows.append((f"largest corpus document `{biggest.name}`", biggest))
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        docx = generated_docx(Path(directory) / f"plan-{options.actions}.docx", options.actions)
        print(f"(generated {docx.name} in {time.perf_counter() - started:.1f} s)", file=sys.stderr)
        rows.append((f"generated DOCX, {options.actions} actions", docx))
        pdf = generated_pdf(Path(directory) / f"plan-{options.actions}.pdf", options.actions)
        rows.append((f"generated PDF, {options.actions} actions", pdf))
        print("| document | size | read into a draft | peak Python memory | recognised |")
        print("|---|---|---|---|---|")
        for label, path in rows:
            seconds, peak, recognised = measure(path, options.repeat)
            counts = f"{recognised['actions']} actions, {recognised['nœuds']} nœuds, " + (
                f"{recognised['sections de fiche']} sections"
            )
            print(f"| {label} | {path.stat().st_size / 1024:.0f} Ko | {seconds:.2f} s | {peak:.1f} MiB | {counts} |")
    print(f"\nprocess peak resident size: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
