"""Issue 14, item 4: webhooks, delivered to a local receiver (receiver.py) that verifies each signature."""

import datetime
import json
from collections import deque

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import member
from maillage.actions import editing
from maillage.actions.tests.factories import ActionFactory
from maillage.evaluation.recording import record_value
from maillage.evaluation.tests.factories import IndicatorFactory
from maillage.governance.models import Decision
from maillage.governance.tests.factories import MeetingFactory
from maillage.projects.tests.factories import ProjectFactory
from maillage.versions.taking import take_version
from maillage.webhooks import delivery as sending
from maillage.webhooks.models import Delivery, Event, Subscription
from maillage.webhooks.tasks import deliver

from .receiver import Receiver

pytestmark = pytest.mark.django_db

ALL_EVENTS = [code for code, _label in Event.choices]


@pytest.fixture(scope="module")
def receiving():
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture
def receiver(receiving, settings):
    receiving.reset()
    settings.MAILLAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the receiver listens on 127.0.0.1
    settings.MAILLAGE_WEBHOOK_TIMEOUT = 2
    return receiving


@pytest.fixture
def project():
    return ProjectFactory(slug="webhooks-a", title="Projet A des webhooks")


@pytest.fixture
def coordinator(project):
    return member(project, Membership.Role.COORDINATOR)


def subscribe(receiver, project, path="/recu", events=ALL_EVENTS, **fields):
    subscription = Subscription.objects.create(project=project, url=receiver.url(path), events=events, **fields)
    receiver.secrets[path] = subscription.secret
    return subscription


def run_worker():
    """What ``maillage worker`` does for the webhooks queue: django-tasks-db's own ``db_worker``, run until
    no task is due. Its connection check is switched off: it would close the test's transaction (PostgreSQL)."""
    from unittest import mock

    from django.core.management import call_command

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--queue-name", "webhooks", "--batch", "--no-reload", "--interval", "0", verbosity=0)


# --- events, signatures, payloads --------------------------------------------------------------------


def test_a_status_changed_on_the_page_reaches_the_receiver_signed(
    receiver, project, coordinator, django_capture_on_commit_callbacks
):
    action = ActionFactory(project=project, ref="A1", title="Jardins partagés", status="planned")
    subscription = subscribe(receiver, project)
    client = Client()
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("action-status", args=[project.slug, "A1"]), {"status": "in_progress"})
    assert response.status_code == 302
    queued = Delivery.objects.get(subscription=subscription)
    assert queued.status == "pending" and queued.event == "action.status_changed"
    assert DBTaskResult.objects.filter(queue_name="webhooks", args_kwargs__args=[str(queued.pk)]).exists()

    run_worker()
    [got] = receiver.received
    assert got["signature_valid"] is True
    headers = got["headers"]
    assert headers["X-Maillage-Signature"].startswith("sha256=")
    assert headers["X-Maillage-Event"] == "action.status_changed"
    assert headers["X-Maillage-Delivery"] == str(queued.pk) == got["json"]["id"]
    assert abs(int(headers["X-Maillage-Timestamp"]) - timezone.now().timestamp()) < 60
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    document = got["json"]
    assert document["event"] == "action.status_changed" and document["project"]["slug"] == "webhooks-a"
    assert document["data"]["action"]["ref"] == "A1" and document["data"]["action"]["status"] == "in_progress"
    assert document["data"]["action"]["url"].endswith(reverse("action-detail", args=[project.slug, "A1"]))
    assert document["data"]["changes"][0]["field"] == "status"
    assert document["data"]["changes"][0]["old"] == "À venir" and document["data"]["changes"][0]["new"] == "En cours"
    queued.refresh_from_db()
    assert queued.status == "delivered" and queued.attempts == 1
    assert [a.status_code for a in queued.attempt_log.all()] == [200]
    assert action.pk == document["data"]["action"]["id"]


