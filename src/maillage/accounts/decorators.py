"""The gate in front of every project view: find the project, check the role, refuse without leaking."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect

from maillage.projects.models import Project
from maillage.projects.stamp import touch

from .access import access_for

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
READ = "read"
COMMENT = "comment"
CONTRIBUTE = "contribute"
MANAGE = "manage"
MEMBER = "member"
PARTNER = "partner"  # the partner space: a partner of the project acting for their organisation


def _allowed(access, need: str) -> bool:
    return {
        READ: access.can_read,
        MEMBER: access.is_member,
        COMMENT: access.can_comment,
        CONTRIBUTE: access.can_contribute,
        MANAGE: access.can_manage,
        PARTNER: access.is_partner,
    }[need]


def project_view(need: str = MEMBER, public: str | None = "public-plan", changes_plan: bool = True):
    """Decorate a view taking ``slug``: it receives ``project`` instead, with ``request.access`` set.

    An unknown slug is a 404. Project pages are for members: a visitor of a *published* project is
    sent to the public page named ``public`` (called with the view's arguments), which shows no
    personal data. A project the visitor may not see sends an anonymous visitor to the login page and
    gives a signed-in user the generic French 403, which names no project, so that the answer never
    reveals a private project's title.

    A successful write (any method but GET, HEAD, OPTIONS) moves the plan's stamp (``projects.stamp``)
    unless ``changes_plan`` is False: a view that writes beside the plan (an export asked for) keeps
    the visitors' cached pages and documents.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            project = get_object_or_404(Project.objects.select_related("parent__parent", "territory"), slug=slug)
            access = access_for(request.user, project)
            if not _allowed(access, need):
                if access.is_partner and request.method in ("GET", "HEAD") and not request.htmx:
                    return redirect("partner-space", slug)  # a partner's pages are their space
                if access.is_public and public and request.method in ("GET", "HEAD") and not request.htmx:
                    return redirect(public, slug, *args, *kwargs.values())
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            request.project = project
            request.access = access
            response = view(request, project, *args, **kwargs)
            if changes_plan and request.method not in SAFE_METHODS and response.status_code < 400:
                touch([project.pk])  # deletes send no signal: the plan's cached public pages must go
            return response

        wrapper.project_need = need
        return wrapper

    return decorator
