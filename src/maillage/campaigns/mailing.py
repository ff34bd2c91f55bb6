"""The e-mails of a campaign: opening, reminders, an answer sent back. One mail per person, listing all
their questionnaires of the campaign, sent in the background (``tasks.send_campaign_mails``).

A lead is written to at their account's address (or their directory address when the account has none);
leads without an account cannot sign in to answer and get no mail: the progress page names them.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Answer, Campaign

OCCASIONS = ("opened", "reminder", "returned")


@dataclass
class Recipient:
    user_id: int
    name: str
    email: str
    answers: list = field(default_factory=list)  # (ref, title, url, state label)


def answer_url(campaign: Campaign, answer_id: int) -> str:
    path = reverse("campaign-answer", args=[campaign.project.slug, campaign.pk, answer_id])
    return settings.MAILLAGE_BASE_URL.rstrip("/") + path


def recipients(campaign: Campaign, answers) -> list[Recipient]:
    """The people with an account expected on ``answers`` (a QuerySet), each with their questionnaires."""
    links = (
        Answer.respondents.through.objects.filter(answer__in=answers, person__user__isnull=False)
        .filter(person__user__is_active=True)
        .order_by("person__user_id", "answer__position", "answer_id")
        .values_list(
            "person__user_id",
            "person__user__first_name",
            "person__user__last_name",
            "person__user__username",
            "person__user__email",
            "person__email",
            "answer_id",
            "answer__action__ref",
            "answer__action__title",
            "answer__state",
        )
    )
    states = dict(Answer.State.choices)
    found: dict[int, Recipient] = {}
    for user_id, first, last, username, email, person_email, answer_id, ref, title, state in links:
        address = email or person_email
        if not address:
            continue
        recipient = found.setdefault(user_id, Recipient(user_id, f"{first} {last}".strip() or username, address))
        entry = (ref, title, answer_url(campaign, answer_id), str(states.get(state, state)))
        if entry not in recipient.answers:
            recipient.answers.append(entry)
    return list(found.values())


def _subject(campaign: Campaign, occasion: str) -> str:
    due = campaign.due_date.strftime("%d/%m/%Y")
    if occasion == "opened":
        return _("Maillage : « %(title)s », vos questionnaires à remplir avant le %(due)s") % {
            "title": campaign.title,
            "due": due,
        }
    if occasion == "reminder":
        return _("Maillage : rappel, « %(title)s » attend vos réponses (date limite le %(due)s)") % {
            "title": campaign.title,
            "due": due,
        }
    return _("Maillage : « %(title)s », une réponse vous est renvoyée") % {"title": campaign.title}


def send(campaign_id: int, occasion: str, answer_id: int | None = None) -> int:
    """Send the mails of ``occasion``; returns how many were sent."""
    if occasion not in OCCASIONS:
        raise ValueError(occasion)
    campaign = Campaign.objects.select_related("project").get(pk=campaign_id)
    answers = Answer.objects.filter(campaign=campaign)
    comment = ""
    if occasion == "reminder":
        answers = answers.filter(state__in=Answer.OUTSTANDING)
    elif occasion == "returned":
        answers = answers.filter(pk=answer_id)
        comment = answers.values_list("review_comment", flat=True).first() or ""
    with translation.override("fr"):
        messages = []
        for recipient in recipients(campaign, answers):
            context = {
                "campaign": campaign,
                "project": campaign.project,
                "occasion": occasion,
                "recipient": recipient,
                "comment": comment,
                "home_url": settings.MAILLAGE_BASE_URL.rstrip("/") + reverse("home"),
            }
            body = render_to_string("campaigns/email.txt", context)
            messages.append(EmailMessage(_subject(campaign, occasion), body, None, [recipient.email]))
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
