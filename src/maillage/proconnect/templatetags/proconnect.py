from django import template

from maillage.proconnect import config

register = template.Library()


@register.simple_tag
def proconnect_enabled() -> bool:
    """Whether the ProConnect button is shown: the issuer and the client are configured (no network)."""
    return config.current() is not None
