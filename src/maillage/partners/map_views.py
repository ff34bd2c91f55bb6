"""The map of the actors (``mapping``), for members and on the public plan, and the directory's
geolocation run ("Géolocaliser l'annuaire", coordinators only) with its progress fragment."""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts.access import access_for
from maillage.accounts.decorators import MANAGE, project_view
from maillage.projects.models import Project
from maillage.territories import locating
from maillage.territories.geocoding import configured
from maillage.territories.models import GeocodingRun

from .mapping import MapFilterForm, map_data, network_ids


def _filters(request, project, user):
    form = MapFilterForm(request.GET or None, project=project, project_ids=network_ids(project, user))
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, cleaned


def _context(request, project, *, public: bool):
    form, cleaned = _filters(request, project, request.user)
    data = map_data(project, request.user, cleaned, public=public)
    query = request.GET.urlencode()
    return {
        "project": project,
        "form": form,
        "data": data,
        "map_json": data.as_json(),
        "filtered": bool(cleaned and any(cleaned.values())),
        "query": query,
        "public": public,
    }


@require_safe
@project_view(public="public-partner-map")
def partner_map(request, project):
    context = _context(request, project, public=False)
    context["can_manage"] = request.access.can_manage
    context["run"] = GeocodingRun.objects.filter(project=project).first() if request.access.can_manage else None
    context["geocoder_configured"] = configured()
    context["data_url"] = reverse("partner-map-data", args=[project.slug])
    context["breadcrumb_data"] = {
        "links": [
            {"url": reverse("project-dashboard", args=[project.slug]), "title": project.title},
            {"url": reverse("partner-directory", args=[project.slug]), "title": _("Partenaires")},
        ],
        "current": _("Carte"),
    }
    return render(request, "partners/map.html", context)


@require_safe
@project_view(public="public-partner-map-data")
def partner_map_data(request, project):
    _form, cleaned = _filters(request, project, request.user)
    return JsonResponse(map_data(project, request.user, cleaned).as_json())


def _published(request, slug):
    project = get_object_or_404(Project.objects.filter(published=True).select_related("territory"), slug=slug)
    request.project, request.access = project, access_for(request.user, project)
    return project


@require_safe
def public_partner_map(request, slug):
    """The public plan's map: organisations only (no person, no link to the members' directory)."""
    project = _published(request, slug)
    context = _context(request, project, public=True)
    context["data_url"] = reverse("public-partner-map-data", args=[project.slug])
    context["breadcrumb_data"] = {
        "links": [
            {"url": reverse("public-projects"), "title": _("Plans publiés")},
            {"url": reverse("public-plan", args=[project.slug]), "title": project.title},
        ],
        "current": _("Carte des acteurs"),
    }
    return render(request, "partners/map.html", context)


@require_safe
def public_partner_map_data(request, slug):
    project = _published(request, slug)
    _form, cleaned = _filters(request, project, request.user)
    return JsonResponse(map_data(project, request.user, cleaned, public=True).as_json())


@require_POST
@project_view(need=MANAGE, public=None, changes_plan=False)
def geocode_directory(request, project):
    """Queue "Géolocaliser l'annuaire" (or show the run already under way); the page polls its progress."""
    run = locating.start_run(project, request.user)
    if request.htmx:
        return render(request, "partners/_geocoding_progress.html", {"project": project, "run": run})
    return redirect(reverse("partner-map", args=[project.slug]) + "#geolocalisation")


@require_safe
@project_view(need=MANAGE, public=None)
def geocoding_status(request, project, pk):
    run = GeocodingRun.objects.filter(project=project, pk=pk).first()
    if run is None:
        raise Http404
    if run.in_progress and locating.fail_stale_runs(only=run.pk):
        run.refresh_from_db()
    return render(request, "partners/_geocoding_progress.html", {"project": project, "run": run})
