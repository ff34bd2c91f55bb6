"""The document import in one call: a plan document → (draft ``maillage/project@1`` document, report).

``read_document`` is what the CLI and a background task call; bad files raise ``UnreadableFile``
(French message) before anything is created. ``progress(done, total)`` is called while the file is
read (pages of a PDF, paragraphs of a DOCX/ODT, lines of a text file).
"""

from pathlib import Path

from django.utils.text import slugify

from maillage.actions.models import SECTIONS

from .documents import Progress, read_blocks
from .drafting import Report
from .identity import project_facts
from .structure import Recogniser
from .words import normalise, years_in

MAX_LEVELS = 6


def read_document(source, name: str | None = None, progress: Progress = None, *, slug: str | None = None,
                  title: str | None = None) -> tuple[dict, Report]:  # fmt: skip
    """The draft and the report of a DOCX, ODT, PDF, TXT or Markdown file (a path or a binary file object)."""
    name = Path(str(name or getattr(source, "name", None) or source)).name
    blocks = read_blocks(source, name, progress)
    report = Report(document=name)
    recogniser = Recogniser(blocks, report)
    recogniser.run()
    stem = Path(name).stem
    document = _document(
        recogniser,
        report,
        slug=slug or slugify(stem).replace("_", "-")[:50].strip("-") or "projet-importe",
        title=title or stem,
    )
    for index, block in enumerate(recogniser.blocks):
        if not recogniser.used[index] and block.kind in ("paragraph", "item", "row") and len(block.text) > 3:
            report.unplaced.append((block.where, block.text))
    return document, report


def _document(recogniser: Recogniser, report: Report, *, slug: str, title: str) -> dict:
    actions = recogniser.actions
    refs: dict[int, str] = {}
    for number, action in enumerate(actions, start=1):
        refs[id(action)] = f"A{number:03d}"
    levels = _levels(recogniser)
    nodes = [_node(node, refs, levels, -1) for node in recogniser.roots]
    without_status = [a for a in actions if not a.get("status")]
    if actions and len(without_status) == len(actions):
        report.warnings.append(
            f"aucune des {len(actions)} actions n'a de statut dans le document : toutes sont lues « à venir »."
        )
    else:
        for action in without_status:
            report.warnings.append(
                f"l'action {refs[id(action)]} « {action['title'][:80]} » n'a pas de statut (lue « à venir »)."
            )
    seen: dict[str, str] = {}
    for action in actions:
        folded = normalise(action["title"])
        if folded in seen:
            report.warnings.append(
                f"deux actions portent le même intitulé « {action['title'][:80]} » "
                f"({seen[folded]} et {refs[id(action)]})."
            )
        else:
            seen[folded] = refs[id(action)]
    facts = project_facts([block.text for block in recogniser.blocks])
    report.without_status = [refs[id(a)] for a in without_status]
    periods: dict[str, dict] = {}
    years = list(facts["period"] or ())
    out_actions = []
    for action in actions:
        item = {
            "ref": refs[id(action)],
            "title": action["title"][:500] or "(sans titre)",
            "status": action.get("status") or "planned",
        }
        for key in ("code", "origin", "scale"):
            if action.get(key):
                item[key] = action[key]
        if action.get("_parent") is not None and id(action["_parent"]) in refs and action["_parent"] is not action:
            item["parent"] = refs[id(action["_parent"])]
        if action.get("periods"):
            item["periods"] = []
            for label in action["periods"]:
                found = years_in(label)
                periods.setdefault(label, {"label": label, "start": min(found), "end": max(found)})
                years.extend(found)
                item["periods"].append(label)
        for name in SECTIONS:
            if action.get(name):
                item[name] = action[name]
        if action.get("description") and "description" not in item:
            item["description"] = action["description"]
        if action.get("partners"):
            item["partners"] = action["partners"]
        if action.get("indicators"):
            item["indicators"] = action["indicators"]
        out_actions.append(item)
    read = bool(years)
    if not years:
        years = list(facts["draft_period"])
    elif facts["period"] is None:  # the actions' periods say it
        facts["unsure"] = [u for u in facts["unsure"] if not u.startswith("aucune p")]
    report.unsure.extend(facts["unsure"])
    start, end = min(years), max(years)
    report.project = {"kind": facts["kind"], "period": (start, end) if read else None}
    document = {
        "schema": "maillage/project@1",
        "project": {
            "slug": slug,
            "title": title[:255] or slug,
            "kind": facts["kind"],
            "period": {"start": start, "end": end},
        },
        "levels": levels or ["Axe"],
        "nodes": nodes,
        "actions": out_actions,
    }
    if periods:
        document["periods"] = sorted(periods.values(), key=lambda p: (p["start"], p["end"]))
    if recogniser.partners:
        document["partners"] = list(recogniser.partners.values())
    if recogniser.acronyms:
        document["acronyms"] = [{"acronym": a, "expansion": e} for a, e in recogniser.acronyms.items()]
    if recogniser.bodies:
        document["bodies"] = list(recogniser.bodies.values())
    report.recognised = {
        "actions": len(out_actions),
        "nœuds": _count(nodes),
        "avec statut": sum(1 for a in actions if a.get("status")),
        "avec origine": sum(1 for a in actions if a.get("origin")),
        "sections de fiche": sum(1 for a in out_actions for name in SECTIONS if a.get(name)),
        "partenaires": len(recogniser.partners),
        "instances": len(recogniser.bodies),
        "sigles": len(recogniser.acronyms),
        "périodes": len(periods),
    }
    return document


def _levels(recogniser: Recogniser) -> list[str]:
    """The level names the nodes use, top first (at most six)."""
    used: list[str] = []
    for name in recogniser.levels:
        if any(node.level == name for node in recogniser.nodes) and name not in used:
            used.append(name)
    for node in recogniser.nodes:
        if node.level not in used:
            used.append(node.level)
    return used[:MAX_LEVELS]


def _node(node, refs: dict, levels: list[str], parent_index: int) -> dict:
    index = levels.index(node.level) if node.level in levels else -1
    if index <= parent_index:  # a level out of order in this branch: the next level down
        index = min(parent_index + 1, len(levels) - 1)
    children = [] if index >= len(levels) - 1 and node.children else None
    out = {
        "code": node.code[:50],
        "title": node.title[:255] or node.code or "(sans titre)",
        "level": levels[index],
        "children": [],
        "actions": [],
    }
    for action in node.actions:
        ref = refs[id(action)]
        if ref not in out["actions"]:
            out["actions"].append(ref)
    if children is not None:  # no deeper level left: the children's actions come up to this node
        for child in _descendants(node):
            for action in child.actions:
                if refs[id(action)] not in out["actions"]:
                    out["actions"].append(refs[id(action)])
    else:
        out["children"] = [_node(child, refs, levels, index) for child in node.children]
    return out


def _descendants(node):
    for child in node.children:
        yield child
        yield from _descendants(child)


def _count(nodes: list[dict]) -> int:
    return sum(1 + _count(node["children"]) for node in nodes)
