"""The ordered table of rules that reads a document's blocks one at a time (``Recogniser.run`` walks them).

Each rule looks at the block at hand (``At``: its index, the block, its stripped text, the next block) and the
reading state the rules share (``Recogniser.ctx``, a ``structure.Context``). It returns the index of the next
block to read when it has taken the block (and maybe those after it), or ``None`` to leave it to the next rule.
A few rules only change the context and let the block go on (a heading resets what a fiche was reading).
The order is the order of precedence: a table row before anything else, a node heading before a numbered
action, a fiche section label before an action from context. ``RULES`` is the table; ``step`` applies it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from .documents import Block
from .structure import (
    _BARE,
    _CHAPTER,
    _COUNTED,
    _FICHE_TITLE,
    _LEGEND,
    _NAMED,
    _NUMBERED_ACTION,
    _PERIOD_LABEL,
    _PROJECT_LINE,
    _REVIEW,
    _TOC,
    CHAPTER_LEVEL,
    LEVEL_NAMES,
    announces_actions,
    is_infinitive,
    plan_subtitle,
    section_of,
    sentence_case,
    status_heading,
    zone_status,
)  # fmt: skip
from .words import match_word, normalise


@dataclass(frozen=True)
class At:
    """The block a rule looks at."""

    index: int
    block: Block
    text: str
    next: Block | None

    @property
    def kind(self) -> str:
        return self.block.kind


@dataclass(frozen=True)
class Rule:
    name: str
    apply: Callable  # (recogniser, at) -> next index | None


def table_row(r, at: At) -> int | None:
    """A table row: read by ``Recogniser.row`` (status tables, fiche tables, grids, glossaries)."""
    if at.kind != "row":
        return None
    r.row(at.index, at.block)
    return at.index + 1


def blank(r, at: At) -> int | None:
    if at.text:
        return None
    r.used[at.index] = True
    return at.index + 1


def glossary(r, at: At) -> int | None:
    """A ``SIGLE : Développé`` line under a glossary heading."""
    return at.index + 1 if r.glossary_line(at.index, at.block) else None


def contents_line(r, at: At) -> int | None:
    """A line of a table of contents (dots, then a page number): the content comes later."""
    if not _TOC.search(at.text):
        return None
    r.used[at.index] = True
    return at.index + 1


def body_mention(r, at: At) -> None:
    """A sentence naming a body (comité de pilotage…) adds it; the block goes on to the other rules."""
    r.body_mention(at.block)


def plan_chapter(r, at: At) -> int | None:
    """A chapter holding one part of the plan: "LA PETITE ENFANCE" over "Enjeux et plan d'action"."""
    nxt = at.next
    if not (
        at.kind == "heading"
        and nxt is not None
        and nxt.kind in ("heading", "paragraph")
        and plan_subtitle(nxt.text.strip())
        and len(at.text) < 120
        and not _NAMED.match(at.text)
    ):
        return None
    node = r.unnamed_node(sentence_case(at.text), depth=0, level=CHAPTER_LEVEL)
    node.tentative = True
    r.used[at.index] = r.used[at.index + 1] = True
    r.ctx.fiche, r.ctx.section, r.ctx.zone = None, None, False
    return at.index + 2


def flattened_group_table(r, at: At) -> int | None:
    """An "Enjeux | Fiches action" table whose separators the extraction lost."""
    if at.kind != "paragraph":
        return None
    return r.flattened_group_table(at.index) or None


def named_node(r, at: At) -> int | None:
    """A heading that starts with a level word and a number: "Visée 1 :", "AXE 2 –", "Enjeu n° 4"."""
    named = _NAMED.match(at.text)
    if not named or len(at.text) >= 400 or _FICHE_TITLE.match(at.text):
        return None
    r.named_node(named.group("word"), named.group("num"), named.group("title"))
    r.used[at.index] = True
    r.ctx.fiche, r.ctx.section = None, None
    return at.index + 1


def level_legend(r, at: At) -> int | None:
    """Level words on their own lines ("Enjeux / Objectif stratégique / Priorité"): the levels that follow."""
    if not _LEGEND.match(at.text) or at.kind == "item":
        return None
    run = [at.index]
    while run[-1] + 1 < len(r.blocks) and _LEGEND.match(r.blocks[run[-1] + 1].text.strip()):
        run.append(run[-1] + 1)
    if len(run) < 2:
        return None
    for i in run:
        word = r.blocks[i].text.strip()
        key = " ".join(w[:-1] if len(w) > 3 and w.endswith(("s", "x")) else w for w in normalise(word).split())
        r.legend.append(LEVEL_NAMES.get(key, word))
        r.used[i] = True
    return run[-1] + 1


def fiche_title(r, at: At) -> int | None:
    """ "Action 4.2.1 : …", "Fiche action n° 3 : …": an action, the one of its own axis already read if close."""
    fiche = _FICHE_TITLE.match(at.text)
    if not fiche or len(at.text) >= 300:
        return None
    code = fiche.group("code1") or fiche.group("code2") or fiche.group("code3") or ""
    title = fiche.group("title1") or fiche.group("title2") or fiche.group("title3")
    # a fiche restates an action of its own axis, not one of another project's in the same file
    existing = r.match_action(title, 0.8, top=r.stack[0] if r.stack else None)
    action = existing or r.add_action(title, code=code, where=at.block.where)
    r.ctx.fiche, r.ctx.section, r.ctx.role, r.ctx.last_action = action, None, None, action
    r.used[at.index] = True
    return at.index + 1


def project_line(r, at: At) -> int | None:
    """ "Projet en cours 2023/2024 : Titre": an action with its state and years."""
    project = _PROJECT_LINE.match(at.text)
    if not project or not (project.group("state") or project.group("years")) or at.kind == "item":
        return None
    status = match_word("status", project.group("state") or "") or None
    action = r.add_action(project.group("title"), where=at.block.where, status=status)
    if project.group("years"):
        r.add_period(action, project.group("years").replace(" ", ""))
    r.ctx.fiche, r.ctx.section, r.ctx.role, r.ctx.last_action = action, None, None, action
    r.used[at.index] = True
    return at.index + 1


def bare_node(r, at: At) -> int | None:
    """A bare number extending a known node ("1.1.2 …" under "Objectif 1.1")."""
    bare = _BARE.match(at.text)
    if not bare or len(at.text) >= 250 or at.kind == "item":
        return None
    if not r.bare_node(bare.group("num"), bare.group("title")):
        return None
    r.used[at.index] = True
    r.ctx.fiche, r.ctx.section = None, None
    return at.index + 1


def numbered_action(r, at: At) -> int | None:
    """A numbered line under a node: "01. Les actions « mobilité »"."""
    numbered = _NUMBERED_ACTION.match(at.text)
    if not numbered or not r.stack or len(at.text) >= 400:
        return None
    return r.numbered_action(at.index, numbered.group("num"), numbered.group("title"), [])


def status_heading_rule(r, at: At) -> int | None:
    """ "Actions terminées": the items that follow have that status."""
    status = status_heading(at.text)
    if not status or at.kind == "item":
        return None
    r.ctx.status, r.ctx.columns = status, {}
    r.used[at.index] = True
    return at.index + 1


def scale_line(r, at: At) -> int | None:
    """ "Au niveau intercommunal": the scale of the grid cells that follow."""
    scale = r.scale_of(at.text)
    if not scale or at.kind == "item" or len(at.text) >= 120:
        return None
    r.ctx.scale, r.used[at.index] = scale, True
    return at.index + 1


def period_label(r, at: At) -> int | None:
    """ "2023-2024" alone on its line: a column of a plan by level and period."""
    if not _PERIOD_LABEL.match(at.text):
        return None
    r.ctx.grid = r.ctx.grid or {0: ""}
    r.used[at.index] = True
    return at.index + 1


def section_label(r, at: At) -> int | None:
    """A fiche section label on its own line ("Public cible"): the paragraphs below are that section."""
    section = section_of(at.text.rstrip(" :"))
    if not section or r.ctx.last_action is None or at.kind == "item":
        return None
    r.ctx.fiche = r.ctx.fiche or r.ctx.last_action
    r.ctx.section, r.ctx.role = section, None
    r.used[at.index] = True
    return at.index + 1


_INLINE = re.compile(r"^([^:]{3,40}?)\s*:\s+(.+)$")


def inline_section(r, at: At) -> int | None:
    """ "Public cible : …" in a fiche; an item "Objectif : …" keeps its sub-items as that section."""
    inline = _INLINE.match(at.text)
    if not inline or r.ctx.fiche is None or not (section := section_of(inline.group(1))):
        return None
    end = at.index + 1
    while end < len(r.blocks) and r.blocks[end].kind == "item" and r.blocks[end].level > at.block.level:
        end += 1
    lines = [inline.group(2)] + [f"- {r.blocks[i].text.strip()}" for i in range(at.index + 1, end)]
    r.add_section(r.ctx.fiche, section, lines)
    for i in range(at.index, end):
        r.used[i] = True
    return end


def section_text(r, at: At) -> int | None:
    """A paragraph or item under a fiche section label: that section's text."""
    if r.ctx.fiche is None or r.ctx.section is None or at.kind not in ("paragraph", "item"):
        return None
    line = f"- {at.text}" if at.kind == "item" else at.text
    r.add_section(r.ctx.fiche, r.ctx.section, [line], paragraphs=True)
    r.used[at.index] = True
    return at.index + 1


