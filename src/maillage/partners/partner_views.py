"""The partner space: what a partner of the project sees and does for their organisation, and the
coordinator's screen that decides their proposed corrections.

A partner reaches only these pages (``project_view(need=PARTNER)``; every other page of the project
sends them here). An action outside their organisation's is a 404, as if it did not exist."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts import access as rules
from maillage.accounts.decorators import MANAGE, PARTNER, project_view
from maillage.actions import editing
from maillage.actions.forms import NoteForm
from maillage.actions.models import ActionPartner
from maillage.actions.sheet import filled_rows
from maillage.actions.vocabulary import project_labels
from maillage.evaluation.models import FollowUpNote
from maillage.frameworks.alignment import served_by_action

from . import partnering
from .directory import participations
from .forms import PartnerEventForm, ProposalForm
from .models import EntryProposal, Organisation, PartnerEvent

UPCOMING_SHOWN = 20


def _space_crumbs(project, current=None):
    space = {"url": reverse("partner-space", args=[project.slug]), "title": _("Espace partenaire")}
    if current is None:
        return {"current": _("Espace partenaire")}
    return {"links": [space], "current": current}


def _organisation(request, project):
    return get_object_or_404(Organisation, project=project, pk=request.access.organisation_id)


@project_view(need=PARTNER, public=None)
def space(request, project):
    organisation = _organisation(request, project)
    labels = project_labels(project)
    shown, total = participations(organisation, labels["role"])
    today = timezone.localdate()
    context = {
        "project": project,
        "organisation": organisation,
        "labels": labels,
        "participations": shown,
        "participations_total": total,
        "events": PartnerEvent.objects.filter(project=project, organisation=organisation, date__gte=today)[
            :UPCOMING_SHOWN
        ],
        "proposals": EntryProposal.objects.filter(organisation=organisation)[:10],
        "breadcrumb_data": _space_crumbs(project),
    }
    return render(request, "partners/space.html", context)


def _partner_action(request, project, ref):
    action = (
        rules.partner_actions(request.access)
        .filter(ref=ref)
        .select_related("lead_organisation", "parent", "territory")
        .prefetch_related(
            "nodes__level",
            "periods",
            "themes",
            Prefetch("partner_roles", queryset=ActionPartner.objects.select_related("organisation")),
            "indicators__values",
        )
        .first()
    )
    if action is None:
        raise Http404
    return action


@project_view(need=PARTNER, public=None)
def action(request, project, ref):
    return _action_page(request, project, _partner_action(request, project, ref))


def _action_page(request, project, found, note_form=None, status=200):
    may_note = rules.may_partner_note(request.access, found)
    context = {
        "project": project,
        "action": found,
        "labels": project_labels(project),
        "rows": filled_rows(found),
        "served": served_by_action(found, public=True),
        "may_note": may_note,
        "note_form": note_form or (NoteForm() if may_note else None),
        "my_notes": FollowUpNote.objects.filter(action=found, author_user=request.user).order_by("-date", "-pk")[:20],
        "breadcrumb_data": _space_crumbs(project, f"{found.ref} — {found.title}"[:80]),
    }
    return render(request, "partners/space_action.html", context, status=status)


@require_POST
@project_view(need=PARTNER, public=None, changes_plan=False)
def note_add(request, project, ref):
    found = _partner_action(request, project, ref)
    if not rules.may_partner_note(request.access, found):
        raise PermissionDenied
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _action_page(request, project, found, note_form=form, status=422)
    editing.add_note(found, form, request.user)
    messages.success(request, _("Note de suivi ajoutée."))
    return redirect("partner-action", project.slug, found.ref)


@project_view(need=PARTNER, public=None, changes_plan=False)
def propose(request, project):
    organisation = _organisation(request, project)
    if not rules.may_propose_entry(request.access, organisation):
        raise PermissionDenied
    form = ProposalForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposal = partnering.propose(organisation, data, request.user, data.get("message", ""))
        if proposal is None:
            messages.info(request, _("Rien n’a changé : aucune proposition envoyée."))
        else:
            messages.success(request, _("Votre proposition est transmise à la coordination du projet."))
        return redirect("partner-space", project.slug)
    context = {
        "project": project,
        "form": form,
        "form_id": "proposal-form",
        "title": _("Proposer une correction de « %(name)s »") % {"name": organisation.name},
        "cancel_url": reverse("partner-space", args=[project.slug]),
        "breadcrumb_data": _space_crumbs(project, _("Proposer une correction")),
    }
    return render(request, "partners/form.html", context, status=422 if form.errors else 200)


@project_view(need=PARTNER, public=None)
def event_add(request, project):
    organisation = _organisation(request, project)
    if not rules.may_add_partner_event(request.access):
        raise PermissionDenied
    form = PartnerEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event = form.save(commit=False)
        event.project, event.organisation, event.created_by = project, organisation, request.user
        event.save()
        messages.success(
            request, _("L’événement « %(title)s » est dans le calendrier du projet.") % {"title": event.title}
        )
        return redirect("partner-space", project.slug)
    context = {
        "project": project,
        "form": form,
        "form_id": "partner-event-form",
        "title": _("Ajouter un événement au calendrier du projet"),
        "cancel_url": reverse("partner-space", args=[project.slug]),
        "breadcrumb_data": _space_crumbs(project, _("Ajouter un événement")),
    }
    return render(request, "partners/form.html", context, status=422 if form.errors else 200)


def _remove_event(request, project, pk, back):
    event = get_object_or_404(PartnerEvent, project=project, pk=pk)
    if not rules.may_remove_partner_event(request.access, event):
        raise PermissionDenied
    event.delete()
    messages.success(request, _("L’événement est retiré du calendrier."))
    return redirect(back, project.slug)


@require_POST
@project_view(need=PARTNER, public=None)
def event_delete(request, project, pk):
    """The partner removes their organisation's event."""
    return _remove_event(request, project, pk, "partner-space")


@require_POST
@project_view(need=MANAGE, public=None)
def event_remove(request, project, pk):
    """A coordinator removes any partner's event from the shared calendar."""
    return _remove_event(request, project, pk, "partner-proposals")


@project_view(need=MANAGE, public=None)
def proposals(request, project):
    """The corrections partners proposed, to accept or refuse; the partners' events, to remove if need be."""
    if request.method == "POST":
        proposal = get_object_or_404(EntryProposal, organisation__project=project, pk=request.POST.get("proposal"))
        if not rules.may_decide_proposal(request.access, proposal):
            raise PermissionDenied
        accept = request.POST.get("decision") == "accept"
        partnering.decide(proposal, request.user, accept)
        name = proposal.organisation.name
        messages.success(
            request,
            (
                _("La correction de « %(name)s » est appliquée.")
                if accept
                else _("La correction de « %(name)s » est refusée.")
            )
            % {"name": name},
        )
        return redirect("partner-proposals", project.slug)
    waiting = [(proposal, partnering.rows(proposal)) for proposal in partnering.pending(project)[:50]]
    context = {
        "project": project,
        "waiting": waiting,
        "events": PartnerEvent.objects.filter(project=project, date__gte=timezone.localdate()).select_related(
            "organisation"
        )[:50],
        "breadcrumb_data": {
            "links": [
                {"url": reverse("project-dashboard", args=[project.slug]), "title": project.title},
                {"url": reverse("partner-directory", args=[project.slug]), "title": _("Partenaires")},
            ],
            "current": _("Propositions des partenaires"),
        },
    }
    return render(request, "partners/proposals.html", context)
