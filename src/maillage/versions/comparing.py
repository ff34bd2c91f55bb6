"""What changed between two states of the plan, read from two interchange documents.

Matching rules (docs/versions.md says the same, with examples):

Nodes, in this order, each pass only among the nodes the previous passes left unmatched:
1. same ``key`` (both non-empty);
2. same code and same title (titles compared accents, case and punctuation aside);
3. same title, code changed or missing — so that renumbered nodes ("1.1" ↔ "1.2" swapped) are seen
   as renumbered rather than as two renames;
4. same code (non-empty), title changed: a renamed node.
When several unmatched nodes share a title, those whose parents are matched to each other pair first,
then the rest in tree order. What is left is removed (old side) or added (new side). A matched node
whose parent is not the match of its old parent has moved.

Actions:
1. same ``ref``;
2. a ref that disappeared and a ref that appeared with the same title (the only such pair on both
   sides): the action was renumbered — one ``refs_changed`` entry, not a removal and an addition.
A matched action whose set of nodes (read through the node matching) differs has moved; its status
and each fiche field are compared as the fiche page shows them (the project's words, names behind
the directory's keys, French dates).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.actions.history import field_label
from maillage.actions.models import SECTIONS
from maillage.actions.vocabulary import Scale
from maillage.french import normalise

from .reading import DocNode, Plan

# The fiche fields compared, in the order of the edit form (status apart: it has its own list).
COMPARED_FIELDS = [
    "title",
    "code",
    "origin",
    "priority",
    "participation",
    "scale",
    "territory",
    "periods",
    "start_date",
    "end_date",
    *SECTIONS,
    "parent",
    "leads",
    "lead_organisation",
    "elected_referent",
    "themes",
    "partners",
    "budget",
    "indicators",
]
VOCABULARY_FIELDS = {"origin": "origin", "priority": "priority", "participation": "participation"}

KINDS = [
    "nodes_added",
    "nodes_removed",
    "nodes_renamed",
    "nodes_moved",
    "actions_added",
    "actions_removed",
    "actions_moved",
    "refs_changed",
    "status_changes",
    "fields_changed",
]


def label_of(name: str) -> str:
    """The fiche's French label of a compared field."""
    if name == "indicators":
        return _("Indicateurs")
    return field_label(name)


# --- nodes ----------------------------------------------------------------------------------------


def match_nodes(old: list[DocNode], new: list[DocNode]) -> dict[str, DocNode]:
    """old ident → matched new node (see the module doc for the rules)."""
    matched: dict[str, DocNode] = {}
    taken: set[str] = set()

    def free_old():
        return [node for node in old if node.ident not in matched]

    def free_new():
        return [node for node in new if node.ident not in taken]

    def pair(a, b):
        matched[a.ident] = b
        taken.add(b.ident)

    def same_place(a, b):
        if a.parent is None:
            return b.parent is None
        twin = matched.get(a.parent.ident)
        return twin is not None and twin is b.parent

    def by(key_of, old_nodes, new_nodes):
        """Pair nodes with the same non-empty key; several candidates: parents matched first, then order."""
        candidates = defaultdict(list)
        for node in new_nodes:
            key = key_of(node)
            if key:
                candidates[key].append(node)
        groups = defaultdict(list)
        for node in old_nodes:
            key = key_of(node)
            if key and candidates.get(key):
                groups[key].append(node)
        for key, olds in groups.items():
            news = candidates[key]
            for a in list(olds):  # nodes whose parents are matched to each other first
                b = next((n for n in news if same_place(a, n)), None)
                if b is not None:
                    pair(a, b)
                    olds.remove(a)
                    news.remove(b)
            for a, b in zip(olds, news, strict=False):
                pair(a, b)

    by(lambda n: n.key, old, new)
    by(lambda n: (n.code, n.normalised_title) if n.code else None, free_old(), free_new())
    by(lambda n: n.normalised_title, free_old(), free_new())
    by(lambda n: n.code, free_old(), free_new())
    return matched


def _node_entry(node: DocNode) -> dict:
    entry = {"code": node.code, "title": node.title, "level": node.level}
    if node.key:
        entry["key"] = node.key
    entry["parent"] = node.parent.label if node.parent else ""
    return entry


# --- the fiche fields as the page shows them ---------------------------------------------------------


def _date(value) -> str:
    return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT") if value else ""


def _number(value) -> str:
    if value is None:
        return ""
    return number_format(value, decimal_pos=None if isinstance(value, int) else 2, use_l10n=True, force_grouping=True)


