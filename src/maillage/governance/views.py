"""Governance screens: the bodies and who sits in them, their meetings with attendance, minutes and
decisions. Members read everything; coordinators keep it up to date."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_POST

from maillage.accounts.decorators import MANAGE, project_view
from maillage.actions.models import Action
from maillage.actions.vocabulary import project_labels
from maillage.partners.directory import free_key

from . import changes
from .calendar import invite_body_members, split_meetings
from .forms import (
    CHANGE_FORMS,
    AttendanceForm,
    AttendanceStatusForm,
    BodyForm,
    BodyMemberForm,
    DecisionForm,
    MeetingForm,
)
from .models import Attendance, Body, BodyMember, Decision, DecisionChange, Meeting
from .steering import INDICATOR_FRAGMENT, changes_prefetch, steering

ACTION_FIELDS = ["id", "ref", "code", "title", "status", "position", "project_id"]


def _crumbs(project, current=None, *links):
    home = {"url": reverse("project-dashboard", args=[project.slug]), "title": project.title}
    if current is None:
        return {"links": [home], "current": _("Gouvernance")}
    governance = {"url": reverse("governance", args=[project.slug]), "title": _("Gouvernance")}
    return {"links": [home, governance, *links], "current": current}


def _members():
    return Prefetch("members", queryset=BodyMember.objects.select_related("person__organisation", "organisation"))


@project_view()
def governance(request, project):
    bodies = Body.objects.filter(project=project).select_related("chair", "node").prefetch_related(_members())
    meetings = list(
        Meeting.objects.filter(project=project)
        .select_related("body")
        .annotate(decision_count=Count("decisions", distinct=True), attendance_count=Count("attendance", distinct=True))
    )
    upcoming, past = split_meetings(meetings)
    context = {
        "project": project,
        "bodies": bodies,
        "upcoming": upcoming,
        "past": past,
        "can_manage": request.access.can_manage,
        "breadcrumb_data": _crumbs(project),
    }
    return render(request, "governance/governance.html", context)


@project_view(public=None)
def body_detail(request, project, pk, member_form=None):
    body = get_object_or_404(
        Body.objects.filter(project=project).select_related("chair", "node").prefetch_related(_members()), pk=pk
    )
    can_manage = request.access.can_manage
    upcoming, past = split_meetings(list(body.meetings.all()))
    context = {
        "project": project,
        "body": body,
        "upcoming": upcoming,
        "past": past,
        "can_manage": can_manage,
        "member_form": member_form or (BodyMemberForm(project=project) if can_manage else None),
        "breadcrumb_data": _crumbs(project, body.name),
    }
    return render(request, "governance/body.html", context)


@project_view(need=MANAGE, public=None)
def body_create(request, project):
    return _body_form(request, project, Body())


@project_view(need=MANAGE, public=None)
def body_edit(request, project, pk):
    return _body_form(request, project, get_object_or_404(Body, project=project, pk=pk))


def _body_form(request, project, body):
    creating = body.pk is None
    form = BodyForm(request.POST or None, instance=body, project=project)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if creating:
                form.instance.key = free_key(Body, project, form.cleaned_data["name"])
                form.instance.position = (
                    Body.objects.filter(project=project).aggregate(m=Max("position"))["m"] or 0
                ) + 1
            saved = form.save()
        messages.success(request, _("L'instance « %(name)s » est enregistrée.") % {"name": saved.name})
        return redirect("body-detail", project.slug, saved.pk)
    title = _("Créer une instance") if creating else _("Modifier « %(name)s »") % {"name": body.name}
    cancel = (
        reverse("governance", args=[project.slug]) if creating else reverse("body-detail", args=[project.slug, body.pk])
    )
    return _form_page(request, project, form, "body-form", title, cancel)


def _form_page(request, project, form, form_id, title, cancel_url, *links):
    context = {
        "project": project,
        "form": form,
        "form_id": form_id,
        "title": title,
        "cancel_url": cancel_url,
        "breadcrumb_data": _crumbs(project, title, *links),
    }
    return render(request, "governance/form.html", context)


def _confirm_page(request, project, what, lines, form_id, cancel_url):
    context = {
        "project": project,
        "what": what,
        "lines": lines,
        "form_id": form_id,
        "cancel_url": cancel_url,
        "breadcrumb_data": _crumbs(project, _("Supprimer")),
    }
    return render(request, "governance/confirm_delete.html", context)


@project_view(need=MANAGE, public=None)
def body_delete(request, project, pk):
    body = get_object_or_404(Body, project=project, pk=pk)
    if request.method == "POST":
        with transaction.atomic():
            body.delete()
        messages.success(request, _("L'instance « %(name)s » est supprimée.") % {"name": body.name})
        return redirect("governance", project.slug)
    meetings = body.meetings.count()
    lines = [
        _("Ses %(n)s sièges sont retirés.") % {"n": body.members.count()},
        _("Ses %(n)s réunions restent, sans instance.") % {"n": meetings} if meetings else "",
    ]
    cancel = reverse("body-detail", args=[project.slug, body.pk])
    return _confirm_page(request, project, body.name, [line for line in lines if line], "body-delete-form", cancel)


@project_view(need=MANAGE, public=None)
@require_POST
def body_member_add(request, project, pk):
    body = get_object_or_404(Body, project=project, pk=pk)
    form = BodyMemberForm(request.POST, project=project, instance=BodyMember(body=body))
    if not form.is_valid():
        return body_detail.__wrapped__(request, project, pk, member_form=form)
    form.instance.position = (body.members.aggregate(m=Max("position"))["m"] or 0) + 1
    form.save()
    messages.success(request, _("Le membre « %(name)s » est ajouté.") % {"name": form.instance})
    return redirect(reverse("body-detail", args=[project.slug, body.pk]) + "#membres")


@project_view(need=MANAGE, public=None)
@require_POST
def body_member_delete(request, project, pk, member_pk):
    seat = get_object_or_404(BodyMember, body__project=project, body_id=pk, pk=member_pk)
    seat.delete()
    messages.success(request, _("Le membre « %(name)s » est retiré de l'instance.") % {"name": seat})
    return redirect(reverse("body-detail", args=[project.slug, pk]) + "#membres")


def _meeting(project, pk):
    attendance = Attendance.objects.select_related("person__organisation", "organisation")
    decisions = Decision.objects.prefetch_related(
        Prefetch("actions", queryset=Action.objects.only(*ACTION_FIELDS).order_by("position")), changes_prefetch()
    )
    queryset = (
        Meeting.objects.filter(project=project)
        .select_related("body")
        .prefetch_related(Prefetch("attendance", queryset=attendance), Prefetch("decisions", queryset=decisions))
    )
    return get_object_or_404(queryset, pk=pk)


@project_view(public=None)
def meeting_detail(request, project, pk, attendance_form=None):
    meeting = _meeting(project, pk)
    can_manage = request.access.can_manage
    rows = list(meeting.attendance.all())
    context = {
        "project": project,
        "meeting": meeting,
        "rows": [
            (row, AttendanceStatusForm(instance=row, prefix=f"a{row.pk}") if can_manage else None) for row in rows
        ],
        "tally": {status: sum(1 for row in rows if row.status == status) for status in Attendance.Status.values},
        "can_manage": can_manage,
        "attendance_form": attendance_form
        or (AttendanceForm(project=project, meeting=meeting, prefix="new") if can_manage else None),
        "decisions": _decision_rows(project, meeting.decisions.all()),
        "change_kinds": CHANGE_KINDS,
        "note_what": f"copil:{meeting.pk}",
        "breadcrumb_data": _crumbs(project, str(meeting)),
    }
    return render(request, "governance/meeting.html", context)


# The buttons that write a change down, in the words of the meeting page: (URL kind, label).
CHANGE_KINDS = [
    ("statut", gettext_lazy("Changer un statut")),
    ("nouvelle-action", gettext_lazy("Ajouter une action")),
    ("report", gettext_lazy("Reporter une action")),
    ("nouveau-noeud", gettext_lazy("Ajouter un nœud")),
]


def _decision_rows(project, decisions):
    """Each decision with its changes described in the project's words."""
    labels = project_labels(project)
    return [
        {
            "decision": decision,
            "changes": [(change, changes.describe(change, labels)) for change in decision.changes.all()],
            "pending": sum(1 for change in decision.changes.all() if not change.applied),
        }
        for decision in decisions
    ]


