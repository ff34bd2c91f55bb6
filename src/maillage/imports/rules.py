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
    _LEVEL_ALTERNATIVES,
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
    split_glued,
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
    r.ctx.fiche, r.ctx.section, r.ctx.node_at = None, None, at.index
    return at.index + 1


def title_continuation(r, at: At) -> int | None:
    """A short lower-case line right below a node heading (blank lines between): the end of its title, cut by
    the extraction ("Orientation 3 : Sécuriser les parcours et garantir une cohérence" / "tout au long …")."""
    start = r.ctx.node_at
    r.ctx.node_at = None
    if (
        start is None
        or not r.nodes
        or at.kind != "paragraph"
        or not at.text[:1].islower()
        or len(at.text) > 150
        or at.text.endswith((".", ":"))
        or any(b.text.strip() for b in r.blocks[start + 1 : at.index])
    ):
        return None
    node = r.nodes[-1]
    node.title = f"{node.title} {at.text}"[:500]
    r.used[at.index] = True
    return at.index + 1


_PROSE_AXIS = re.compile(
    rf"^(?:l['’]\s*|le\s+|la\s+)?(?P<word>{_LEVEL_ALTERNATIVES})\s+(?:autour de|consacrée? à|dédiée? à|relatif à|"
    r"relative à|portant sur|sur)\s+(?P<title>.{3,120}?)\s+(?:comporte|regroupe|compte|contient|rassemble|"
    r"se décline|vise|prévoit)\b",
    re.I,
)


def prose_node(r, at: At) -> int | None:
    """A level named in prose: "L'axe autour de l'accès aux droits comporte 8 fiches …": a node, the paragraph
    kept for the other rules (its sentences may name actions)."""
    if at.kind != "paragraph":
        return None
    found = _PROSE_AXIS.match(at.text)
    if not found:
        return None
    word = found.group("word")
    key = _singular(normalise(word))
    level = LEVEL_NAMES.get(key) or word.capitalize()
    r.unnamed_node(found.group("title"), depth=r._zone_depth() if r.stack and r.stack[-1].level != level else 0,
                   level=level)  # fmt: skip
    r.used[at.index] = True
    r.ctx.zone, r.ctx.fiche, r.ctx.section = False, None, None
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


NUMBER_WORDS = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
}  # fmt: skip
# the nouns an introducing sentence names its list with (normalised, singular): a level of the tree, or actions
INTRO_LEVELS = {
    "axe": "Axe", "grand axe": "Axe", "axe strategique": "Axe stratégique", "axe prioritaire": "Axe prioritaire",
    "priorite": "Priorité", "principe": "Principe", "orientation": "Orientation", "engagement": "Engagement",
    "ambition": "Ambition", "enjeu": "Enjeu", "objectif": "Objectif", "objectif strategique": "Objectif stratégique",
    "theme": "Thème", "thematique": "Thématique", "defi": "Défi", "pilier": "Pilier", "volet": "Volet",
    "champ": "Champ", "chantier": "Chantier",
}  # fmt: skip
COUNTED_ONLY = {"objectif", "objectif strategique", "enjeu", "theme", "thematique", "champ"}  # generic without a count
_PLAN_STATEMENT = re.compile(
    r"\b(?:projet|plan|contrat|convention|schema|centre social|strategie|programme|structur\w*|decline\w*|"
    r"articul\w*|organise\w*|autour)\b"
)
INTRO_ACTIONS = {"action", "projet", "fiche action", "fiche", "mesure", "realisation"}
_INTRO_NOUN = re.compile(
    r"\b(?:(?P<count>\d{1,2}|" + "|".join(NUMBER_WORDS) + r")\s+)?(?:(?:grands?|principa(?:l|ux)|majeurs?)\s+)?"
    r"(?P<noun>(?:fiches?\s+)?[a-z]+)(?:\s+(?P<adjective>strategiques?|prioritaires?|majeurs?))?\b"
)
_LIST_TAIL = re.compile(r"\s*(?:[;,.]|\bet|\bou)\s*$")


def _singular(word: str) -> str:
    return " ".join(w[:-1] if len(w) > 3 and w.endswith(("s", "x")) else w for w in word.split())


_ANNOUNCING_END = re.compile(
    r"\b(?:sont|seront|suivant(?:e|s|es)?|ci dessous|ci apres|citons|notamment|convention|suivants)$"
)
_ANNOUNCING_START = re.compile(r"^(?:les|ces|nos|ses|leurs|parmi les|\d{1,2}|" + "|".join(NUMBER_WORDS) + r")\b")


