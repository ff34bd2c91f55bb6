"""Changing the strategy tree: add, rename, move, reorder and delete nodes, place actions under nodes.

Every function validates with the models' French messages and changes nothing when it refuses
(one transaction each), so that the tree screen, its htmx fragments and its no-JS forms share one
set of rules.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from maillage.actions.models import Action, ActionNode

from .models import Level, Node


def _next_position(queryset) -> int:
    last = queryset.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def subtree_ids(node: Node) -> set[int]:
    """The node and all its descendants (one query: the project's nodes, walked in memory)."""
    children = {}
    for pk, parent_id in Node.objects.filter(project_id=node.project_id).values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [node.pk]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def _check_code(node: Node) -> None:
    """The model's constraint says it in generic words; say which code is taken."""
    if node.code and Node.objects.filter(project_id=node.project_id, code=node.code).exclude(pk=node.pk).exists():
        raise ValidationError({"code": _("Un autre nœud du projet a déjà le code « %(code)s ».") % {"code": node.code}})


@transaction.atomic
def add_node(project, parent: Node | None, title: str, code: str = "") -> Node:
    """A new node at the end of its siblings, one level below its parent (the first level for a root)."""
    depth = parent.level.depth + 1 if parent else 1
    level = Level.objects.filter(project=project, depth=depth).first()
    if level is None:
        if parent is None:
            raise ValidationError(_("Le projet n'a encore aucun niveau : nommez-en un dans les paramètres."))
        raise ValidationError(
            _(
                "Le niveau « %(level)s » est le plus profond du projet : ajoutez un niveau dans les paramètres "
                "pour y créer des sous-nœuds."
            )
            % {"level": parent.level}
        )
    siblings = Node.objects.filter(project=project, parent=parent)
    node = Node(project=project, parent=parent, level=level, title=title.strip(), code=code.strip())
    node.position = _next_position(siblings)
    _check_code(node)
    node.full_clean()
    node.save()
    return node


KEEP = object()  # rename_node's referent left as it is


@transaction.atomic
def rename_node(node: Node, title: str, code: str, referent=KEEP) -> Node:
    """Change a node's title and code, and its elected referent when one is given (a person of the
    node's project, or None for nobody)."""
    node.title, node.code = title.strip(), code.strip()
    fields = ["title", "code"]
    if referent is not KEEP:
        if referent is not None and referent.project_id != node.project_id:
            raise ValidationError({"referent": _("Cette personne n'est pas dans l'annuaire du projet.")})
        node.referent = referent
        fields.append("referent")
    _check_code(node)
    node.full_clean()
    node.save(update_fields=fields)
    return node


@transaction.atomic
def move_node(node: Node, new_parent: Node | None) -> Node:
    """Put the node (and its branch) under another parent, last among its new siblings.

    The node keeps its level, so the model's rules decide: no loop, a parent of a shallower level.
    """
    if new_parent is not None and new_parent.project_id != node.project_id:
        raise ValidationError({"parent": _("Le nœud parent appartient à un autre projet.")})
    if (new_parent.pk if new_parent else None) == node.parent_id:
        return node
    node.parent = new_parent
    node.position = _next_position(Node.objects.filter(project_id=node.project_id, parent=new_parent))
    node.full_clean()
    node.save(update_fields=["parent", "position"])
    return node


@transaction.atomic
def reorder_node(node: Node, direction: str) -> bool:
    """Swap the node with its previous ("up") or next ("down") sibling; False when already at that end.

    Siblings are renumbered 0..n in their shown order, which also mends equal positions.
    """
    siblings = list(
        Node.objects.select_for_update()
        .filter(project_id=node.project_id, parent_id=node.parent_id)
        .order_by("position", "pk")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == node.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    Node.objects.bulk_update(siblings, ["position"])
    return True


@transaction.atomic
def delete_node(node: Node, *, actions_to: Node | None = None, branch_confirmed: bool = False) -> int:
    """Delete the node and its branch; the actions placed there go under ``actions_to`` or stay unplaced.

    Returns the number of actions moved to ``actions_to``. A node with children is deleted only when
    the branch deletion is confirmed; ``actions_to`` must be outside the deleted branch.
    """
    branch = subtree_ids(node)
    if len(branch) > 1 and not branch_confirmed:
        raise ValidationError(
            _("Ce nœud a des sous-nœuds : confirmez la suppression de toute la branche (%(n)s nœuds).")
            % {"n": len(branch)}
        )
    moved = 0
    if actions_to is not None:
        if actions_to.project_id != node.project_id:
            raise ValidationError({"actions_to": _("Ce nœud appartient à un autre projet.")})
        if actions_to.pk in branch:
            raise ValidationError(
                {"actions_to": _("Les actions ne peuvent pas aller sous un nœud de la branche supprimée.")}
            )
        action_ids = set(ActionNode.objects.filter(node_id__in=branch).values_list("action_id", flat=True))
        already = set(actions_to.placements.filter(action_id__in=action_ids).values_list("action_id", flat=True))
        start = _next_position(actions_to.placements.all())
        ActionNode.objects.bulk_create(
            ActionNode(action_id=action_id, node=actions_to, position=start + i)
            for i, action_id in enumerate(sorted(action_ids - already))
        )
        moved = len(action_ids - already)
    Node.objects.filter(pk__in=branch).delete()
    return moved


@transaction.atomic
def place_action(action: Action, node: Node) -> ActionNode:
    """Place the action under one more node (a shared sheet serves several objectives)."""
    if node.project_id != action.project_id:
        raise ValidationError({"node": _("Ce nœud appartient à un autre projet que l'action.")})
    if ActionNode.objects.filter(action=action, node=node).exists():
        raise ValidationError({"node": _("Cette action est déjà placée sous ce nœud.")})
    placement = ActionNode(action=action, node=node, position=_next_position(node.placements.all()))
    placement.save()
    return placement


def unplace_action(action: Action, node: Node) -> bool:
    """Remove one placement; the action itself stays (unplaced if it was its only node)."""
    deleted, _detail = ActionNode.objects.filter(action=action, node=node).delete()
    return bool(deleted)