def test_each_event_kind_is_sent_to_the_subscribers_of_that_event(
    receiver, project, coordinator, django_capture_on_commit_callbacks, immediate_tasks
):
    action = ActionFactory(project=project, ref="B2", status="planned")
    indicator = IndicatorFactory(action=action, title="Familles accueillies")
    meeting = MeetingFactory(project=project, title="COPIL de juin", date=datetime.date(2025, 6, 12))
    subscribe(receiver, project, "/tout")
    subscribe(receiver, project, "/decisions", events=["decision.recorded"])
    with django_capture_on_commit_callbacks(execute=True):
        editing.change_status(action, "blocked", coordinator, reason="COPIL")
        record_value(indicator, period="2025", value=42, user=coordinator)
        decision = Decision.objects.create(meeting=meeting, text="Le COPIL reporte l'action B2.")
        version = take_version(project, label="Plan adopté", adopted=True, deliberation_date=datetime.date(2025, 6, 30))
    everything = [r for r in receiver.received if r["path"] == "/tout"]
    assert [r["json"]["event"] for r in everything] == [
        "action.status_changed",
        "indicator.value_added",
        "decision.recorded",
        "version.adopted",
    ]
    assert all(r["signature_valid"] for r in receiver.received)
    by_event = {r["json"]["event"]: r["json"]["data"] for r in everything}
    assert by_event["action.status_changed"]["reason"] == "COPIL"
    assert by_event["indicator.value_added"]["value"]["value"] == "42"
    assert by_event["indicator.value_added"]["indicator"]["action"]["ref"] == "B2"
    assert by_event["decision.recorded"]["decision"]["id"] == decision.pk
    assert by_event["decision.recorded"]["meeting"]["date"] == "2025-06-12"
    assert by_event["version.adopted"]["version"]["id"] == version.pk
    assert by_event["version.adopted"]["version"]["deliberation"]["date"] == "2025-06-30"
    only = [r["json"]["event"] for r in receiver.received if r["path"] == "/decisions"]
    assert only == ["decision.recorded"]


def test_an_action_created_or_changed_through_its_history(
    receiver, project, coordinator, django_capture_on_commit_callbacks, immediate_tasks
):
    from maillage.actions.history import diff, record, snapshot
    from maillage.actions.vocabulary import project_labels

    subscribe(receiver, project, events=["action.created", "action.changed"])
    action = ActionFactory(project=project, ref="C3", title="Ateliers")
    with django_capture_on_commit_callbacks(execute=True):
        record(action, coordinator, "created", diff({}, snapshot(action, project_labels(project))))
        record(action, coordinator, "edited", [{"field": "title", "label": "Intitulé", "old": "A", "new": "B"}])
        record(action, coordinator, "note", [{"field": "note", "label": "Note", "old": "", "new": "privé"}])
    assert [r["json"]["event"] for r in receiver.received] == ["action.created", "action.changed"]


def test_nobody_subscribed_costs_one_query_and_sends_nothing(
    receiver, project, coordinator, django_capture_on_commit_callbacks, django_assert_num_queries
):
    other = ProjectFactory(slug="webhooks-autre")
    subscribe(receiver, other)  # another project's subscription is not this one's
    action = ActionFactory(project=project, status="planned")
    with django_capture_on_commit_callbacks() as callbacks:
        editing.change_status(action, "done", coordinator)
    with django_assert_num_queries(1):
        for callback in callbacks:
            callback()
    assert not Delivery.objects.filter(subscription__project=project).exists()


def test_a_rolled_back_write_sends_nothing(receiver, project, coordinator, django_capture_on_commit_callbacks):
    from django.db import transaction

    subscribe(receiver, project)
    action = ActionFactory(project=project, status="planned")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        editing.change_status(action, "done", coordinator)
        raise RuntimeError("annulé")
    assert not Delivery.objects.exists()