def list_intro(text: str) -> tuple[str, str | None, int | None] | None:
    """What a sentence ending with ":" introduces: ("node", level, count) or ("action", None, count), the count
    in digits or words when it gives one; None when it names neither a level nor actions. The noun closes the
    sentence ("… autour de six axes :"), or opens it and the sentence ends by announcing ("Les grands axes …
    sont :", "Quatre principes … ci-dessous :", "Parmi les projets …, citons :"); it is plural or counted."""
    if not text.endswith(":") or len(text) > 400:
        return None
    folded = normalise(text)
    sentences = re.split(r"(?<=[.!?])\s+", text.rstrip(" :"))
    sentence = normalise(sentences[-1])
    if len(sentences) > 1 and len(sentence.split()) <= 6 and _ANNOUNCING_END.search(sentence):
        sentence = normalise(sentences[-2])  # "Quatre principes … structurent le contrat. Ils sont détaillés :"
    words = sentence.split()
    for match in _INTRO_NOUN.finditer(sentence):
        tail = len(sentence[match.end() :].split()) <= 2
        opens = len(sentence[: match.start()].split()) <= 2 and _ANNOUNCING_START.match(sentence)
        # "Les grands axes … sont :", "Quatre principes structurent le contrat de ville :"
        head = opens and (_ANNOUNCING_END.search(folded) or match.group("count") and _PLAN_STATEMENT.search(folded))
        if not (tail or head) or not words:
            continue
        noun = _singular(match.group("noun"))
        word = f"{noun} {_singular(match.group('adjective') or '')}".strip()
        count = match.group("count")
        count = int(count) if count and count.isdigit() else NUMBER_WORDS.get(count or "")
        plural = match.group("noun").endswith(("s", "x")) or count
        if not plural or not (count or _PLAN_STATEMENT.search(folded)):
            continue  # a list of the plan is announced as such ("le projet … autour de", "structurent")
        if word in INTRO_LEVELS or noun in INTRO_LEVELS:
            if (word if word in INTRO_LEVELS else noun) in COUNTED_ONLY and not count:
                continue
            return "node", INTRO_LEVELS.get(word) or INTRO_LEVELS[noun], count
        if noun in INTRO_ACTIONS:
            return "action", None, count
    return None


def introduced_list(r, at: At) -> int | None:
    """A list introduced by a sentence ("… autour de six axes :", "Ces 7 priorités sont les suivantes :",
    "Parmi les projets inscrits …, citons :"): each item a node of that level, or an action. Dashes, bullets and
    numbers alike; the first item may be a paragraph ending with a comma; with a count, paragraphs between
    the items are passed over until the count is reached."""
    if at.kind not in ("paragraph", "heading") or r.ctx.fiche is not None or r.ctx.status:
        return None
    intro = list_intro(at.text)
    if intro is None:
        return None
    what, level, count = intro
    items, end, depth = [], at.index + 1, None
    limit = min(len(r.blocks), at.index + 1 + (40 if count else 200))
    while end < limit and (count is None or len(items) < count):
        block = r.blocks[end]
        text = block.text.strip()
        if block.kind == "item" and (depth is None or block.level == depth):
            depth = block.level if depth is None else depth
            items.append(end)
        elif block.kind == "item" and block.level > depth:
            pass  # a sub-item: the other rules read it with its node
        elif (
            not items
            and block.kind == "paragraph"
            and text.endswith((",", ";"))
            and end + 1 < len(r.blocks)
            and r.blocks[end + 1].kind == "item"
        ):
            items.append(end)  # the first item written as a paragraph, the others as bullets
        elif count and items and block.kind == "paragraph" and not list_intro(text):
            pass  # "- Premier principe" then its paragraphs, then the next principle
        else:
            break
        end += 1
    if not items:
        return None
    r.used[at.index] = True
    node_depth = r._zone_depth()
    for i in items:
        block = r.blocks[i]
        title = _LIST_TAIL.sub("", block.text.strip()).strip()
        if what == "node":
            named = _NAMED.match(title)
            if named:
                r.named_node(named.group("word"), named.group("num"), named.group("title"))
            else:
                r.unnamed_node(title, depth=node_depth, level=level)
        else:
            r.add_action(title, status=r.line_status(title), where=block.where)
        r.used[i] = True
    if what == "node":
        r.ctx.zone, r.ctx.fiche, r.ctx.section = False, None, None
    return items[-1] + 1


