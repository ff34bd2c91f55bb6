"""The address a calendar application subscribes to."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse


def calendar_url(project) -> str:
    base = settings.MAILLAGE_BASE_URL.rstrip("/")
    path = reverse("calendar-feed", kwargs={"slug": project.slug})
    return f"{base}{path}?{urlencode({'jeton': project.calendar_token})}"
