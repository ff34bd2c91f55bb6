"""Recognising a plan in the blocks of a document: its tree, its actions, their fiches, partners, bodies.

The rules are about how French planning documents are written, never about one document:

- a node is a heading that starts with a level word and a number ("Visée 1 :", "AXE 2 –", "Enjeu n° 4",
  "Objectif 1.1 :"), or a bare number extending a known node ("1.1.2" under "Objectif 1.1"); a short
  line right above a numbered action list is an unnamed level ("Objectif" unless the document names it);
  a run of level words on their own lines ("Enjeux / Objectif stratégique / Priorité") declares the
  levels of the lines that follow a node;
- an action is a numbered line under a node ("01. Les actions « mobilité »"), an item after a status
  heading ("Actions terminées", a column of a status table), a line of an "Enjeux | Fiches action" table,
  a cell of a plan by level and period, an item under a heading that announces actions, or a fiche
  title ("Action 4.2.1 : …", "Fiche action n° 3 : …");
- a fiche section is a label (Contexte, Public cible, Échéancier, Partenariat…) in a table cell above
  its content or a heading above its paragraphs; it belongs to the last action named;
- partners come from the partnership sections (their role from the sub-headings), bodies from the
  sentences that name them (comité de pilotage, COTECH, groupe projet…), acronyms from a glossary table
  or from "Relais Petite Enfance (RPE)".

Everything not placed is kept with its location for the report.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.text import slugify

from .documents import Block, as_text
from .drafting import Report
from .words import match_word, normalise, years_in

LEVEL_NAMES = {
    "visee": "Visée", "axe": "Axe", "axe strategique": "Axe stratégique", "sous axe": "Sous-axe", "enjeu": "Enjeu",
    "objectif strategique": "Objectif stratégique", "objectif operationnel": "Objectif opérationnel",
    "objectif general": "Objectif général", "objectif specifique": "Objectif spécifique", "objectif": "Objectif",
    "sous objectif": "Sous-objectif", "orientation": "Orientation",
    "orientation strategique": "Orientation stratégique",
    "theme": "Thème", "thematique": "Thématique", "engagement": "Engagement", "chantier": "Chantier",
    "priorite": "Priorité", "defi": "Défi", "ambition": "Ambition", "volet": "Volet", "pilier": "Pilier",
    "finalite": "Finalité", "projet phare": "Projet phare", "champ": "Champ", "domaine": "Domaine",
}  # fmt: skip
_LEVEL_ALTERNATIVES = "|".join(
    sorted(
        (
            r"visées?", r"axes?\s+stratégiques?", r"sous[- ]axes?", r"axes?", r"enjeux?", r"objectifs?\s+stratégiques?",
            r"objectifs?\s+opérationnels?", r"objectifs?\s+généra(?:l|ux)", r"objectifs?\s+spécifiques?",
            r"sous[- ]objectifs?", r"objectifs?", r"orientations?\s+stratégiques?", r"orientations?", r"thèmes?",
            r"thématiques?", r"engagements?", r"chantiers?", r"priorités?", r"défis?", r"ambitions?", r"volets?",
            r"piliers?", r"finalités?", r"projets?\s+phares?",
        ),
        key=len,
        reverse=True,
    )
)  # fmt: skip
_NAMED = re.compile(
    rf"^(?P<word>{_LEVEL_ALTERNATIVES})(?P<num>\s*(?:n°|no\b|n\s?o\b)?\s*\d+(?:\.\d+)*\b|\s+transversale?\b|\s+(?-i:[IVX]{{1,4}})\b)"
    r"\s*(?:[:.)\-–—]+\s*|\s+|$)(?P<title>.*)$",
    re.I,
)
_LEGEND = re.compile(rf"^(?:{_LEVEL_ALTERNATIVES})$", re.I)
_BARE = re.compile(r"^(?P<num>\d+(?:\.\d+)+)\.?\s+(?P<title>[^\d\s].*)$")
_NUMBERED_ACTION = re.compile(r"^(?P<num>\d{1,3})\s*[.)–-]\s*(?P<title>[^\d\s.].*)$")
_FICHE_TITLE = re.compile(
    r"^(?:(?:fiche\s+)?action\s*(?:n[°o]\s*)?(?P<code1>\d+(?:\.\d+)*)\s*[:.\-–—]\s*(?P<title1>.+)"
    r"|(?P<code2>\d+(?:\.\d+)*)\.?\s+(?:fiche\s+)?action\s*[:\-–—]\s*(?P<title2>.+)"
    r"|fiche\s+action\s*(?:n[°o]\s*)?(?P<code3>\d+(?:\.\d+)*)?\s*[:\-–—]\s*(?P<title3>.+))$",
    re.I,
)
_STATUS_HEADING = re.compile(r"^actions?\s+(?P<words>[^:]{3,40}?)\s*:?$", re.I)
_CROSS_REFERENCE = re.compile(
    r"\s*\((?:cf\.?\s*:?\s*)?(?P<ref>fiche\s+action\s+[\d.]+|fiche\s+commune[^)]*|cf[^)]*)\)\s*"
    r"|\s*[.(]?\s*(?P<ref2>fiche action [\d.]+)\)?\s*$",
    re.I,
)
_ORIGIN_MARK = re.compile(r"^(E|NA|AE)$")
_PERIOD_LABEL = re.compile(r"^((?:19|20)\d{2})(?:\s*[-/–]\s*((?:19|20)\d{2}))?$")
_GLUED_VERB = re.compile(r"(?<=[\wé)»0-9.])\s+(?=[A-ZÉÈ][a-zéèêàç]{2,}(?:er|ir|re)\b)")
_STOP = {
    "de", "des", "du", "la", "le", "les", "l", "d", "a", "au", "aux", "et", "en", "un", "une", "pour", "par", "sur",
    "dans", "avec", "sa", "son", "ses", "leur", "leurs", "qui", "que", "ou", "notre", "nos", "nous",
}  # fmt: skip
_ACTION_WORD = re.compile(r"\b(actions?|fiches?[- ]actions?|plan d.actions?)\b", re.I)
_TOC = re.compile(r"(?:\.{4,}|…{2,})\s*(?:p(?:age)?\.?\s*)?\d+\s*$", re.I)
_CHAPTER = re.compile(r"^(?:chapitre|partie|annexe|section|sommaire|titre)\b|^\d+(?:\.\d+)*\.?\s", re.I)


def _named_or_fiche(text: str) -> bool:
    return bool(_NAMED.match(text) or _FICHE_TITLE.match(text))


_PAGE_ONLY = re.compile(r"^(?:p(?:age)?\.?\s*)?\d{1,4}$", re.I)
_PAGE_REFERENCE = re.compile(r"\s*(?:\.{3,}|…+)?\s*\b(?:page|p\.)\s*\d{0,4}\s*$", re.I)  # the number may wrap
# a level word or "Fiche action" with its number where an entry starts: several on one line are a table of
# contents glued by the extraction ("Orientation 1 : … Page 49Orientation 2 : …")
_GLUED_ENTRY = re.compile(
    rf"(?:(?<=\d)|(?<=\s)|(?<=[a-zé.]))(?=(?-i:[A-ZÉ]))(?=(?:{_LEVEL_ALTERNATIVES}|fiche\s+action)\s*(?:n°\s*)?\d+\s*[:.\-–—])",
    re.I,
)


def split_glued_entries(blocks: list[Block]) -> list[Block]:
    """A paragraph holding two entries or more ("FICHE ACTION 1 : … FICHE ACTION 2 : …") becomes one block per
    entry, each without its page reference; other blocks are kept as they are."""
    out = []
    for block in blocks:
        starts = [m.start() for m in _GLUED_ENTRY.finditer(block.text)] if block.kind != "row" else []
        starts = [s for s in starts if s > 0]
        cuts = [0, *starts, len(block.text)]
        parts = [block.text[a:b].strip() for a, b in zip(cuts, cuts[1:], strict=False)]
        entries = sum(1 for part in parts if _named_or_fiche(part))
        # "… Page 66Orientation 4 : …", or the page number wrapped to the start of the line: "6 FICHE ACTION 3 : …"
        after_page = any(_PAGE_REFERENCE.search(part) or _PAGE_ONLY.match(part) for part in parts[:-1])
        if entries < 2 and not (entries and after_page):  # one entry after a number is no glued list
            out.append(block)
            continue
        for n, part in enumerate(p for p in parts if p):
            part = _PAGE_REFERENCE.sub("", part).strip()
            out.append(
                Block(block.kind, part, block.where, block.level, [], block.table, block.gap if n == 0 else False)
            )
    return out


_AGENDA = re.compile(r"^\d{1,2}h(\d{2})?\b")

SECTION_LABELS = [
    ("objectif general objectifs operationnels", "objectives"), ("objectifs general operationnels", "objectives"),
    ("objectif s general aux", "objectives"), ("objectifs generaux et operationnels", "objectives"),
    ("objectif general", "general_objective"), ("objectifs generaux", "general_objective"),
    ("objectifs operationnels", "operational_objectives"), ("objectif operationnel", "operational_objectives"),
    ("objectifs", "objectives"), ("objectif", "objectives"), ("contexte", "context"),
    ("elements de contexte", "context"), ("constat", "context"),
    ("public cible", "target_public"), ("publics cibles", "target_public"), ("public", "target_public"),
    ("publics", "target_public"), ("beneficiaires", "target_public"),
    ("presentation de l action", "description"), ("presentation", "description"), ("description", "description"),
    ("descriptif", "description"), ("contenu de l action", "description"),
    ("echeancier", "schedule"), ("calendrier", "schedule"), ("planning", "schedule"),
    ("moyens ressources", "means"), ("moyens", "means"), ("ressources", "means"),
    ("ressources moyens humains", "human_means"), ("moyens humains", "human_means"),
    ("ressources humaines", "human_means"), ("moyens materiels", "material_means"),
    ("ressources materielles et financieres", "material_means"), ("ressources materielles", "material_means"),
    ("moyens financiers", "financial_means"), ("ressources financieres", "financial_means"),
    ("budget", "financial_means"), ("partenariat potentiel", "partnership_to_approach"),
    ("partenariat", "partnership"), ("partenaires", "partnership"), ("partenaires associes", "partnership"),
    ("resultats attendus", "expected_results"), ("effets attendus", "expected_results"),
    ("indicateurs d evaluation", "indicators"), ("indicateurs", "indicators"), ("evaluation", "indicators"),
    ("indicateurs quantitatifs", "indicators"), ("indicateurs qualitatifs", "indicators"),
    ("freins a lever", "obstacles"), ("freins", "obstacles"), ("points de vigilance", "obstacles"),
]  # fmt: skip
_SECTION_BY_LABEL = dict(SECTION_LABELS)
_LABEL_TAIL = re.compile(r"\s+(specifique|internes?|potentiel|d evaluation)$")

ROLE_HEADINGS = [
    ("partenaires operationnels", "operational"), ("partenaire operationnel", "operational"),
    ("relais d information et orienteurs", "relay"), ("relais d information", "relay"), ("orienteurs", "relay"),
    ("relais", "relay"), ("intervenants", "speaker"), ("intervenant", "speaker"), ("a solliciter", "to_approach"),
    ("partenaires a solliciter", "to_approach"), ("partenariat potentiel", "to_approach"),
    ("financeurs", "funder"), ("financeur", "funder"), ("pilotes", "lead"), ("pilote", "lead"), ("porteur", "lead"),
]  # fmt: skip

BODY_PATTERNS = [
    (r"comit[ée]s? de pilotage|copil\b|cofil\b", "copil", "Comité de pilotage"),
    (r"comit[ée]s? techniques?|cotech\b", "cotech", "Comité technique"),
    (r"comit[ée]s? d.usag\w*", "users_committee", "Comité d'usagers"),
    (r"groupes? projets?", "project_group", "Groupe projet"),
    (r"groupes? de travail", "working_group", "Groupe de travail"),
    (r"s[ée]minaires? (?:annuel|partenarial|des partenaires)\w*", "seminar", "Séminaire des partenaires"),
    (r"pl[ée]ni[èe]res? (?:partenariale|des partenaires)", "plenary", "Plénière partenariale"),
    (r"[ée]quipe de direction", "other", "Équipe de direction"),
    (r"[ée]quipe action ?/ ?technique", "other", "Équipe action/technique"),
]
_BODY = re.compile(
    r"^(?:le |la |les |l['’]|un |une |\d+ )?[«\s]*(?P<name>" + "|".join(p for p, _k, _n in BODY_PATTERNS) + ")",
    re.I,
)
_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9&'’.\-]{1,11}\d*(?:\s*\([^)]{1,30}\))?$")


def similarity(a: str, b: str) -> float:
    """How close two titles are, by their content words (plural ``s`` ignored): Dice coefficient."""
    first, second = _words(a), _words(b)
    if not first or not second:
        return 0.0
    return 2 * len(first & second) / (len(first) + len(second))


def _words(text: str) -> set[str]:
    return {w[:-1] if len(w) > 3 and w.endswith(("s", "x")) else w for w in normalise(text).split() if w not in _STOP}


def section_of(text: str) -> str | None:
    """The fiche section a label names ("Public cible / spécifique" → target_public), else None."""
    key = normalise(text)
    if not key or len(key.split()) > 8:
        return None
    if key in _SECTION_BY_LABEL:
        return _SECTION_BY_LABEL[key]
    trimmed = _LABEL_TAIL.sub("", key)
    return _SECTION_BY_LABEL.get(trimmed)


def status_heading(text: str) -> str | None:
    """ "Actions terminées" → done; "Actions en continu" → continuous (plural forms read as singular)."""
    found = _STATUS_HEADING.match(text.strip())
    if not found:
        return None
    words = " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in normalise(found.group("words")).split())
    return match_word("status", words)


def announces_actions(text: str) -> bool:
    """A title that introduces a list of actions: "Exemples d'actions menées", "Les axes et actions du PST",
    "Plan d'actions" — the word comes early in a short title, which is not a numbered chapter."""
    words = normalise(text).split()
    return (
        len(text) < 120
        and not _CHAPTER.match(text)
        and any(w in ("action", "actions") for w in words[:4])
        and not status_heading(text)
    )


def is_infinitive(text: str) -> bool:
    """Whether a line starts with a verb ("Développer …", "Mettre en place …"), not a noun that looks like one
    ("Atelier …", "Rencontre …", "Partenaire …", "Culture …")."""
    first = normalise(text).split()[:1]
    return (
        bool(first)
        and len(first[0]) >= 4
        and first[0].endswith(("er", "ir", "re"))
        and (
            not first[0].endswith(("aire", "ure", "oire", "iere"))
            or first[0].endswith(("faire", "plaire", "traire", "taire", "clure", "croire"))
        )
        and first[0] not in _VERB_LIKE_NOUNS
    )


_VERB_LIKE_NOUNS = {
    "atelier", "rencontre", "charte", "offre", "centre", "chantier", "dossier", "foyer", "quartier", "loisir",
    "lettre", "cadre", "premier", "autre", "entre", "notre", "votre", "titre", "livre", "ordre", "nombre", "membre",
    "calendrier", "courrier", "pilier", "metier", "papier", "avenir", "plaisir", "souvenir", "theatre", "registre",
    "fenetre", "filtre", "spectre", "poster", "flyer", "manager", "leader", "cluster", "master",
}  # fmt: skip


def split_glued(text: str) -> list[str]:
    """Titles run together by a PDF extraction, cut before a capitalised infinitive ("… de la PE Envisager …")."""
    parts, start = [], 0
    for found in _GLUED_VERB.finditer(text):
        before = text[start : found.start()].split()
        if before and normalise(before[-1]) not in _STOP and not before[-1].endswith("/"):
            parts.append(text[start : found.start()].strip())
            start = found.end()
    parts.append(text[start:].strip())
    return [part for part in parts if part]


_GLUED_NOUN = re.compile(r"(?<=[a-zéèêàçû)])\s+(?=[A-ZÉÈ][a-zéèêàçû]{2,}\b)")


def split_noun_phrases(text: str) -> list[str]:
    """Noun phrases run together by a PDF extraction, cut before a capitalised word that does not follow an
    article or a preposition ("… du lien social Consolidation de l'offre …"), each part three words at least."""
    if is_infinitive(text):
        return [text]
    parts, start = [], 0
    for found in _GLUED_NOUN.finditer(text):
        before, after = text[start : found.start()].split(), text[found.end() :].split()
        if len(before) >= 3 and len(after) >= 3 and normalise(before[-1]) not in _STOP:
            parts.append(text[start : found.start()].strip())
            start = found.end()
    parts.append(text[start:].strip())
    return [part for part in parts if part]


@dataclass
class Context:
    """The reading state the rules share: what the lines read so far say of the next one. One small object,
    so that a rule's effect on the context is visible (and testable) in one place."""

    fiche: dict | None = None  # the fiche (action) whose sections are being read
    section: str | None = None  # the fiche section being read
    role: str | None = None  # the partners' role of the sub-heading above
    last_action: dict | None = None
    status: str | None = None  # the status a status heading gives ("Actions terminées")
    columns: dict = field(default_factory=dict)  # column → status, or period label in a plan grid
    grid: dict = field(default_factory=dict)
    scale: str | None = None
    zone: bool = False  # under a title that announces actions
    zone_status: str | None = None  # the status a title announcing actions gives ("Actions menées")
    chapter_status: str | None = None  # "done" in a chapter that reviews what was done ("Bilan …")
    label_node: bool = False  # after a "Thème :" label in a zone of actions: its paragraphs are actions
    schemes: list = field(default_factory=list)  # the numbering schemes of the headings, top level first
    node_at: int | None = None  # the block a node heading was read from: a lower-case line below continues it
    list_heading: tuple | None = None  # (heading rank, level of its items) of a heading over a labelled list