def heading_context(r, at: At) -> int | None:
    """A heading starts a new part: a review chapter ("Bilan …") makes its actions done, a title announcing
    actions opens a zone of actions; what a fiche was reading ends. Only a zone title is taken."""
    if at.kind == "heading":
        if len(at.text.split()) >= 2:  # a one-word heading is a label on a slide, not a new part
            r.ctx.chapter_status = "done" if _REVIEW.search(normalise(at.text)) else None
        r.ctx.zone = announces_actions(at.text)
        r.ctx.zone_status = zone_status(at.text) if r.ctx.zone else None
        r.ctx.label_node = False
        r._reset_context()
        r.ctx.fiche, r.ctx.section = None, None
        if r.ctx.zone:
            r.used[at.index] = True
            return at.index + 1
        return None
    if at.kind == "paragraph" and announces_actions(at.text) and not at.text.endswith("."):
        r.ctx.zone, r.ctx.zone_status, r.ctx.label_node = True, zone_status(at.text), False
        r.used[at.index] = True
        return at.index + 1
    return None


def counted_nodes(r, at: At) -> int | None:
    """ "Les 7 engagements" over seven short lines: the nodes of that level."""
    counted = _COUNTED.match(at.text)
    if not counted or at.kind not in ("paragraph", "heading"):
        return None
    return r.counted_nodes(at.index, int(counted.group("count")), counted.group("word")) or None


