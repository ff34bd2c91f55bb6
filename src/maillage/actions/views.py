"""Fiche action screens: the list, the sheet, its edit form, indicators, notes, comments, quick status.

Views stay thin: filtering is in ``filtering``, saving and history in ``editing``/``history``.
Every view goes through ``project_view`` and fetches objects through the project (another
project's id is a 404); object-level rights are checked here with ``request.access``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts.decorators import COMMENT, CONTRIBUTE, MANAGE, project_view
from maillage.evaluation.models import FollowUpNote, Indicator, IndicatorTarget, IndicatorValue
from maillage.frameworks.alignment import served_by_action
from maillage.governance import changes as decision_changes
from maillage.partners.models import Person

from . import bulk, choosing, editing, panorama
from .filtering import filter_actions, is_filtered
from .forms import (
    ActionCreateForm,
    ActionForm,
    BudgetFormSet,
    CommentForm,
    FilterForm,
    IndicatorForm,
    NoteForm,
    PartnerFormSet,
    StatusForm,
    TargetFormSet,
    ValueFormSet,
)
from .models import Action, ActionChange, ActionPartner, BudgetLine, Comment
from .progress import is_late
from .sheet import filled_rows
from .vocabulary import project_labels

PAGE_SIZE = 50


def _crumbs(project, *links, current):
    base = [{"url": reverse("project-dashboard", args=[project.slug]), "title": project.title}]
    return {"links": base + list(links), "current": current[:80]}


def _list_crumb(project):
    return {"url": reverse("action-list", args=[project.slug]), "title": _("Actions")}


def _action(project, ref, queryset=None):
    """The project's action ``ref`` (404 otherwise). ``queryset`` is never tested for truth: ``bool()`` of a
    QuerySet evaluates it, which here meant fetching every action of the database with all it prefetches."""
    base = Action.objects.all() if queryset is None else queryset
    return get_object_or_404(base.filter(project=project), ref=ref)


def _editable(request, action):
    if not request.access.can_edit_action(action):
        raise PermissionDenied
    return action


# --- The list -------------------------------------------------------------------------------------


@project_view(public="public-plan")
def action_list(request, project):
    labels = project_labels(project)
    actions = filter_actions(project, request.GET)
    page = Paginator(actions, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = Action.objects.filter(pk__in=[a.pk for a in page.object_list])
    by_pk = {
        a.pk: a
        for a in shown.select_related("parent").prefetch_related(
            Prefetch("leads", queryset=Person.objects.only("pk", "name")), "periods"
        )
    }
    access = request.access
    rows = [
        {"action": by_pk[a.pk], "late": is_late(by_pk[a.pk]), "can_edit": access.can_edit_action(a)}
        for a in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "project": project,
        "labels": labels,
        "rows": rows,
        "page": page,
        "total": page.paginator.count,
        "query": query.urlencode(),
        "filtered": is_filtered(request.GET),
        "filters": FilterForm(request.GET or None, project=project, labels=labels),
        "status_choices": StatusForm(project=project).fields["status"].choices,
        "can_add": access.can_add_action(),
        "bulk": any(row["can_edit"] for row in rows),
        "breadcrumb_data": _crumbs(project, current=_("Actions")),
    }
    return render(request, "actions/list.html", context)


@require_POST
@project_view(need=CONTRIBUTE, public=None)
def action_bulk_status(request, project):
    """The status of the ticked actions, all or none (``bulk.change_statuses``); htmx gets the message and
    the new status of each changed row, a plain form post the list again with its filters."""
    ids = []
    for value in request.POST.getlist("actions"):
        if not value.isdigit():
            raise Http404
        ids.append(int(value))
    ids = list(dict.fromkeys(ids))
    actions = list(Action.objects.filter(project=project, pk__in=ids).order_by("position", "pk"))
    if len(actions) != len(ids):
        raise Http404  # an action of another project, or one deleted since the page was drawn
    status = request.POST.get("status", "")
    labels = project_labels(project)
    try:
        entries = bulk.change_statuses(actions, status, request.user, request.access)
    except bulk.BulkRefused as refused:
        message, error, changed = str(refused), True, []
    else:
        changed = [action for action in actions if any(entry.action_id == action.pk for entry in entries)]
        words = {"n": len(changed), "status": labels["status"][status]}
        message = ngettext("%(n)s statut changé : %(status)s.", "%(n)s statuts changés : %(status)s.", len(changed))
        message = message % words
        if not changed:
            message = _("Les actions cochées sont déjà « %(status)s » : rien n'a changé.") % words
        error = False
    if request.htmx:
        context = {
            "project": project,
            "labels": labels,
            "message": message,
            "error": error,
            "changed": changed,
            "status_choices": StatusForm(project=project).fields["status"].choices,
        }
        return render(request, "actions/_bulk_result.html", context)
    (messages.error if error else messages.success)(request, message)
    back = QueryDict(request.POST.get("retour", "")).urlencode()  # the list's filters, re-encoded
    url = reverse("action-list", args=[project.slug])
    return redirect(f"{url}?{back}" if back else url)


@project_view()
def panorama_page(request, project):
    """The panorama on screen: for each node, its actions in one column per status, with the list's filters."""
    labels = project_labels(project)
    view = panorama.load(project, filter_actions(project, request.GET), labels)
    context = {
        "project": project,
        "labels": labels,
        "panorama": view,
        "filters": FilterForm(request.GET or None, project=project, labels=labels),
        "filtered": is_filtered(request.GET),
        "query": request.GET.urlencode(),
        "breadcrumb_data": _crumbs(project, _list_crumb(project), current=_("Panorama")),
    }
    return render(request, "actions/panorama.html", context)