@dataclass
class _Node:
    code: str
    numeric: str
    title: str
    level: str
    depth: int
    named: bool
    children: list = field(default_factory=list)
    tentative: bool = False  # a chapter taken for a node: dropped if nothing is placed under it
    actions: list = field(default_factory=list)


class Recogniser:
    def __init__(self, blocks: list[Block], report: Report):
        blocks = split_glued_entries(blocks)
        self.blocks = blocks
        self.report = report
        self.used = [False] * len(blocks)
        self.levels: list[str] = []
        self.legend: list[str] = []
        self.roots: list[_Node] = []
        self.stack: list[_Node] = []
        self.nodes: list[_Node] = []
        self.codes: set[str] = set()
        self.chapters: set[str] = set()  # numbers of the outline's chapters (titles in capitals), not nodes
        self.actions: list[dict] = []
        self.action_keys: dict[tuple, dict] = {}
        self.ctx = Context()  # what the lines read so far say of the next one
        self.date: date | None = None  # the document's own date: lines dated before it are done
        self.group_table: tuple[int, int, int, str] | None = None  # table, node column, action column, level
        self.labels: dict[int, str] = {}  # column → fiche section of the last label row
        self.label_table = 0
        self.year_columns: dict[int, str] = {}
        self.partners: dict[str, dict] = {}
        self.bodies: dict[str, dict] = {}
        self.acronyms: dict[str, str] = {}
        self.glossary = False
        self.years: list[int] = []
        self.period: tuple[int, int] | None = None

    # The tree

    def _level_index(self, name: str) -> int:
        if name not in self.levels:
            self.levels.append(name)
        return self.levels.index(name)

    def _attach(self, node: _Node) -> None:
        del self.stack[node.depth :]
        parent = next((n for n in reversed(self.stack) if n.depth < node.depth), None)
        (parent.children if parent else self.roots).append(node)
        self.stack.append(node)
        self.nodes.append(node)

    def _unique_code(self, code: str) -> str:
        if not code or code in self.codes:
            return ""
        self.codes.add(code)
        return code

    def named_node(self, word: str, number: str, title: str) -> _Node:
        key = " ".join(w[:-1] if len(w) > 3 and w.endswith(("s", "x")) else w for w in normalise(word).split())
        key = {"enjeu": "enjeu", "enjeux": "enjeu"}.get(key, key)
        level = LEVEL_NAMES.get(key, word.strip().capitalize())
        numeric = ".".join(re.findall(r"\d+", number)) or normalise(number)
        code = f"{word.strip()} {number.strip()}".strip()
        title = _PAGE_REFERENCE.sub("", title).strip(" :-–—") or code
        for node in self.nodes:
            if (
                node.level == level
                and node.numeric == numeric
                and (_words(node.title) & _words(title) or node.title == node.code or title == code)
            ):
                if node.title == node.code and title != code:
                    node.title = title
                self._reenter(node)
                return node
        if level in self.levels:
            depth = self.levels.index(level)
        else:
            parent = self._numeric_parent(numeric)
            depth = parent.depth + 1 if parent else (self.stack[-1].depth + 1 if self.stack else 0)
            if self.legend and level not in self.legend and not self.stack:
                depth = 0
            if depth < len(self.levels) and self.levels[depth] != level:
                depth = len(self.levels)
            while len(self.levels) < depth:
                self.levels.append(f"Niveau {len(self.levels) + 1}")
            self.levels.insert(depth, level) if depth >= len(self.levels) else None
        node = _Node(self._unique_code(code), numeric, title, level, depth, True)
        self._attach(node)
        self._reset_context()
        return node

    def _numeric_parent(self, numeric: str) -> _Node | None:
        if "." not in numeric:
            return None
        prefix = numeric.rsplit(".", 1)[0]
        return next((n for n in reversed(self.nodes) if n.numeric == prefix), None)

    def _reenter(self, node: _Node) -> None:
        path, current = [], node
        while current is not None:
            path.insert(0, current)
            current = next((n for n in self.nodes if current in n.children), None)
        self.stack = path
        self._reset_context()

    def _reset_context(self) -> None:
        self.ctx.status = None
        self.ctx.columns = {}
        self.ctx.scale = None
        self.ctx.grid = {}

    def bare_node(self, numeric: str, title: str) -> _Node | None:
        if sentence_case(title) != title or numeric.rsplit(".", 1)[0] in self.chapters:
            self.chapters.add(numeric)  # "2.4. ORIENTATIONS THÉMATIQUES" and its sections: the document's outline
            return None
        for node in self.nodes:
            if node.numeric == numeric:
                self._reenter(node)
                return node
        parent = self._numeric_parent(numeric)
        if parent is None or "." not in parent.numeric and not parent.named:
            return None
        depth = parent.depth + 1
        if depth < len(self.levels):
            level = self.levels[depth]
        else:
            level = f"Sous-{parent.level[0].lower()}{parent.level[1:]}"
            self.levels.append(level)
        self._reenter(parent)
        node = _Node(self._unique_code(numeric), numeric, title, level, depth, False)
        self._attach(node)
        self._reset_context()
        return node

    def unnamed_node(self, title: str, depth: int | None = None, level: str | None = None) -> _Node:
        named = [n for n in self.stack if n.named]
        if depth is None:
            depth = (named[-1].depth + 1) if named else (self.stack[-1].depth + 1 if self.stack else 0)
        if level is None:
            if depth < len(self.levels):
                level = self.levels[depth]
            else:
                level = "Objectif" if "Objectif" not in self.levels else f"Sous-{self.levels[-1].lower()}"
        if level not in self.levels:
            while len(self.levels) < depth:
                self.levels.append(f"Niveau {len(self.levels) + 1}")
            self.levels.insert(depth, level)
        parent = self.stack[depth - 1] if 0 < depth <= len(self.stack) else None
        siblings = parent.children if parent else self.roots
        for node in siblings:
            if normalise(node.title) == normalise(title):
                self._reenter(node)
                return node
        node = _Node("", "", title[:500], level, depth, False)
        self._attach(node)
        return node

    # Actions

    def add_action(self, title: str, *, code: str = "", number: str = "", status: str | None = None,
                   where: str = "", to_node: bool = True) -> dict:  # fmt: skip
        title, reference = self._strip_reference(title)
        title = title.strip(" ;,")
        top = self.stack[0] if self.stack else None
        key = (id(top), number) if number else None
        action = self.action_keys.get(key) if key else None
        if action is None and number:  # a plan restated in another chapter: the same numbered title elsewhere
            action = next(
                (
                    a
                    for a in self.actions
                    if a.get("_number")
                    and a["_top"] is not top
                    and (
                        normalise(a["title"]) == normalise(title)
                        or (a["_number"] == number and similarity(a["title"], title) >= 0.5)
                    )
                ),
                None,
            )
        if action is None:
            action = {"title": title[:500], "_where": where, "_number": number, "_top": top}
            if code or reference:
                action["code"] = (code or reference)[:50]
            if status:
                action["status"] = status
            self.actions.append(action)
            if key:
                self.action_keys[key] = action
        elif status and not action.get("status"):
            action["status"] = status
        if to_node and self.stack:
            node = self.stack[-1]
            if not any(a is action for a in node.actions):
                node.actions.append(action)
        self.ctx.last_action = action
        return action

    @staticmethod
    def _strip_reference(title: str) -> tuple[str, str]:
        found = _CROSS_REFERENCE.search(title)
        if not found:
            return title, ""
        reference = (found.group("ref") or found.group("ref2") or "").strip()
        reference = reference[0].upper() + reference[1:] if reference else ""
        return (title[: found.start()] + " " + title[found.end() :]).strip(), reference

    def match_action(self, title: str, threshold: float = 0.5, top: _Node | None = None) -> dict | None:
        """The action read before whose title is closest (Dice ≥ threshold); with ``top``, only under that top node
        (or under none)."""
        best, score = None, threshold
        words = _words(title)
        if not words:
            return None
        for action in self.actions:
            if top is not None and action.get("_top") not in (None, top):
                continue
            known = action.get("_words")
            if known is None or action.get("_words_of") != action["title"]:
                known = action["_words"] = _words(action["title"])
                action["_words_of"] = action["title"]
            if not known or len(words & known) * 2 < score * (len(words) + len(known)):
                continue
            value = 2 * len(words & known) / (len(words) + len(known))
            if value >= score:
                best, score = action, value
        return best

    # Walking the blocks

    def run(self) -> None:
        self._find_period()
        self._find_date()
        index = 0
        while index < len(self.blocks):
            index = self.step(index)
        self._inline_acronyms()
        self._objectives_from_fiches()
        self._drop_restatements()
        self._drop_empty_chapters()

    def _objectives_from_fiches(self) -> None:
        """Fiches listed straight under a top node (an axis with no level below it) name their objective in their
        "Objectif général": that objective is the level the tree leaves out, the node that holds the fiche (when
        most of the node's actions are such fiches)."""
        for node in [n for n in self.roots if not n.children]:
            if sum(1 for a in node.actions if a.get("general_objective")) * 2 < len(node.actions) or not node.actions:
                continue  # most of its actions are fiches that name their objective
            for action in list(node.actions):
                title = (action.get("general_objective") or "").split("\n\n")[0].strip()
                if not title or len(title) > 300:
                    continue
                child = next((c for c in node.children if normalise(c.title) == normalise(title)), None)
                if child is None:
                    child = _Node("", "", title, OBJECTIVE_LEVEL, node.depth + 1, False)
                    node.children.append(child)
                    self.nodes.insert(self.nodes.index(node) + len(node.children), child)
                    if OBJECTIVE_LEVEL not in self.levels:
                        self.levels.append(OBJECTIVE_LEVEL)
                child.actions.append(action)
                node.actions.remove(action)

    def _drop_restatements(self) -> None:
        """A programme that regroups the plan ("Objectif 2 : Accompagner les parents", its sub-objectives, the
        actions it lists) restates nodes read before and actions placed elsewhere: it is a view, not the tree."""
        for node in [n for n in self.nodes if n.named and (n.children or n.actions)]:
            if node not in self.nodes:
                continue  # inside a programme already dropped
            subtree = [node, *_subtree(node)]
            inside = {id(n) for n in subtree}
            before = [n for n in self.nodes[: self.nodes.index(node)] if id(n) not in inside]
            elsewhere = {id(a) for n in self.nodes if id(n) not in inside for a in n.actions}
            if all(any(similarity(n.title, b.title) >= 0.8 for b in before) for n in subtree) and all(
                id(a) in elsewhere for n in subtree for a in n.actions
            ):
                siblings = next((n.children for n in self.nodes if node in n.children), self.roots)
                siblings.remove(node)
                for n in subtree:
                    self.nodes.remove(n)

    def _drop_empty_chapters(self) -> None:
        for node in [n for n in self.nodes if n.tentative and not n.children and not n.actions]:
            siblings = next((n.children for n in self.nodes if node in n.children), self.roots)
            siblings.remove(node)
            self.nodes.remove(node)

    def _find_date(self) -> None:
        for block in self.blocks[:40]:
            found = _date_in(block.text)
            if found:
                self.date = found
                return

    def _find_period(self) -> None:
        from .identity import opening, read_period

        self.period = read_period(opening(b.text for b in self.blocks).split("\n"))[0]

    def _next(self, index: int) -> Block | None:
        return self.blocks[index + 1] if index + 1 < len(self.blocks) else None

    def step(self, index: int) -> int:
        """One block read by the ordered rules of ``rules.RULES``."""
        from . import rules  # the rules use this module's patterns

        return rules.step(self, index)

    def _zone_depth(self) -> int:
        """The titles of a zone of actions are siblings, one level under the deepest named node."""
        named = [n for n in self.stack if n.named]
        return named[-1].depth + 1 if named else 0

    def counted_nodes(self, index: int, count: int, word: str) -> int:
        """ "Les 7 engagements" over seven short lines: the nodes of that level. Headings, questions, figures and
        lines of level words between them are skipped; an item, a sentence or a label ends the search.
        Returns the index after the last node, or 0 when there are not that many lines."""
        found, end = [], index + 1
        while end < len(self.blocks) and len(found) < count:
            block = self.blocks[end]
            text = block.text.strip()
            if block.kind == "heading" or text.endswith("?") or not re.search(r"[^\W\d_]", text):
                end += 1
                continue
            if not re.sub(rf"\b(?:{_LEVEL_ALTERNATIVES})\b|\s", "", text, flags=re.I):
                end += 1
                continue
            if block.kind != "paragraph" or text.endswith((".", ":")) or len(text) > 150 or _NAMED.match(text):
                break
            found.append(end)
            end += 1
        if len(found) < count:
            return 0
        level = _level_name(word)
        depth = self._zone_depth()
        for i in found:
            self.unnamed_node(self.blocks[i].text.strip(), depth=depth, level=level)
        for i in range(index, end):
            self.used[i] = True
        self.ctx.fiche, self.ctx.section, self.ctx.zone = None, None, False
        return end

    def flattened_group_table(self, index: int) -> int:
        """A table of nodes and their actions whose tab separators the extraction lost: its header cells
        ("Enjeux …" / "Fiches action …") on two lines, then its cells as runs of lines split by blank lines,
        a node's cell then its actions' cell. Returns the index after the table, or 0 when it is not one."""
        header, nxt = self.blocks[index], self._next(index)
        first, second = header.text.strip(), nxt.text.strip() if nxt else ""
        if (
            nxt is None
            or nxt.kind != "paragraph"
            or len(first) > 80
            or len(second) > 80
            or not (match := _LEGEND_START.match(first))
            or _ACTION_WORD.search(first)
            or not _ACTION_WORD.search(second)
        ):
            return 0
        cells: list[list[int]] = []
        end = index + 2
        while end < len(self.blocks):
            block = self.blocks[end]
            text = block.text.strip()
            if (
                block.kind != "paragraph"
                or len(text) > 250
                or text.endswith((".", ":"))
                or status_heading(text)
                or self.scale_of(text)
                or _PERIOD_LABEL.match(text)
                or _NAMED.match(text)
            ):
                break
            if block.gap or not cells:
                cells.append([])
            cells[-1].append(end)
            end += 1
        pairs = [(cells[n], cells[n + 1]) for n in range(0, len(cells) - 1, 2)]
        if not pairs or not any(len(actions) > 1 for _node, actions in pairs):
            return 0  # nothing tells the cells apart: ordinary paragraphs
        end = pairs[-1][1][-1] + 1
        level = _level_name(match.group(0))
        for node_cell, action_cell in pairs:
            node_text = " ".join(self.blocks[i].text.strip() for i in node_cell)
            lines = [self.blocks[i].text.strip() for i in action_cell]
            self.group_line(node_text, lines, level, self.blocks[action_cell[0]].where)
        for i in range(index, end):
            self.used[i] = True
        return end

    def _numbered_next(self, index: int) -> bool:
        for block in self.blocks[index + 1 : index + 3]:
            text = block.cells[0] if block.kind == "row" and block.cells else block.text
            if _NUMBERED_ACTION.match(text.strip()):
                return True
            if text.strip() and not _ORIGIN_MARK.match(text.strip()):
                return False
        return False

    def numbered_action(self, index: int, number: str, title: str, cells: list[str]) -> int:
        block = self.blocks[index]
        action = self.add_action(title, number=number.zfill(2), where=block.where, status=self.ctx.status)
        self.used[index] = True
        self.ctx.fiche, self.ctx.section = action, None
        for position, cell in enumerate(cells):
            mark = cell.strip()
            if _ORIGIN_MARK.match(mark):
                action.setdefault("origin", match_word("origin", mark))
            elif mark.lower() in ("x", "✓", "✔", "•") and position in self.year_columns:
                self.add_period(action, self.year_columns[position])
        nxt = self._next(index)
        if nxt is not None and _ORIGIN_MARK.match(nxt.text.strip()):
            action.setdefault("origin", match_word("origin", nxt.text.strip()))
            self.used[index + 1] = True
            return index + 2
        return index + 1

    def listed(self, index: int, block: Block) -> int:
        """An item (or, after a status heading, a short paragraph): an action when the context says so."""
        text = block.text.strip()
        nxt = self._next(index)
        has_children = nxt is not None and nxt.kind == "item" and nxt.level > block.level
        intro = self._intro(index)
        if not self.ctx.status and intro is not None and _AGENDA.match(intro.text.strip()):
            return index + 1  # the programme of a meeting ("10h15 : ateliers :")
        if text.endswith(":") and not has_children and not self.ctx.status:
            return index + 1  # an introduction whose list is not there ("Pour plus d'informations :")
        if text.endswith(":") and has_children:
            intro = normalise(text)
            end = index + 1
            while end < len(self.blocks) and self.blocks[end].kind == "item" and self.blocks[end].level > block.level:
                end += 1
            if not self.ctx.status and any(
                w in intro for w in ("objectif", "commission", "instance", "groupe", "reunion", "information")
            ):
                for i in range(index + 1, end):
                    self.body_mention(self.blocks[i])
                return end
            if self.ctx.status:
                action = self.add_action(text, status=self.ctx.status, where=block.where)
                self.used[index] = True
                details = [f"- {self.blocks[i].text}" for i in range(index + 1, end)]
                action["description"] = as_text(details)
                for i in range(index + 1, end):
                    self.used[i] = True
                    self.body_mention(self.blocks[i])
                return end
            parent = self.ctx.last_action
            status = tense_status(text, self.date)
            for i in range(index + 1, end):
                self.add_child(parent, self.blocks[i], status)
            self.used[index] = True
            return end
        if self.group_context() and has_children and block.level == 0 and not self.ctx.status:
            title = re.sub(r"^\d+\s+", "", text)
            self.unnamed_node(title, depth=self.stack[0].depth if self.stack and not self.stack[0].named else None)
            self.used[index] = True
            return index + 1
        ctx = self.ctx
        if ctx.status or ctx.zone or (self.stack and block.level == 0 and ctx.grid == {} and ctx.scale is None
                                      and self._in_list_of_actions(index)):  # fmt: skip
            if _AGENDA.match(text) or len(text) < 3 or not re.search(r"[^\W\d_]{3}", text):
                return index + 1
            if self.ctx.grid or self.ctx.scale:
                self.grid_item(text, None, block.where, create=True)
                self.used[index] = True
                return index + 1
            title, description = _title_and_result(text)
            if block.level > 0 and self.ctx.last_action is not None and not self.ctx.status and not self.stack:
                self.add_child(self.ctx.last_action, block)
                return index + 1
            status = self.ctx.status or self.line_status(text)
            if status in (None, "done") and _MEASURED.match(text) and tense_status(text, None) != "done":
                status = "in_progress"  # "Déploiement de l'annuaire : 72 structures fin 2023": measured on the way
            action = self.add_action(title, status=status, where=block.where)
            if description:
                action.setdefault("description", description)
            self.used[index] = True
        return index + 1

    def _intro(self, index: int) -> Block | None:
        """The line that introduces the list an item belongs to."""
        return next((b for b in reversed(self.blocks[max(0, index - 30) : index]) if b.kind != "item"), None)

    def line_status(self, text: str) -> str | None:
        """The status a line gives itself (its tense, its dates), else the one of the title announcing it:
        "Exemples d'actions menées" makes its lines done, but an infinitive is still to do and a standing
        activity (a permanence, a scheme) goes on."""
        found = tense_status(text, self.date)
        context = self.ctx.zone_status or self.ctx.chapter_status
        if found or not context:
            return found
        if is_infinitive(text):
            return "planned"
        if context == "done":
            words = normalise(text).split()
            first = words[1:2] if words[:1] and words[0] in ("un", "une", "le", "la", "les", "l", "des") else words[:1]
            if first and first[0] in STANDING_ACTIVITIES:
                return STANDING_ACTIVITIES[first[0]]
        return context

    def _in_list_of_actions(self, index: int) -> bool:
        """Items straight under a node heading (nothing else between) are the node's actions."""
        for block in reversed(self.blocks[max(0, index - 30) : index]):
            if block.kind == "item":
                continue
            return bool(_NAMED.match(block.text.strip()) or _BARE.match(block.text.strip()))
        return False

    def group_context(self) -> bool:
        return self.ctx.zone

    def add_child(self, parent: dict | None, block: Block, status: str | None = None) -> None:
        if parent is None:
            return
        title, _ = _title_and_result(block.text)
        status = self.ctx.status or tense_status(block.text, self.date) or status
        child = self.add_action(title, where=block.where, status=status, to_node=False)
        child["_parent"] = parent

    def legend_lines(self, index: int, text: str) -> None:
        """Lines under a node in a document that declared its levels: the first is the next level; an
        infinitive is an objective level, a noun phrase the last level."""
        self.used[index] = True
        top = self.stack[0]
        levels = [lvl for lvl in self.legend if lvl != top.level]
        for part in [p for glued in split_glued(text) for p in split_noun_phrases(glued)]:
            current = self.stack[-1]
            position = levels.index(current.level) if current.level in levels else -1
            if current is top:
                target = 0
            elif not is_infinitive(part):
                target = len(levels) - 1
            elif position <= 0:
                target = 1
            else:
                target = min(2, len(levels) - 1) if len(levels) > 2 else 1
            target = min(target, len(levels) - 1)
            self.unnamed_node(part, depth=top.depth + 1 + target, level=levels[target])

    # Tables

    def row(self, index: int, block: Block) -> None:
        cells = block.cells
        filled = [(i, c) for i, c in enumerate(cells) if c.strip()]
        self.used[index] = True
        if not filled:
            return
        first = filled[0][1].strip()
        if self.acronym_row(filled):
            return
        # a status table: one column per status
        statuses = {i: status_heading(c) for i, c in filled}
        if all(statuses.values()):
            self.ctx.columns = statuses
            self.ctx.status = None
            return
        # a plan by period: the columns are periods
        periods = {i: c.strip() for i, c in filled if _PERIOD_LABEL.match(c.strip()) or c.strip() == "*"}
        if len(periods) >= 2 and len(periods) >= len(filled) - 1:
            labels = {i: c for i, c in periods.items() if c != "*"}
            if all(len(years_in(c)) == 1 and "-" not in c for c in labels.values()) and self.stack:
                self.year_columns = labels  # a year grid: marks in the columns of each numbered action
            else:
                self.ctx.grid = labels
            return
        # a label row of a fiche
        labels = {i: section_of(c.strip().rstrip(" :")) for i, c in filled}
        if any(labels.values()) and self.ctx.last_action is not None:
            self.ctx.fiche = self.ctx.fiche or self.ctx.last_action
            known = {i: s for i, s in labels.items() if s}
            for i, content in filled:
                if not labels[i]:
                    section = self.labels.get(i) or self._section_by_content(content)
                    if section:
                        self.add_section(self.ctx.fiche, section, content.split("\n"))
            self.labels = known
            self.label_table = block.table
            return
        # a table of nodes and their actions ("Enjeux | Fiches action")
        levels = {i: m for i, c in filled if (m := _LEGEND_START.match(c.strip()))}
        actions = [i for i, c in filled if _ACTION_WORD.search(c) and i not in levels]
        if levels and actions and len(filled) == 2:
            column, match = next(iter(levels.items()))
            self.group_table = (block.table, column, actions[0], _level_name(match.group(0)))
            return
        if self.group_table and self.group_table[0] == block.table:
            _, node_column, action_column, level = self.group_table
            node_text = cells[node_column].strip() if node_column < len(cells) else ""
            action_text = cells[action_column].strip() if action_column < len(cells) else ""
            self.group_line(node_text.replace("\n", " "), action_text.split("\n"), level, block.where)
            return
        # content under the labels of the previous row
        if self.labels and self.ctx.fiche is not None and block.table == self.label_table:
            ordered = list(self.labels.items())
            if len(filled) == len(ordered):
                pairs = [(ordered[n][1], filled[n][1]) for n in range(len(filled))]
            else:
                pairs = []
                for i, content in filled:
                    column = max((c for c in self.labels if c <= i), default=min(self.labels))
                    pairs.append((self.labels[column], content))
            for section, content in pairs:
                found = self._section_by_content(content)
                self.add_section(self.ctx.fiche, found if found and section in ("means", "indicators") else section,
                                 content.split("\n"))  # fmt: skip
            return
        # a numbered action in a grid row, with its origin and year marks
        numbered = _NUMBERED_ACTION.match(first)
        if numbered and self.stack:
            self.numbered_action(index, numbered.group("num"), numbered.group("title"), cells)
            return
        if _NAMED.match(first):
            found = _NAMED.match(first)
            title = found.group("title")
            rest = [c.strip() for _i, c in filled[1:] if not _PAGE_ONLY.match(c.strip())]
            if not title.strip() and rest:  # "Orientation 1 | Développer l'offre | 49": the title in the next cell
                title = rest[0]
            self.named_node(found.group("word"), found.group("num"), title)
            return
        # a status table's content: items of each column
        if self.ctx.columns:
            for i, content in filled:
                status = self.ctx.columns.get(i) or (
                    list(self.ctx.columns.values())[0] if len(self.ctx.columns) == 1 else None
                )
                for line in content.split("\n"):
                    line = line.removeprefix("- ").strip()
                    if line and status:
                        self.add_action(line, status=status, where=block.where)
            return
        if status_heading(first):  # "Actions en continu" alone in a row
            self.ctx.columns = {filled[0][0]: status_heading(first)}
            return
        if self.ctx.grid:
            scale = self.scale_of(cells[0]) if cells and cells[0].strip() else None
            if scale:
                self.ctx.scale = scale
            for i, content in filled:
                if i == 0 and scale:
                    continue
                period = self.ctx.grid.get(i)
                for line in content.split("\n"):
                    line = line.removeprefix("- ").strip()
                    if line:
                        self.grid_item(line, period, block.where, create=True)
            return
        if (
            self.stack
            and len(filled) <= 2
            and len(first) < 200
            and self._numbered_next(index)
            and not first.endswith(".")
        ):
            self.unnamed_node(first)
            return
        self.used[index] = False

    def group_line(self, node_text: str, lines: list[str], level: str, where: str) -> None:
        """One line of a table of nodes and their actions: the node (under a chapter node if any), its actions."""
        if node_text:
            depth = (self.stack[0].depth + 1) if self.stack and self.stack[0].level != level else 0
            self.unnamed_node(node_text, depth=depth, level=level)
        for line in lines:
            for title in split_glued(line.removeprefix("- ").strip()):
                self.add_action(title, where=where)

    def _section_by_content(self, content: str) -> str | None:
        head = content.split("\n", 1)[0].strip()
        return section_of(head) if len(head) < 60 else None

    def acronym_row(self, filled: list[tuple[int, str]]) -> bool:
        if len(filled) != 2:
            return False
        acronym, expansion = filled[0][1].strip(), filled[1][1].strip().lstrip(": ").strip()
        if (
            _ACRONYM.match(acronym)
            and any(c.isalpha() for c in acronym)
            and len(expansion) > len(acronym)
            and (expansion[:1].isupper() or self.glossary)
        ):
            self.acronyms.setdefault(acronym.split(" (")[0][:50], expansion[:255])
            return True
        return False

    # Plans by level and period

    @staticmethod
    def scale_of(text: str) -> str | None:
        key = normalise(text)
        if not re.search(r"\b(niveau|echelon|echelle)\b", key) and not key.startswith(("action", "tous perimetre")):
            return None
        for word, code in (("intercommunal", "intercommunal"), ("perimetre", "perimeter"), ("communal", "communal")):
            if re.search(rf"\b{word}", key):
                return code
        return None

    def grid_item(self, text: str, period: str | None, where: str, create: bool) -> None:
        title = text.strip(" -")
        if title[:1].islower() or len(title) < 8:
            return
        action = self.match_action(title)
        if action is None:
            if not create:
                self.report.unplaced.append((where, title))
                return
            action = self.add_action(title, where=where)
        if self.ctx.scale:
            action.setdefault("scale", self.ctx.scale)
        if period:
            self.add_period(action, period)

    def add_period(self, action: dict, label: str) -> None:
        if years_in(label):
            periods = action.setdefault("periods", [])
            if label not in periods:
                periods.append(label)

    # Fiche sections

    def add_section(self, action: dict, section: str, lines: list[str], paragraphs: bool = False) -> None:
        """Lines of a fiche section into the action; ``paragraphs``: one paragraph of a section under a heading
        (a role sub-heading of the partnership goes on to the next paragraphs)."""
        lines = [line.strip() for line in lines if line.strip()]
        if not lines:
            return
        if section == "objectives":
            general = [line for line in lines if not line.startswith("- ")]
            items = [line for line in lines if line.startswith("- ")]
            if general:
                self._append(action, "general_objective", general)
            if items:
                self._append(action, "operational_objectives", items)
            return
        if section in ("means", "human_means", "material_means", "financial_means"):
            current = None if section == "means" else section
            buckets: dict[str, list[str]] = {}
            for line in lines:
                head = section_of(line.rstrip(" :")) if not line.startswith("- ") else None
                if head in ("human_means", "material_means", "financial_means"):
                    current = head
                    continue
                buckets.setdefault(current or "material_means", []).append(line)
            for name, part in buckets.items():
                self._append(action, name, part)
            return
        if section in ("partnership", "partnership_to_approach"):
            default = "to_approach" if section == "partnership_to_approach" else None
            self.ctx.role = self.partnership(action, lines, self.ctx.role or default if paragraphs else default)
            return
        if section == "indicators":
            kind = "quantitative"
            for line in lines:
                key = normalise(line)
                if key.startswith("indicateurs"):
                    kind = "qualitative" if "qualitati" in key else "quantitative"
                    continue
                title = line.removeprefix("- ").strip()
                if title:
                    action.setdefault("indicators", []).append({"kind": kind, "title": title[:255]})
            return
        if section == "schedule":
            self._append(action, "schedule", lines)
            for year in years_in(" ".join(lines)):
                if 2000 <= year <= 2100 and (self.period is None or self.period[0] <= year <= self.period[1]):
                    self.add_period(action, str(year))
            return
        self._append(action, section, lines)

    @staticmethod
    def _append(action: dict, name: str, lines: list[str]) -> None:
        text = as_text(lines)
        if text:
            action[name] = f"{action[name]}\n\n{text}" if action.get(name) else text

    def partnership(self, action: dict, lines: list[str], role: str | None) -> str | None:
        kept = []
        for line in lines:
            is_item = line.startswith("- ")
            text = line.removeprefix("- ").strip().rstrip(" ;,.")
            heading = normalise(text)
            found = next((r for word, r in ROLE_HEADINGS if heading == word or heading.startswith(word + " ")), None)
            if not is_item and found and len(heading.split()) <= 6:
                role = found
                continue
            names = _partner_names(text)
            if not names:
                kept.append(line)
                continue
            for name, detail in names:
                key = self.partner(name)
                entry = {"partner": key, "role": role or "operational"}
                if detail:
                    entry["detail"] = detail[:255]
                if not any(p["partner"] == key and p["role"] == entry["role"] for p in action.get("partners", [])):
                    action.setdefault("partners", []).append(entry)
        if kept:
            self._append(action, "partnership", kept)
        return role

    def partner(self, name: str) -> str:
        folded = normalise(name)
        if folded not in self.partners:
            base = slugify(name)[:80].strip("-") or "partenaire"
            key, n = base, 2
            while any(p["key"] == key for p in self.partners.values()):
                key, n = f"{base}-{n}", n + 1
            self.partners[folded] = {"key": key, "name": name[:255]}
        return self.partners[folded]["key"]

    # Bodies and acronyms

    def body_mention(self, block: Block) -> None:
        text = block.text.strip()
        if len(text) > 800:
            return
        found = _BODY.match(text)
        if not found:
            return
        name_text = found.group("name")
        kind, default = next((k, n) for p, k, n in BODY_PATTERNS if re.fullmatch(p, name_text, re.I))
        acronym = re.search(r"\(([A-Z]{3,8})\)", text[: found.end() + 12])
        name = default + (f" ({acronym.group(1)})" if acronym else "")
        key = kind if kind in ("copil", "cotech", "users_committee") else slugify(name)[:50]
        body = self.bodies.setdefault(key, {"key": key, "kind": kind, "name": name})
        if len(text) > len(name) + 10 and text not in body.get("description", ""):
            body["description"] = f"{body['description']}\n\n{text}" if body.get("description") else text

    def glossary_line(self, index: int, block: Block) -> bool:
        key = normalise(block.text)
        if block.kind in ("heading", "paragraph") and key in GLOSSARY_TITLES:
            self.glossary = True
            self.used[index] = True
            return True
        if self.glossary:
            found = re.match(r"^([A-Z0-9][A-Z0-9&'’.\-]{1,11})\s*[:–-]\s*(.+)$", block.text.strip())
            if found:
                self.acronyms.setdefault(found.group(1), found.group(2)[:255])
                self.used[index] = True
                return True
            if block.kind == "heading":
                self.glossary = False
        return False

    def _inline_acronyms(self) -> None:
        """ "Relais Petite Enfance (RPE)": the words before an acronym whose initials spell it."""
        for block in self.blocks:
            texts = [block.text] + list(block.cells)
            for text in texts:
                for found in re.finditer(r"\s\(([A-Z]{2,8})\)", text):
                    acronym = found.group(1)
                    if acronym in self.acronyms:
                        continue
                    words = re.split(r"\s+", text[max(0, found.start() - 200) : found.start()].strip())[-10:]
                    if not words or not all(re.fullmatch(r"[\wÀ-ÿ'’-]+", word) for word in words[-len(acronym) :]):
                        continue
                    initials, taken = "", []
                    for word in reversed(words):
                        bare = re.sub(r"^[ldLD]['’]", "", word)
                        taken.insert(0, word)
                        if normalise(bare) in _STOP:
                            continue
                        initials = bare[:1].upper() + initials
                        if len(initials) >= len(acronym):
                            break
                    if initials == acronym and taken and taken[0][:1].isupper():
                        self.acronyms[acronym] = " ".join(taken).strip(" ,;:")[:255]


