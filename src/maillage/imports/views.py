"""The import pages: upload, watch the reading, review the draft, then create or complete a project."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.access import access_for
from maillage.accounts.models import Membership
from maillage.actions.models import SECTIONS, Action
from maillage.interchange.importing import import_document
from maillage.interchange.validation import InvalidDocument
from maillage.projects.models import Project

from . import review, running
from .forms import UploadForm
from .merging import merge_draft
from .models import ImportRun
from .tasks import read_import
from .template import template_csv, template_xlsx

SECTION_LABELS = {name: Action._meta.get_field(name).verbose_name for name in SECTIONS}


def _run(request, pk) -> ImportRun:
    """An import is its author's: anyone else gets a 404, as for an import that does not exist."""
    return get_object_or_404(ImportRun.objects.select_related("into", "project"), pk=pk, owner=request.user)


def busy_reason(user) -> str:
    """Why a new import cannot be queued now (too many of this person's, or of everyone's), or ""."""
    from django.conf import settings

    pending = ImportRun.objects.filter(status__in=(ImportRun.Status.WAITING, ImportRun.Status.READING))
    if pending.filter(owner=user).count() >= settings.MAILLAGE_IMPORTS_PER_USER:
        return _("Vous avez déjà %(count)d imports en cours de lecture : attendez qu'ils soient lus.") % {
            "count": settings.MAILLAGE_IMPORTS_PER_USER
        }
    if pending.count() >= settings.MAILLAGE_IMPORTS_TOTAL:
        return _("Le service lit déjà beaucoup de fichiers : réessayez dans quelques minutes.")
    return ""


@login_required
def start(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    busy = busy_reason(request.user) if request.method == "POST" else ""
    if busy:
        form.is_valid()
        form.add_error(None, busy)
        return render(
            request,
            "imports/start.html",
            {"form": form, "recent": [], "breadcrumb_data": {"current": _("Importer un plan")}},
            status=429,
        )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        into = form.cleaned_data["into"]
        run = ImportRun.objects.create(
            owner=request.user,
            name=upload.name[:255],
            content=upload.read(),
            into=into,
            slug="" if into else form.project_slug(),
            title="" if into else form.project_title(),
        )
        transaction.on_commit(lambda: read_import.enqueue(run.pk))
        return redirect("import-review", run.pk)
    recent = ImportRun.objects.filter(owner=request.user).select_related("into", "project")[:10]
    return render(
        request,
        "imports/start.html",
        {"form": form, "recent": recent, "breadcrumb_data": {"current": _("Importer un plan")}},
    )


def template(request, extension):
    """The empty import template, for anyone: it holds no data."""
    if extension == "csv":
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="modele-import-maillage.{extension}"'
    return response


@login_required
def progress(request, pk):
    """The progress fragment the page polls; once the reading is over, htmx reloads the page."""
    run = _run(request, pk)
    if run.in_progress and running.fail_stale_runs(only=run.pk):
        run.refresh_from_db()
    if not run.in_progress:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "imports/_progress.html", {"run": run})


@login_required
@require_POST
def retry(request, pk):
    """Read again a run whose worker died (its upload was kept); anything else goes back to its page."""
    run = _run(request, pk)
    if running.may_retry(run):
        running.retry(run)
        messages.success(request, _("La lecture est relancée."))
    return redirect("import-review", run.pk)


@login_required
def review_page(request, pk):
    run = _run(request, pk)
    if run.in_progress and running.fail_stale_runs(only=run.pk):
        run.refresh_from_db()
    context = {
        "run": run,
        "may_retry": running.may_retry(run),
        "breadcrumb_data": {
            "links": [{"url": reverse("import-start"), "title": _("Importer un plan")}],
            "current": run.name,
        },
    }
    if run.report:
        context["unplaced_count"] = run.report.get("unplaced_count") or (
            len(run.report.get("unplaced", [])) + len(run.report.get("unused_rows", []))
        )
    if run.status in (ImportRun.Status.READY, ImportRun.Status.SAVED) and run.draft:
        context.update(_draft_context(run.draft, _project_levels(run)))
    return render(request, "imports/review.html", context)


def _project_levels(run: ImportRun) -> list[str]:
    """The level names of the project the draft completes, by depth ("" where it has none; nothing for
    a new project)."""
    names = dict(run.into.levels.values_list("depth", "name")) if run.into else {}
    return [names.get(depth, "") for depth in range(1, max(names, default=0) + 1)]


# The review page shows this many actions and nodes at most: a 20,000-row sheet still gives a page that
# renders (the counts say how many more the draft holds; all of them are saved).
SHOWN_ACTIONS = 300
SHOWN_NODES = 300


