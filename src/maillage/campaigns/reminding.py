"""Reminding the leads whose answers are not sent yet: never twice within ``REMINDER_WINDOW``."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from maillage.actions.history import author_name

from .models import Answer, Campaign, Reminder

REMINDER_WINDOW = datetime.timedelta(hours=24)


def reachable_leads(campaign: Campaign, answers=None):
    """Ids of the accounts a mail about ``answers`` (default: those not sent yet) would reach."""
    if answers is None:
        answers = Answer.objects.filter(campaign=campaign, state__in=Answer.OUTSTANDING)
    return (
        Answer.respondents.through.objects.filter(answer__in=answers, person__user__isnull=False)
        .filter(person__user__is_active=True)
        .filter(Q(person__user__email__gt="") | Q(person__email__gt=""))
        .values_list("person__user_id", flat=True)
        .distinct()
    )


def next_reminder_at(campaign: Campaign):
    """When the next reminder may leave (None: now)."""
    if campaign.last_reminder_at is None:
        return None
    return campaign.last_reminder_at + REMINDER_WINDOW


def remind(campaign: Campaign, user, now=None) -> Reminder:
    """Queue the reminder mails; French ValidationError when the campaign is not open, when a reminder
    left less than ``REMINDER_WINDOW`` ago, or when nobody is left to remind."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not campaign.is_open:
            raise ValidationError(_("Seule une campagne ouverte peut être relancée."))
        allowed = next_reminder_at(campaign)
        if allowed is not None and now < allowed:
            raise ValidationError(
                _("Une relance est déjà partie le %(sent)s : la suivante est possible à partir du %(next)s.")
                % {
                    "sent": formats.date_format(timezone.localtime(campaign.last_reminder_at), "DATETIME_FORMAT"),
                    "next": formats.date_format(timezone.localtime(allowed), "DATETIME_FORMAT"),
                }
            )
        count = reachable_leads(campaign).count()
        if not count:
            raise ValidationError(
                _("Personne à relancer : les pilotes qui ont un compte ont envoyé toutes leurs réponses.")
            )
        reminder = Reminder.objects.create(
            campaign=campaign,
            sent_at=now,
            sent_by=user if user is not None and user.is_authenticated else None,
            author=author_name(user),
            recipients=count,
        )
        Campaign.objects.filter(pk=campaign.pk).update(last_reminder_at=now)
        from .tasks import send_campaign_mails

        campaign_id = campaign.pk
        transaction.on_commit(lambda: send_campaign_mails.enqueue(campaign_id, "reminder"))
    return reminder
