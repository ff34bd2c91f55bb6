"""The digest: who gets what, in French, once per period and never twice, nothing for those who
turned it off, nothing about projects they cannot update."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import UserFactory, member
from maillage.actions.models import Action
from maillage.evaluation import digest
from maillage.evaluation.digest import Section, build, send_digests
from maillage.evaluation.models import DigestLog, Indicator
from maillage.partners.models import Person

from .conftest import TODAY
from .conftest import build as build_plan


@pytest.fixture
def leads(plan):
    """The contributor leads A1 (due in 10 days, its qualitative indicator unmeasured for 2025) and A3 (late)."""
    plan.led.end_date = TODAY + datetime.timedelta(days=10)
    plan.led.save()
    late = Action.objects.create(
        project=plan.project,
        ref="A3",
        title="Permanence numérique",
        status="planned",
        end_date=TODAY - datetime.timedelta(days=5),
        position=3,
    )
    late.leads.add(plan.lead)
    far = Action.objects.create(
        project=plan.project,
        ref="A4",
        title="Projet lointain",
        status="planned",
        end_date=TODAY + datetime.timedelta(days=90),
        position=4,
    )
    far.leads.add(plan.lead)
    plan.late = late
    return plan


def _only_mail():
    assert len(mail.outbox) == 1, [m.to for m in mail.outbox]
    return mail.outbox[0]


def test_a_lead_gets_their_due_and_late_actions_and_the_indicators_to_update(leads, settings):
    settings.MAILLAGE_BASE_URL = "https://maillage.example"
    outcomes = send_digests(today=TODAY)
    assert [(o.user, o.status) for o in outcomes] == [(leads.users["contributor"], "sent")]
    message = _only_mail()
    assert message.to == [leads.users["contributor"].email]
    assert message.subject == "Maillage — 3 points à suivre (1 décembre 2026)"
    text = message.body
    assert "Vos actions à échéance dans les 30 jours ou en retard (2)" in text
    assert text.index("A3 — Permanence numérique") < text.index("A1 — Accueil des familles")  # late first
    assert "En retard : échéance le 26/11/2026" in text and "Échéance le 11/12/2026" in text
    assert "A4" not in text  # due in 90 days
    assert "Indicateurs à mettre à jour (1)" in text
    assert "« Implication des parents » (A1)" in text and "Aucune valeur pour 2025" in text
    assert "Familles accueillies" not in text  # measured for 2025
    assert f"https://maillage.example/projets/pst-eval/actions/A1/mise-a-jour/?indicateur={leads.opinion.pk}" in text
    html, kind = message.alternatives[0]
    assert kind == "text/html" and 'href="https://maillage.example/projets/pst-eval/actions/A3/mise-a-jour/"' in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://maillage.example/compte/recapitulatif/arret/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    log = DigestLog.objects.get()
    assert (log.user, log.period, log.items) == (leads.users["contributor"], "2026-12", 3) and log.sent_at


def test_never_twice_in_a_period_and_again_the_next_one(leads):
    send_digests(today=TODAY)
    assert send_digests(today=TODAY + datetime.timedelta(days=12)) == []
    assert len(mail.outbox) == 1
    send_digests(today=datetime.date(2027, 1, 4))
    assert len(mail.outbox) == 2 and DigestLog.objects.count() == 2


def test_weekly_periods(leads, settings):
    settings.MAILLAGE_DIGEST_PERIOD = "week"
    assert digest.period_key(TODAY) == "2026-S49"
    send_digests(today=TODAY)
    send_digests(today=TODAY + datetime.timedelta(days=2))
    send_digests(today=TODAY + datetime.timedelta(days=7))
    assert len(mail.outbox) == 2


def test_those_who_turned_it_off_or_cannot_receive_it_get_nothing(leads):
    contributor = leads.users["contributor"]
    for change in ({"digest_enabled": False}, {"is_active": False}, {"email": ""}):
        for name, value in change.items():
            setattr(contributor, name, value)
        contributor.save()
        assert send_digests(today=TODAY) == [] and mail.outbox == []
        contributor.digest_enabled, contributor.is_active, contributor.email = True, True, "camille@mairie.fr"
        contributor.save()
    send_digests(today=TODAY)
    assert _only_mail().to == ["camille@mairie.fr"]


def test_nothing_about_other_projects_or_actions_one_cannot_update(leads):
    contributor = leads.users["contributor"]
    # the same account named in another project's directory, without a role there any more
    person = Person.objects.create(project=leads.other, key="camille", name="Camille", user=contributor)
    leads.foreign.end_date = TODAY - datetime.timedelta(days=1)
    leads.foreign.status = "in_progress"
    leads.foreign.save()
    leads.foreign.leads.add(person)
    # a reader named as a lead cannot update the action: no digest
    reader = leads.users["reader"]
    reader_person = Person.objects.create(project=leads.project, key="lecteur", name="Lecteur", user=reader)
    leads.not_led.end_date = TODAY
    leads.not_led.save()
    leads.not_led.leads.add(reader_person)
    send_digests(today=TODAY)
    message = _only_mail()
    assert message.to == [contributor.email]
    assert "Action d'un autre projet" not in message.body and "Ailleurs" not in message.body
    assert "Fête de quartier" not in message.body  # led by the reader, not by this lead
    assert "Autre PST" not in message.body


def test_a_coordinator_leading_actions_in_two_projects_gets_one_digest_naming_each_project(leads):
    coordinator = leads.users["coordinator"]
    Membership.objects.create(user=coordinator, project=leads.other, role=Membership.Role.COORDINATOR)
    here = Person.objects.create(project=leads.project, key="coord", name="Coordination", user=coordinator)
    there = Person.objects.create(project=leads.other, key="coord", name="Coordination", user=coordinator)
    leads.not_led.leads.add(here)
    leads.not_led.end_date = TODAY + datetime.timedelta(days=3)
    leads.not_led.save()
    leads.foreign.leads.add(there)
    leads.foreign.end_date = TODAY + datetime.timedelta(days=4)
    leads.foreign.save()
    send_digests(today=TODAY)
    mine = next(m for m in mail.outbox if m.to == [coordinator.email])
    assert "A2 — Fête de quartier — PST d'évaluation" in mine.body
    assert "B1 — Action d'un autre projet — Autre PST" in mine.body


def test_nothing_to_say_no_mail(plan):
    """The lead's action is neither due nor late, and once its indicators are measured there is nothing to say."""
    from maillage.evaluation.recording import record_value

    assert [o.items for o in send_digests(today=TODAY, dry_run=True)] == [1]  # the unmeasured appreciation
    record_value(plan.opinion, period="2025", assessment="Toujours des sorties proposées.")
    assert send_digests(today=TODAY) == [] and mail.outbox == []