# --- The sheet ------------------------------------------------------------------------------------


@project_view(public="public-action")
def action_detail(request, project, ref):
    queryset = Action.objects.select_related(
        "lead_organisation", "parent", "territory", "elected_referent__organisation"
    ).prefetch_related(
        "nodes__level",
        "periods",
        "themes",
        "children",
        "programmes",
        Prefetch("leads", queryset=Person.objects.select_related("organisation")),
        Prefetch("partner_roles", queryset=ActionPartner.objects.select_related("organisation")),
        Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("funder")),
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("targets", "values")),
        Prefetch("notes", queryset=FollowUpNote.objects.order_by("-date", "-position")),
        Prefetch("comments", queryset=Comment.objects.all()),
        Prefetch("changes", queryset=ActionChange.objects.order_by("-at", "-pk")),
    )
    action = _action(project, ref, queryset)
    return render(request, "actions/detail.html", _detail_context(request, project, action))


def _detail_context(request, project, action, **extra):
    labels = project_labels(project)
    access = request.access
    can_edit = access.can_edit_action(action)
    context = {
        "project": project,
        "action": action,
        "labels": labels,
        "rows": filled_rows(action),
        "late": is_late(action),
        "can_edit": can_edit,
        "can_comment": access.can_comment,
        "can_add": access.can_add_action(),
        "status_form": StatusForm(initial={"status": action.status}, project=project) if can_edit else None,
        "note_form": NoteForm() if can_edit else None,
        "comment_form": CommentForm() if access.can_comment else None,
        "decisions": decision_changes.for_action(action, labels),
        "served": served_by_action(action),
        "framework_editable": can_edit and bool(project.parent_id),
        "breadcrumb_data": _crumbs(project, _list_crumb(project), current=f"{action.ref} — {action.title}"),
    }
    context.update(extra)
    return context


# --- Creating and editing -------------------------------------------------------------------------


def _forms(request, project, action, form_class, data=None):
    kwargs = {"form_kwargs": {"project": project}}
    form = form_class(data, instance=action, project=project, initial={"version": action.version} if action else None)
    if action is None:
        action = form.instance
    partners = PartnerFormSet(data, instance=action, prefix="partenaires", **kwargs)
    budget = BudgetFormSet(data, instance=action, prefix="budget", **kwargs)
    return form, partners, budget


