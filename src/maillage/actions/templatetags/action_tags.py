"""Status badges drawn the same way on every page, in the words of the project."""

from django import template
from django.utils.html import format_html

from maillage.actions.progress import BADGE
from maillage.actions.vocabulary import Status

register = template.Library()


@register.simple_tag
def status_badge(status: str, labels: dict | None = None, small: bool = True):
    """``{% status_badge action.status labels %}`` with ``labels`` from ``project_labels(project)``."""
    words = (labels or {}).get("status", {})
    label = words.get(status) or dict(Status.choices).get(status, status)
    size = " fr-badge--sm" if small else ""
    return format_html('<span class="fr-badge{} {}">{}</span>', size, BADGE.get(status, ""), label)


@register.filter
def get_item(mapping, key):
    """``{{ labels.origin|get_item:action.origin }}``: a project's word for a code (the code itself if unknown)."""
    if not mapping:
        return key
    return mapping.get(key, key)
