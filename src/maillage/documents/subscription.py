"""The addresses a calendar application subscribes to, and their secrets.

Two kinds of token open ``/projets/<slug>/calendrier.ics?jeton=…``:
- the project's shared token (``Project.calendar_token``), shown to coordinators, who give it to people
  without an account; drawn again from the documents page or ``maillage calendar-url SLUG --rotate``,
  and every time a member leaves the project (whoever left may have been given it);
- each member's own token (``CalendarSubscription``), valid while the person is a member.
"""

import hmac
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from maillage.projects.models import Project, new_calendar_token

from .models import CalendarSubscription


def _url(project, token: str) -> str:
    base = settings.MAILLAGE_BASE_URL.rstrip("/")
    path = reverse("calendar-feed", kwargs={"slug": project.slug})
    return f"{base}{path}?{urlencode({'jeton': token})}"


def calendar_url(project) -> str:
    """The project's shared address."""
    return _url(project, project.calendar_token)


def personal_url(project, user) -> str:
    return _url(project, personal_subscription(project, user).token)


def personal_subscription(project, user) -> CalendarSubscription:
    subscription = CalendarSubscription.objects.filter(project=project, user=user).first()
    if subscription is None:
        try:
            with transaction.atomic():
                subscription = CalendarSubscription.objects.create(
                    project=project, user=user, token=secrets.token_urlsafe(24)
                )
        except IntegrityError:  # made meanwhile by another request of the same person
            subscription = CalendarSubscription.objects.get(project=project, user=user)
    return subscription


def rotate_project_token(project) -> str:
    """Draw a new shared token: every address given out so far stops working."""
    project.calendar_token = new_calendar_token()
    Project.objects.filter(pk=project.pk).update(calendar_token=project.calendar_token)
    return project.calendar_token


def rotate_personal_token(project, user) -> str:
    subscription = personal_subscription(project, user)
    subscription.token = secrets.token_urlsafe(24)
    subscription.save(update_fields=["token"])
    return subscription.token


def forget_member(project, user) -> None:
    """A member leaves: their own address goes, and the shared one is drawn again."""
    CalendarSubscription.objects.filter(project=project, user=user).delete()
    rotate_project_token(project)


def project_for_token(slug: str, token: str):
    """The project this token opens, or None (a wrong slug, a wrong token, a member who left)."""
    from maillage.accounts.access import access_for

    project = Project.objects.filter(slug=slug).first()
    if project is None or not token:
        return None
    if hmac.compare_digest(token.encode(), project.calendar_token.encode()):
        return project
    subscription = CalendarSubscription.objects.filter(project=project, token=token).select_related("user").first()
    if subscription and subscription.user.is_active and access_for(subscription.user, project).is_member:
        return project
    return None
