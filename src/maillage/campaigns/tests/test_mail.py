"""The campaign's mails, read in Django's outbox: one per lead at opening, reminders only to those who
have not sent, never twice within the window, and the lead told when an answer is sent back."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.campaigns.answering import save_answer
from maillage.campaigns.models import Reminder
from maillage.campaigns.opening import open_campaign
from maillage.campaigns.reminding import REMINDER_WINDOW, remind
from maillage.campaigns.reviewing import send_back

from .test_life import full_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(draft_scene, immediate_tasks, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        open_campaign(draft_scene.campaign, draft_scene.users["coordinator"])
    return draft_scene


def test_opening_mails_each_lead_once_with_all_their_questionnaires(opened, mailoutbox):
    scene = opened
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [scene.users["lead"].email, scene.users["other_lead"].email]
    )
    mail = next(mail for mail in mailoutbox if mail.to == [scene.users["lead"].email])
    assert mail.subject.startswith("Maillage : « Bilan annuel 2023 », vos questionnaires à remplir avant le ")
    assert f"Bonjour {scene.users['lead'].username}," in mail.body
    assert "A1 — Écrire le guide" in mail.body and "A3 — Café des parents" in mail.body
    assert "A2 —" not in mail.body  # another lead's action
    answer = scene.answer("guide")
    assert f"/projets/{scene.project.slug}/evaluations/{scene.campaign.pk}/reponses/{answer.pk}/" in mail.body
    assert "Date limite de réponse" in mail.body


def test_a_reminder_goes_to_those_who_have_not_sent_and_never_twice_in_a_day(
    opened, mailoutbox, django_capture_on_commit_callbacks
):
    scene = opened
    mailoutbox.clear()
    save_answer(scene.answer("permanence"), full_data(scene, indicators={}), scene.users["other_lead"], submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        reminder = remind(scene.campaign, scene.users["coordinator"])
    assert reminder.recipients == 1
    assert [mail.to for mail in mailoutbox] == [[scene.users["lead"].email]]
    assert "rappel" in mailoutbox[0].subject
    with pytest.raises(ValidationError, match="déjà partie"):
        remind(scene.campaign, scene.users["coordinator"])
    assert Reminder.objects.filter(campaign=scene.campaign).count() == 1 and len(mailoutbox) == 1
    later = timezone.now() + REMINDER_WINDOW + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        remind(scene.campaign, scene.users["coordinator"], now=later)
    assert len(mailoutbox) == 2


def test_nobody_left_to_remind_is_said(opened):
    scene = opened
    for key, user in (("guide", "lead"), ("parents", "lead"), ("permanence", "other_lead")):
        save_answer(scene.answer(key), full_data(scene, indicators={}), scene.users[user], submit=True)
    with pytest.raises(ValidationError, match="Personne à relancer"):
        remind(scene.campaign, scene.users["coordinator"])


def test_an_answer_sent_back_is_mailed_to_its_leads_with_the_comment(
    opened, mailoutbox, django_capture_on_commit_callbacks
):
    scene = opened
    answer = save_answer(scene.answer("guide"), full_data(scene), scene.users["lead"], submit=True)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_back(answer, scene.users["coordinator"], "Il manque le nombre de familles.")
    assert [mail.to for mail in mailoutbox] == [[scene.users["lead"].email]]
    assert "une réponse vous est renvoyée" in mailoutbox[0].subject
    assert "Il manque le nombre de familles." in mailoutbox[0].body
    assert "A3 —" not in mailoutbox[0].body
