"""Who reads which action in the library: the rule, written once, as conditions inside SQL.

The library holds two kinds of actions:

- every action of a **published** project (readable by anyone, without personal data) — except while
  the project prepares an update of its plan: its public pages then show the last adopted version
  (``maillage.versions.public``), so the working copy's actions stay out of the library too;
- every action a project **shares with its network** (:class:`~maillage.library.models.SharedAction`).

A project's *network* is the tree of projects under its root project (the project with no parent it
is declined from): the Lyon PMS, its PSTs and anything declined from them. An action shared in
one of them is read by every member (any role) of any project of that tree — the PMS's network admin,
the coordinator of a sibling PST, a reader of a perimeter three levels down — and by nobody else, even
when its project is private. Siblings are included on purpose: the seed's "exemples d'actions d'autres
PST" are meant for the other PSTs of the same framework, not only for the projects below the sharer.

Who may share: the coordinators of the action's project (``Access.can_manage``, which includes the
network admin of a parent).
"""

from django.db import transaction
from django.db.models import Q

from maillage.accounts.models import Membership
from maillage.actions.models import Action
from maillage.projects.network import ancestor_ids, descendants_q, root_ids
from maillage.versions.models import Version

from .models import SharedAction


def network_roots(user) -> set[int]:
    """The root projects of every project where the user holds a role (one query for the memberships'
    roots: ``projects.network``)."""
    if not user.is_authenticated:
        return set()
    return root_ids(Membership.objects.filter(user=user).values("project_id"))


def in_networks_q(roots, path: str = "project") -> Q:
    """Rows whose project (reached by ``path``) is one of ``roots`` or lies under one of them."""
    return Q(**{f"{path}_id__in": roots}) | descendants_q(roots, path)


def network_of(project) -> set[int]:
    """The root of ``project``'s network, as a one-element set (the project itself when it has no parent)."""
    return {ancestor_ids(project)[-1]}


def updating_projects():
    """Projects preparing an update of an adopted plan: their public side shows the adopted version."""
    return Version.objects.filter(
        kind=Version.Kind.UPDATE, state=Version.State.DRAFT, project__versions__state=Version.State.ADOPTED
    ).values("project_id")


def published_q() -> Q:
    """Actions a visitor without an account may read (``Action`` rows)."""
    return Q(project__published=True) & ~Q(project_id__in=updating_projects())


def shared_q(user, roots: set[int] | None = None) -> Q:
    """Actions shared with a network the user belongs to (``Action`` rows); nothing for a visitor."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q(pk__in=SharedAction.objects.values("action_id"))
    roots = network_roots(user) if roots is None else roots
    if not roots:
        return Q(pk__in=[])
    shares = SharedAction.objects.filter(in_networks_q(roots, "action__project")).values("action_id")
    return Q(pk__in=shares)


def library_q(user, roots: set[int] | None = None) -> Q:
    """Every action of the library the user may read, as one condition on ``Action``."""
    condition = published_q()
    if user.is_authenticated:
        condition |= shared_q(user, roots)
    return condition


def library_actions(user):
    return Action.objects.filter(library_q(user))


def in_library(user, action) -> bool:
    return Action.objects.filter(library_q(user), pk=action.pk).exists()


def is_shared(action) -> bool:
    return SharedAction.objects.filter(action_id=action.pk).exists()


def set_shared(actions, shared: bool, user) -> int:
    """Share (or stop sharing) these actions with their network; returns how many changed."""
    ids = [action.pk for action in actions]
    with transaction.atomic():
        if not shared:
            return SharedAction.objects.filter(action_id__in=ids).delete()[0]
        already = set(SharedAction.objects.filter(action_id__in=ids).values_list("action_id", flat=True))
        new = [SharedAction(action_id=pk, shared_by=user if user.is_authenticated else None) for pk in ids]
        SharedAction.objects.bulk_create([share for share in new if share.action_id not in already])
        return len(set(ids) - already)