# the labels of a label / value fiche that are not fiche sections: what each one gives the action
FICHE_FIELDS = {
    "intitule": "title", "titre": "title", "intitule de l action": "title", "titre de l action": "title",
    "nom de l action": "title", "pilote": "lead", "pilotes": "lead", "porteur": "lead", "porteur de l action": "lead",
    "referent": "lead", "responsable": "lead", "structure pilote": "lead", "pilote de l action": "lead",
    "statut": "status", "statut de l action": "status", "etat": "status", "etat d avancement": "status",
    "avancement": "status", "resume": "description", "resume de l action": "description",
    "dimension": "note", "territoire": "note", "territoire concerne": "note", "territoires concernes": "note",
    "thematique": "note", "theme": "note", "axe": "note", "echeance": "schedule", "duree": "schedule",
    "date de debut": "schedule", "date de fin": "schedule", "financeurs": "funders", "financement": "funders",
}  # fmt: skip
_FIELD = re.compile(r"^(?P<label>[^:]{2,40}?)\s*:\s*(?P<value>.*)$")


def _field_of(text: str) -> tuple[str, str, str] | None:
    """(label, field, value) of a "Label : valeur" line or a label alone on its line."""
    found = _FIELD.match(text)
    label, value = (found.group("label"), found.group("value").strip()) if found else (text, "")
    name = FICHE_FIELDS.get(normalise(label))
    return (label.strip(), name, value) if name else None


def fiche_field(r, at: At) -> int | None:
    """A label / value fiche: "Pilote : …", "Statut de l'action : Terminée", "Dimension", "Résumé"… give the
    fiche its lead, status, description, schedule, or a note, and are never actions themselves. The fiche is
    the one being read, else the title right above the first label ("Intitulé : …" names it)."""
    if at.kind not in ("paragraph", "heading", "item") or len(at.text) > 600:
        return None
    found = _field_of(at.text)
    if found is None:
        return None
    label, name, value = found
    end = at.index + 1
    if not value and end < len(r.blocks) and r.blocks[end].kind == "paragraph" and not _field_of(r.blocks[end].text):
        value, end = r.blocks[end].text.strip(), end + 1  # the label on its line, its value below
    if name == "title":
        if not value:
            return None
        action = r.match_action(value, 0.8) or r.add_action(value, where=at.block.where)
        r.ctx.fiche, r.ctx.section, r.ctx.last_action = action, None, action
    else:
        strong = name in ("lead", "status", "funders")  # a fiche's own labels: they open one under its title
        action = r.ctx.fiche or (_fiche_above(r, at.index) if strong else None)
        if action is None:
            return None
        if name == "status":
            status = match_word("status", value)
            if status:
                action["status"] = status
            else:
                r.report.warnings.append(f"{at.block.where} : statut « {value[:40]} » non reconnu.")
        elif name == "lead":
            r.partnership(action, [value], "lead")
        elif name == "funders":
            r.partnership(action, [value], "funder")
        elif name in ("description", "schedule"):
            r.add_section(action, name, [value])
        elif value:
            r.add_section(action, "description", [f"{label} : {value}"])
        r.ctx.section = None
    for i in range(at.index, end):
        r.used[i] = True
    return end


def _fiche_above(r, index: int) -> dict | None:
    """The fiche a first label belongs to: the action just read, else the short title right above (a heading
    or a line), which becomes the action."""
    for i in range(index - 1, max(-1, index - 3), -1):
        block = r.blocks[i]
        text = block.text.strip()
        if not text:
            continue
        if r.ctx.last_action is not None and r.used[i]:
            return r.ctx.last_action
        if block.kind in ("heading", "paragraph") and len(text) < 200 and not text.endswith((".", ":")):
            if _field_of(text) or section_of(text.rstrip(" :")):
                continue
            title = _FICHE_TITLE.match(text)
            action = r.add_action(title.group("title1") or title.group("title2") or title.group("title3")
                                  if title else text, where=block.where)  # fmt: skip
            r.used[i] = True
            r.ctx.fiche, r.ctx.last_action = action, action
            return action
        return None
    return None