def field_text(plan: Plan, action: dict, name: str) -> str:
    value = action.get(name)
    if value in (None, "", []):
        return ""
    labels = plan.labels
    if name in VOCABULARY_FIELDS:
        return labels[VOCABULARY_FIELDS[name]].get(value, value)
    if name == "scale":
        return str(dict(Scale.choices).get(value, value))
    if name == "territory":
        return plan.territories.get(value, value)
    if name in ("start_date", "end_date"):
        return _date(value)
    if name in ("periods", "themes"):
        return "\n".join(value)
    if name == "parent":
        parent = plan.actions.get(value)
        return f"{value} — {parent['title']}" if parent else value
    if name == "leads":
        return "\n".join(sorted(plan.people.get(key, key) for key in value))
    if name == "elected_referent":
        return plan.people.get(value, value)
    if name == "lead_organisation":
        return plan.organisations.get(value, value)
    if name == "partners":
        lines = []
        for role in value:
            line = f"{plan.organisations.get(role['partner'], role['partner'])} — "
            line += labels["role"].get(role["role"], role["role"])
            lines.append(f"{line} ({role['detail']})" if role.get("detail") else line)
        return "\n".join(lines)
    if name == "budget":
        return "\n".join(_budget_line(plan, line) for line in value)
    if name == "indicators":
        return "\n".join(_indicator_line(indicator) for indicator in value)
    return str(value)


def _budget_line(plan: Plan, line: dict) -> str:
    natures = {"operating": _("Fonctionnement"), "investment": _("Investissement")}
    kinds = {"planned": _("Prévisionnel"), "actual": _("Réalisé")}
    unit = "ETP" if line.get("unit") == "fte" else "€"
    parts = [
        str(line["year"]) if line.get("year") else _("toute la période"),
        natures.get(line.get("nature", "operating"), ""),
        kinds.get(line.get("kind", "planned"), ""),
        f"{_number(line['amount'])} {unit}",
    ]
    if line.get("funder"):
        parts.append(plan.organisations.get(line["funder"], line["funder"]))
    if line.get("label"):
        parts.append(line["label"])
    return " · ".join(parts)


def _indicator_line(indicator: dict) -> str:
    text = indicator["title"]
    if indicator.get("unit"):
        text += f" ({indicator['unit']})"
    details = []
    if indicator.get("baseline") is not None:
        year = f" {indicator['baseline_year']}" if indicator.get("baseline_year") else ""
        details.append(_("référence%(year)s : %(value)s") % {"year": year, "value": _number(indicator["baseline"])})
    for target in indicator.get("targets", []):
        details.append(_("cible %(year)s : %(value)s") % {"year": target["year"], "value": _number(target["value"])})
    return f"{text} — {', '.join(details)}" if details else text


# --- the comparison ---------------------------------------------------------------------------------


@dataclass
class Side:
    """One end of a comparison: a stored version or today's plan."""

    ident: str  # the version id, or "current"
    label: str
    date: date | None
    state: str  # "draft", "adopted" or "current"
    plan: Plan

    def as_dict(self) -> dict:
        return {
            "id": self.ident,
            "label": self.label,
            "date": self.date.isoformat() if self.date else None,
            "state": self.state,
        }


@dataclass
class Comparison:
    old: Side
    new: Side
    node_matches: dict[str, DocNode] = field(default_factory=dict)
    action_matches: dict[str, str] = field(default_factory=dict)  # old ref → new ref
    nodes_added: list[dict] = field(default_factory=list)
    nodes_removed: list[dict] = field(default_factory=list)
    nodes_renamed: list[dict] = field(default_factory=list)
    nodes_moved: list[dict] = field(default_factory=list)
    actions_added: list[dict] = field(default_factory=list)
    actions_removed: list[dict] = field(default_factory=list)
    actions_moved: list[dict] = field(default_factory=list)
    refs_changed: list[dict] = field(default_factory=list)
    status_changes: list[dict] = field(default_factory=list)
    fields_changed: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, kind) for kind in KINDS)

    def counts(self) -> list[tuple[str, str, int]]:
        return [(kind, str(KIND_LABELS[kind]), len(getattr(self, kind))) for kind in KINDS]

    def as_dict(self) -> dict:
        """The JSON of ``maillage diff --format json`` (docs/versions.md)."""
        return {
            "project": self.new.plan.header.get("slug") or self.old.plan.header.get("slug"),
            "from": self.old.as_dict(),
            "to": self.new.as_dict(),
            **{kind: getattr(self, kind) for kind in KINDS},
        }

    def fields_by_action(self) -> list[tuple[dict, list[dict]]]:
        """The fiche changes grouped per action, in the new plan's order: (action entry, changes)."""
        grouped: dict[str, list[dict]] = {}
        for change in self.fields_changed:
            grouped.setdefault(change["ref"], []).append(change)
        return [({"ref": ref, "title": changes[0]["title"]}, changes) for ref, changes in grouped.items()]