def test_a_failing_dispatch_never_undoes_nor_breaks_the_write(
    receiver, project, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    from maillage.webhooks import events

    subscribe(receiver, project)
    action = ActionFactory(project=project, status="planned")

    def broken(*args, **kwargs):
        raise RuntimeError("file d'attente indisponible")

    monkeypatch.setattr(events, "dispatch", broken)
    with django_capture_on_commit_callbacks(execute=True):
        editing.change_status(action, "done", coordinator)
    action.refresh_from_db()
    assert action.status == "done" and not Delivery.objects.exists()


# --- retries, backoff, disabling ---------------------------------------------------------------------


def test_a_failing_receiver_is_retried_with_backoff_then_the_subscription_is_disabled(
    receiver, project, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.MAILLAGE_WEBHOOK_DISABLE_AFTER = 2
    subscription = subscribe(receiver, project, "/en-panne")
    receiver.answers["/en-panne"] = deque([500] * 20)
    action = ActionFactory(project=project, status="planned")
    with django_capture_on_commit_callbacks(execute=True):
        editing.change_status(action, "in_progress", coordinator)
    first = Delivery.objects.get(subscription=subscription)
    before = timezone.now()
    run_worker()
    first.refresh_from_db()
    assert first.status == "retrying" and first.attempts == 1
    assert datetime.timedelta(seconds=55) < first.next_attempt_at - before < datetime.timedelta(seconds=65)
    retry = DBTaskResult.objects.filter(queue_name="webhooks", status="READY", args_kwargs__args=[str(first.pk)])
    assert retry.get().run_after == first.next_attempt_at  # the worker takes it only then
    run_worker()  # not due yet: nothing is sent
    assert len(receiver.received) == 1
    for _n in range(sending.MAX_ATTEMPTS - 1):  # the worker's later runs, as if the delays had passed
        deliver.call(str(first.pk))
    first.refresh_from_db()
    assert first.status == "failed" and first.attempts == sending.MAX_ATTEMPTS == 6
    assert [a.status_code for a in first.attempt_log.all()] == [500] * 6
    assert len(receiver.received) == 6 and all(r["signature_valid"] for r in receiver.received)
    assert len({r["json"]["id"] for r in receiver.received}) == 1  # the same delivery every time
    subscription.refresh_from_db()
    assert subscription.active and subscription.consecutive_failures == 1

    with django_capture_on_commit_callbacks(execute=True):
        editing.change_status(action, "done", coordinator)
    second = Delivery.objects.exclude(pk=first.pk).get(subscription=subscription)
    for _n in range(sending.MAX_ATTEMPTS):
        deliver.call(str(second.pk))
    subscription.refresh_from_db()
    assert not subscription.active and subscription.disabled_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        editing.change_status(action, "abandoned", coordinator)
    assert Delivery.objects.filter(subscription=subscription).count() == 2  # a disabled one gets nothing

    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("webhook-detail", args=[project.slug, subscription.pk])).content.decode()
    assert "désactivé" in page and "<strong>500</strong>" in page and "Réponse HTTP 500." in page
    client.post(reverse("webhook-enable", args=[project.slug, subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.active and subscription.consecutive_failures == 0


def test_a_success_resets_the_failure_count(
    receiver, project, coordinator, immediate_tasks, django_capture_on_commit_callbacks
):
    subscription = subscribe(receiver, project, "/capricieux", consecutive_failures=3)
    action = ActionFactory(project=project, status="planned")
    with django_capture_on_commit_callbacks(execute=True):
        editing.change_status(action, "done", coordinator)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0


def test_without_a_worker_a_failure_is_final_at_once(
    receiver, project, coordinator, immediate_tasks, django_capture_on_commit_callbacks
):
    subscription = subscribe(receiver, project, "/refuse")
    receiver.answers["/refuse"] = deque([503])
    with django_capture_on_commit_callbacks(execute=True):
        editing.change_status(ActionFactory(project=project, status="planned"), "done", coordinator)
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.status == "failed" and delivery.attempts == 1
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 1


def test_a_wrong_signature_a_redirect_and_a_timeout_are_failed_attempts(
    receiver, project, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.MAILLAGE_WEBHOOK_TIMEOUT = 1
    forged = subscribe(receiver, project, "/faux-secret")
    receiver.secrets["/faux-secret"] = "un-autre-secret"
    moved = subscribe(receiver, project, "/redirige")
    receiver.answers["/redirige"] = deque([302])
    slow = subscribe(receiver, project, "/lent")
    receiver.delays["/lent"] = 2
    with django_capture_on_commit_callbacks(execute=True):
        editing.change_status(ActionFactory(project=project, status="planned"), "done", coordinator)
    run_worker()
    outcome = {d.subscription_id: d.attempt_log.get() for d in Delivery.objects.filter(subscription__project=project)}
    assert outcome[forged.pk].status_code == 401
    assert [r["signature_valid"] for r in receiver.received if r["path"] == "/faux-secret"] == [False]
    assert outcome[moved.pk].status_code == 302 and len([r for r in receiver.received if r["path"] == "/redirige"]) == 1
    assert outcome[slow.pk].status_code is None and outcome[slow.pk].error == "Pas de réponse en 1 s."


# --- addresses ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://exemple.fr/depot",
        "javascript:alert(1)",
        "http://127.0.0.1:8000/",
        "http://localhost/",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "https://utilisateur:motdepasse@198.51.100.7/",
    ],
)
def test_private_local_and_non_http_addresses_are_refused_in_production(project, coordinator, settings, url):
    settings.MAILLAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    client = Client()
    client.force_login(coordinator)
    response = client.post(reverse("webhooks", args=[project.slug]), {"url": url, "events": ["action.created"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert any(
        words in page
        for words in ("adresse privée ou locale", "Seules les adresses http:// ou https://", "ni de mot de passe")
    ), url
    assert not Subscription.objects.filter(project=project).exists()


def test_an_address_that_became_private_is_refused_at_delivery(
    receiver, project, coordinator, settings, immediate_tasks, django_capture_on_commit_callbacks
):
    subscription = subscribe(receiver, project)
    settings.MAILLAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    with django_capture_on_commit_callbacks(execute=True):
        editing.change_status(ActionFactory(project=project, status="planned"), "done", coordinator)
    attempt = Delivery.objects.get(subscription=subscription).attempt_log.get()
    assert attempt.status_code is None and "adresse privée ou locale" in attempt.error
    assert receiver.received == []


# --- the coordinator's screens and who may use them -------------------------------------------------


def test_a_coordinator_subscribes_sees_the_secret_once_sends_a_test_and_removes_it(
    receiver, project, coordinator, immediate_tasks, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(coordinator)
    settings_page = client.get(reverse("project-settings", args=[project.slug])).content.decode()
    assert reverse("webhooks", args=[project.slug]) in settings_page
    response = client.post(
        reverse("webhooks", args=[project.slug]),
        {"url": receiver.url("/essai"), "label": "Tableau régional", "events": ["action.created", "version.adopted"]},
    )
    subscription = Subscription.objects.get(project=project)
    assert response["Location"] == reverse("webhook-detail", args=[project.slug, subscription.pk])
    assert subscription.events == ["action.created", "version.adopted"] and subscription.created_by == coordinator
    page = client.get(response["Location"]).content.decode()
    assert subscription.secret in page and "il ne sera plus affiché" in page
    again = client.get(response["Location"]).content.decode()
    assert subscription.secret not in again and "Tableau régional" in again
    assert "Une version du plan est adoptée" in again

    receiver.secrets["/essai"] = subscription.secret
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhook-ping", args=[project.slug, subscription.pk]))
    [got] = receiver.received
    assert got["json"]["event"] == "ping" and got["signature_valid"]
    log = client.get(response["Location"]).content.decode()
    assert "<code>ping</code>" in log and "<strong>200</strong>" in log

    client.post(reverse("webhook-secret", args=[project.slug, subscription.pk]))
    renewed = Subscription.objects.get(pk=subscription.pk).secret
    assert renewed != subscription.secret and renewed in client.get(response["Location"]).content.decode()

    client.post(reverse("webhook-delete", args=[project.slug, subscription.pk]))
    assert not Subscription.objects.filter(pk=subscription.pk).exists()


def test_a_failed_delivery_is_sent_again_by_hand(
    receiver, project, coordinator, immediate_tasks, django_capture_on_commit_callbacks
):
    subscription = subscribe(receiver, project, "/reprise")
    receiver.answers["/reprise"] = deque([500])
    with django_capture_on_commit_callbacks(execute=True):
        editing.change_status(ActionFactory(project=project, status="planned"), "done", coordinator)
    failed = Delivery.objects.get(subscription=subscription)
    assert failed.status == "failed"
    client = Client()
    client.force_login(coordinator)
    client.post(reverse("webhook-redeliver", args=[project.slug, subscription.pk, failed.pk]))
    failed.refresh_from_db()
    assert failed.status == "delivered" and [a.status_code for a in failed.attempt_log.all()] == [500, 200]
    assert receiver.received[0]["body"] == receiver.received[1]["body"]  # the same signed body


def test_only_coordinators_reach_the_webhooks_and_never_another_projects(receiver, project, coordinator):
    mine = subscribe(receiver, project)
    delivery = Delivery.objects.create(subscription=mine, event="ping", body="{}", status="failed")
    other_project = ProjectFactory(slug="webhooks-b")
    other_coordinator = member(other_project, Membership.Role.COORDINATOR)
    theirs = subscribe(receiver, other_project, "/b")
    urls = [
        ("get", reverse("webhooks", args=[project.slug])),
        ("get", reverse("webhook-detail", args=[project.slug, mine.pk])),
        ("post", reverse("webhook-delete", args=[project.slug, mine.pk])),
        ("post", reverse("webhook-enable", args=[project.slug, mine.pk])),
        ("post", reverse("webhook-secret", args=[project.slug, mine.pk])),
        ("post", reverse("webhook-ping", args=[project.slug, mine.pk])),
        ("post", reverse("webhook-redeliver", args=[project.slug, mine.pk, delivery.pk])),
    ]
    for role in (Membership.Role.CONTRIBUTOR, Membership.Role.READER):
        client = Client()
        client.force_login(member(project, role))
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 403, (role, url)
    anonymous = Client()
    assert anonymous.get(urls[0][1]).status_code == 302
    # The coordinator of B: A's pages are refused, and A's ids through B's own pages are unknown.
    client = Client()
    client.force_login(other_coordinator)
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 403, url
    crossed = [
        ("get", reverse("webhook-detail", args=[other_project.slug, mine.pk])),
        ("post", reverse("webhook-delete", args=[other_project.slug, mine.pk])),
        ("post", reverse("webhook-enable", args=[other_project.slug, mine.pk])),
        ("post", reverse("webhook-secret", args=[other_project.slug, mine.pk])),
        ("post", reverse("webhook-ping", args=[other_project.slug, mine.pk])),
        ("post", reverse("webhook-redeliver", args=[other_project.slug, theirs.pk, delivery.pk])),
    ]
    for method, url in crossed:
        assert getattr(client, method)(url).status_code == 404, url
    listing = client.get(reverse("webhooks", args=[other_project.slug])).content.decode()
    assert theirs.url in listing and mine.url not in listing
    mine.refresh_from_db()
    assert Subscription.objects.filter(pk=mine.pk).exists() and mine.secret == receiver.secrets["/recu"]
    # The settings page offers the link to coordinators only.
    reader = Client()
    reader.force_login(member(project, Membership.Role.READER))
    assert reader.get(reverse("project-settings", args=[project.slug])).status_code == 403


def test_a_project_holds_a_bounded_number_of_subscriptions(receiver, project, coordinator, settings):
    settings.MAILLAGE_WEBHOOKS_PER_PROJECT = 2
    subscribe(receiver, project, "/1")
    subscribe(receiver, project, "/2")
    client = Client()
    client.force_login(coordinator)
    response = client.post(reverse("webhooks", args=[project.slug]), {"url": receiver.url("/3"), "events": ["ping"]})
    assert response.status_code == 400
    response = client.post(
        reverse("webhooks", args=[project.slug]), {"url": receiver.url("/3"), "events": ["action.created"]}
    )
    assert response.status_code == 400 and "déjà 2 abonnements" in response.content.decode()
    assert Subscription.objects.filter(project=project).count() == 2


def test_the_delivery_log_does_not_keep_old_deliveries(receiver, project, coordinator, settings):
    from maillage.webhooks.events import dispatch

    subscription = subscribe(receiver, project)
    old = Delivery.objects.create(subscription=subscription, event="ping", body="{}", status="delivered")
    Delivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    dispatch(project.pk, "ping", {"message": "essai"})
    assert not Delivery.objects.filter(pk=old.pk).exists()
    assert Delivery.objects.filter(subscription=subscription).count() == 1


def test_the_body_is_the_signed_bytes(receiver, project):
    subscription = subscribe(receiver, project)
    from maillage.webhooks.events import dispatch

    [delivery] = dispatch(project.pk, "ping", {"message": "é"})
    body = delivery.body.encode()
    assert json.loads(body)["data"]["message"] == "é"
    assert receiver.verify(subscription.secret, body, sending.signature(subscription.secret, body))


def test_the_admin_lists_subscriptions_without_their_secret(receiver, project, admin_client):
    subscription = subscribe(receiver, project)
    Delivery.objects.create(subscription=subscription, event="ping", body="{}", status="failed")
    listing = admin_client.get(reverse("admin:webhooks_subscription_changelist"))
    assert listing.status_code == 200 and subscription.url in listing.content.decode()
    page = admin_client.get(reverse("admin:webhooks_subscription_change", args=[subscription.pk])).content.decode()
    assert subscription.secret not in page
    assert admin_client.get(reverse("admin:webhooks_delivery_changelist")).status_code == 200