def listed_item(r, at: At) -> int | None:
    """An item (or, after a status heading, a short paragraph): an action when the context says so."""
    if at.kind == "item" or (r.ctx.status and at.kind == "paragraph" and len(at.text) < 300):
        return r.listed(at.index, at.block)
    return None


def legend_lines(r, at: At) -> int | None:
    """Lines under a node in a document that declared its levels (``level_legend``)."""
    if not (r.legend and r.stack and at.kind == "paragraph" and len(at.text) < 600):
        return None
    r.legend_lines(at.index, at.text)
    return at.index + 1


def title_over_numbers(r, at: At) -> int | None:
    """A short line right above a numbered action list: an unnamed level."""
    if not (
        at.next is not None
        and r.stack
        and at.kind == "paragraph"
        and 8 < len(at.text) < 220
        and at.text[:1].isupper()
        and not at.text.endswith((".", ":"))
        and r._numbered_next(at.index)
    ):
        return None
    r.unnamed_node(at.text)
    r.used[at.index] = True
    return at.index + 1


def grid_line(r, at: At) -> int | None:
    """A line of a plan by level and period: an action's period and scale."""
    if not ((r.ctx.grid or r.ctx.scale) and at.kind == "paragraph" and at.text[:1].isupper() and len(at.text) < 200):
        return None
    r.grid_item(at.text, None, at.block.where, create=False)
    r.used[at.index] = True
    return at.index + 1


