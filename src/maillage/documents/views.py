"""The documents page, the downloads and background exports; the calendar feed guarded by its token."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts.decorators import READ, project_view
from maillage.publication.caching import cached_for_visitors

from . import exporting, subscription
from .ical import project_calendar
from .models import Export
from .registry import ExportError, What, write
from .subscription import calendar_url, personal_url, project_for_token

SESSION_KEY = "maillage-exports"  # the exports a visitor without account started in this session
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
    "json": "application/json; charset=utf-8",
}

NOT_FOUND = "Calendrier introuvable : vérifiez l'adresse d'abonnement.\n"


@require_safe
def calendar_feed(request, slug):
    """The project's calendar for whoever has its token; the same 404 for a wrong slug or a wrong token.

    No login: calendar applications cannot log in, the token in the URL is the credential. The answer
    never says whether the project exists, so the URL leaks nothing without the token.
    """
    project = project_for_token(slug, request.GET.get("jeton", ""))
    if project is None:
        return HttpResponseNotFound(NOT_FOUND, content_type="text/plain; charset=utf-8")
    response = HttpResponse(project_calendar(project), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{project.slug}.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


# --- the documents page and the downloads --------------------------------------------------------------
# Public documents (a visitor of a published plan may take them; written for a visitor, they name
# organisations, never people: no lead, elected referent, chair or member, no e-mail, phone or note):
PUBLIC_DOCUMENTS = {"project", "panorama", "calendar", "action", "tree"}
PUBLIC_FORMATS = {"docx", "odt", "pdf", "svg", "png"}
# Written in the background (the whole project document of a big plan takes seconds):
BACKGROUND = {("project", "docx"), ("project", "odt"), ("project", "pdf")} | {
    ("evaluation", format) for format in ("docx", "odt", "pdf", "xlsx")
}


# Beyond this many actions the whole interchange document is written in the background, like the annex:
# writing it takes about 3 s for 1,000 actions on a loaded two-core machine (docs/opendata.md).
JSON_IN_REQUEST_ACTIONS = 1000


def json_in_background(project) -> bool:
    return project.actions.count() > JSON_IN_REQUEST_ACTIONS


class BadExport(Exception):
    """A request no writer answers: a French page that says why (404), no file."""


def refusing_bad_exports(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadExport as error:
            context = {"message": str(error), "project": getattr(request, "project", None)}
            return render(request, "documents/error.html", context, status=404)

    return wrapper


def may_download(access, what: What, format: str) -> bool:
    """Members take everything; visitors of a published plan the written documents and the tree."""
    if access.is_member:
        return True
    return access.can_read and what.kind in PUBLIC_DOCUMENTS and format in PUBLIC_FORMATS


def _requested(request, project, data):
    """(What, format, query) of the request, or a French 404 / 403 — never a file."""
    format = data.get("format", "")
    try:
        chosen = exporting.target(
            project, data.get("document", ""), format, data.get("filtres", ""), public=not request.access.is_member
        )
    except ExportError as error:
        raise BadExport(str(error)) from error
    if not may_download(request.access, chosen, format):
        raise PermissionDenied
    return chosen, format, data.get("filtres", "")


def _attachment(content: bytes, name: str, format: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES.get(format, "application/octet-stream"))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@project_view(need=READ)
def documents_page(request, project):
    mine = Export.objects.filter(project=project)
    if request.user.is_authenticated:
        mine = mine.filter(requested_by=request.user)
    else:
        mine = mine.filter(pk__in=request.session.get(SESSION_KEY, []))
    context = {
        "project": project,
        "access": request.access,
        "exports": list(mine[:5]),
        "subscription_url": calendar_url(project) if request.access.can_manage else "",
        "personal_url": personal_url(project, request.user) if request.access.is_member else "",
        "json_in_background": request.access.is_member and json_in_background(project),
        "breadcrumb_data": {
            "links": [{"url": reverse("project-dashboard", args=[project.slug]), "title": project.title}],
            "current": gettext("Documents"),
        },
    }
    return render(request, "documents/documents.html", context)


@cached_for_visitors("download")  # a visitor's public document is written once per change of the plan
@require_safe
@refusing_bad_exports
@project_view(need=READ)
def download(request, project):
    """A small document written in the request: one fiche, the panorama, the calendar, the tree, tables."""
    chosen, format, _query = _requested(request, project, request.GET)
    if (chosen.kind, format) in BACKGROUND or (format == "json" and json_in_background(project)):
        raise BadExport(gettext("Ce document s'écrit en tâche de fond : lancez-le depuis la page Documents."))
    try:
        content = write(format, project, chosen)
    except ExportError as error:
        raise BadExport(str(error)) from error
    return _attachment(content, exporting.filename(project, chosen, format), format)


@require_POST
@refusing_bad_exports
@project_view(need=READ, changes_plan=False)
def start_export(request, project):
    """Queue the whole project document; the page then polls its progress."""
    chosen, format, query = _requested(request, project, request.POST)
    sessions = request.session.get(SESSION_KEY, [])
    try:
        if request.user.is_authenticated:
            export = exporting.start_export(
                project, request.POST["document"], format, request.user, query, sessions, public=chosen.public
            )
        else:  # a visitor of a published plan: the export of this state of the plan is shared by all
            export = exporting.visitors_export(project, request.POST["document"], format, query, sessions)
    except exporting.TooManyExports as error:
        context = {"message": str(error), "project": project, "busy": True}
        return render(request, "documents/error.html", context, status=429)
    if not request.user.is_authenticated:
        mine = [pk for pk in request.session.get(SESSION_KEY, []) if pk != str(export.pk)]
        request.session[SESSION_KEY] = [*mine[-9:], str(export.pk)]
    if request.htmx:
        return render(request, "documents/_export_progress.html", {"project": project, "export": export})
    return redirect("export-status", project.slug, export.pk)


def _export_of(request, project, pk) -> Export:
    """The export, only through its project and only for whoever asked for it."""
    export = get_object_or_404(Export, project=project, pk=pk)
    if request.user.is_authenticated:
        if export.requested_by_id != request.user.pk:
            raise Http404
    elif str(export.pk) not in request.session.get(SESSION_KEY, []):
        raise Http404
    return export


@require_safe
@project_view(need=READ)
def export_status(request, project, pk):
    export = _export_of(request, project, pk)
    if export.in_progress and exporting.fail_stale_exports(only=export.pk):
        export.refresh_from_db()
    context = {"project": project, "export": export}
    if request.htmx:
        return render(request, "documents/_export_progress.html", context)
    context["breadcrumb_data"] = {
        "links": [
            {"url": reverse("project-dashboard", args=[project.slug]), "title": project.title},
            {"url": reverse("project-documents", args=[project.slug]), "title": gettext("Documents")},
        ],
        "current": gettext("Export en cours"),
    }
    return render(request, "documents/export.html", context)


@require_safe
@project_view(need=READ)
def export_file(request, project, pk):
    export = _export_of(request, project, pk)
    if not export.finished_ok:
        raise Http404(gettext("Ce document n'est pas encore prêt."))
    with export.file.open("rb") as stored:
        return _attachment(stored.read(), export.filename, export.format)


@require_POST
@project_view(need=READ)
def rotate_calendar(request, project):
    """Draw a new calendar address: the member's own, or (coordinators) the project's shared one."""
    from django.contrib import messages

    if request.POST.get("adresse") == "projet":
        if not request.access.can_manage:
            raise PermissionDenied
        subscription.rotate_project_token(project)
        messages.success(request, gettext("Nouvelle adresse partagée : l'ancienne ne fonctionne plus."))
    else:
        if not request.access.is_member:
            raise PermissionDenied
        subscription.rotate_personal_token(project, request.user)
        messages.success(request, gettext("Nouvelle adresse personnelle : l'ancienne ne fonctionne plus."))
    return redirect(reverse("project-documents", args=[project.slug]) + "#doc-ics")
