"""Hostile spreadsheets: read time and peak memory of the reading process for each (one child process
per file, so that each peak is its own). ``python bench/sheet_bench.py`` from the repository root.

The files come from ``maillage.imports.tests.bombs``; the ratio check is lifted for the ODS of empty
rows (it refuses them first), so that the reader itself is measured."""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = {
    "XLSX, one cell at XFD1048576": ("far_corner_xlsx", [], ".xlsx"),
    "XLSX, 1,000,000 empty rows": ("empty_rows", [".xlsx", 1_000_000], ".xlsx"),
    "ODS, 90,000 empty rows": ("empty_rows", [".ods", 90_000], ".ods"),
    "ODS, 1,000,000 empty rows": ("empty_rows", [".ods", 1_000_000], ".ods"),
    "ODS, an empty row repeated over the grid": ("repeated_ods", [False], ".ods"),
    "ODS, a full row repeated over the grid": ("repeated_ods", [True], ".ods"),
}


def child(path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    import django

    django.setup()
    from django.conf import settings

    from maillage.imports.reading import UnreadableFile
    from maillage.imports.spreadsheet import read_spreadsheet

    settings.MAILLAGE_IMPORT_MAX_RATIO = 100_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    try:
        document, _report = read_spreadsheet(path, slug="bench", title="Bench")
        outcome = f"read, {len(document['actions'])} action(s)"
    except UnreadableFile as refusal:
        outcome = "refused: " + str(refusal)[:70]
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024, "idle_mb": before / 1024, "outcome": outcome}))


def make(maker: str, arguments: list, path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    import django

    django.setup()
    from maillage.imports.tests import bombs

    Path(path).write_bytes(getattr(bombs, maker)(*arguments))


def main() -> None:
    """Each file made by one process and read by another: Linux keeps a process's peak memory across
    ``exec``, so the process that measures must never have held the file being made."""
    print("| file | size | time | peak RSS (after start-up) | outcome |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for label, (maker, arguments, suffix) in CASES.items():
            path = Path(folder) / f"bench{suffix}"
            subprocess.run([sys.executable, __file__, "--make", maker, json.dumps(arguments), str(path)], check=True)
            out = subprocess.run([sys.executable, __file__, str(path)], capture_output=True, text=True, check=True)
            figures = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"| {label} | {path.stat().st_size / 1024:.1f} Ko | {figures['seconds']:.2f} s | "
                f"{figures['peak_mb']:.0f} MB ({figures['idle_mb']:.0f}) | {figures['outcome']} |"
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--make":
        make(sys.argv[2], json.loads(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) > 1:
        child(sys.argv[1])
    else:
        main()