def zone_label(r, at: At) -> int | None:
    """ "Parentalité :" over the lines of its actions, in a zone of actions."""
    if not (
        r.ctx.zone
        and at.kind == "paragraph"
        and at.text.endswith(":")
        and len(at.text.split()) <= 4
        and at.next is not None
        and at.next.kind == "paragraph"
    ):
        return None
    r.unnamed_node(at.text.rstrip(" :"), depth=r._zone_depth())
    r.ctx.label_node = True
    r.used[at.index] = True
    return at.index + 1


def zone_label_line(r, at: At) -> int | None:
    """A short line under such a label: an action."""
    if not (r.ctx.zone and r.ctx.label_node and at.kind == "paragraph" and len(at.text) < 200):
        return None
    if at.text.endswith("."):
        return None
    r.add_action(at.text, status=r.line_status(at.text), where=at.block.where)
    r.used[at.index] = True
    return at.index + 1


def zone_title(r, at: At) -> int | None:
    """A short title over items, in a zone of actions: a node holding them (an infinitive states an aim)."""
    if not (
        r.ctx.zone
        and at.kind == "paragraph"
        and at.next is not None
        and at.next.kind == "item"
        and len(at.text) < 200
        and not at.text.endswith((".", ":"))
        and not _CHAPTER.match(at.text)
    ):
        return None
    r.unnamed_node(at.text.rstrip(" :"), depth=r._zone_depth())
    r.ctx.label_node = False
    if is_infinitive(at.text):
        r.ctx.zone_status = None  # "Faire vivre le projet dans la durée": an aim, not what was done
    r.used[at.index] = True
    return at.index + 1


RULES: list[Rule] = [
    Rule("table row", table_row),
    Rule("blank", blank),
    Rule("glossary", glossary),
    Rule("contents line", contents_line),
    Rule("body mention", body_mention),
    Rule("plan chapter", plan_chapter),
    Rule("flattened group table", flattened_group_table),
    Rule("named node", named_node),
    Rule("level legend", level_legend),
    Rule("fiche title", fiche_title),
    Rule("project line", project_line),
    Rule("bare node", bare_node),
    Rule("numbered action", numbered_action),
    Rule("status heading", status_heading_rule),
    Rule("scale", scale_line),
    Rule("period label", period_label),
    Rule("section label", section_label),
    Rule("inline section", inline_section),
    Rule("section text", section_text),
    Rule("heading context", heading_context),
    Rule("counted nodes", counted_nodes),
    Rule("listed item", listed_item),
    Rule("legend lines", legend_lines),
    Rule("title over numbers", title_over_numbers),
    Rule("grid line", grid_line),
    Rule("zone label", zone_label),
    Rule("zone label line", zone_label_line),
    Rule("zone title", zone_title),
]


def step(r, index: int, rules: list[Rule] = RULES) -> int:
    """Read the block at ``index`` with the first rule that takes it; the index of the next block to read."""
    block = r.blocks[index]
    if block.kind != "paragraph":
        r.ctx.label_node = False  # the lines under a "Thème :" label end with its paragraphs
    at = At(index, block, block.text.strip(), r.blocks[index + 1] if index + 1 < len(r.blocks) else None)
    for rule in rules:
        end = rule.apply(r, at)
        if end is not None:
            return end
    return index + 1