def _form_page(request, project, action, form, partners, budget, **extra):
    creating = action is None
    title = _("Nouvelle fiche action") if creating else _("Modifier la fiche %(ref)s") % {"ref": action.ref}
    links = [_list_crumb(project)]
    if not creating:
        links.append({"url": reverse("action-detail", args=[project.slug, action.ref]), "title": action.ref})
    context = {
        "project": project,
        "action": action,
        "form": form,
        "partners": partners,
        "budget": budget,
        "creating": creating,
        "title": title,
        "has_errors": form.is_bound and not (form.is_valid() and partners.is_valid() and budget.is_valid()),
        "breadcrumb_data": _crumbs(project, *links, current=title),
        **extra,
    }
    return render(request, "actions/form.html", context)


@project_view(need=MANAGE, public=None)
def action_create(request, project):
    if request.method == "POST":
        form, partners, budget = _forms(request, project, None, ActionCreateForm, request.POST)
        if all([form.is_valid(), partners.is_valid(), budget.is_valid()]):
            try:
                action = editing.create_action(project, form, partners, budget, request.user)
            except IntegrityError:
                form.add_error(None, _("Enregistrement impossible : une partie de la fiche est en double."))
            else:
                messages.success(request, _("La fiche « %(title)s » est créée.") % {"title": action.title})
                return redirect("action-detail", project.slug, action.ref)
        return _form_page(request, project, None, form, partners, budget)
    form, partners, budget = _forms(request, project, None, ActionCreateForm)
    if request.GET.get("parent", "").isdigit():  # « Ajouter une sous-action » from a sheet
        form.initial["parent"] = int(request.GET["parent"])
    return _form_page(request, project, None, form, partners, budget)


@project_view(need=CONTRIBUTE, public=None)
def action_edit(request, project, ref):
    action = _editable(request, _action(project, ref, Action.objects.select_related("project")))
    if request.method != "POST":
        form, partners, budget = _forms(request, project, action, ActionForm)
        return _form_page(request, project, action, form, partners, budget)

    form, partners, budget = _forms(request, project, action, ActionForm, request.POST)
    if not all([form.is_valid(), partners.is_valid(), budget.is_valid()]):
        return _form_page(request, project, action, form, partners, budget)
    expected = form.cleaned_data.get("version") or 0
    labels = project_labels(project)
    try:
        editing.save_sheet(action, form, partners, budget, request.user, expected)
    except editing.Conflict as conflict:
        mine = editing.submitted_snapshot(form, partners, budget, labels)
        entries, rows = editing.conflict_rows(conflict, mine, labels)
        # Drawn again from what the user typed, now based on the saved version: saving again re-applies it.
        data = request.POST.copy()
        data["version"] = conflict.current.version
        current = Action.objects.get(pk=action.pk)
        form, partners, budget = _forms(request, project, current, ActionForm, data)
        return _form_page(
            request,
            project,
            current,
            form,
            partners,
            budget,
            conflict=True,
            conflict_entries=entries,
            conflict_rows=rows,
        )
    except IntegrityError:
        form.add_error(None, _("Enregistrement impossible : une partie de la fiche est en double."))
        return _form_page(request, project, action, form, partners, budget)
    messages.success(request, _("La fiche est enregistrée."))
    return redirect("action-detail", project.slug, action.ref)


# --- Quick status, notes, comments ---------------------------------------------------------------


