"""Fixing a draft before it is saved: rename, move, merge and drop what the reader got wrong.

The draft is an interchange document; each operation edits it in memory and the result must still
be a valid document (``check``), else nothing changes and the French reason is raised. Nodes are
named by their path in the tree ("0", "0.2", "0.2.1"), because a draft's nodes need not have keys.
"""

import re

from django.utils.translation import gettext as _

from maillage.actions.models import SECTIONS
from maillage.french import normalise
from maillage.interchange.validation import check

# The name a reader gives a level the document does not name ("Niveau 2"): not the document's word.
_PLACEHOLDER = re.compile(r"^niveau \d+$")


class ReviewError(ValueError):
    """An edit that cannot be made, with its French reason."""


def walk_nodes(nodes, prefix=""):
    """Every node with its path and depth (1 for the roots), parents first."""
    for index, node in enumerate(nodes):
        path = f"{prefix}{index}"
        yield path, node, path.count(".") + 1
        yield from walk_nodes(node.get("children", []), f"{path}.")


def node_at(document: dict, path: str) -> dict:
    try:
        indexes = [int(part) for part in path.split(".")]
        node = document["nodes"][indexes[0]]
        for index in indexes[1:]:
            node = node["children"][index]
    except (ValueError, IndexError, KeyError) as error:
        raise ReviewError(_("Ce nœud n'existe plus dans le brouillon.")) from error
    return node


def action_of(document: dict, ref: str) -> dict:
    for action in document.get("actions", []):
        if action["ref"] == ref:
            return action
    raise ReviewError(_("L'action %(ref)s n'existe plus dans le brouillon.") % {"ref": ref})


def placed_refs(document: dict) -> set[str]:
    return {ref for _path, node, _depth in walk_nodes(document.get("nodes", [])) for ref in node.get("actions", [])}


def _checked(document: dict) -> dict:
    problems = check(document)
    if problems:
        raise ReviewError(_("Modification impossible : %(problem)s") % {"problem": problems[0]})
    return document


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ReviewError(_("L'intitulé ne peut pas être vide."))
    return title


def rename_node(document: dict, path: str, title: str) -> dict:
    node_at(document, path)["title"] = _title(title)
    return _checked(document)


def rename_action(document: dict, ref: str, title: str) -> dict:
    action_of(document, ref)["title"] = _title(title)
    return _checked(document)


def rename_level(document: dict, old: str, new: str) -> dict:
    """The document's own word for a level ("Axe", "Visée"): renamed on the level and on every node."""
    new = _title(new)
    if old not in document.get("levels", []):
        raise ReviewError(_("Ce niveau n'existe pas dans le brouillon."))
    if new != old and new in document["levels"]:
        raise ReviewError(_("Un autre niveau porte déjà le nom « %(name)s ».") % {"name": new})
    document["levels"] = [new if name == old else name for name in document["levels"]]
    for _path, node, _depth in walk_nodes(document.get("nodes", [])):
        if node.get("level") == old:
            node["level"] = new
    return _checked(document)


def is_placeholder(name: str) -> bool:
    return not normalise(name) or bool(_PLACEHOLDER.match(normalise(name)))


def level_labels(document: dict, project_levels: list[str] = ()) -> dict[str, str]:
    """Each level of the draft → the word the review shows for it: the document's own ("Axe",
    "Orientation") as the reader kept it; for a level the document does not name, the project's name
    at that depth (a draft merged into a project), else "Niveau N" in the person's language."""
    labels = {}
    for depth, name in enumerate(document.get("levels", []), start=1):
        if not is_placeholder(name):
            labels[name] = name
        elif depth <= len(project_levels) and not is_placeholder(project_levels[depth - 1]):
            labels[name] = project_levels[depth - 1]
        else:
            labels[name] = _("Niveau %(depth)d") % {"depth": depth}
    return labels


def _unplace(document: dict, ref: str) -> None:
    for _path, node, _depth in walk_nodes(document.get("nodes", [])):
        if ref in node.get("actions", []):
            node["actions"] = [r for r in node["actions"] if r != ref]


def move_action(document: dict, ref: str, path: str) -> dict:
    """Put the action under the node at ``path`` only (an empty path leaves it outside the tree)."""
    action_of(document, ref)
    target = node_at(document, path) if path else None
    _unplace(document, ref)
    if target is not None:
        target.setdefault("actions", []).append(ref)
    return _checked(document)


def _scrub(value, ref: str):
    """Remove a dropped action's ref from every list of refs of the document (programmes, decisions…)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "actions" and isinstance(item, list) and all(isinstance(r, str) for r in item):
                value[key] = [r for r in item if r != ref]
            else:
                _scrub(item, ref)
    elif isinstance(value, list):
        for item in value:
            _scrub(item, ref)


def drop_action(document: dict, ref: str) -> dict:
    action_of(document, ref)
    document["actions"] = [a for a in document["actions"] if a["ref"] != ref]
    for action in document["actions"]:
        if action.get("parent") == ref:
            del action["parent"]
    _scrub({key: value for key, value in document.items() if key != "actions"}, ref)
    return _checked(document)


def drop_node(document: dict, path: str) -> dict:
    """Drop a node that is not one (a heading read as a level): its children take its place and its
    actions go up to its parent, or out of the tree for a root."""
    node = node_at(document, path)
    parent_path, _dot, index = path.rpartition(".")
    siblings = node_at(document, parent_path)["children"] if parent_path else document["nodes"]
    position = int(index)
    siblings[position : position + 1] = node.get("children", [])
    if parent_path:
        parent = node_at(document, parent_path)
        parent["actions"] = parent.get("actions", []) + [
            r for r in node.get("actions", []) if r not in parent["actions"]
        ]
    return _checked(document)


def _joined(first: str, second: str) -> str:
    if not first:
        return second
    if second in first:
        return first
    if first in second:
        return second
    return f"{first}\n\n{second}"


def merge_actions(document: dict, ref: str, into: str) -> dict:
    """Fold action ``ref`` into ``into`` (the same action read twice: in a list and as a fiche):
    ``into`` keeps its title and takes the other's sections, partners, indicators and placements."""
    if ref == into:
        raise ReviewError(_("Une action ne peut pas être fusionnée avec elle-même."))
    source, target = action_of(document, ref), action_of(document, into)
    for name in SECTIONS:
        merged = _joined(target.get(name, ""), source.get(name, ""))
        if merged:
            target[name] = merged
    for key in ("code", "status", "origin", "priority", "participation", "scale", "start_date", "end_date"):
        if source.get(key) and not target.get(key):
            target[key] = source[key]
    for key in ("periods", "themes", "leads"):
        values = target.get(key, []) + [v for v in source.get(key, []) if v not in target.get(key, [])]
        if values:
            target[key] = values
    for key in ("partners", "budget", "indicators", "notes"):
        values = target.get(key, []) + [v for v in source.get(key, []) if v not in target.get(key, [])]
        if values:
            target[key] = values
    for _path, node, _depth in walk_nodes(document.get("nodes", [])):
        refs = node.get("actions", [])
        if ref in refs:
            node["actions"] = [into if r == ref else r for r in refs]
            node["actions"] = list(dict.fromkeys(node["actions"]))
    if target.get("parent") == ref:  # folding a parent into its own sub-action
        if source.get("parent"):
            target["parent"] = source["parent"]
        else:
            del target["parent"]
    for action in document["actions"]:
        if action.get("parent") == ref and action is not target:
            action["parent"] = into
    return drop_action(document, ref)
