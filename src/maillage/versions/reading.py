"""An interchange document read back for the screens and the comparisons, without the database.

A version page shows the plan *as it was*: its tree, its actions and their statuses come from the
stored document, never from the live tables. :class:`Plan` indexes one document once (nodes in tree
order, actions by reference, where each action sits, the names behind the directory's keys), and
:func:`public_document` (``interchange.public``) strips it down to what the public pages show.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.actions.progress import STATUS_ORDER
from maillage.actions.sheet import ROWS
from maillage.actions.vocabulary import VOCABULARIES, Scale
from maillage.french import normalise
from maillage.interchange.public import public_document  # noqa: F401 — what a visitor reads: one definition


def default_labels() -> dict[str, dict[str, str]]:
    return {name: {code: str(label) for code, label in choices.choices} for name, choices in VOCABULARIES.items()}


def labels_of(document: dict) -> dict[str, dict[str, str]]:
    """The project's words for the codes, as the document stored them (``project_labels`` for a document)."""
    labels = default_labels()
    for vocabulary, words in document.get("labels", {}).items():
        labels.setdefault(vocabulary, {}).update(words)
    return labels


@dataclass(eq=False)
class DocNode:
    """A node of a stored tree. ``ident`` is its place ("0.2.1"), meaningful inside one document only."""

    ident: str
    key: str
    code: str
    title: str
    level: str
    depth: int
    description: str = ""
    referent: str = ""
    parent: "DocNode | None" = None
    refs: list[str] = field(default_factory=list)
    children: list["DocNode"] = field(default_factory=list)

    @property
    def label(self) -> str:
        """ "1.1 — Informer les habitants", or the title alone for a node without code."""
        return f"{self.code} — {self.title}" if self.code else self.title

    @property
    def heading(self) -> str:
        """With the level name unless the code already says it ("Visée 1")."""
        if self.code and self.code.casefold().startswith(self.level.casefold()):
            return self.label
        return f"{self.level} {self.label}" if self.code else f"{self.level} : {self.title}"

    @property
    def normalised_title(self) -> str:
        return normalise(self.title)