KIND_LABELS = {
    "nodes_added": gettext_lazy("Nœuds ajoutés"),
    "nodes_removed": gettext_lazy("Nœuds retirés"),
    "nodes_renamed": gettext_lazy("Nœuds renommés ou renumérotés"),
    "nodes_moved": gettext_lazy("Nœuds déplacés"),
    "actions_added": gettext_lazy("Actions ajoutées"),
    "actions_removed": gettext_lazy("Actions retirées"),
    "actions_moved": gettext_lazy("Actions déplacées dans l'arborescence"),
    "refs_changed": gettext_lazy("Actions renumérotées"),
    "status_changes": gettext_lazy("Changements de statut"),
    "fields_changed": gettext_lazy("Champs de fiche modifiés"),
}


def compare(old: Side, new: Side) -> Comparison:
    """Every difference between two states of the plan (see the module doc for the matching rules)."""
    result = Comparison(old, new)
    a, b = old.plan, new.plan
    matches = match_nodes(a.nodes, b.nodes)
    result.node_matches = matches
    matched_new = {node.ident for node in matches.values()}
    for node in b.nodes:
        if node.ident not in matched_new:
            result.nodes_added.append(_node_entry(node))
    for node in a.nodes:
        twin = matches.get(node.ident)
        if twin is None:
            result.nodes_removed.append(_node_entry(node))
            continue
        if twin.title != node.title or twin.code != node.code:
            entry = _node_entry(twin)
            entry.update({"old_code": node.code, "old_title": node.title})
            result.nodes_renamed.append(entry)
        old_parent = matches.get(node.parent.ident) if node.parent else None
        if old_parent is not twin.parent or (node.parent is not None and old_parent is None):
            entry = _node_entry(twin)
            entry.update(
                {"from": node.parent.label if node.parent else "", "to": twin.parent.label if twin.parent else ""}
            )
            result.nodes_moved.append(entry)

    # Actions: by reference, then renumbered ones by title.
    action_matches = {ref: ref for ref in a.actions if ref in b.actions}
    gone = [ref for ref in a.actions if ref not in b.actions]
    arrived = [ref for ref in b.actions if ref not in a.actions]
    gone_titles = defaultdict(list)
    for ref in gone:
        gone_titles[normalise(a.actions[ref]["title"])].append(ref)
    arrived_titles = defaultdict(list)
    for ref in arrived:
        arrived_titles[normalise(b.actions[ref]["title"])].append(ref)
    for title, olds in gone_titles.items():
        news = arrived_titles.get(title, [])
        if len(olds) == 1 and len(news) == 1:
            action_matches[olds[0]] = news[0]
            result.refs_changed.append({"ref": news[0], "old_ref": olds[0], "title": b.actions[news[0]]["title"]})
    result.action_matches = action_matches
    matched_refs = set(action_matches.values())

    for ref, action in b.actions.items():
        if ref not in matched_refs:
            result.actions_added.append(_action_entry(b, action))
    for ref, action in a.actions.items():
        if ref not in action_matches:
            result.actions_removed.append(_action_entry(a, action))

    order = {ref: n for n, ref in enumerate(b.actions)}
    for old_ref, new_ref in sorted(action_matches.items(), key=lambda pair: order[pair[1]]):
        before, after = a.actions[old_ref], b.actions[new_ref]
        entry = {"ref": new_ref, "code": after.get("code", ""), "title": after["title"]}
        if before["status"] != after["status"]:
            result.status_changes.append(
                {
                    **entry,
                    "from": before["status"],
                    "to": after["status"],
                    "from_label": a.status_label(before["status"]),
                    "to_label": b.status_label(after["status"]),
                }
            )
        old_nodes = a.placements.get(old_ref, [])
        new_nodes = b.placements.get(new_ref, [])
        mapped = {matches[node.ident].ident if node.ident in matches else f"gone:{node.ident}" for node in old_nodes}
        if mapped != {node.ident for node in new_nodes}:
            result.actions_moved.append(
                {**entry, "from": [node.label for node in old_nodes], "to": [node.label for node in new_nodes]}
            )
        for name in COMPARED_FIELDS:
            was_parent = before.get("parent")
            if name == "parent" and was_parent and action_matches.get(was_parent) == after.get("parent"):
                continue  # the same parent action, whatever its reference or title became
            was, now = field_text(a, before, name), field_text(b, after, name)
            if was != now:
                result.fields_changed.append(
                    {**entry, "field": name, "label": label_of(name), "before": was, "after": now}
                )
    return result


