"""The shape of a network of projects: a framework (a PMS, a CAF's CTG) and the projects declined from it.

A network is a tree of ``Project.parent`` links at most ``MAX_NETWORK_DEPTH`` levels below its top.
With that bound every question about it is one query: the ancestors through a chain of joins, the
descendants through one ``Q`` per depth, so that neither grows with the number of projects.
Who may change a link is decided in ``accounts.access``; the changes themselves are in ``joining``.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import MAX_NETWORK_DEPTH, Project


def _chain(depth: int) -> str:
    """``parent_id``, ``parent__parent_id``… the path to the ancestor ``depth`` levels up."""
    return "__".join(["parent"] * depth) + "_id"


def descendants_q(project_ids, path: str = "") -> Q:
    """Projects declined, at any depth, from one of ``project_ids`` (a list or a subquery of pks); with
    ``path`` (« action__project »), the rows whose project, reached by that path, is one of them."""
    prefix = f"{path}__" if path else ""
    query = Q()
    for depth in range(1, MAX_NETWORK_DEPTH + 1):
        query |= Q(**{f"{prefix}{_chain(depth)}__in": project_ids})
    return query


def descendants(project: Project):
    """Every project declined from ``project``, at any depth (one query when evaluated)."""
    return Project.objects.filter(descendants_q([project.pk]))


def ancestor_ids(project: Project) -> list[int]:
    """The project and the projects it is declined from, nearest first, in one query."""
    if project.pk is None:
        return []
    # The parents already in memory (``select_related("parent__parent")``) answer without a query.
    ids, current = [project.pk], project
    while True:
        if current.parent_id is None:
            return ids
        if current.parent_id in ids or not Project.parent.is_cached(current):
            break
        current = current.parent
        ids.append(current.pk)
    chain = [_chain(depth) for depth in range(1, MAX_NETWORK_DEPTH + 2)]
    row = Project.objects.filter(pk=project.pk).values_list(*chain).first() or ()
    ids = [project.pk]
    for pk in row:
        if pk is None or pk in ids:
            break
        ids.append(pk)
    return ids


def root_ids(project_ids) -> set[int]:
    """The top project of the network of each of ``project_ids`` (a project without parent is its own), in
    one query."""
    chain = [_chain(depth) for depth in range(1, MAX_NETWORK_DEPTH + 2)]
    roots = set()
    for pk, *above in Project.objects.filter(pk__in=project_ids).values_list("pk", *chain):
        roots.add(next((ancestor for ancestor in reversed(above) if ancestor is not None), pk))
    return roots


def subtree_height(project: Project) -> int:
    """How many levels hang below ``project`` (0 for a project without children), in one query."""
    if project.pk is None:
        return 0
    found = Project.objects.filter(descendants_q([project.pk])).values_list(
        *[_chain(depth) for depth in range(1, MAX_NETWORK_DEPTH + 1)]
    )
    height = 0
    for row in found:
        height = max(height, next((depth for depth, pk in enumerate(row, 1) if pk == project.pk), 0))
    return height


def check_depth(child: Project, parent: Project) -> None:
    """Refuse a link that would put a project deeper than ``MAX_NETWORK_DEPTH`` below its network's top."""
    above = len(ancestor_ids(parent))  # the parent and its ancestors
    if above + subtree_height(child) > MAX_NETWORK_DEPTH:
        raise ValidationError(
            {
                "parent": _(
                    "Un réseau compte au plus %(n)s niveaux sous son cadre : ce rattachement le rendrait plus profond."
                )
                % {"n": MAX_NETWORK_DEPTH}
            }
        )


def check_parent(child: Project, parent: Project | None) -> None:
    """The model's rules for a new parent, in French: not itself, not one of its descendants, not too deep."""
    if parent is None:
        return
    if parent.pk == child.pk:
        raise ValidationError({"parent": _("Un projet ne peut pas être son propre parent.")})
    if child.pk in ancestor_ids(parent):
        raise ValidationError(
            {
                "parent": _("« %(parent)s » est décliné de « %(child)s » : il ne peut pas en devenir le parent.")
                % {"parent": parent.title, "child": child.title}
            }
        )
    check_depth(child, parent)