OBJECTIVE_LEVEL = "Objectif"  # the objective a fiche names, when the document's tree has no such level
CHAPTER_LEVEL = "Thème"  # a chapter that holds one part of the plan and does not name its level

GLOSSARY_TITLES = {
    "glossaire", "sigles", "acronymes", "lexique", "liste des sigles", "abreviations", "sigles et acronymes",
}  # fmt: skip
_LEGEND_START = re.compile(rf"^(?:{_LEVEL_ALTERNATIVES})\b", re.I)


def _subtree(node):
    for child in node.children:
        yield child
        yield from _subtree(child)


def _level_name(word: str) -> str:
    """The level a level word names, as the document writes it ("Enjeux" → "Enjeu")."""
    key = " ".join(w[:-1] if len(w) > 3 and w.endswith(("s", "x")) else w for w in normalise(word).split())
    return LEVEL_NAMES.get(key, word.strip().capitalize())


def plan_subtitle(text: str) -> bool:
    """A short line naming a level and the actions ("Enjeux et plan d'action", "Objectifs et fiches actions"):
    the subtitle of a chapter that holds one part of the plan."""
    return len(text) < 60 and bool(_LEGEND_START.match(text)) and bool(_ACTION_WORD.search(text))


def sentence_case(text: str) -> str:
    """A title written in capitals ("LA PETITE ENFANCE") as a sentence ("La petite enfance")."""
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return text[:1] + text[1:].lower()
    return text


