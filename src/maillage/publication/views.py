"""Public pages of a published project. They show the plan and its progress, never a person's
contact details, a follow-up note or the history: only what the project decided to make public."""

import json

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from maillage.accounts.access import access_for
from maillage.actions.models import Action, ActionPartner
from maillage.actions.progress import STATUS_ORDER, status_counts
from maillage.actions.sheet import filled_rows
from maillage.actions.vocabulary import project_labels
from maillage.frameworks.alignment import served_by_action
from maillage.interchange.exporting import to_json
from maillage.interchange.public import PUBLIC_SCHEMA_NAME, PUBLIC_SCHEMA_PATH
from maillage.interchange.validation import SCHEMA_PATH
from maillage.projects.forms import ProjectSearchForm
from maillage.projects.listing import page_of
from maillage.projects.models import Node, Project
from maillage.projects.network_views import neighbours
from maillage.projects.tree import branch_page, tree_page, walk
from maillage.versions.public import plan_context, public_state, snapshot_action

from . import opendata
from .caching import cached_for_visitors, validated


def _published(request, slug):
    """The published project, or 404 (the same answer as for a project that does not exist)."""
    project = get_object_or_404(
        Project.objects.filter(published=True).select_related("territory", "owner", "parent"), slug=slug
    )
    request.project, request.access = project, access_for(request.user, project)
    return project


def _published_link() -> dict:
    return {"url": reverse("public-projects"), "title": _("Plans publiés")}


def published_projects(request):
    """Every published plan, searched and paginated (a country's network publishes thousands)."""
    search = ProjectSearchForm(request.GET or None)
    projects = search.filter(Project.objects.filter(published=True)).select_related("territory")
    page = page_of(projects.order_by("title", "pk"), request)
    context = {"projects": page.object_list, "page_obj": page, "search": search, "searching": search.is_bound}
    return render(request, "publication/projects.html", context)


def _plan_actions(project):
    return Action.objects.filter(project=project, parent__isnull=True).only(
        "pk", "ref", "code", "title", "status", "project_id", "position"
    )


@cached_for_visitors("plan")
def plan(request, slug):
    project = _published(request, slug)
    version = public_state(project)
    breadcrumb = {"links": [_published_link()], "current": project.title}
    network = neighbours(request.user, project, public=True)  # the published ones only, for everyone
    if version.plan is not None:
        # An update is being prepared: the adopted version, from its stored document (maillage.versions).
        context = {
            **plan_context(version.plan),
            **network,
            "project": project,
            "public_version": version,
            "snapshot": True,
        }
        return render(request, "publication/plan.html", {**context, "breadcrumb_data": breadcrumb})
    drawn = tree_page(project, _plan_actions(project))
    counts = status_counts(project.actions.filter(parent__isnull=True))
    total = sum(counts.values())
    labels = project_labels(project)
    context = {
        "project": project,
        "branches": list(walk(drawn.roots)),
        "unplaced": drawn.unplaced,
        "unplaced_count": drawn.unplaced_count,
        "labels": labels,
        "counts": [(code, labels["status"][code], counts[code]) for code in STATUS_ORDER if counts[code]],
        "total": total,
        "done_share": round(100 * counts["done"] / total) if total else 0,
        "public_version": version,
        "breadcrumb_data": breadcrumb,
        **network,
    }
    return render(request, "publication/plan.html", context)


@cached_for_visitors("branch")
def branch(request, slug, node_id):
    """A node's actions on the public plan of a large project, a page at a time (htmx or a page)."""
    project = _published(request, slug)
    node = get_object_or_404(Node.objects.select_related("level"), project=project, pk=node_id)
    page = branch_page(project, node, _plan_actions(project), request.GET.get("page"))
    plan_url = reverse("public-plan", args=[project.slug])
    context = {
        "project": project,
        "node": node,
        "page": page,
        "url": reverse("public-branch", args=[project.slug, node.pk]),
        "item": "publication/_plan_action.html",
        "labels": project_labels(project),
        "continued": bool(request.GET.get("suite")),
    }
    if request.htmx:
        return render(request, "projects/tree/_branch_actions.html", context)
    context.update(
        back_url=plan_url,
        back_label=_("Retour au plan"),
        breadcrumb_data={
            "links": [_published_link(), {"url": plan_url, "title": project.title}],
            "current": str(node)[:80],
        },
    )
    return render(request, "projects/tree/branch.html", context)


@cached_for_visitors("action")
def action(request, slug, ref):
    project = _published(request, slug)
    version = public_state(project)
    if version.plan is not None:
        return snapshot_action(request, project, version, ref)
    queryset = Action.objects.filter(project=project).prefetch_related(
        "nodes__level",
        "periods",
        "themes",
        "children",
        Prefetch("partner_roles", queryset=ActionPartner.objects.select_related("organisation")),
        "indicators__values",
    )
    found = queryset.select_related("lead_organisation", "parent", "territory").filter(ref=ref).first()
    if found is None:
        raise Http404
    labels = project_labels(project)
    context = {
        "project": project,
        "action": found,
        "labels": labels,
        "rows": filled_rows(found),
        "served": served_by_action(found, public=True),
        "breadcrumb_data": {
            "links": [
                _published_link(),
                {"url": reverse("public-plan", args=[project.slug]), "title": project.title},
            ],
            "current": f"{found.ref} — {found.title}"[:80],
        },
    }
    return render(request, "publication/action.html", context)


# --- open data (docs/opendata.md) -------------------------------------------------------------------


@cached_for_visitors("open-data")
@require_safe
def open_data(request, slug, name):
    """A file of a published plan (``opendata.FILES``), written from its public document: 404 for an
    unpublished or unknown plan and an unknown file, like the public pages."""
    if name not in opendata.FILES:
        raise Http404
    project = _published(request, slug)
    document = opendata.shared_public_plan(project)
    if name.endswith(".json"):
        response = HttpResponse(to_json(document).encode(), content_type="application/json; charset=utf-8")
        schema = reverse("public-schema", args=[PUBLIC_SCHEMA_NAME])
        response["Link"] = f'<{schema}>; rel="describedby"; type="application/schema+json"'
    else:
        response = HttpResponse(opendata.csv_file(document, name), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{project.slug}-{name}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: readable from any site's scripts
    return response


@require_safe
def open_data_catalogue(request):
    """Every published plan in DCAT-AP (JSON-LD), a page of ``CATALOGUE_PAGE_SIZE`` at a time."""
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or not 0 < int(raw) < 10**6:
        raise Http404
    document = opendata.catalogue(int(raw), request.build_absolute_uri)
    if document is None:
        raise Http404
    content = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(content.encode(), content_type="application/ld+json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return validated(request, response, document.get("dct:modified", {}).get("@value", ""))


SCHEMA_FILES = {SCHEMA_PATH.name: SCHEMA_PATH, PUBLIC_SCHEMA_NAME: PUBLIC_SCHEMA_PATH}


@require_safe
def schema_file(request, name):
    """The JSON Schemas of the interchange document and of its public profile, as the package holds them."""
    if name not in SCHEMA_FILES:
        raise Http404
    response = HttpResponse(SCHEMA_FILES[name].read_bytes(), content_type="application/schema+json")
    response["Access-Control-Allow-Origin"] = "*"
    return validated(request, response, "")
