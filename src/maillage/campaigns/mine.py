"""The questionnaires waiting for someone: their home page block and the digest's section.

A lead's questionnaires are the answers they were named on when the campaign opened, in the projects
where they still have a role; both functions read only those rows.
"""

from dataclasses import dataclass

from django.urls import reverse

from maillage.accounts.access import member_projects

from .models import Answer, Campaign

SHOWN = 50


@dataclass
class Questionnaires:
    """The first ``SHOWN`` questionnaires of the user and how many there are in all."""

    answers: list
    total: int

    def __bool__(self):
        return bool(self.answers)

    @property
    def more(self) -> int:
        return self.total - len(self.answers)


def _mine(user):
    if not user.is_authenticated:
        return Answer.objects.none()
    named = Answer.respondents.through.objects.filter(person__user=user).values("answer_id")
    return Answer.objects.filter(
        pk__in=named,
        campaign__state=Campaign.State.OPEN,
        campaign__project__in=member_projects(user).values("pk"),
    )


def questionnaires(user, limit: int = SHOWN) -> Questionnaires:
    """The user's answers in open campaigns (to write, sent back, sent, accepted): soonest due first."""
    mine = _mine(user)
    ordered = mine.select_related("campaign__project", "action").order_by(
        "campaign__due_date", "campaign_id", "position", "pk"
    )
    answers = list(ordered[:limit])
    return Questionnaires(answers, len(answers) if len(answers) < limit else mine.count())


def in_campaign(user, campaign, limit: int = 200) -> Questionnaires:
    """The user's questionnaires of one campaign (the campaign page lists them for its leads)."""
    if not user.is_authenticated:
        return Questionnaires([], 0)
    named = Answer.respondents.through.objects.filter(person__user=user, answer__campaign=campaign).values("answer_id")
    mine = Answer.objects.filter(pk__in=named)
    answers = list(mine.select_related("action").order_by("position", "pk")[:limit])
    return Questionnaires(answers, len(answers) if len(answers) < limit else mine.count())


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