def _title_and_result(text: str) -> tuple[str, str]:
    """ "Déploiement de Géorienté : 72 structures partenaires" → the title, and the measured result apart; so too
    what follows an arrow ("Formation des agents → nouveaux modes de faire") and a closing "…, avec 30 inscrits"."""
    arrow = re.search(r"\s*(?:→|=>|⇒|⟶)\s*", text)
    if arrow and arrow.start() >= 4 and text.count("(", 0, arrow.start()) == text.count(")", 0, arrow.start()):
        title, result = _title_and_result(text[: arrow.start()])
        return title, " ".join(part for part in (result, text[arrow.end() :].strip()) if part)
    found = _MEASURED.match(text)
    if found:
        return found.group(1).strip(), found.group(2).strip()
    found = re.match(r"^(.{20,}?),\s+(avec\s+.*\d.*)$", text)
    if found:
        return found.group(1).strip(), found.group(2).strip()
    return text, ""


_MEASURED = re.compile(r"^(.{4,120}?)\s*:\s*(\+?\d.*)$")
_MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}  # fmt: skip
_FULL_DATE = re.compile(
    r"\b(?:(?P<day>\d{1,2})(?:er)?\s+)?(?P<month>" + "|".join(_MONTHS) + r")\s+(?P<year>(?:19|20)\d{2})\b"
    r"|\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>(?:19|20)\d{2})\b"
)
_DONE_TENSE = re.compile(
    r"\b(?:a|ont|avait|avaient) été \w+|\bs.est (?:tenue?|déroulée?|terminée?)s?\b|\bse sont (?:tenue?|déroulée?)s?\b"
    r"|\b(?:réalisée?s?|terminée?s?|achevée?s?|menée?s?|finalisée?s?)\b",
    re.I,
)
_RECURRING = re.compile(
    r"\btous les (?:\d+ )?(?:ans|mois|semaines|jours|trimestres)\b|\bchaque (?:année|mois|semaine|trimestre)\b"
    r"|\b(?:annuel|annuelle|hebdomadaire|mensuel|mensuelle)s?\b",
    re.I,
)
STANDING_ACTIVITIES = {
    "permanence": "continuous", "permanences": "continuous", "dispositif": "continuous",
    "dispositifs": "continuous", "partenariat": "continuous", "participation": "continuous",
    "demarche": "in_progress", "demarches": "in_progress",
}  # fmt: skip  # done activities of these kinds are not over: a permanence is still held, a process still runs
_PROJECT_LINE = re.compile(
    r"^(?:projet|action)\s+(?P<state>en cours|réalisée?|terminée?|à venir|prévue?|nouvelle|en projet)?\s*"
    r"(?P<years>(?:19|20)\d{2}(?:\s*[-/–]\s*(?:19|20)\d{2})?)?\s*:\s*(?P<title>[^:]{3,150})$",
    re.I,
)
_REVIEW = re.compile(r"\b(?:bilan|bilans|realisations|actions realisees|retour sur)\b")
_COUNTED = re.compile(rf"^(?:les\s+)?(?P<count>[2-9]|1\d)\s+(?P<word>{_LEVEL_ALTERNATIVES})\s*:?$", re.I)


