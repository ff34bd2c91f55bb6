"""Benchmark (not a test): versions of a plan of N full fiches — snapshot, comparison, documents.

The plan is the export benchmark's (the Clermont-Ferrand demo's 47 full fiches copied until there are
N, with budget lines). It takes a version, changes a tenth of the actions (status, a section, a new
node, new actions), takes a second version, then times: the snapshot (export + compression), reading a
version back, comparing two stored versions and a version with today, the update panorama and the
bilan, and the comparison document in DOCX and PDF. Wall times (best of ``--repeat``) and processor
seconds; sizes of the JSON and of what is stored.

    .venv/bin/python bench/versions_bench.py [--fiches 500,5000] [--repeat 3] [--formats docx,pdf]

It uses a fresh SQLite database in a temporary directory unless DATABASE_URL is set.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def _processor() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label, function, repeat):
    best, processor, result = None, 0.0, None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), _processor()
        result = function()
        elapsed = time.perf_counter() - started
        processor = _processor() - cpu
        best = elapsed if best is None else min(best, elapsed)
    print(f"  {label}: {best * 1000:.0f} ms (processor {processor * 1000:.0f} ms)")
    return result


def bench(fiches: int, options) -> None:
    from export_bench import generated_document

    from maillage.actions.models import Action, ActionNode
    from maillage.documents.registry import What, write
    from maillage.interchange.importing import import_document
    from maillage.projects.models import Node
    from maillage.versions.comparing import renewal_bilan, update_panorama
    from maillage.versions.models import Version
    from maillage.versions.taking import comparison_of, take_version

    project = import_document(generated_document(fiches), replace=True)
    print(f"{fiches} fiches ({project.actions.count()} actions, {project.nodes.count()} nodes):")
    first = timed("snapshot (export + compress + save)", lambda: take_version(project, label="Avant"), 1)
    print(f"  document: {first.size / 1e6:.2f} Mo of JSON, {len(bytes(first.document)) / 1e6:.2f} Mo stored")
    changed = list(project.actions.order_by("pk").values_list("pk", flat=True)[::10])
    Action.objects.filter(pk__in=changed).update(status="done", obstacles="Changé pour le banc d'essai")
    level = project.levels.order_by("depth").first()
    axis = Node.objects.create(project=project, level=level, code="NEW", title="Un axe ajouté", position=999)
    made = Action.objects.bulk_create(
        Action(project=project, ref=f"NEW-{n}", title=f"Action ajoutée {n}", position=10_000 + n)
        for n in range(fiches // 20)
    )
    ActionNode.objects.bulk_create(ActionNode(action=a, node=axis) for a in made)
    second = take_version(project, label="Après")
    timed("read one version", lambda: Version.objects.defer(None).get(pk=first.pk).read(), options.repeat)
    stored = timed(
        "compare two stored versions", lambda: comparison_of(project, str(first.pk), str(second.pk)), options.repeat
    )
    timed("compare a version with today", lambda: comparison_of(project, str(first.pk), "current"), options.repeat)
    timed("update panorama", lambda: update_panorama(stored), options.repeat)
    timed("renewal bilan", lambda: renewal_bilan(stored), options.repeat)
    counts = {kind: n for kind, _label, n in stored.counts() if n}
    print(f"  differences: {counts}")
    for format in options.formats.split(","):
        what = What("comparison", argument=f"{first.pk}:{second.pk}")
        content = timed(
            f"comparison document, {format}", lambda what=what, format=format: write(format, project, what), 1
        )
        print(f"    {len(content) / 1e6:.2f} Mo")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak resident memory so far: {rss:.0f} Mo (load average {os.getloadavg()[0]:.1f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", default="500,5000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="docx,pdf")
    options = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="maillage-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    for fiches in [int(n) for n in options.fiches.split(",")]:
        bench(fiches, options)


if __name__ == "__main__":
    main()
