"""Emitting a project's events: one function, ``emit``, called by the domain functions that write.

``emit(project, event, payload)`` waits for the transaction to commit (nothing is sent for a write that
was rolled back), then reads the project's active subscriptions in one indexed query; only when one
listens to the event is the payload built (``payload`` may be a function of the project, so that nobody
pays for it otherwise), a delivery written per subscription and its task queued. The callers:

- ``actions.history.record`` — the one place an action's history is written (sheet, status, decisions
  applied, campaign answers accepted, copies from the library, version updates): ``action.created``,
  ``action.changed``, ``action.status_changed``;
- ``evaluation.recording.record_value`` and ``actions.editing.save_indicator``: ``indicator.value_added``;
- a decision saved for the first time (the signal of ``apps.py``): ``decision.recorded``;
- ``versions.taking`` when a version is adopted: ``version.adopted``.
"""

import json
import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import PING, Delivery, Event, Subscription

logger = logging.getLogger(__name__)

LOG_DAYS_DEFAULT = 30


def emit(project, event: str, payload, only: Subscription | None = None) -> None:
    """Send ``event`` to the project's subscribers once the current transaction commits.

    ``payload``: a JSON-serialisable dict, or a function taking the project and returning one (or None
    to send nothing). ``only``: that subscription alone (the test sent by hand)."""
    project_id = getattr(project, "pk", project)

    def after_commit():
        # The write is done and kept whatever happens here: a failure to queue is logged, not raised.
        try:
            dispatch(project_id, event, payload, only)
        except Exception:
            logger.exception("webhook event %s of project %s not dispatched", event, project_id)

    transaction.on_commit(after_commit)


def dispatch(project_id: int, event: str, payload, only: Subscription | None = None) -> list[Delivery]:
    """Write and queue the deliveries of one event (after commit); the subscribers' list first."""
    subscriptions = Subscription.objects.filter(project_id=project_id, active=True)
    if only is not None:
        subscriptions = subscriptions.filter(pk=only.pk)
    listening = [s for s in subscriptions.only("pk", "events") if event == PING or event in s.events]
    if not listening:
        return []
    from maillage.projects.models import Project

    project = Project.objects.only("slug", "title").get(pk=project_id)
    data = payload(project) if callable(payload) else payload
    if data is None:
        return []
    occurred = timezone.now()
    deliveries = []
    for subscription in listening:
        delivery = Delivery(subscription=subscription, event=event)
        delivery.body = body(delivery, occurred, project, data)
        deliveries.append(delivery)
    Delivery.objects.bulk_create(deliveries)
    prune(listening, occurred)
    from .tasks import deliver

    for delivery in deliveries:
        queue(delivery, deliver)
    return deliveries


def queue(delivery: Delivery, deliver) -> None:
    try:
        deliver.enqueue(str(delivery.pk))
    except Exception:  # a queue that refuses must not lose the other deliveries
        logger.exception("webhook delivery %s could not be queued", delivery.pk)


def body(delivery: Delivery, occurred, project, data: dict) -> str:
    """The JSON posted (and signed): its ``id`` is the delivery's, the same on every attempt."""
    document = {
        "id": str(delivery.pk),
        "event": delivery.event,
        "occurred_at": occurred.isoformat(timespec="seconds"),
        "project": {"slug": project.slug, "title": project.title, "url": absolute("project-dashboard", project.slug)},
        "data": data,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, default=str)


def prune(subscriptions, now) -> None:
    """The delivery log keeps ``MAILLAGE_WEBHOOK_LOG_DAYS`` days: it does not grow with the years."""
    days = getattr(settings, "MAILLAGE_WEBHOOK_LOG_DAYS", LOG_DAYS_DEFAULT)
    Delivery.objects.filter(
        subscription__in=[s.pk for s in subscriptions], created_at__lt=now - timezone.timedelta(days=days)
    ).delete()


def absolute(name: str, *args) -> str:
    return settings.MAILLAGE_BASE_URL.rstrip("/") + reverse(name, args=args)


# --- the events ------------------------------------------------------------------------------------


def action_recorded(action, kind: str, changes: list[dict], reason: str = "") -> None:
    """An entry of an action's history: which events it is (``ActionChange.Kind``)."""
    if kind == "created":
        events = [Event.ACTION_CREATED]
    elif kind == "status":
        events = [Event.ACTION_STATUS_CHANGED]
    elif kind == "edited":
        events = [Event.ACTION_CHANGED]
        if any(change.get("field") == "status" for change in changes):
            events.append(Event.ACTION_STATUS_CHANGED)  # a decision applied, a version update
    else:
        return  # notes and indicators: ``indicator.value_added`` says what is measured
    summary = {"id": action.pk, "ref": action.ref, "title": action.title, "status": action.status}
    listed = [
        {
            "field": change.get("field", ""),
            "label": str(change.get("label", "")),
            "old": change.get("old"),
            "new": change.get("new"),
        }
        for change in changes
    ]

    def payload(project):
        return {
            "action": {**summary, "url": absolute("action-detail", project.slug, summary["ref"])},
            "changes": listed,
            "reason": reason,
        }

    for event in events:
        emit(action.project_id, event, payload)


def indicator_value_added(indicator, value) -> None:
    action = indicator.action
    data = {
        "indicator": {
            "id": indicator.pk,
            "title": indicator.title,
            "kind": indicator.kind,
            "unit": indicator.unit,
            "action": {"id": action.pk, "ref": action.ref, "title": action.title},
        },
        "value": {
            "id": value.pk,
            "period": value.period,
            "date": value.date.isoformat() if value.date else None,
            "value": None if value.value is None else format(value.value.normalize(), "f"),
            "assessment": value.assessment,
            "source": value.source,
        },
    }
    emit(action.project_id, Event.INDICATOR_VALUE_ADDED, data)


def decision_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if not created or raw:
        return
    decision_id = instance.pk

    def payload(project):
        from maillage.governance.models import Decision

        decision = (
            Decision.objects.filter(pk=decision_id, meeting__project=project)
            .select_related("meeting")
            .prefetch_related("actions")
            .first()
        )
        if decision is None:  # deleted since
            return None
        meeting = decision.meeting
        return {
            "decision": {
                "id": decision.pk,
                "text": decision.text,
                "actions": [{"id": a.pk, "ref": a.ref, "title": a.title} for a in decision.actions.all()],
            },
            "meeting": {
                "id": meeting.pk,
                "title": meeting.title,
                "date": meeting.date.isoformat(),
                "url": absolute("meeting-detail", project.slug, meeting.pk),
            },
        }

    emit(instance.meeting.project_id, Event.DECISION_RECORDED, payload)


def version_adopted(version) -> None:
    def payload(project):
        return {
            "version": {
                "id": version.pk,
                "label": version.label,
                "date": version.date.isoformat() if version.date else None,
                "deliberation": {
                    "date": version.deliberation_date.isoformat() if version.deliberation_date else None,
                    "reference": version.deliberation_reference,
                    "body": version.deliberation_body,
                },
                "url": absolute("version-detail", project.slug, version.pk),
            }
        }

    emit(version.project_id, Event.VERSION_ADOPTED, payload)
