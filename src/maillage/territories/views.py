"""The territories of a project: its perimeters with their communes checked against the COG, and the map
of its actions by territory; the same on the public plan (territories hold no personal data)."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts.access import access_for
from maillage.accounts.decorators import MANAGE, project_view
from maillage.projects.models import Project

from . import checking, cog


def _context(project, *, public: bool) -> dict:
    info = checking.overview(project)
    return {
        "project": project,
        "public": public,
        "cog_source": cog.source(),
        "map_json": checking.actions_by_territory(project, info["graph"]),
        **info,
    }


@require_safe
@project_view(public="public-territories")
def territories(request, project):
    context = _context(project, public=False)
    context["can_manage"] = request.access.can_manage
    context["breadcrumb_data"] = {
        "links": [{"url": reverse("project-dashboard", args=[project.slug]), "title": project.title}],
        "current": _("Territoires"),
    }
    return render(request, "territories/territories.html", context)


@require_safe
@project_view(public="public-territories-map-data")
def territories_map_data(request, project):
    return JsonResponse(checking.actions_by_territory(project))


@require_POST
@project_view(need=MANAGE, public=None)
def complete_codes(request, project):
    filled, skipped = checking.complete_codes(project)
    if filled:
        messages.success(request, _("%(n)d code(s) INSEE complété(s) d’après le COG.") % {"n": filled})
    if skipped:
        messages.warning(
            request,
            _("Code déjà porté par une autre commune, à vérifier : %(names)s.") % {"names": ", ".join(skipped)},
        )
    if not filled and not skipped:
        messages.info(request, _("Aucun code à compléter."))
    return redirect("project-territories", project.slug)


def _published(request, slug):
    project = get_object_or_404(Project.objects.filter(published=True).select_related("territory"), slug=slug)
    request.project, request.access = project, access_for(request.user, project)
    return project


@require_safe
def public_territories(request, slug):
    project = _published(request, slug)
    context = _context(project, public=True)
    context["breadcrumb_data"] = {
        "links": [
            {"url": reverse("public-projects"), "title": _("Plans publiés")},
            {"url": reverse("public-plan", args=[project.slug]), "title": project.title},
        ],
        "current": _("Territoires"),
    }
    return render(request, "territories/territories.html", context)


@require_safe
def public_territories_map_data(request, slug):
    return JsonResponse(checking.actions_by_territory(_published(request, slug)))
