"""Indicator screens: the project's indicators page, one indicator's page, entering a value, and the
quick update of an action that the digest links to.

Views stay thin: which indicators in ``listing``, where each stands in ``progress``, the chart in
``charts``, saving in ``forms`` (through ``record_value`` and ``actions.editing``). Every view goes
through ``project_view`` and reaches indicators through the project (another project's id is a 404);
the right to write is ``Access.can_edit_action`` (coordinators and the action's leads).

Entering a value works with htmx (the fragment that holds the form is swapped in place: the table
row on the indicators page, the indicator's block on the fiche and the indicator page) and without
it (the same address is a page; a post redirects back to where it came from).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from maillage.accounts.decorators import CONTRIBUTE, project_view
from maillage.actions.models import Action
from maillage.actions.vocabulary import project_labels

from . import charts, listing, progress
from .forms import IndicatorFilterForm, QuickUpdateForm, ValueEntryForm
from .models import Indicator, IndicatorTarget, IndicatorValue

PAGE_SIZE = 50
# The action's columns a row of the indicators page shows (the sheet's long texts stay in the database).
ROW_ACTION_FIELDS = ["action__id", "action__ref", "action__code", "action__title", "action__project_id"]
ROW_FIELDS = ["pk", "title", "kind", "unit", "baseline", "baseline_year", "position", "action_id"]


def _crumbs(project, *links, current):
    base = [{"url": reverse("project-dashboard", args=[project.slug]), "title": project.title}]
    return {"links": base + list(links), "current": current[:80]}


def _list_crumb(project):
    return {"url": reverse("indicator-list", args=[project.slug]), "title": _("Indicateurs")}


def _indicator(project, pk, queryset=None):
    base = Indicator.objects.all() if queryset is None else queryset
    return get_object_or_404(base.select_related("action"), pk=pk, action__project=project)


def _next_url(request, fallback: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return fallback


# --- The project's indicators --------------------------------------------------------------------


@project_view(public="public-plan")
def indicator_list(request, project):
    today = progress.current_date()
    indicators = listing.filter_indicators(project, request.GET, today)
    figures = listing.summary(indicators, project, today)
    shown = progress.annotate(indicators.select_related("action").only(*ROW_FIELDS, *ROW_ACTION_FIELDS), project, today)
    paginator = Paginator(shown, PAGE_SIZE)
    paginator.count = figures["total"]  # counted with the summary: no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    access = request.access
    rows = [
        {"progress": line, "can_edit": access.can_edit_action(line.indicator.action)}
        for line in progress.rows(page.object_list, project, today)
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "project": project,
        "rows": rows,
        "page": page,
        "figures": figures,
        "query": query.urlencode(),
        "filtered": listing.is_filtered(request.GET),
        "filters": IndicatorFilterForm(request.GET or None, project=project),
        "here": request.get_full_path(),
        "breadcrumb_data": _crumbs(project, current=_("Indicateurs")),
    }
    return render(request, "evaluation/indicator_list.html", context)


# --- One indicator ---------------------------------------------------------------------------------


def _prefetched():
    return Indicator.objects.prefetch_related(
        Prefetch("targets", queryset=IndicatorTarget.objects.order_by("year")),
        Prefetch("values", queryset=IndicatorValue.objects.chronological()),
    )


def block_context(request, project, indicator, form=None, message="", heading=3) -> dict:
    """What ``evaluation/_indicator_block.html`` draws: the indicator's progress, its chart and table,
    and the value form for those who may write. ``indicator`` has its values and targets in memory."""
    state = progress.of(indicator, project)
    can_edit = request.access.can_edit_action(indicator.action)
    if can_edit and form is None:
        form = ValueEntryForm(indicator=indicator, project=project)
    return {
        "project": project,
        "indicator": indicator,
        "progress": state,
        "lines": progress.timeline(indicator),
        "chart": charts.line_chart(charts.series(state)),
        "can_edit": can_edit,
        "form": form if can_edit else None,
        "message": message,
        "heading": heading,
        "here": request.get_full_path(),
    }


@project_view(public=None)
def indicator_detail(request, project, pk):
    indicator = _indicator(project, pk, _prefetched())
    action = indicator.action
    context = {
        **block_context(request, project, indicator, heading=2),
        "action": action,
        "labels": project_labels(project),
        "breadcrumb_data": _crumbs(project, _list_crumb(project), current=indicator.title),
    }
    return render(request, "evaluation/indicator_detail.html", context)


# --- Entering a value ------------------------------------------------------------------------------


def _row_context(request, project, indicator, form=None, message="", opened=False):
    """One row of the indicators page, fresh from the database (three queries), with its form when opened."""
    queryset = Indicator.objects.filter(pk=indicator.pk).select_related("action").only(*ROW_FIELDS, *ROW_ACTION_FIELDS)
    line = progress.rows(queryset, project)[0]
    if opened and form is None:
        form = ValueEntryForm(indicator=indicator, project=project)
        form.fields["period"].widget.attrs["autofocus"] = True  # htmx moves the focus there once swapped in
    return {
        "project": project,
        "row": {"progress": line, "can_edit": True},
        "form": form if opened else None,
        "message": message,
        "here": _next_url(request, reverse("indicator-list", args=[project.slug])),
    }


@project_view(need=CONTRIBUTE, public=None)
def value_add(request, project, pk):
    indicator = _indicator(project, pk)
    if not request.access.can_edit_action(indicator.action):
        raise PermissionDenied
    place = request.POST.get("place") or request.GET.get("place") or ""
    fallback = reverse("indicator-detail", args=[project.slug, indicator.pk])
    if request.method == "POST":
        form = ValueEntryForm(request.POST, indicator=indicator, project=project)
        value = form.save(request.user) if form.is_valid() else None
        message = _("Valeur enregistrée : %(period)s.") % {"period": value.period} if value else ""
        if request.htmx and place == "row":
            context = _row_context(request, project, indicator, form=None if value else form, opened=not value)
            return render(request, "evaluation/_indicator_row.html", {**context, "message": message})
        if request.htmx and place == "block":
            fresh = _indicator(project, pk, _prefetched())
            heading = 2 if request.POST.get("heading") == "2" else 3  # the indicator's page or the fiche
            context = block_context(
                request, project, fresh, form=None if value else form, message=message, heading=heading
            )
            if not value:
                context["opened"] = True
            return render(request, "evaluation/_indicator_block.html", context)
        if value:
            messages.success(request, message)
            return redirect(_next_url(request, fallback))
        return _value_page(request, project, indicator, form, status=422)
    if request.htmx and place == "row":
        return render(request, "evaluation/_indicator_row.html", _row_context(request, project, indicator, opened=True))
    return _value_page(request, project, indicator, ValueEntryForm(indicator=indicator, project=project))


def _value_page(request, project, indicator, form, status=200):
    title = _("Saisir une valeur")
    context = {
        "project": project,
        "indicator": indicator,
        "action": indicator.action,
        "form": form,
        "title": title,
        "next": _next_url(request, reverse("indicator-detail", args=[project.slug, indicator.pk])),
        "breadcrumb_data": _crumbs(
            project,
            _list_crumb(project),
            {"url": reverse("indicator-detail", args=[project.slug, indicator.pk]), "title": indicator.title[:60]},
            current=title,
        ),
    }
    return render(request, "evaluation/value_form.html", context, status=status)


# --- The quick update (from the digest) ----------------------------------------------------------


@project_view(need=CONTRIBUTE, public=None)
def quick_update(request, project, ref):
    action = get_object_or_404(Action.objects.filter(project=project), ref=ref)
    if not request.access.can_edit_action(action):
        raise PermissionDenied
    indicators = list(_prefetched().filter(action=action).select_related("action"))
    data = request.POST if request.method == "POST" else None
    wanted = request.GET.get("indicateur", "")
    initial = {"indicator": wanted} if wanted.isdigit() else {}
    form = QuickUpdateForm(data, action=action, project=project, indicators=indicators, initial=initial)
    if data is not None and form.is_valid():
        done = form.save(request.user)
        if done:
            messages.success(request, " ".join(done))
            return redirect("action-detail", project.slug, action.ref)
    title = _("Mise à jour rapide")
    context = {
        "project": project,
        "action": action,
        "labels": project_labels(project),
        "form": form,
        "indicators": [progress.of(indicator, project) for indicator in indicators],
        "title": title,
        "breadcrumb_data": _crumbs(
            project,
            {"url": reverse("action-list", args=[project.slug]), "title": _("Actions")},
            {"url": reverse("action-detail", args=[project.slug, action.ref]), "title": action.ref},
            current=title,
        ),
    }
    return render(request, "evaluation/quick_update.html", context, status=422 if data is not None else 200)
