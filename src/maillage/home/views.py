"""The home page: a member's projects and the actions they lead; a visitor's published plans."""

import datetime

from django.db.models import Count, Prefetch
from django.shortcuts import render

from maillage.accounts.access import member_projects
from maillage.actions.models import Action
from maillage.actions.progress import OPEN, late_q, with_last_year
from maillage.projects.models import Project

MY_ACTIONS_SHOWN = 50


def home(request):
    published = Project.objects.filter(published=True).select_related("territory").order_by("title")
    if not request.user.is_authenticated:
        return render(request, "home/home.html", {"published": published})
    today = datetime.date.today()
    projects = member_projects(request.user).select_related("territory").annotate(n_actions=Count("actions"))
    mine = with_last_year(
        Action.objects.filter(leads__user=request.user).select_related("project").distinct()
    ).prefetch_related(Prefetch("project__labels"))
    late = list(mine.filter(late_q(today)).order_by("end_date", "project__title", "position")[:MY_ACTIONS_SHOWN])
    upcoming = list(
        mine.filter(status__in=OPEN, end_date__gte=today).order_by("end_date", "position")[:MY_ACTIONS_SHOWN]
    )
    led = list(mine.order_by("project__title", "position")[:MY_ACTIONS_SHOWN])
    context = {
        "projects": projects.order_by("title"),
        "late": late,
        "upcoming": upcoming,
        "led": led,
        "published": published.exclude(pk__in=projects.values("pk")),
    }
    return render(request, "home/home.html", context)


def csrf_failure(request, reason=""):
    """The French 403 of a form sent without its security token (an expired page, cookies refused)."""
    return render(request, "403_csrf.html", status=403)