def _date_in(text: str) -> date | None:
    """The first date a line writes in full ("24 septembre 2024", "mai 2024" as its first day, "13/09/2023")."""
    for found in _FULL_DATE.finditer(text.lower().replace("é", "e").replace("û", "u")):
        try:
            if found.group("month"):
                return date(int(found.group("year")), _MONTHS[found.group("month")], int(found.group("day") or 1))
            return date(int(found.group("y")), int(found.group("m")), int(found.group("d")))
        except ValueError:
            continue
    return None


def tense_status(text: str, today: date | None) -> str | None:
    """The status a line says by its words: "en cours" is in progress, "tous les ans" continuous, a past
    participle ("a été mis en place", "réalisé", "s'est tenue") done; else by its dates, set against the
    document's date: a day before it is done, after it planned; its year in progress, an earlier year done."""
    if re.search(r"\ben cours\b", text, re.I):
        return "in_progress"
    if _RECURRING.search(text):
        return "continuous"
    if any(_says_done(text, found) for found in _DONE_TENSE.finditer(text)):
        return "done"
    if today is None:
        return None
    found = _date_in(text)
    if found:
        return "done" if found < today else "planned"
    years = sorted(set(years_in(re.sub(r"\b\d{4}\s*[-/]\s*\d{2,4}\b", "", text))))
    if len(years) >= 2 and years[-1] <= today.year:
        return "continuous"  # one event each year: les femmes (2022), les auteurs (2023), les enfants (2024)
    if len(years) == 1 and re.search(rf"\b(?:en|fin|début|depuis)\s+{years[0]}\b|\({years[0]}\)", text, re.I):
        return "in_progress" if years[0] == today.year else "done" if years[0] < today.year else "planned"
    return None