def labelled_list_heading(r, at: At) -> int | None:
    """A heading over a label naming a level ("Principes d'action", "Objectifs :") and a list: the heading is a
    node, the items its nodes of that level ("Accueil et ouverture" / "Principes d'action" / its items)."""
    if at.kind != "heading" or len(at.text) > 150 or at.next is None or at.next.kind not in ("paragraph", "item"):
        return None
    label = normalise(at.next.text.strip().rstrip(" :"))
    words = label.split()
    rank = at.block.level
    if r.ctx.list_heading and r.ctx.list_heading[0] == rank and at.next.kind == "item":
        level, first = r.ctx.list_heading[1], at.index + 1  # a sibling heading whose list has no label
    else:
        if not words or len(words) > 4 or at.index + 2 >= len(r.blocks) or r.blocks[at.index + 2].kind != "item":
            return None
        noun = _singular(words[0])
        if noun not in INTRO_LEVELS or not words[0].endswith(("s", "x")):
            return None
        level, first = INTRO_LEVELS[noun], at.index + 2
        r.ctx.list_heading = (rank, level)
    depth = r._zone_depth()
    parent_level = r.levels[depth] if depth < len(r.levels) and r.levels[depth] != level else "Axe"
    node = r.unnamed_node(at.text, depth=depth, level=parent_level)
    end = first
    while end < len(r.blocks) and r.blocks[end].kind == "item" and r.blocks[end].level == r.blocks[first].level:
        r._reenter(node)
        r.unnamed_node(_LIST_TAIL.sub("", r.blocks[end].text.strip()), depth=node.depth + 1, level=level)
        r.used[end] = True
        end += 1
    r._reenter(node)
    for i in range(at.index, first):
        r.used[i] = True
    r.ctx.zone, r.ctx.fiche, r.ctx.section = False, None, None
    return end


ORDINALS = {
    "premier": 1, "premiere": 1, "deuxieme": 2, "second": 2, "seconde": 2, "troisieme": 3, "quatrieme": 4,
    "cinquieme": 5, "sixieme": 6, "septieme": 7, "huitieme": 8, "neuvieme": 9, "dixieme": 10,
}  # fmt: skip
_MARKED = re.compile(r"^(?P<mark>[IVX]{1,5}|[A-Z]|\d{1,2}(?:\.\d{1,2})*|[a-z])\s*[.)\-–—]\s+(?P<title>\S.*)$")
_ORDINAL = re.compile(
    r"^(?P<ord>premi[eè]re?|deuxi[eè]me|second[e]?|troisi[eè]me|quatri[eè]me|cinqui[eè]me|sixi[eè]me|septi[eè]me|"
    r"huiti[eè]me|neuvi[eè]me|dixi[eè]me)\s+(?P<word>[^\W\d_]+(?:\s+[^\W\d_]+)?)\s*[:.\-–—]\s*(?P<title>\S.*)$",
    re.I,
)


def _scheme(mark: str) -> str:
    if re.fullmatch(r"\d+(?:\.\d+)*", mark):
        return f"decimal{mark.count('.')}"
    if re.fullmatch(r"[IVX]+", mark) and mark not in ("V", "X") or mark == "I":
        return "roman"
    return "upper" if mark.isupper() else "lower"


def numbered_heading(r, at: At) -> int | None:
    """A real heading numbered without a level word ("1. Assurer …", "A. Valoriser …", "II – …") or with an
    ordinal ("Premier axe : …"): a node. Its depth is the rank of its numbering scheme in the order the
    document first uses them (I / A / 1 / 1.1 / a); its level the document's word (the ordinal's, the levels
    read so far), else Axe, then Objectif. A heading in capitals is a part of the document, not a node."""
    if at.kind != "heading" or len(at.text) > 250 or _TOC.search(at.text):
        return None
    ordinal = _ORDINAL.match(at.text)
    if ordinal:
        word = _singular(normalise(ordinal.group("word")))
        level = LEVEL_NAMES.get(word) or INTRO_LEVELS.get(word)
        if level is None:
            return None
        r.named_node(level, str(ORDINALS[normalise(ordinal.group("ord"))]), ordinal.group("title"))
        r.used[at.index] = True
        r.ctx.fiche, r.ctx.section = None, None
        return at.index + 1
    marked = _MARKED.match(at.text)
    if not marked or sentence_case(marked.group("title")) != marked.group("title") or "." in marked.group("mark"):
        return None  # "1.2 …" extends a known node or the outline's chapters: ``bare_node`` reads it
    scheme = _scheme(marked.group("mark"))
    if scheme not in r.ctx.schemes:
        r.ctx.schemes.append(scheme)
    depth = r.ctx.schemes.index(scheme)
    if depth < len(r.levels):
        level = r.levels[depth]
    else:
        level = ["Axe", "Objectif", "Sous-objectif", "Niveau 4", "Niveau 5", "Niveau 6"][min(depth, 5)]
    while depth > 0 and len(r.stack) < depth:
        depth -= 1  # a level skipped: under the deepest node there is
    node = r.unnamed_node(_PAGE_REF_TAIL.sub("", marked.group("title")), depth=depth, level=level)
    node.code = node.code or r._unique_code(marked.group("mark"))
    r.used[at.index] = True
    r.ctx.fiche, r.ctx.section, r.ctx.zone = None, None, False
    return at.index + 1


