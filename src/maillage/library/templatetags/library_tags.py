"""The library's blocks on the fiches: « Actions similaires », « Inspirée de … », « Reprendre dans mon projet »."""

from django import template
from django.urls import reverse

from maillage.accounts.access import managed_projects

from ..links import action_urls
from ..models import Provenance
from ..sharing import is_shared
from ..similar import similar_actions

register = template.Library()
SIMILAR_SHOWN = 5  # similar actions on a fiche


@register.inclusion_tag("library/_similar.html", takes_context=True)
def similar_block(context, action):
    user = context["request"].user
    found = similar_actions(action, user, limit=SIMILAR_SHOWN)
    urls = action_urls(found, user)
    return {"similar": [(item, urls.get(item.pk)) for item in found]}


@register.inclusion_tag("library/_provenance.html", takes_context=True)
def provenance_block(context, action, public=False):
    """« Inspirée de … »; on a public page only when the source is itself published (no private title)."""
    user = context["request"].user
    provenance = Provenance.objects.filter(action_id=action.pk).select_related("source__project").first()
    url = None
    if provenance is not None and provenance.source is not None:
        url = action_urls([provenance.source], user).get(provenance.source_id)
    if public and (url is None or not url.startswith("/plans/")):
        provenance = None
    return {"provenance": provenance, "url": url}


@register.inclusion_tag("library/_copy_button.html", takes_context=True)
def copy_button(context, action):
    user = context["request"].user
    shown = user.is_authenticated and managed_projects(user).exclude(pk=action.project_id).exists()
    return {
        "url": reverse("library-copy", args=[action.pk]) if shown else None,
        "shared": is_shared(action) if user.is_authenticated else False,
    }