def test_a_digest_claimed_by_another_run_meanwhile_is_not_sent_twice(leads, monkeypatch):
    real_build = digest.build

    def build_while_another_worker_claims(user, today=None, sections=None):
        DigestLog.objects.create(user=user, period=digest.period_key(today))
        return real_build(user, today, sections)

    monkeypatch.setattr(digest, "build", build_while_another_worker_claims)
    outcomes = send_digests(today=TODAY)
    assert [o.status for o in outcomes] == ["already sent"] and mail.outbox == []


def test_a_mail_that_could_not_leave_is_tried_again(leads, monkeypatch):
    def refuse(self, fail_silently=False):
        raise OSError("SMTP injoignable")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert [o.status for o in send_digests(today=TODAY)] == ["failed"]
    assert not DigestLog.objects.exists()
    monkeypatch.undo()
    assert [o.status for o in send_digests(today=TODAY)] == ["sent"]


def test_a_dry_run_sends_and_writes_nothing(leads, capsys):
    outcomes = send_digests(today=TODAY, dry_run=True)
    assert [o.status for o in outcomes] == ["would send"]
    assert mail.outbox == [] and not DigestLog.objects.exists()
    call_command("send-digests", "--dry-run", "--date", "2026-12-01")
    out, err = capsys.readouterr()
    username = leads.users["contributor"].username
    assert out == f"{username}\t{leads.users['contributor'].email}\t3\tà envoyer (essai, rien n'est envoyé)\n"
    assert "Période 2026-12 : 1 récapitulatif(s) à envoyer." in err
    assert mail.outbox == []
    call_command("send-digests", "--date", "2026-12-01")
    assert len(mail.outbox) == 1
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("send-digests", "--date", "1er décembre")


