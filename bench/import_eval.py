"""Evaluation (not a test): how much of each seed document the document import recognises.

Imports each seed of ``/work/shared/seeds`` (or ``MAILLAGE_SEEDS_DIR``) with ``read_document`` and
compares its draft with the demo documents transcribed from that seed (``src/maillage/demo/data``;
docs/demo.md says which): precision and recall of tree nodes, actions, statuses and fiche sections.

- Titles are matched one to one, best first, when they are close enough: the larger of the
  ``difflib`` ratio and the Dice coefficient of their content words, after accents, case and
  punctuation are dropped, at least ``--threshold`` (0.8).
- Nodes and actions: a draft item is right when it matches an expected one.
- Statuses: a matched action whose status is the expected one (over all draft / all expected actions).
- Fiche sections: a (matched action, section) pair filled in both.

    .venv/bin/python bench/import_eval.py [--threshold 0.8] [--json]
"""

import argparse
import difflib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

# Which demo documents were transcribed from which seed (docs/demo.md): the seed's file name prefix.
DEMO_OF_SEED = {
    "000": ["genas-pset-2"],
    "001": ["pays-du-gier-ctg-p3"],
    "002": ["lyon-pms", "lyon-pst-*"],
    "003": ["clermont-sud", "clermont-gauthiere"],
    "004": ["gea-orientations-cst"],
}


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    os.environ.setdefault("MAILLAGE_DATA_DIR", "/tmp/maillage-import-eval")
    import django

    django.setup()


def seeds_dir() -> Path:
    return Path(os.environ.get("MAILLAGE_SEEDS_DIR", "/work/shared/seeds"))


def expected(prefix: str) -> tuple[list[str], list[dict]]:
    data = ROOT / "src/maillage/demo/data"
    nodes, actions = [], []
    for pattern in DEMO_OF_SEED[prefix]:
        for path in sorted(data.glob(f"{pattern}.json")):
            document = json.loads(path.read_text())
            nodes.extend(_titles(document["nodes"]))
            actions.extend(document["actions"])
    return nodes, actions


def _titles(nodes: list[dict]) -> list[str]:
    return [title for node in nodes for title in [node["title"], *_titles(node["children"])]]


def similarity(a: str, b: str) -> float:
    from maillage.imports.structure import similarity as words
    from maillage.imports.words import normalise

    return max(difflib.SequenceMatcher(None, normalise(a), normalise(b)).ratio(), words(a, b))


def match(found: list[str], wanted: list[str], threshold: float) -> list[tuple[int, int]]:
    """One-to-one pairs (index in found, index in wanted), best first."""
    from maillage.imports.words import normalise

    exact: dict[str, list[int]] = {}
    for j, title in enumerate(wanted):
        exact.setdefault(normalise(title), []).append(j)
    pairs, used_found, used_wanted = [], set(), set()
    for i, title in enumerate(found):  # exact titles first: cheap, and most of them
        for j in exact.get(normalise(title), []):
            if j not in used_wanted:
                pairs.append((i, j))
                used_found.add(i)
                used_wanted.add(j)
                break
    scored = sorted(
        (
            (score, i, j)
            for i, a in enumerate(found)
            if i not in used_found
            for j, b in enumerate(wanted)
            if j not in used_wanted and (score := similarity(a, b)) >= threshold
        ),
        reverse=True,
    )
    for _score, i, j in scored:
        if i not in used_found and j not in used_wanted:
            pairs.append((i, j))
            used_found.add(i)
            used_wanted.add(j)
    return pairs


def ratio(right: int, total: int) -> float | None:
    return right / total if total else None


def evaluate(seed: Path, threshold: float) -> dict:
    from maillage.actions.models import SECTIONS
    from maillage.imports.plan import read_document

    started = time.perf_counter()
    draft, report = read_document(seed)
    seconds = time.perf_counter() - started
    want_nodes, want_actions = expected(seed.name[:3])
    got_nodes = _titles(draft["nodes"])
    node_pairs = match(got_nodes, want_nodes, threshold)
    got_actions = draft["actions"]
    pairs = match([a["title"] for a in got_actions], [a["title"] for a in want_actions], threshold)
    statuses = sum(1 for i, j in pairs if got_actions[i]["status"] == want_actions[j]["status"])
    sections_right = sum(
        1 for i, j in pairs for name in SECTIONS if got_actions[i].get(name) and want_actions[j].get(name)
    )
    got_sections = sum(1 for a in got_actions for name in SECTIONS if a.get(name))
    want_sections = sum(1 for a in want_actions for name in SECTIONS if a.get(name))
    return {
        "seed": seed.name,
        "demo": ", ".join(DEMO_OF_SEED[seed.name[:3]]),
        "seconds": seconds,
        "counts": (len(got_nodes), len(want_nodes), len(got_actions), len(want_actions)),
        "nodes": (ratio(len(node_pairs), len(got_nodes)), ratio(len(node_pairs), len(want_nodes))),
        "actions": (ratio(len(pairs), len(got_actions)), ratio(len(pairs), len(want_actions))),
        "statuses": (ratio(statuses, len(got_actions)), ratio(statuses, len(want_actions))),
        "sections": (ratio(sections_right, got_sections), ratio(sections_right, want_sections)),
        "missed": [want_actions[j]["title"] for j in range(len(want_actions)) if j not in {b for _a, b in pairs}],
        "extra": [got_actions[i]["title"] for i in range(len(got_actions)) if i not in {a for a, _b in pairs}],
    }


def _cell(pair) -> str:
    return " / ".join("—" if value is None else f"{value:.2f}" for value in pair)


def table(results: list[dict]) -> str:
    lines = [
        "| seed | demo documents | nodes (found / expected) | actions (found / expected) | nodes P / R | "
        "actions P / R | statuses P / R | fiche sections P / R | time |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        n_got, n_want, a_got, a_want = r["counts"]
        lines.append(
            f"| `{r['seed'][:3]}` | {r['demo']} | {n_got} / {n_want} | {a_got} / {a_want} | {_cell(r['nodes'])} | "
            f"{_cell(r['actions'])} | {_cell(r['statuses'])} | {_cell(r['sections'])} | {r['seconds']:.2f} s |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--json", action="store_true", help="print the results (with missed and extra titles) as JSON")
    parser.add_argument("--details", action="store_true", help="list the missed and extra action titles")
    options = parser.parse_args()
    setup()
    seeds = sorted(p for p in seeds_dir().glob("*.txt") if p.name[:3] in DEMO_OF_SEED)
    if not seeds:
        sys.exit(f"no seed in {seeds_dir()} (set MAILLAGE_SEEDS_DIR)")
    results = [evaluate(seed, options.threshold) for seed in seeds]
    if options.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    print(table(results))
    if options.details:
        for r in results:
            print(f"\n## {r['seed']}\nmissed: {json.dumps(r['missed'], ensure_ascii=False, indent=1)}")
            print(f"extra: {json.dumps(r['extra'], ensure_ascii=False, indent=1)}")


if __name__ == "__main__":
    main()