def _draft_context(draft: dict, project_levels: list[str] = ()) -> dict:
    actions = {action["ref"]: action for action in draft.get("actions", [])}
    labels = review.level_labels(draft, project_levels)
    statuses = dict(Action.Status.choices)
    budget = [SHOWN_ACTIONS]
    shown: list[dict] = []

    def take(refs) -> list[dict]:
        taken = []
        for ref in refs:
            if budget[0] <= 0:
                break
            if ref in actions:
                budget[0] -= 1
                taken.append(actions[ref])
        shown.extend(taken)
        return taken

    nodes, node_count = [], 0
    for path, node, depth in review.walk_nodes(draft.get("nodes", [])):
        node_count += 1
        if len(nodes) < SHOWN_NODES:
            level = labels.get(node.get("level"), node.get("level"))
            nodes.append(
                {"path": path, "node": node, "depth": depth, "level": level, "actions": take(node.get("actions", []))}
            )
    placed = review.placed_refs(draft)
    unplaced = take(a["ref"] for a in draft.get("actions", []) if a["ref"] not in placed and not a.get("parent"))
    for action in shown:
        action["view_status"] = statuses.get(action.get("status"), action.get("status"))
        action["view_sections"] = [(SECTION_LABELS[name], action[name]) for name in SECTIONS if action.get(name)]
    return {
        "nodes": nodes,
        "unplaced": unplaced,
        "levels": list(labels.items()),
        "counts": {"nodes": node_count, "actions": len(actions), "partners": len(draft.get("partners", []))},
        "hidden": {"nodes": node_count - len(nodes), "actions": len(actions) - len({a["ref"] for a in shown})},
    }


@login_required
def action_tools(request, pk, ref):
    """The forms to fix one action (rename, move, merge, drop), loaded when the reviewer opens it."""
    run = _run(request, pk)
    if run.status != ImportRun.Status.READY:
        return redirect("import-review", run.pk)
    try:
        action = review.action_of(run.draft, ref)
    except review.ReviewError as error:
        messages.error(request, str(error))
        return redirect("import-review", run.pk)
    labels = review.level_labels(run.draft, _project_levels(run))
    context = {
        "run": run,
        "action": action,
        "nodes": [
            (path, node, labels.get(node.get("level"), node.get("level")))
            for path, node, _depth in review.walk_nodes(run.draft.get("nodes", []))
        ],
        "others": [a for a in run.draft.get("actions", []) if a["ref"] != ref],
        "current_paths": {
            path for path, node, _d in review.walk_nodes(run.draft.get("nodes", [])) if ref in node.get("actions", [])
        },
    }
    template = "imports/_action_tools.html" if request.htmx else "imports/action_tools.html"
    return render(request, template, context)


EDITS = {
    "rename-node": lambda d, p: review.rename_node(d, p.get("path", ""), p.get("title", "")),
    "rename-action": lambda d, p: review.rename_action(d, p.get("ref", ""), p.get("title", "")),
    "rename-level": lambda d, p: review.rename_level(d, p.get("level", ""), p.get("title", "")),
    "move-action": lambda d, p: review.move_action(d, p.get("ref", ""), p.get("path", "")),
    "drop-action": lambda d, p: review.drop_action(d, p.get("ref", "")),
    "drop-node": lambda d, p: review.drop_node(d, p.get("path", "")),
    "merge-actions": lambda d, p: review.merge_actions(d, p.get("ref", ""), p.get("into", "")),
}


@login_required
@require_POST
def edit(request, pk):
    run = _run(request, pk)
    if run.status != ImportRun.Status.READY:
        messages.error(request, _("Ce brouillon n'est plus modifiable."))
        return redirect("import-review", run.pk)
    operation = EDITS.get(request.POST.get("op", ""))
    if operation is None:
        messages.error(request, _("Modification inconnue."))
        return redirect("import-review", run.pk)
    try:
        run.draft = operation(run.draft, request.POST)
    except review.ReviewError as error:
        messages.error(request, str(error))
        return redirect("import-review", run.pk)
    run.save(update_fields=["draft", "modified_at"])
    messages.success(request, _("Brouillon modifié."))
    anchor = request.POST.get("anchor", "")
    return redirect(reverse("import-review", args=[run.pk]) + (f"#{anchor}" if anchor else ""))


@login_required
@require_POST
def save(request, pk):
    """Create the project from the draft (its author becomes its coordinator), or merge into the target."""
    run = _run(request, pk)
    if run.status != ImportRun.Status.READY:
        messages.error(request, _("Ce brouillon a déjà été enregistré ou n'a pas pu être lu."))
        return redirect("import-review", run.pk)
    try:
        with transaction.atomic():
            if run.into is not None:
                if not access_for(request.user, run.into).can_manage:
                    raise PermissionDenied
                result = merge_draft(run.into, run.draft)
                project = run.into
                summary = _("%(created)s actions créées, %(updated)s complétées dans « %(title)s ».") % {
                    "created": len(result.created),
                    "updated": len(result.updated),
                    "title": project.title,
                }
            else:
                if Project.objects.filter(slug=run.draft["project"]["slug"]).exists():
                    raise InvalidDocument(
                        [_("un projet porte déjà l'identifiant « %(slug)s ».") % {"slug": run.draft["project"]["slug"]}]
                    )
                project = import_document(run.draft)
                Membership.objects.create(user=request.user, project=project, role=Membership.Role.COORDINATOR)
                summary = _("Projet « %(title)s » créé : %(nodes)s nœuds, %(actions)s actions.") % {
                    "title": project.title,
                    "nodes": project.nodes.count(),
                    "actions": project.actions.count(),
                }
            run.status, run.project = ImportRun.Status.SAVED, project
            run.save(update_fields=["status", "project", "modified_at"])
    except (InvalidDocument, IntegrityError) as error:
        text = error.report() if isinstance(error, InvalidDocument) else _("le projet n'a pas pu être enregistré.")
        messages.error(request, _("Rien n'a été enregistré : %(reason)s") % {"reason": text})
        return redirect("import-review", run.pk)
    messages.success(request, summary)
    return redirect("project-dashboard", project.slug)
