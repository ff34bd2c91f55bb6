"""Badges of the campaigns' states, drawn the same way on every page."""

from django import template
from django.utils.html import format_html

from ..models import Answer, Campaign, Proposal

register = template.Library()

ANSWER_BADGES = {
    Answer.State.PENDING: "",
    Answer.State.DRAFT: "fr-badge--new",
    Answer.State.SUBMITTED: "fr-badge--info",
    Answer.State.RETURNED: "fr-badge--warning",
    Answer.State.ACCEPTED: "fr-badge--success",
}
CAMPAIGN_BADGES = {
    Campaign.State.DRAFT: "fr-badge--new",
    Campaign.State.OPEN: "fr-badge--info",
    Campaign.State.CLOSED: "",
}


@register.simple_tag
def answer_badge(state: str):
    label = dict(Answer.State.choices).get(state, state)
    return format_html('<span class="fr-badge fr-badge--sm {}">{}</span>', ANSWER_BADGES.get(state, ""), label)


@register.simple_tag
def campaign_badge(state: str):
    label = dict(Campaign.State.choices).get(state, state)
    return format_html('<span class="fr-badge fr-badge--sm {}">{}</span>', CAMPAIGN_BADGES.get(state, ""), label)


@register.filter
def proposal_label(code: str) -> str:
    return dict(Proposal.choices).get(code, code) if code else ""


@register.filter
def get_value(mapping, key):
    """``{{ row.statuses|get_value:code }}``."""
    return (mapping or {}).get(key, 0)
