"""The framework page of a plan, its common indicators, and the links of a child's nodes and actions."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.accounts.decorators import CONTRIBUTE, MANAGE, MEMBER, project_view
from maillage.actions.models import Action
from maillage.actions.vocabulary import project_labels
from maillage.projects.models import Node

from . import editing
from .alignment import framework_view
from .forms import ActionLinksForm, FrameworkIndicatorForm, NodeLinksForm
from .models import FrameworkIndicator


def _crumbs(project, current, *links):
    base = [{"url": reverse("project-dashboard", args=[project.slug]), "title": project.title}]
    return {"links": base + list(links), "current": current}


def _framework_crumb(project):
    return {"url": reverse("project-framework", args=[project.slug]), "title": _("Cadre de référence")}


@project_view(need=MEMBER)
def framework(request, project):
    view = framework_view(project, request.user)
    charts = {
        common.indicator.pk: {
            "x": json.dumps([[str(year) for year in common.years]]),
            "y": json.dumps([[float(total) for total in common.totals]]),
            "name": json.dumps([common.indicator.title]),
        }
        for common in view.indicators
        if len(common.years) > 1
    }
    context = {
        "project": project,
        "view": view,
        "charts": charts,
        "labels": project_labels(project),
        "can_manage": request.access.can_manage,
        "breadcrumb_data": _crumbs(project, _("Cadre de référence")),
    }
    return render(request, "frameworks/framework.html", context)


@project_view(need=MANAGE, public=None)
def indicator_edit(request, project, indicator_id=None):
    indicator = get_object_or_404(FrameworkIndicator, project=project, pk=indicator_id) if indicator_id else None
    form = FrameworkIndicatorForm(request.POST or None, instance=indicator, project=project)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("L'indicateur commun « %(title)s » est enregistré.") % {"title": saved.title})
        return redirect(reverse("project-framework", args=[project.slug]) + "#indicateurs-communs")
    heading = _("Modifier l'indicateur commun") if indicator else _("Nouvel indicateur commun")
    context = {
        "project": project,
        "form": form,
        "heading": heading,
        "indicator": indicator,
        "breadcrumb_data": _crumbs(project, heading, _framework_crumb(project)),
    }
    return render(request, "frameworks/indicator_form.html", context, status=400 if request.method == "POST" else 200)


@project_view(need=MANAGE, public=None)
def indicator_delete(request, project, indicator_id):
    indicator = get_object_or_404(FrameworkIndicator, project=project, pk=indicator_id)
    if request.method == "POST":
        indicator.delete()
        messages.success(request, _("L'indicateur commun « %(title)s » est supprimé.") % {"title": indicator.title})
        return redirect(reverse("project-framework", args=[project.slug]) + "#indicateurs-communs")
    context = {
        "project": project,
        "indicator": indicator,
        "breadcrumb_data": _crumbs(project, _("Supprimer"), _framework_crumb(project)),
    }
    return render(request, "frameworks/indicator_delete.html", context)


@project_view(need=CONTRIBUTE, public=None)
def action_links(request, project, ref):
    action = get_object_or_404(Action.objects.filter(project=project), ref=ref)
    if not request.access.can_edit_action(action):
        raise PermissionDenied
    form = ActionLinksForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            editing.set_action_links(action, form.cleaned_data["serves"], form.reports(), request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le cadre de référence de l'action est enregistré."))
            return redirect("action-detail", project.slug, action.ref)
    detail = reverse("action-detail", args=[project.slug, action.ref])
    context = {
        "project": project,
        "form": form,
        "subject": action,
        "has_choices": form.has_choices,
        "heading": _("Cadre de référence de « %(ref)s — %(title)s »") % {"ref": action.ref, "title": action.title},
        "back": detail,
        "breadcrumb_data": _crumbs(project, _("Cadre de référence"), {"url": detail, "title": action.ref}),
    }
    return render(request, "frameworks/links_form.html", context, status=400 if request.method == "POST" else 200)


@project_view(need=MANAGE, public=None)
def node_links(request, project, node_id):
    node = get_object_or_404(Node.objects.select_related("level"), project=project, pk=node_id)
    form = NodeLinksForm(request.POST or None, node=node)
    if request.method == "POST" and form.is_valid():
        try:
            editing.set_node_links(node, form.cleaned_data["serves"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le cadre de référence de « %(node)s » est enregistré.") % {"node": node})
            return redirect(reverse("project-tree", args=[project.slug]) + f"#noeud-{node.pk}")
    tree = reverse("project-tree", args=[project.slug])
    context = {
        "project": project,
        "form": form,
        "subject": node,
        "has_choices": bool(form.fields["serves"].nodes),
        "heading": _("Cadre de référence de « %(node)s »") % {"node": node},
        "back": tree,
        "breadcrumb_data": _crumbs(project, _("Cadre de référence"), {"url": tree, "title": _("Arborescence")}),
    }
    return render(request, "frameworks/links_form.html", context, status=400 if request.method == "POST" else 200)