class Plan:
    """One interchange document, indexed for reading: built once per request, never saved."""

    def __init__(self, document: dict):
        self.document = document
        self.header = document.get("project", {})
        self.labels = labels_of(document)
        self.nodes: list[DocNode] = []
        self.roots: list[DocNode] = []
        self.placements: dict[str, list[DocNode]] = {}
        for index, raw in enumerate(document.get("nodes", [])):
            self.roots.append(self._node(raw, str(index), 1, None))
        self.actions: dict[str, dict] = {action["ref"]: action for action in document.get("actions", [])}
        self.people = {p["key"]: p["name"] for p in document.get("people", [])}
        self.organisations = {o["key"]: o["name"] for o in document.get("partners", [])}
        self.territories = {t["key"]: t["name"] for t in document.get("territories", [])}
        self.children: dict[str, list[dict]] = {}
        for action in self.actions.values():
            if action.get("parent"):
                self.children.setdefault(action["parent"], []).append(action)

    def _node(self, raw, ident, depth, parent) -> DocNode:
        node = DocNode(
            ident=ident,
            key=raw.get("key", ""),
            code=raw.get("code", ""),
            title=raw["title"],
            level=raw.get("level", ""),
            depth=depth,
            description=raw.get("description", ""),
            referent=raw.get("referent", ""),
            parent=parent,
            refs=list(raw.get("actions", [])),
        )
        self.nodes.append(node)
        for ref in node.refs:
            self.placements.setdefault(ref, []).append(node)
        node.children = [
            self._node(child, f"{ident}.{n}", depth + 1, node) for n, child in enumerate(raw.get("children", []))
        ]
        return node

    # --- what the pages show -------------------------------------------------------------------

    @property
    def title(self) -> str:
        return self.header.get("title", "")

    def top_actions(self) -> list[dict]:
        return [action for action in self.actions.values() if not action.get("parent")]

    def status_counts(self) -> Counter:
        return Counter(action["status"] for action in self.top_actions())

    def status_rows(self) -> list[tuple[str, str, int]]:
        """(code, the project's word, count) of the statuses in use, in the product's order."""
        counts = self.status_counts()
        return [(code, self.labels["status"].get(code, code), counts[code]) for code in STATUS_ORDER if counts[code]]

    def branches(self):
        """(node, depth, its top-level actions) in tree order: the read-only tree of a version."""
        for node in self.nodes:
            actions = [self.actions[ref] for ref in node.refs if ref in self.actions]
            yield node, node.depth, [action for action in actions if not action.get("parent")]

    def unplaced(self) -> list[dict]:
        return [action for action in self.top_actions() if action["ref"] not in self.placements]

    def status_label(self, status: str) -> str:
        return self.labels["status"].get(status, status)

    def node_labels(self, ref: str) -> list[str]:
        return [node.label for node in self.placements.get(ref, [])]

    # --- one fiche -----------------------------------------------------------------------------

    def fiche(self, ref: str, public: bool = False) -> dict | None:
        """What a fiche page needs of one action of this state of the plan; None if it is not in it."""
        action = self.actions.get(ref)
        if action is None:
            return None
        labels = self.labels
        facts = []
        nodes = [
            f"{node.level} {node.label}" if node.code else f"{node.level} : {node.title}"
            for node in self.placements.get(ref, [])
        ]
        if nodes:
            facts.append((_("Dans l’arborescence"), nodes))
        if not public and action.get("leads"):
            facts.append((_("Pilotes"), [self.people.get(key, key) for key in action["leads"]]))
        if action.get("lead_organisation"):
            facts.append((_("Structure pilote"), [self.organisations.get(action["lead_organisation"], "")]))
        if not public and action.get("elected_referent"):
            facts.append((_("Élu·e référent·e"), [self.people.get(action["elected_referent"], "")]))
        if action.get("periods"):
            facts.append((_("Périodes"), [", ".join(action["periods"])]))
        if action.get("start_date") or action.get("end_date"):
            facts.append((_("Dates"), [self.dates_text(action)]))
        if action.get("scale"):
            scale = str(dict(Scale.choices).get(action["scale"], action["scale"]))
            territory = self.territories.get(action.get("territory", ""), "")
            facts.append((_("Échelon"), [f"{scale} ({territory})" if territory else scale]))
        if action.get("themes"):
            facts.append((_("Thèmes"), [", ".join(action["themes"])]))
        rows = []
        for row in ROWS:
            boxes = []
            for box in row:
                parts = [(section_label(name), action[name]) for name in box.fields if action.get(name)]
                boxes.append({"box": box, "parts": parts})
            if any(item["parts"] for item in boxes) or any(
                item["box"].key in ("partnership", "indicators") for item in boxes
            ):
                rows.append(boxes)
        partners = [
            {
                "name": self.organisations.get(role["partner"], role["partner"]),
                "role": labels["role"].get(role["role"], role["role"]),
                "detail": role.get("detail", ""),
            }
            for role in action.get("partners", [])
        ]
        indicators = [
            {
                "title": indicator["title"],
                "kind": _("quantitatif") if indicator["kind"] == "quantitative" else _("qualitatif"),
                "unit": indicator.get("unit", ""),
                "targets": indicator.get("targets", []),
                "values": [
                    {key: value.get(key) for key in ("period", "value", "assessment")}
                    for value in indicator.get("values", [])
                ],
            }
            for indicator in action.get("indicators", [])
        ]
        parent = self.actions.get(action.get("parent", ""))
        return {
            "action": action,
            "labels": labels,
            "status_label": self.status_label(action["status"]),
            "origin_label": labels["origin"].get(action.get("origin", ""), ""),
            "facts": facts,
            "rows": rows,
            "partners": partners,
            "indicators": indicators,
            "parent": parent,
            "children": self.children.get(ref, []),
        }

    def dates_text(self, action: dict) -> str:
        from datetime import date

        parts = []
        for name, word in (("start_date", _("du")), ("end_date", _("au"))):
            if action.get(name):
                parts.append(f"{word} {date_format(date.fromisoformat(action[name]), 'j F Y')}")
        return " ".join(parts)


def section_label(name: str) -> str:
    from maillage.actions.models import Action

    return str(Action._meta.get_field(name).verbose_name)
