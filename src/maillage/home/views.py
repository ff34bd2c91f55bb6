"""The home page: a member's projects and the actions they lead; a visitor's published plans."""

import datetime

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language

from maillage.accounts.access import member_projects, partner_memberships
from maillage.actions.counting import fiche_counts
from maillage.actions.models import Action
from maillage.actions.progress import OPEN, late_q, with_last_year
from maillage.campaigns.mine import questionnaires
from maillage.evaluation.digest import to_update
from maillage.projects.forms import ProjectSearchForm
from maillage.projects.listing import page_of
from maillage.projects.models import Project

MY_ACTIONS_SHOWN = 50
# The home page shows the latest published plans; /plans/ lists and searches all of them.
PUBLISHED_SHOWN = 6


def home(request):
    published = Project.objects.filter(published=True).select_related("territory")
    if not request.user.is_authenticated:
        return render(request, "home/home.html", _published_context(published))
    today = datetime.date.today()
    search = ProjectSearchForm(request.GET or None)
    projects = member_projects(request.user)
    page = page_of(search.filter(projects).select_related("territory").order_by("title", "pk"), request)
    n_actions = fiche_counts([p.pk for p in page.object_list])
    for project in page.object_list:
        project.n_actions = n_actions[project.pk]
    mine = with_last_year(
        Action.objects.filter(leads__user=request.user).select_related("project").distinct()
    ).prefetch_related(Prefetch("project__labels"))
    late = list(mine.filter(late_q(today)).order_by("end_date", "project__title", "position")[:MY_ACTIONS_SHOWN])
    upcoming = list(
        mine.filter(status__in=OPEN, end_date__gte=today).order_by("end_date", "position")[:MY_ACTIONS_SHOWN]
    )
    led = list(mine.order_by("project__title", "position")[:MY_ACTIONS_SHOWN])
    context = {
        "projects": page.object_list,
        "page_obj": page,
        "search": search,
        "searching": search.is_bound,
        "late": late,
        "upcoming": upcoming,
        "led": led,
        "led_shown": MY_ACTIONS_SHOWN,
        **_published_context(published.exclude(pk__in=projects.values("pk"))),
        "to_update": to_update(request.user),
        "partner_spaces": partner_memberships(request.user).select_related("project", "organisation")[:50],
        "questionnaires": questionnaires(request.user),
    }
    return render(request, "home/home.html", context)


def _published_context(published) -> dict:
    return {
        "published": list(published.order_by("-modified_at", "pk")[:PUBLISHED_SHOWN]),
        "published_total": published.count(),
    }


@require_safe
def health(request):
    """Liveness for a load balancer, and the trivial view the benchmarks divide every page's time by:
    it goes through the whole middleware and reads nothing from the database."""
    response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def choose_language(request):
    """Django's ``set_language`` without the CSRF check: a forged request can only change the language a
    browser reads the site in, and a form without a token lets a visitor's pages be one cached rendering."""
    return set_language(request)


def csrf_failure(request, reason=""):
    """The French 403 of a form sent without its security token (an expired page, cookies refused)."""
    return render(request, "403_csrf.html", status=403)
