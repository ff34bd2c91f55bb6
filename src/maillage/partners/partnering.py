"""What a partner does for their organisation, and what a coordinator decides of it: corrections of the
entry proposed and then accepted or refused (the directory stays the coordinator's), events added to the
shared calendar. Who may do each is decided in ``accounts.access``; this module only does it."""

from django.db import transaction
from django.utils import timezone

from maillage.projects.stamp import touch

from .models import EntryProposal, Organisation

# The fields of an entry a partner may propose to change: how to reach and describe it, not its name
# or its place in the plan (key, kind, domains stay the coordinator's).
PROPOSABLE = ["acronym", "description", "address", "postal_code", "city", "website", "email", "phone"]


def differences(organisation: Organisation, values: dict) -> dict:
    """The proposed values that differ from the entry, field by field."""
    return {
        name: values[name]
        for name in PROPOSABLE
        if name in values and (values[name] or "") != (getattr(organisation, name) or "")
    }


def propose(organisation: Organisation, values: dict, user, message: str = "") -> EntryProposal | None:
    """A pending proposal with what changes; None when nothing would."""
    changes = differences(organisation, values)
    if not changes:
        return None
    return EntryProposal.objects.create(organisation=organisation, changes=changes, message=message, proposed_by=user)


def pending(project):
    return (
        EntryProposal.objects.filter(organisation__project=project, state=EntryProposal.State.PENDING)
        .select_related("organisation", "proposed_by")
        .order_by("proposed_at")
    )


def rows(proposal: EntryProposal) -> list[tuple[str, str, str]]:
    """(field label, current value, proposed value) for the decision screen."""
    organisation = proposal.organisation
    return [
        (str(Organisation._meta.get_field(name).verbose_name), getattr(organisation, name) or "", value)
        for name, value in proposal.changes.items()
        if name in PROPOSABLE
    ]


def decide(proposal: EntryProposal, user, accept: bool) -> EntryProposal:
    """Accept (the entry takes the proposed values) or refuse, once."""
    with transaction.atomic():
        proposal = EntryProposal.objects.select_for_update().select_related("organisation").get(pk=proposal.pk)
        if proposal.state != EntryProposal.State.PENDING:
            return proposal
        if accept:
            organisation = proposal.organisation
            changed = [name for name in proposal.changes if name in PROPOSABLE]
            for name in changed:
                limit = Organisation._meta.get_field(name).max_length
                value = str(proposal.changes[name] or "")
                setattr(organisation, name, value[:limit] if limit else value)
            organisation.save(update_fields=changed)
            touch([organisation.project_id])
        proposal.state = EntryProposal.State.ACCEPTED if accept else EntryProposal.State.REFUSED
        proposal.decided_by, proposal.decided_at = user, timezone.now()
        proposal.save(update_fields=["state", "decided_by", "decided_at"])
    return proposal