_PAGE_REF_TAIL = re.compile(r"\s*\b(?:page|p\.)\s*\d{1,4}\s*$", re.I)


_PAGE_ANCHOR = re.compile(r"\s+(?:page|p\.)\s*\d{1,4}\b\s*", re.I)
_NEXT_SECTION = re.compile(r"\s(?:[IVX]{1,5}|[A-Z])\s*[-–.)]\s+[A-ZÉ]")
_CONNECTORS = {"et", "de", "d", "l", "la", "le", "les", "des", "du", "en", "a", "à", "au", "aux", "pour", "par"}


def _trailing_title(text: str) -> tuple[str, str]:
    """(the text before, the title closing it): from the last capitalised word ("… Accueillir Solidarité")."""
    words = text.split()
    for n in range(len(words) - 1, -1, -1):
        if words[n][:1].isupper():
            return " ".join(words[:n]), " ".join(words[n:])
        if not words[n][:1].isalpha():
            break
    return text, ""


def _objectives(body: str) -> list[str]:
    """The titles run together after a contents entry: each starts with a capitalised infinitive."""
    parts = [p.strip(" ,;") for p in split_glued(body) if p.strip(" ,;")]
    return [p for p in parts if is_infinitive(p) or is_infinitive(" ".join(p.split()[1:2]))]


def flattened_contents_tree(r, at: At) -> int | None:
    """A table of contents flattened into one run-on line that holds the tree: entries "Thème page N", each
    followed (after a label naming its level: "Principes d'action") by its sub-titles run together, each a
    capitalised infinitive ("… Accueil et ouverture page 34 Principes d action S inscrire … Communiquer …
    Solidarité page 63 …"). The entries with sub-titles are nodes, the sub-titles their nodes; a line where
    fewer than two entries have sub-titles is an ordinary contents line."""
    if at.kind != "paragraph" or len(at.text) < 120 or len(_PAGE_ANCHOR.findall(at.text)) < 2:
        return None
    segments = _PAGE_ANCHOR.split(at.text)
    entries, child_level = [], "Objectif"
    _before, title = _trailing_title(segments[0])
    for n, segment in enumerate(segments[1:], start=1):
        last = n == len(segments) - 1
        if last and (cut := _NEXT_SECTION.search(segment)):
            segment = segment[: cut.start()]
        body, following = (segment, "") if last else _trailing_title(segment)
        words = body.split()
        if words and _singular(normalise(words[0])) in INTRO_LEVELS:
            child_level = INTRO_LEVELS[_singular(normalise(words[0]))]
            words = words[1:]
            while words and not words[0][:1].isupper():
                words = words[1:]  # the rest of the label ("Principes d action"), up to the first sub-title
            body = " ".join(words)
        entries.append((title, _objectives(body)))
        title = following
    if sum(1 for _t, objectives in entries if objectives) < 2:
        return None
    depth = r._zone_depth()
    for title, objectives in entries:
        if not title or not objectives:
            continue
        node = r.unnamed_node(title, depth=depth, level=r.levels[depth] if depth < len(r.levels) else "Axe")
        for objective in objectives:
            r._reenter(node)
            r.unnamed_node(objective, depth=node.depth + 1, level=child_level)
        r._reenter(node)
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
    Rule("flattened contents tree", flattened_contents_tree),
    Rule("title continuation", title_continuation),
    Rule("named node", named_node),
    Rule("numbered heading", numbered_heading),
    Rule("labelled list heading", labelled_list_heading),
    Rule("level legend", level_legend),
    Rule("fiche title", fiche_title),
    Rule("fiche field", fiche_field),
    Rule("project line", project_line),
    Rule("bare node", bare_node),
    Rule("numbered action", numbered_action),
    Rule("status heading", status_heading_rule),
    Rule("scale", scale_line),
    Rule("period label", period_label),
    Rule("section label", section_label),
    Rule("inline section", inline_section),
    Rule("section text", section_text),
    Rule("introduced list", introduced_list),
    Rule("prose node", prose_node),
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
