"""Template tags of follow-up: an indicator's block (chart, table, value form) on any page, and the
words of its progress."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.inclusion_tag("evaluation/_indicator_block.html", takes_context=True)
def indicator_block(context, indicator, heading=3):
    """``{% indicator_block ind %}`` on a page whose context has ``project`` and ``request``; the
    indicator's values and targets are prefetched (the fiche's queryset does it)."""
    from maillage.evaluation.views import block_context

    request = context["request"]
    return {
        **block_context(request, context["project"], indicator, heading=heading),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def measure(value, unit=""):
    """A measured number as the French write it, with its unit: « 1 500,5 structures »."""
    if value is None or value == "":
        return ""
    text = floatformat(value, "-2g")
    return f"{text} {unit}".strip() if unit else text


@register.filter
def percent(share):
    """A share (1 = 100 %) as « 80 % »; nothing when it cannot be said."""
    if share is None:
        return ""
    return f"{floatformat(share * 100, '0g')}\u00a0%"  # a no-break space before %, as the French write it