def test_sections_are_an_ordered_list_of_providers(leads, monkeypatch):
    def questionnaires(user):  # the shape another app supplies (no ``today``)
        return [
            {
                "title": "Bilan annuel 2026 — A1",
                "url": "/projets/pst-eval/evaluations/1/",
                "due": TODAY,
                "project": leads.project,
            }
        ]

    sections = [*digest.SECTIONS, Section("questionnaires", "Questionnaires à remplir", questionnaires)]
    monkeypatch.setattr(digest, "SECTIONS", sections)
    built = build(leads.users["contributor"], TODAY)
    assert [section["key"] for section in built.sections] == ["actions", "indicators", "questionnaires"]
    send_digests(today=TODAY)
    body = _only_mail().body
    assert body.index("Indicateurs à mettre à jour") < body.index("Questionnaires à remplir (1)")
    assert "Bilan annuel 2026 — A1" in body and "Pour le 01/12/2026" in body


def test_a_long_section_shows_its_first_items_and_says_how_many_more(leads):
    for n in range(25):
        Indicator.objects.create(action=leads.led, kind="quantitative", title=f"Compteur {n}", position=10 + n)
    built = build(leads.users["contributor"], TODAY)
    section = next(s for s in built.sections if s["key"] == "indicators")
    assert (section["count"], len(section["items"]), section["more"]) == (26, 20, 6)
    send_digests(today=TODAY)
    assert "… et 6 autres" in _only_mail().body


# --- Unsubscribing -----------------------------------------------------------------------------


def test_the_signed_link_turns_the_digest_off_in_one_click(leads):
    from django.test import Client

    contributor = leads.users["contributor"]
    url = reverse("digest-unsubscribe", args=[digest.unsubscribe_token(contributor)])
    browser = Client(enforce_csrf_checks=True)  # a mail client posts without a session (RFC 8058)
    page = browser.get(url)
    assert page.status_code == 200 and "Ne plus recevoir le récapitulatif" in page.content.decode()
    contributor.refresh_from_db()
    assert contributor.digest_enabled  # opening the link changes nothing
    done = browser.post(url)
    assert done.status_code == 200 and "ne recevra plus le récapitulatif" in done.content.decode()
    contributor.refresh_from_db()
    assert not contributor.digest_enabled
    assert send_digests(today=TODAY) == []
    forged = browser.post(reverse("digest-unsubscribe", args=["abc:def"]))
    assert forged.status_code == 400 and "n’est pas valide" in forged.content.decode()
    other = leads.users["coordinator"]
    tampered = digest.unsubscribe_token(other)[:-2] + "xx"
    assert browser.post(reverse("digest-unsubscribe", args=[tampered])).status_code == 400
    other.refresh_from_db()
    assert other.digest_enabled


def test_the_account_page_turns_it_off_and_on(plan, client):
    assert client.get(reverse("account")).status_code == 302
    contributor = plan.users["contributor"]
    client.force_login(contributor)
    page = client.get(reverse("account")).content.decode()
    assert "Mon compte" in page and "Recevoir le récapitulatif par courriel" in page and "PST d&#x27;évaluation" in page
    assert client.post(reverse("account"), {}).status_code == 302
    contributor.refresh_from_db()
    assert not contributor.digest_enabled
    client.post(reverse("account"), {"digest_enabled": "on"})
    contributor.refresh_from_db()
    assert contributor.digest_enabled
    assert 'href="/compte/"' in client.get(reverse("home")).content.decode()  # the header links to it


def test_the_home_page_lists_the_indicators_to_update(plan, client, monkeypatch):
    monkeypatch.setattr("maillage.evaluation.progress.current_date", lambda: TODAY)
    client.force_login(plan.users["contributor"])
    page = client.get(reverse("home")).content.decode()
    assert "À mettre à jour" in page and "« Implication des parents » (A1)" in page
    client.force_login(plan.users["reader"])
    assert "À mettre à jour" not in client.get(reverse("home")).content.decode()


# --- Two workers at once (PostgreSQL: SQLite serialises every write) -------------------------


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_digest(settings):
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once: PostgreSQL only (SQLite locks the whole database)")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    plan = build_plan()
    plan.led.end_date = TODAY + datetime.timedelta(days=3)
    plan.led.save()
    start = threading.Barrier(2)
    results = []

    def worker():
        from django.db import connections

        try:
            start.wait()
            results.extend(send_digests(today=TODAY))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o.status for o in results if o.status != "already sent") == ["sent"]
    assert len(mail.outbox) == 1 and DigestLog.objects.count() == 1


def test_a_person_without_an_account_is_not_a_recipient(plan):
    Person.objects.create(project=plan.project, key="sans-compte", name="Sans compte", email="x@exemple.fr")
    assert list(digest.recipients()) == [plan.users["contributor"]]
    member(plan.project, Membership.Role.CONTRIBUTOR)
    UserFactory()
    assert list(digest.recipients()) == [plan.users["contributor"]]