def _action_entry(plan: Plan, action: dict) -> dict:
    return {
        "ref": action["ref"],
        "code": action.get("code", ""),
        "title": action["title"],
        "status": action["status"],
        "status_label": plan.status_label(action["status"]),
        "parent": action.get("parent", ""),
        "nodes": plan.node_labels(action["ref"]),
    }


# --- the panorama of an update (the Genas seed's columns) ---------------------------------------------

# (column, heading): the seed's four columns first, then what else an update may hold.
PANORAMA_COLUMNS = [
    ("done", gettext_lazy("Actions terminées")),
    ("postponed", gettext_lazy("Actions reportées")),
    ("new", gettext_lazy("Actions nouvelles")),
    ("continuous", gettext_lazy("Actions en continu")),
    ("ongoing", gettext_lazy("Actions en cours ou à venir")),
    ("abandoned", gettext_lazy("Actions abandonnées")),
    ("already_done", gettext_lazy("Actions déjà terminées")),
    ("dropped", gettext_lazy("Actions retirées du plan")),
]


def _column(comparison, old_ref, new_ref) -> str:
    after = comparison.new.plan.actions[new_ref]["status"]
    if old_ref is None:
        return "new"
    before = comparison.old.plan.actions[old_ref]["status"]
    if after == "done":
        return "already_done" if before == "done" else "done"
    if after in ("postponed", "continuous"):
        return after
    if after == "abandoned":
        return "abandoned"
    return "ongoing"


@dataclass
class PanoramaGroup:
    node: DocNode | None  # None: the actions placed under no node (or whose node is gone)
    columns: dict[str, list[dict]]
    depth: int = 1

    @property
    def total(self) -> int:
        return sum(len(items) for items in self.columns.values())


@dataclass
class Panorama:
    comparison: Comparison
    counts: dict[str, int]
    groups: list[PanoramaGroup]

    @property
    def columns(self) -> list[tuple[str, str, int]]:
        """The columns in use, the seed's four always first."""
        return [
            (code, str(heading), self.counts.get(code, 0))
            for code, heading in PANORAMA_COLUMNS
            if self.counts.get(code) or code in ("done", "postponed", "new", "continuous")
        ]


def update_panorama(comparison: Comparison) -> Panorama:
    """Every top-level action of the new state in its column — done since, postponed, new, continuous,
    and the rest — per node of the new tree; actions removed since are listed under their old node's
    match, or apart."""
    a, b = comparison.old.plan, comparison.new.plan
    new_to_old = {n: o for o, n in comparison.action_matches.items()}
    column_of = {
        ref: _column(comparison, new_to_old.get(ref), ref)
        for ref, action in b.actions.items()
        if not action.get("parent")
    }
    dropped_under: dict[str, list[dict]] = defaultdict(list)
    loose_dropped = []
    for ref, action in a.actions.items():
        if action.get("parent") or ref in comparison.action_matches:
            continue
        homes = [comparison.node_matches.get(node.ident) for node in a.placements.get(ref, [])]
        homes = [home for home in homes if home is not None]
        if homes:
            dropped_under[homes[0].ident].append(action)
        else:
            loose_dropped.append(action)
    groups = []
    for node in b.nodes:
        columns = defaultdict(list)
        for ref in node.refs:
            if ref in column_of:
                columns[column_of[ref]].append(b.actions[ref])
        for action in dropped_under.get(node.ident, []):
            columns["dropped"].append(action)
        if columns or node.children:
            groups.append(PanoramaGroup(node, dict(columns), node.depth))
    loose = defaultdict(list)
    for ref, column in column_of.items():
        if ref not in b.placements:
            loose[column].append(b.actions[ref])
    if loose_dropped:
        loose["dropped"].extend(loose_dropped)
    if loose:
        groups.append(PanoramaGroup(None, dict(loose)))
    counts = defaultdict(int)
    for column in column_of.values():
        counts[column] += 1
    counts["dropped"] = sum(len(v) for v in dropped_under.values()) + len(loose_dropped)
    # Nodes with nothing under them anywhere below are left out, as in the seed.
    groups = _prune(groups)
    return Panorama(comparison, dict(counts), groups)