@require_POST
@project_view(need=CONTRIBUTE, public=None)
def action_status(request, project, ref):
    action = _editable(request, _action(project, ref))
    form = StatusForm(request.POST, project=project)
    labels = project_labels(project)
    place = "list" if request.POST.get("from") == "list" else "page"
    if form.is_valid():
        editing.change_status(action, form.cleaned_data["status"], request.user)
        message = _("Statut enregistré : %(status)s.") % {"status": labels["status"][action.status]}
    else:
        message = _("Statut inconnu : rien n'a changé.")
    if request.htmx:
        context = {
            "project": project,
            "action": action,
            "labels": labels,
            "status_choices": StatusForm(project=project).fields["status"].choices,
            "place": place,
            "message": message,
            "error": not form.is_valid(),
        }
        # 200 even when refused: htmx swaps only successful answers, and the fragment carries the message.
        return render(request, "actions/_status.html", context)
    (messages.success if form.is_valid() else messages.error)(request, message)
    if place == "list":
        return redirect("action-list", project.slug)
    return redirect("action-detail", project.slug, action.ref)


@require_POST
@project_view(need=CONTRIBUTE, public=None, changes_plan=False)
def note_add(request, project, ref):
    action = _editable(request, _action(project, ref))
    form = NoteForm(request.POST)
    if form.is_valid():
        editing.add_note(action, form, request.user)
        messages.success(request, _("Note de suivi ajoutée."))
        return redirect(reverse("action-detail", args=[project.slug, action.ref]) + "#notes")
    return _refused_on_page(request, project, action, note_form=form)


@require_POST
@project_view(need=COMMENT, public=None, changes_plan=False)
def comment_add(request, project, ref):
    action = _action(project, ref)
    form = CommentForm(request.POST)
    if form.is_valid():
        editing.add_comment(action, form, request.user)
        messages.success(request, _("Commentaire publié."))
        return redirect(reverse("action-detail", args=[project.slug, action.ref]) + "#commentaires")
    return _refused_on_page(request, project, action, comment_form=form)


def _refused_on_page(request, project, action, **forms):
    """The sheet again with the refused form and its French errors (status 422, nothing saved)."""
    context = _detail_context(request, project, action, **forms)
    return render(request, "actions/detail.html", context, status=422)


# --- Indicators -----------------------------------------------------------------------------------


@project_view(need=CONTRIBUTE, public=None)
def indicator_edit(request, project, ref, pk=None):
    action = _editable(request, _action(project, ref))
    indicator = get_object_or_404(Indicator, action=action, pk=pk) if pk else Indicator(action=action)
    data = request.POST if request.method == "POST" else None
    form = IndicatorForm(data, instance=indicator, project=project)
    kwargs = {"form_kwargs": {"project": project}}
    targets = TargetFormSet(data, instance=indicator, prefix="cibles", queryset=IndicatorTarget.objects.all(), **kwargs)
    values = ValueFormSet(data, instance=indicator, prefix="valeurs", queryset=IndicatorValue.objects.all(), **kwargs)
    if data is not None and all([form.is_valid(), targets.is_valid(), values.is_valid()]):
        editing.save_indicator(action, form, targets, values, request.user)
        messages.success(request, _("Indicateur enregistré."))
        return redirect(reverse("action-detail", args=[project.slug, action.ref]) + "#indicateurs")
    title = _("Modifier l'indicateur") if pk else _("Nouvel indicateur")
    context = {
        "project": project,
        "action": action,
        "indicator": indicator,
        "form": form,
        "targets": targets,
        "values": values,
        "title": title,
        "has_errors": data is not None,
        "breadcrumb_data": _crumbs(
            project,
            _list_crumb(project),
            {"url": reverse("action-detail", args=[project.slug, action.ref]), "title": action.ref},
            current=title,
        ),
    }
    return render(request, "actions/indicator_form.html", context, status=422 if data is not None else 200)


# --- Selects among many ---------------------------------------------------------------------------


@require_safe
@project_view(public=None)
def action_choices(request, project, kind):
    """The options of a select among many (``maillage.choosers.SuggestSelect``) for its search box."""
    if kind not in choosing.KINDS:
        raise Http404
    excluded = request.GET.get("sauf", "")
    rows = choosing.suggestions(
        project,
        kind,
        request.GET.get("q", "")[:200],
        current=request.GET.get("courant", ""),
        excluded=int(excluded) if excluded.isdigit() else None,
    )
    return render(request, "actions/_choices.html", {"rows": rows, "kind": kind})
