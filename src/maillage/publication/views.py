"""Public pages of a published project. They show the plan and its progress, never a person's
contact details, a follow-up note or the history: only what the project decided to make public."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.accounts.access import access_for
from maillage.actions.models import Action, ActionPartner
from maillage.actions.progress import STATUS_ORDER, status_counts
from maillage.actions.sheet import filled_rows
from maillage.actions.vocabulary import project_labels
from maillage.frameworks.alignment import served_by_action
from maillage.projects.forms import ProjectSearchForm
from maillage.projects.listing import page_of
from maillage.projects.models import Node, Project
from maillage.projects.network_views import neighbours
from maillage.projects.tree import branch_page, tree_page, walk
from maillage.versions.public import plan_context, public_state, snapshot_action

from .caching import cached_for_visitors


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