def _prune(groups: list[PanoramaGroup]) -> list[PanoramaGroup]:
    keep = []
    for index, group in enumerate(groups):
        if group.node is None or group.total:
            keep.append(group)
            continue
        prefix = group.node.ident + "."
        if any(
            other.node is not None and other.node.ident.startswith(prefix) and other.total
            for other in groups[index + 1 :]
        ):
            keep.append(group)
    return keep


# --- the renewal bilan: what became of each action of version N in version N+1 ------------------------

FATES = [
    ("continued", gettext_lazy("Poursuivie")),
    ("changed", gettext_lazy("Poursuivie avec des changements")),
    ("closed", gettext_lazy("Close")),
    ("dropped", gettext_lazy("Non reprise")),
]
FATE_LABELS = dict(FATES)
CLOSED = {"done", "abandoned"}


@dataclass
class Fate:
    action: dict
    fate: str
    before: str  # status label in N
    after: str  # status label in N+1 ("" when dropped)
    detail: str
    new_ref: str = ""

    @property
    def label(self) -> str:
        return str(FATE_LABELS[self.fate])


@dataclass
class Bilan:
    comparison: Comparison
    groups: list[tuple[DocNode | None, list[Fate]]]
    counts: dict[str, int]
    per_root: list[tuple[str, list[int]]]  # (top-level node, counts in the order of FATES)
    new_actions: list[dict]

    @property
    def fates(self):
        return [(code, str(label), self.counts.get(code, 0)) for code, label in FATES]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def renewal_bilan(comparison: Comparison) -> Bilan:
    """Every top-level action of the old state with what became of it in the new one.

    Dropped: absent from the new state. Closed: done or abandoned there. Changed: still there with its
    fiche changed, moved in the tree or renumbered. Continued: still there, only its status may have
    moved on (a status is the life of an action, not a change of the plan)."""
    a, b = comparison.old.plan, comparison.new.plan
    moved = {entry["ref"] for entry in comparison.actions_moved}
    fields = defaultdict(list)
    for change in comparison.fields_changed:
        fields[change["ref"]].append(change["label"])
    renumbered = {entry["ref"]: entry["old_ref"] for entry in comparison.refs_changed}
    fates: dict[str, Fate] = {}
    for ref, action in a.actions.items():
        if action.get("parent"):
            continue
        before = a.status_label(action["status"])
        new_ref = comparison.action_matches.get(ref)
        if new_ref is None:
            fates[ref] = Fate(action, "dropped", before, "", _("absente de la nouvelle version"))
            continue
        after_action = b.actions[new_ref]
        after = b.status_label(after_action["status"])
        details = []
        if new_ref in renumbered:
            details.append(_("renumérotée %(old)s → %(new)s") % {"old": ref, "new": new_ref})
        if new_ref in moved:
            details.append(_("déplacée : %(to)s") % {"to": ", ".join(b.node_labels(new_ref)) or _("hors arborescence")})
        if fields.get(new_ref):
            details.append(_("fiche modifiée : %(fields)s") % {"fields": ", ".join(fields[new_ref])})
        if after_action["status"] in CLOSED:
            fate = "closed"
        elif details:
            fate = "changed"
        else:
            fate = "continued"
        if before != after:
            details.insert(0, f"{before} → {after}")
        fates[ref] = Fate(action, fate, before, after, " ; ".join(details), new_ref)
    groups = []
    listed = set()
    for node in a.nodes:
        items = [fates[ref] for ref in node.refs if ref in fates and ref not in listed]
        listed.update(fate.action["ref"] for fate in items)
        if items:
            groups.append((node, items))
    loose = [fate for ref, fate in fates.items() if ref not in listed]
    if loose:
        groups.append((None, loose))
    counts = defaultdict(int)
    for fate in fates.values():
        counts[fate.fate] += 1
    per_root = []
    for root in a.roots:
        under = defaultdict(int)
        seen = set()
        stack = [root]
        while stack:
            node = stack.pop()
            for ref in node.refs:
                if ref in fates and ref not in seen:
                    seen.add(ref)
                    under[fates[ref].fate] += 1
            stack.extend(node.children)
        per_root.append((root.label, [under.get(code, 0) for code, _label in FATES]))
    matched_new = set(comparison.action_matches.values())
    new_actions = [action for ref, action in b.actions.items() if ref not in matched_new and not action.get("parent")]
    return Bilan(comparison, groups, dict(counts), per_root, new_actions)
