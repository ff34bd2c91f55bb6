"""Changing a project's place in a network: attach, ask to attach, accept or refuse, detach.

Each function checks the rule of ``accounts.access`` and the tree rules of ``network`` and changes
nothing when it refuses (a French ``ValidationError`` or ``PermissionDenied``, one transaction each).
Every change is written down as a ``NetworkRequest`` (a direct change is stored already accepted), so
the settings page shows the history of the project's links: who asked, who decided, when.
The public pages of both projects are re-stamped (``stamp.touch``): they show each other.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts import access

from .models import NetworkRequest, Project
from .network import check_parent
from .stamp import touch

Kind, State = NetworkRequest.Kind, NetworkRequest.State


def _set_parent(child: Project, parent: Project | None) -> None:
    before = child.parent_id
    child.parent = parent
    child.save(update_fields=["parent", "modified_at"])
    touch([pk for pk in (child.pk, before, parent.pk if parent else None) if pk])


def _locked(child: Project) -> Project:
    """The child re-read under a row lock: two requests decided at once cannot both re-parent it."""
    return Project.objects.select_for_update().get(pk=child.pk)


@transaction.atomic
def attach(child: Project, parent: Project, by) -> NetworkRequest:
    """Attach at once (``access.may_attach``); a pending request of the child is superseded."""
    if not access.may_attach(by, child, parent):
        raise PermissionDenied
    child = _locked(child)
    if child.parent_id == parent.pk:
        raise ValidationError({"parent": _("Ce projet est déjà décliné de « %(parent)s ».") % {"parent": parent}})
    check_parent(child, parent)
    NetworkRequest.objects.filter(child=child, state=State.PENDING).update(state=State.CANCELLED)
    _set_parent(child, parent)
    now = timezone.now()
    return NetworkRequest.objects.create(
        child=child,
        parent=parent,
        kind=Kind.ATTACH,
        state=State.ACCEPTED,
        requested_by=by,
        requested_at=now,
        decided_by=by,
        decided_at=now,
    )


@transaction.atomic
def request_attach(child: Project, parent: Project, by, message: str = "") -> NetworkRequest:
    """Ask the parent's network admin; the child stays where it is until they accept."""
    if not access.may_request_attach(by, child, parent):
        raise PermissionDenied
    child = _locked(child)
    if child.parent_id == parent.pk:
        raise ValidationError({"parent": _("Ce projet est déjà décliné de « %(parent)s ».") % {"parent": parent}})
    check_parent(child, parent)
    if NetworkRequest.objects.filter(child=child, state=State.PENDING).exists():
        raise ValidationError(
            {
                "parent": _(
                    "Une demande de rattachement attend déjà une réponse : retirez-la avant d'en faire une autre."
                )
            }
        )
    return NetworkRequest.objects.create(
        child=child, parent=parent, kind=Kind.ATTACH, requested_by=by, message=message.strip()[:500]
    )


def change_parent(child: Project, parent: Project | None, by) -> NetworkRequest:
    """What the settings form does: detach, attach at once when allowed, or ask."""
    if parent is None:
        return detach(child, by)
    if access.may_attach(by, child, parent):
        return attach(child, parent, by)
    return request_attach(child, parent, by)


def _pending(request: NetworkRequest) -> NetworkRequest:
    fresh = NetworkRequest.objects.select_for_update().filter(pk=request.pk).first()
    if fresh is None or fresh.state != State.PENDING:
        raise ValidationError(_("Cette demande a déjà reçu une réponse ou a été retirée : rien n'a changé."))
    return fresh


def _decided(request: NetworkRequest, state, by) -> NetworkRequest:
    """Close a pending request with ``state``, saying who and when."""
    request.state, request.decided_by, request.decided_at = state, by, timezone.now()
    request.save(update_fields=["state", "decided_by", "decided_at"])
    return request


@transaction.atomic
def accept(request: NetworkRequest, by) -> NetworkRequest:
    """The parent's network admin agrees: the child is attached (the tree rules are checked again)."""
    if not access.may_decide_request(by, request):
        raise PermissionDenied
    request = _pending(request)
    child = _locked(request.child)
    check_parent(child, request.parent)
    _set_parent(child, request.parent)
    return _decided(request, State.ACCEPTED, by)


@transaction.atomic
def refuse(request: NetworkRequest, by) -> NetworkRequest:
    if not access.may_decide_request(by, request):
        raise PermissionDenied
    request = _pending(request)
    return _decided(request, State.REFUSED, by)


@transaction.atomic
def cancel(request: NetworkRequest, by) -> NetworkRequest:
    if not access.may_cancel_request(by, request):
        raise PermissionDenied
    request = _pending(request)
    return _decided(request, State.CANCELLED, by)


@transaction.atomic
def detach(child: Project, by) -> NetworkRequest:
    """The child leaves its framework (``access.may_detach``); its own children stay under it."""
    if not access.may_detach(by, child):
        raise PermissionDenied
    child = _locked(child)
    if child.parent_id is None:
        raise ValidationError({"parent": _("Ce projet n'est décliné d'aucun cadre.")})
    parent = child.parent
    _set_parent(child, None)
    now = timezone.now()
    return NetworkRequest.objects.create(
        child=child,
        parent=parent,
        kind=Kind.DETACH,
        state=State.ACCEPTED,
        requested_by=by,
        requested_at=now,
        decided_by=by,
        decided_at=now,
    )
