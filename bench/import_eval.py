"""Evaluation (not a test): how much of each seed and corpus document the document import recognises.

Imports each seed of ``/work/shared/seeds`` (or ``MAILLAGE_SEEDS_DIR``) with ``read_document`` and
compares its draft with the demo documents transcribed from that seed (``src/maillage/demo/data``;
docs/demo.md says which); imports each document of the corpus (``MAILLAGE_CORPUS_DIR``, default
``/work/shared/corpus``: real public plans with a hand-built ``gold.json`` and a ``split.json`` into a
development half and a test half) and compares it with its gold. Per document and pooled per group
(seeds, dev, test): precision and recall of actions, of nodes (at the right level, and at any level),
of statuses (over the statuses the text gives), fiche sections (seeds), whether the project's kind
and period are right, and the invented items (draft nodes and actions that match nothing).

The corpus's test half is for measuring only: rules are written from the seeds and the dev half.

- Titles are matched one to one, best first, when they are close enough: the larger of the
  ``difflib`` ratio and the Dice coefficient of their content words, after accents, case and
  punctuation are dropped, at least ``--threshold`` (0.8).
- Nodes and actions: a draft item is right when it matches an expected one.
- Statuses: a matched action whose status is the expected one (over all draft / all expected actions).
- Fiche sections: a (matched action, section) pair filled in both.

    .venv/bin/python bench/import_eval.py [--threshold 0.8] [--json] [--details] [--group seeds|dev|test]
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


def corpus_dir() -> Path:
    return Path(os.environ.get("MAILLAGE_CORPUS_DIR", "/work/shared/corpus"))


def expected(prefix: str) -> dict:
    """The gold of a seed, from its demo documents: nodes (title, depth), actions, kinds, periods."""
    data = ROOT / "src/maillage/demo/data"
    # the demo gives every action a status, « à venir » where the document says none: the draft's default counts
    gold = {"nodes": [], "actions": [], "kinds": set(), "periods": set(), "default_status": True}
    for pattern in DEMO_OF_SEED[prefix]:
        for path in sorted(data.glob(f"{pattern}.json")):
            document = json.loads(path.read_text())
            gold["nodes"].extend(_tree(document["nodes"]))
            gold["actions"].extend(document["actions"])
            gold["kinds"].add(document["project"]["kind"])
            gold["periods"].add((document["project"]["period"]["start"], document["project"]["period"]["end"]))
    return gold


def _tree(nodes: list[dict], depth: int = 1) -> list[tuple[str, int]]:
    """(title, depth) of every node, in document order."""
    return [item for node in nodes for item in [(node["title"], depth), *_tree(node["children"], depth + 1)]]


def _titles(nodes: list[dict]) -> list[str]:
    return [title for title, _depth in _tree(nodes)]


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


def _read(path: Path) -> tuple[dict, object, float, dict]:
    """The draft, the report, the seconds taken, and what the reader says of the project (kind, period:
    None when it did not read them; older readers say nothing, their draft's values are taken)."""
    from maillage.imports.plan import read_document

    started = time.perf_counter()
    draft, report = read_document(path)
    seconds = time.perf_counter() - started
    project = getattr(report, "project", None)
    if project is None:
        period = draft["project"]["period"]
        project = {"kind": draft["project"]["kind"], "period": (period["start"], period["end"])}
    statusless = getattr(report, "without_status", None)
    if statusless is None:  # older readers: the warnings name the actions read « à venir » by default
        text = " ".join(report.warnings)
        if "aucune des" in text:
            statusless = [a["ref"] for a in draft["actions"]]
        else:
            statusless = [a["ref"] for a in draft["actions"] if f"l'action {a['ref']} " in text]
    return draft, report, seconds, {**project, "statusless": set(statusless)}


def score(name: str, group: str, draft: dict, read: dict, seconds: float, gold: dict, threshold: float) -> dict:
    """Counts of one document against its gold (pooled later by summing them)."""
    from maillage.actions.models import SECTIONS

    got_nodes = _tree(draft["nodes"])
    want_nodes = gold["nodes"]
    node_pairs = match([t for t, _d in got_nodes], [t for t, _d in want_nodes], threshold)
    at_level = sum(1 for i, j in node_pairs if got_nodes[i][1] == want_nodes[j][1])
    got_actions, want_actions = draft["actions"], gold["actions"]
    pairs = match([a["title"] for a in got_actions], [a["title"] for a in want_actions], threshold)
    if gold.get("default_status"):
        read = {**read, "statusless": set()}
    read_statuses = [a for a in got_actions if a["ref"] not in read["statusless"]]
    want_statuses = [a for a in want_actions if a.get("status")]
    statuses_right = sum(
        1
        for i, j in pairs
        if want_actions[j].get("status")
        and got_actions[i]["ref"] not in read["statusless"]
        and got_actions[i]["status"] == want_actions[j]["status"]
    )
    sections_right = sum(
        1 for i, j in pairs for name in SECTIONS if got_actions[i].get(name) and want_actions[j].get(name)
    )
    matched_nodes, matched_actions = {i for i, _j in node_pairs}, {i for i, _j in pairs}
    return {
        "document": name,
        "group": group,
        "seconds": seconds,
        "n": {
            "nodes_got": len(got_nodes),
            "nodes_want": len(want_nodes),
            "nodes_right": len(node_pairs),
            "nodes_at_level": at_level,
            "actions_got": len(got_actions),
            "actions_want": len(want_actions),
            "actions_right": len(pairs),
            "statuses_got": len(read_statuses),
            "statuses_want": len(want_statuses),
            "statuses_right": statuses_right,
            "sections_got": sum(1 for a in got_actions for name in SECTIONS if a.get(name)),
            "sections_want": sum(1 for a in want_actions for name in SECTIONS if a.get(name)),
            "sections_right": sections_right,
            "kind_right": int(read["kind"] in gold["kinds"]),
            "period_right": int(read["period"] in gold["periods"]),
            "documents": 1,
        },  # fmt: skip
        "kind": read["kind"],
        "period": read["period"],
        "missed": [want_actions[j]["title"] for j in range(len(want_actions)) if j not in {b for _a, b in pairs}],
        "missed_nodes": [want_nodes[j][0] for j in range(len(want_nodes)) if j not in {b for _a, b in node_pairs}],
        "extra": [got_actions[i]["title"] for i in range(len(got_actions)) if i not in matched_actions],
        "extra_nodes": [got_nodes[i][0] for i in range(len(got_nodes)) if i not in matched_nodes],
    }


def evaluate(seed: Path, threshold: float) -> dict:
    draft, _report, seconds, read = _read(seed)
    result = score(seed.name, "seeds", draft, read, seconds, expected(seed.name[:3]), threshold)
    result["demo"] = ", ".join(DEMO_OF_SEED[seed.name[:3]])
    return result


def corpus_gold(entry: dict) -> dict:
    period = entry.get("period")
    return {
        "nodes": [(node["title"], node["level"]) for node in entry["nodes"]],
        "actions": entry["actions"],
        "kinds": {entry["kind"]},
        "periods": {tuple(period) if period else None},
    }


def evaluate_corpus(threshold: float, groups: set[str]) -> list[dict]:
    root = corpus_dir()
    if not (root / "gold.json").exists():
        return []
    gold = json.loads((root / "gold.json").read_text())
    split = json.loads((root / "split.json").read_text())
    results = []
    for group in ("dev", "test"):
        if group not in groups:
            continue
        for name in split[group]:
            draft, _report, seconds, read = _read(root / "docs" / name)
            results.append(score(name, group, draft, read, seconds, corpus_gold(gold[name]), threshold))
    return results


def pooled(results: list[dict]) -> dict:
    total: dict[str, int] = {}
    for r in results:
        for key, value in r["n"].items():
            total[key] = total.get(key, 0) + value
    return total


def figures(n: dict) -> dict:
    """Precision / recall pairs of counts (one document's or pooled)."""
    return {
        "actions": (ratio(n["actions_right"], n["actions_got"]), ratio(n["actions_right"], n["actions_want"])),
        "nodes": (ratio(n["nodes_right"], n["nodes_got"]), ratio(n["nodes_right"], n["nodes_want"])),
        "nodes_at_level": (ratio(n["nodes_at_level"], n["nodes_got"]), ratio(n["nodes_at_level"], n["nodes_want"])),
        "statuses": (ratio(n["statuses_right"], n["statuses_got"]), ratio(n["statuses_right"], n["statuses_want"])),
        "sections": (ratio(n["sections_right"], n["sections_got"]), ratio(n["sections_right"], n["sections_want"])),
        "invented": (n["actions_got"] - n["actions_right"], n["nodes_got"] - n["nodes_right"]),
    }


def _cell(pair) -> str:
    return " / ".join("—" if value is None else f"{value:.2f}" for value in pair)


HEADER = (
    "| document | nodes (found / gold) | actions (found / gold) | actions P / R | nodes P / R (any level) | "
    "nodes P / R (right level) | statuses P / R | kind | period | invented (actions, nodes) |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)


def _line(label: str, n: dict, kind: str, period: str) -> str:
    f = figures(n)
    return (
        f"| {label} | {n['nodes_got']} / {n['nodes_want']} | {n['actions_got']} / {n['actions_want']} | "
        f"{_cell(f['actions'])} | {_cell(f['nodes'])} | {_cell(f['nodes_at_level'])} | {_cell(f['statuses'])} | "
        f"{kind} | {period} | {f['invented'][0]}, {f['invented'][1]} |"
    )


def table(results: list[dict]) -> str:
    """One table: each document, then the pooled line of its group."""
    lines = [HEADER]
    for group in ("seeds", "dev", "test"):
        rows = [r for r in results if r["group"] == group]
        if not rows:
            continue
        for r in rows:
            n = r["n"]
            period = "—" if r["period"] is None else "-".join(str(y) for y in r["period"])
            kind = f"{r['kind']} {'✓' if n['kind_right'] else '✗'}"
            period = f"{period} {'✓' if n['period_right'] else '✗'}"
            lines.append(_line(f"{group} `{r['document'][:40]}`", n, kind, period))
        n = pooled(rows)
        kind, period = f"{n['kind_right']} / {n['documents']}", f"{n['period_right']} / {n['documents']}"
        lines.append(_line(f"**{group} pooled**", n, kind, period))
    return "\n".join(lines)


def summary(results: list[dict]) -> str:
    """The pooled lines only (the table of docs/imports.md)."""
    lines = [HEADER.replace("| document |", "| group |", 1)]
    for group in ("seeds", "dev", "test"):
        rows = [r for r in results if r["group"] == group]
        if rows:
            n = pooled(rows)
            lines.append(
                _line(group, n, f"{n['kind_right']} / {n['documents']}", f"{n['period_right']} / {n['documents']}")
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--json", action="store_true", help="print the results (with missed and extra titles) as JSON")
    parser.add_argument("--details", action="store_true", help="list the missed and extra titles")
    parser.add_argument("--summary", action="store_true", help="only the pooled line of each group")
    parser.add_argument("--group", action="append", choices=["seeds", "dev", "test"],
                        help="the groups to run (default: all); the test half is for measuring only")  # fmt: skip
    options = parser.parse_args()
    groups = set(options.group or ["seeds", "dev", "test"])
    setup()
    results = []
    if "seeds" in groups:
        seeds = sorted(p for p in seeds_dir().glob("*.txt") if p.name[:3] in DEMO_OF_SEED)
        if not seeds:
            print(f"no seed in {seeds_dir()} (set MAILLAGE_SEEDS_DIR)", file=sys.stderr)
        results.extend(evaluate(seed, options.threshold) for seed in seeds)
    results.extend(evaluate_corpus(options.threshold, groups))
    if not results:
        sys.exit("nothing to evaluate (set MAILLAGE_SEEDS_DIR or MAILLAGE_CORPUS_DIR)")
    if options.json:
        print(json.dumps(results, ensure_ascii=False, indent=2, default=list))
        return
    print(summary(results) if options.summary else table(results))
    if options.details:
        for r in results:
            print(f"\n## {r['document']}")
            for key in ("missed", "extra", "missed_nodes", "extra_nodes"):
                print(f"{key}: {json.dumps(r[key], ensure_ascii=False)}")


if __name__ == "__main__":
    main()
