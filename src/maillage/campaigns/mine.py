"""The questionnaires waiting for someone: their home page block and the digest's section.

A lead's questionnaires are the answers they were named on when the campaign opened, in the projects
where they still have a role; both functions read only those rows.
"""

from django.urls import reverse

from maillage.accounts.access import member_projects

from .models import Answer, Campaign

SHOWN = 50


def _mine(user):
    if not user.is_authenticated:
        return Answer.objects.none()
    named = Answer.respondents.through.objects.filter(person__user=user).values("answer_id")
    return Answer.objects.filter(
        pk__in=named,
        campaign__state=Campaign.State.OPEN,
        campaign__project__in=member_projects(user).values("pk"),
    )


def questionnaires(user, limit: int = SHOWN) -> list[Answer]:
    """The user's answers in open campaigns (to write, sent back, sent, accepted): soonest due first."""
    answers = (
        _mine(user)
        .select_related("campaign__project", "action")
        .order_by("campaign__due_date", "campaign_id", "position", "pk")
    )
    return list(answers[:limit])


def open_questionnaires(user) -> list[dict]:
    """The digest's "open campaign questionnaires": each answer the user still has to send, as
    ``{"title", "url", "due", "project"}`` (the digest provider's item shape; not wired here)."""
    answers = (
        _mine(user)
        .filter(state__in=Answer.OUTSTANDING)
        .select_related("campaign__project", "action")
        .order_by("campaign__due_date", "campaign_id", "position", "pk")
    )
    return [
        {
            "title": f"{answer.campaign.title} — {answer.action.ref} {answer.action.title}",
            "url": reverse("campaign-answer", args=[answer.campaign.project.slug, answer.campaign_id, answer.pk]),
            "due": answer.campaign.due_date,
            "project": answer.campaign.project,
        }
        for answer in answers[:SHOWN]
    ]
