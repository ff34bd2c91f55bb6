"""The calendar feed a calendar application subscribes to, guarded by the project's secret token."""

import hmac

from django.http import HttpResponse, HttpResponseNotFound
from django.views.decorators.http import require_safe

from maillage.projects.models import Project

from .ical import project_calendar

NOT_FOUND = "Calendrier introuvable : vérifiez l'adresse d'abonnement.\n"


@require_safe
def calendar_feed(request, slug):
    """The project's calendar for whoever has its token; the same 404 for a wrong slug or a wrong token.

    No login: calendar applications cannot log in, the token in the URL is the credential. The answer
    never says whether the project exists, so the URL leaks nothing without the token.
    """
    project = Project.objects.filter(slug=slug).first()
    token = request.GET.get("jeton", "")
    expected = project.calendar_token if project else "absent"
    if project is None or not hmac.compare_digest(token.encode(), expected.encode()):
        return HttpResponseNotFound(NOT_FOUND, content_type="text/plain; charset=utf-8")
    response = HttpResponse(project_calendar(project), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{project.slug}.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