@project_view(need=MANAGE, public=None)
def meeting_create(request, project):
    meeting = Meeting()
    body = request.GET.get("instance")
    if body and body.isdigit():
        meeting.body = Body.objects.filter(project=project, pk=body).first()
    return _meeting_form(request, project, meeting)


@project_view(need=MANAGE, public=None)
def meeting_edit(request, project, pk):
    return _meeting_form(request, project, get_object_or_404(Meeting, project=project, pk=pk))


def _meeting_form(request, project, meeting):
    creating = meeting.pk is None
    form = MeetingForm(request.POST or None, instance=meeting, project=project)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
        messages.success(request, _("La réunion « %(title)s » est enregistrée.") % {"title": saved.title})
        return redirect("meeting-detail", project.slug, saved.pk)
    title = (
        _("Programmer une réunion") if creating else _("Modifier la réunion « %(title)s »") % {"title": meeting.title}
    )
    cancel = (
        reverse("governance", args=[project.slug])
        if creating
        else reverse("meeting-detail", args=[project.slug, meeting.pk])
    )
    return _form_page(request, project, form, "meeting-form", title, cancel)


@project_view(need=MANAGE, public=None)
def meeting_delete(request, project, pk):
    meeting = get_object_or_404(Meeting, project=project, pk=pk)
    if request.method == "POST":
        with transaction.atomic():
            meeting.delete()
        messages.success(request, _("La réunion « %(title)s » est supprimée.") % {"title": meeting.title})
        return redirect("governance", project.slug)
    lines = [
        _("Ses %(n)s présences notées sont retirées.") % {"n": meeting.attendance.count()},
        _("Ses %(n)s décisions sont retirées (les actions elles-mêmes restent).") % {"n": meeting.decisions.count()},
    ]
    cancel = reverse("meeting-detail", args=[project.slug, meeting.pk])
    return _confirm_page(request, project, str(meeting), lines, "meeting-delete-form", cancel)


