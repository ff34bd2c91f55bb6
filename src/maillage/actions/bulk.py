"""Changing the status of several actions at once, from the actions list.

All or nothing: every action must be one the person may edit (``Access.can_edit_action``: a
contributor only the actions they lead), otherwise the whole batch is refused; the changes are made
in one transaction, each with its own history entry (``editing.change_status``), as if changed one by one.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from . import editing
from .vocabulary import Status

# A page of the list shows 50 actions; more than this in one request is not a person ticking boxes.
MAX_BATCH = 500


class BulkRefused(Exception):
    """The batch is refused as a whole; the message (French) says why and that nothing changed."""


def change_statuses(actions, status: str, user, access, reason: str = "") -> list:
    """Give ``status`` to every action of ``actions`` (a list); returns the history entries written (an
    action already at that status writes none)."""
    if status not in Status.values:
        raise BulkRefused(_("Statut inconnu : aucun statut n'a été changé."))
    if not actions:
        raise BulkRefused(_("Cochez au moins une action."))
    if len(actions) > MAX_BATCH:
        raise BulkRefused(
            _("%(n)s actions d'un coup, c'est plus que les %(max)s permises : aucun statut n'a été changé.")
            % {"n": len(actions), "max": MAX_BATCH}
        )
    refused = [action.ref for action in actions if not access.can_edit_action(action)]
    if refused:
        raise BulkRefused(
            _("Vous ne pouvez pas changer le statut de : %(refs)s. Aucun statut n'a été changé.")
            % {"refs": ", ".join(refused)}
        )
    with transaction.atomic():
        entries = [editing.change_status(action, status, user, reason=reason) for action in actions]
    return [entry for entry in entries if entry is not None]