_PLURAL_NOUN_END = re.compile(r"\b(?:les|des|aux|ses|leurs|nos|vos)\s+[\w'’-]+\s+$", re.I)


def _says_done(text: str, found: re.Match) -> bool:
    """A past participle tells the action is done, unless it agrees with a plural noun before it and so qualifies
    that noun ("les projets réalisés"; but "Réunion des partenaires réalisée" is done)."""
    before = text[: found.start()]
    return not found.group(0).endswith("s") or not _PLURAL_NOUN_END.search(before)


def zone_status(text: str) -> str | None:
    """The status of the lines a title announces: "Exemples d'actions menées" → done."""
    found = re.search(r"\bactions?\s+(.{3,30})", text, re.I)
    if not found:
        return None
    words = [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in normalise(found.group(1)).split()]
    for size in (2, 1):
        if len(words) >= size:
            status = match_word("status", " ".join(words[:size])) or ("done" if words[0] in ("menee", "mene") else None)
            if status:
                return status
    return None


def _partner_names(text: str) -> list[tuple[str, str]]:
    """The organisations a partnership line names ("Mednum 63", "UFCV, CEMEA…"), with a detail in parentheses."""
    text = text.strip().rstrip(".…")
    if not text or len(text.split()) > 12 or not (text[:1].isupper() or text[:1].isdigit()):
        return []
    first = normalise(text).split()[0]
    if first in ("l", "tous", "toutes", "autres", "ensemble", "et", "selon", "en", "dans"):
        return []
    parts = [text]
    if "," in text and all(len(part.split()) <= 4 for part in text.split(",")):
        parts = [part.strip() for part in text.split(",")]
    names = []
    for part in parts:
        found = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", part)
        name, detail = (found.group(1), found.group(2)) if found else (part, "")
        name = name.strip(" -–.;…")
        if len(name) >= 2:
            names.append((name, detail))
    return names