def _back_to_meeting(project, meeting_pk, anchor="presences"):
    return redirect(reverse("meeting-detail", args=[project.slug, meeting_pk]) + f"#{anchor}")


@project_view(need=MANAGE, public=None)
@require_POST
def attendance_add(request, project, pk):
    meeting = get_object_or_404(Meeting, project=project, pk=pk)
    form = AttendanceForm(
        request.POST, project=project, meeting=meeting, prefix="new", instance=Attendance(meeting=meeting)
    )
    if not form.is_valid():
        return meeting_detail.__wrapped__(request, project, pk, attendance_form=form)
    form.instance.position = (meeting.attendance.aggregate(m=Max("position"))["m"] or 0) + 1
    form.save()
    messages.success(request, _("La présence est notée."))
    return _back_to_meeting(project, pk)


@project_view(need=MANAGE, public=None)
@require_POST
def attendance_from_body(request, project, pk):
    meeting = get_object_or_404(Meeting, project=project, pk=pk)
    added = invite_body_members(meeting)
    messages.success(request, _("%(n)s membres de l'instance ajoutés à la liste de présence.") % {"n": added})
    return _back_to_meeting(project, pk)


@project_view(need=MANAGE, public=None)
def attendance_update(request, project, pk, row_pk):
    """Change one line's status; an htmx request gets the line back, a plain form post the page."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    row = get_object_or_404(
        Attendance.objects.select_related("person__organisation", "organisation"),
        meeting__project=project,
        meeting_id=pk,
        pk=row_pk,
    )
    form = AttendanceStatusForm(request.POST, instance=row, prefix=f"a{row.pk}")
    valid = form.is_valid()
    if valid:
        form.save()
    if request.htmx:
        context = {
            "project": project,
            "meeting": row.meeting,
            "row": row,
            "form": form,
            "can_manage": True,
            "saved": valid,
        }
        return render(request, "governance/_attendance_row.html", context)
    if valid:
        messages.success(
            request, _("La présence de « %(name)s » est mise à jour.") % {"name": row.person or row.organisation}
        )
    else:
        messages.error(request, _("Présence non reconnue : rien n'a été changé."))
    return _back_to_meeting(project, pk)


@project_view(need=MANAGE, public=None)
@require_POST
def attendance_delete(request, project, pk, row_pk):
    row = get_object_or_404(Attendance, meeting__project=project, meeting_id=pk, pk=row_pk)
    row.delete()
    messages.success(
        request, _("« %(name)s » est retiré·e de la liste de présence.") % {"name": row.person or row.organisation}
    )
    return _back_to_meeting(project, pk)


@project_view(need=MANAGE, public=None)
def decision_create(request, project, pk):
    meeting = get_object_or_404(Meeting, project=project, pk=pk)
    return _decision_form(request, project, meeting, Decision(meeting=meeting))


@project_view(need=MANAGE, public=None)
def decision_edit(request, project, pk, decision_pk):
    decision = get_object_or_404(Decision, meeting__project=project, meeting_id=pk, pk=decision_pk)
    return _decision_form(request, project, decision.meeting, decision)


def _decision_form(request, project, meeting, decision):
    creating = decision.pk is None
    form = DecisionForm(request.POST or None, instance=decision, project=project)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if creating:
                form.instance.position = (meeting.decisions.aggregate(m=Max("position"))["m"] or 0) + 1
            form.save()
        messages.success(request, _("La décision est enregistrée."))
        return _back_to_meeting(project, meeting.pk, "decisions")
    title = _("Noter une décision") if creating else _("Modifier la décision")
    meeting_link = {"url": reverse("meeting-detail", args=[project.slug, meeting.pk]), "title": str(meeting)}
    cancel = reverse("meeting-detail", args=[project.slug, meeting.pk])
    return _form_page(request, project, form, "decision-form", title, cancel, meeting_link)


@project_view(need=MANAGE, public=None)
@require_POST
def decision_delete(request, project, pk, decision_pk):
    decision = get_object_or_404(Decision, meeting__project=project, meeting_id=pk, pk=decision_pk)
    decision.delete()
    messages.success(request, _("La décision est supprimée."))
    return _back_to_meeting(project, pk, "decisions")


# --- the changes a decision orders, and applying them --------------------------------------------------


def _decision(project, pk, decision_pk):
    return get_object_or_404(
        Decision.objects.select_related("meeting__project"), meeting__project=project, meeting_id=pk, pk=decision_pk
    )


@project_view(need=MANAGE, public=None)
def change_add(request, project, pk, decision_pk, kind):
    """Write one change of the plan down with a decision (its form depends on ``kind``)."""
    decision = _decision(project, pk, decision_pk)
    form_class = CHANGE_FORMS.get(kind)
    if form_class is None:
        raise Http404
    form = form_class(request.POST or None, decision=decision)
    if request.method == "POST" and form.is_valid():
        try:
            change = changes.add_change(decision, form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Changement noté : %(change)s. Il s'appliquera avec la décision.")
                % {"change": changes.describe(change, project_labels(project))},
            )
            return _back_to_meeting(project, pk, f"decision-{decision.pk}")
    title = dict(CHANGE_KINDS)[kind]
    meeting_link = {"url": reverse("meeting-detail", args=[project.slug, pk]), "title": str(decision.meeting)}
    cancel = reverse("meeting-detail", args=[project.slug, pk]) + f"#decision-{decision.pk}"
    return _form_page(request, project, form, f"change-form-{kind}", str(title), cancel, meeting_link)


@project_view(need=MANAGE, public=None)
@require_POST
def change_remove(request, project, pk, decision_pk, change_pk):
    decision = _decision(project, pk, decision_pk)
    change = get_object_or_404(DecisionChange, decision=decision, pk=change_pk)
    try:
        changes.remove_change(change)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Le changement est retiré de la décision."))
    return _back_to_meeting(project, pk, f"decision-{decision.pk}")


@project_view(need=MANAGE, public=None)
@require_POST
def decision_apply(request, project, pk, decision_pk):
    """Apply every pending change of the decision at once, or none (the refusal names the faulty one)."""
    decision = _decision(project, pk, decision_pk)
    try:
        applied = changes.apply_decision(decision, request.user)
    except changes.ChangeRefused as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s changement appliqué au plan, inscrit dans l'historique des fiches concernées.",
                "%(n)s changements appliqués au plan, inscrits dans l'historique des fiches concernées.",
                len(applied),
            )
            % {"n": len(applied)},
        )
    return _back_to_meeting(project, pk, f"decision-{decision.pk}")


# --- the steering view ----------------------------------------------------------------------------------


@project_view(public=None)
def steering_page(request, project):
    """What the steering committee reads before deciding (members only: it names people)."""
    view = steering(project)
    labels = project_labels(project)
    list_url = reverse("action-list", args=[project.slug])
    context = {
        "project": project,
        "labels": labels,
        "steering": view,
        "decisions": _decision_rows(project, view.decisions),
        "late_url": f"{list_url}?retard=1&tri=fin",
        "indicator_fragment": INDICATOR_FRAGMENT,
        "statuses": [(code, labels["status"][code], n) for code, n in view.counts.items() if n],
        "breadcrumb_data": {
            "links": [{"url": reverse("project-dashboard", args=[project.slug]), "title": project.title}],
            "current": pgettext("steering", "Pilotage"),
        },
    }
    return render(request, "governance/steering.html", context)
