"""The library's pages: the list across projects, a library fiche (for shared actions of projects the
reader is not a member of), the copy into one's project, and a project's sharing page.

No page shows a person: lists and fiches carry organisations, never leads, referents or contacts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.accounts.access import managed_projects
from maillage.accounts.decorators import MANAGE, project_view
from maillage.actions.models import Action, ActionPartner
from maillage.actions.sheet import filled_rows
from maillage.actions.vocabulary import project_labels
from maillage.projects.models import Node, Project

from . import copying
from .filtering import LibraryFilterForm, text_filter
from .links import action_urls
from .models import SharedAction
from .sharing import library_q, set_shared
from .similar import readable_q

PAGE_SIZE = 30


def library(request):
    form = LibraryFilterForm(request.GET or None)
    actions = form.filter(Action.objects.filter(library_q(request.user)))
    page = Paginator(actions.order_by("title_key", "pk").values_list("pk", flat=True), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    ids = list(page.object_list)
    shown = Action.objects.filter(pk__in=ids).select_related("project__territory", "territory")
    by_pk = {
        action.pk: action
        for action in shown.only(
            "pk",
            "ref",
            "title",
            "status",
            "project_id",
            "territory__name",
            "project__slug",
            "project__title",
            "project__kind",
            "project__published",
            "project__territory__name",
        )
    }
    rows = [by_pk[pk] for pk in ids if pk in by_pk]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "rows": rows,
        "page_obj": page,
        "query": query.urlencode(),
        "filtered": form.filtered,
        "breadcrumb_data": {"links": [], "current": _("Bibliothèque d'actions")},
    }
    return render(request, "library/library.html", context)


def _readable(request, pk):
    """The action if this user may read it (library, or a project they may open), else 404."""
    return get_object_or_404(Action.objects.filter(readable_q(request.user)).select_related("project"), pk=pk)


def library_action(request, pk):
    action = _readable(request, pk)
    queryset = Action.objects.select_related("project", "lead_organisation", "territory").prefetch_related(
        "themes",
        "indicators__targets",
        Prefetch("partner_roles", queryset=ActionPartner.objects.select_related("organisation")),
    )
    action = queryset.get(pk=action.pk)
    project = action.project
    context = {
        "action": action,
        "source_project": project,
        "labels": project_labels(project),
        "rows": filled_rows(action),
        "url": action_urls([action], request.user).get(action.pk),
        "breadcrumb_data": {
            "links": [{"url": reverse("library"), "title": _("Bibliothèque d'actions")}],
            "current": f"{action.ref} — {action.title}"[:80],
        },
    }
    return render(request, "library/action.html", context)


def copy_into(request, pk):
    """Choose a project you coordinate (then a node of it), and copy the action there."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    source = _readable(request, pk)
    projects = managed_projects(request.user).exclude(pk=source.project_id).order_by("title", "pk")
    slug = request.POST.get("projet") or request.GET.get("projet") or ""
    target = projects.filter(slug=slug).first() if slug else None
    if slug and target is None:
        raise PermissionDenied  # a project the user does not coordinate (or the source's own)
    nodes = (
        list(Node.objects.filter(project=target).select_related("level").order_by("position", "pk")) if target else []
    )
    error = None
    if request.method == "POST" and target is not None:
        node = None
        node_id = request.POST.get("noeud", "")
        if node_id:
            node = next((n for n in nodes if str(n.pk) == node_id), None)
            if node is None:
                error = _("Ce nœud n'existe pas dans le projet choisi.")
        if error is None:
            try:
                copy, directory, dropped = copying.copy_action(source, target, request.user, node)
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                message = _("La fiche « %(title)s » est reprise dans « %(project)s » sous la référence %(ref)s.") % {
                    "title": copy.title,
                    "project": target.title,
                    "ref": copy.ref,
                }
                if directory.created:
                    message += " " + ngettext(
                        "%(n)s organisation ajoutée à l'annuaire.",
                        "%(n)s organisations ajoutées à l'annuaire.",
                        len(directory.created),
                    ) % {"n": len(directory.created)}
                if dropped:
                    message += " " + ngettext(
                        "%(n)s cible hors de la période du projet n'a pas été reprise.",
                        "%(n)s cibles hors de la période du projet n'ont pas été reprises.",
                        dropped,
                    ) % {"n": dropped}
                messages.success(request, message)
                return redirect("action-detail", target.slug, copy.ref)
    context = {
        "source": source,
        "projects": projects[:200],
        "target": target,
        "nodes": nodes,
        "error": error,
        "breadcrumb_data": {
            "links": [{"url": reverse("library"), "title": _("Bibliothèque d'actions")}],
            "current": _("Reprendre dans mon projet"),
        },
    }
    return render(request, "library/copy.html", context, status=422 if error else 200)


@project_view(need=MANAGE, public=None, changes_plan=False)
def share_page(request, project):
    """The project's actions, each shared with the network or not; ticked ones changed at once."""
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("actions") if v.isdigit()]
        actions = list(Action.objects.filter(project=project, pk__in=ids))
        if len(actions) != len(set(ids)):
            raise Http404
        shared = request.POST.get("partager") == "1"
        changed = set_shared(actions, shared, request.user)
        text = (
            ngettext("%(n)s action partagée avec le réseau.", "%(n)s actions partagées avec le réseau.", changed)
            if shared
            else ngettext("%(n)s action n'est plus partagée.", "%(n)s actions ne sont plus partagées.", changed)
        )
        messages.success(request, text % {"n": changed})
        return redirect(f"{reverse('library-share', args=[project.slug])}?{request.GET.urlencode()}")
    actions = text_filter(Action.objects.filter(project=project), request.GET.get("q", ""))
    page = Paginator(actions.order_by("position", "pk").only("pk", "ref", "title", "status"), 50).get_page(
        request.GET.get("page")
    )
    shared = set(
        SharedAction.objects.filter(action_id__in=[a.pk for a in page.object_list]).values_list("action_id", flat=True)
    )
    context = {
        "project": project,
        "page_obj": page,
        "rows": [(action, action.pk in shared) for action in page.object_list],
        "labels": project_labels(project),
        "shared_total": SharedAction.objects.filter(action__project=project).count(),
        "in_network": bool(project.parent_id) or Project.objects.filter(parent=project).exists(),
        "q": request.GET.get("q", ""),
        "breadcrumb_data": {
            "links": [{"url": reverse("project-dashboard", args=[project.slug]), "title": project.title}],
            "current": _("Partage avec le réseau"),
        },
    }
    return render(request, "library/share.html", context)
