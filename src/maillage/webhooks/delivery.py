"""Sending one delivery: its signature, one attempt, and what follows (a later try, or the failure).

Each attempt posts the delivery's stored body unchanged, so that its signature and its ``id`` (the
receiver's key to ignore a repeat) are the same every time. A 2xx answer delivers; anything else (another
code, a redirect, no answer within the timeout, a refused address) is a failed attempt, retried after
``BACKOFF`` (1 min, 5 min, 30 min, 2 h, 6 h: six attempts over about 8 h 36). A delivery that fails its
last attempt counts one failure for its subscription; ``MAILLAGE_WEBHOOK_DISABLE_AFTER`` such failures in
a row disable it (a success resets the count), until a coordinator enables it again.
"""

import datetime
import hashlib
import hmac
import logging
import time

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from .addresses import check_url
from .models import Attempt, Delivery, Subscription

logger = logging.getLogger(__name__)

BACKOFF = [60, 300, 1800, 7200, 21600]  # seconds before attempts 2 to 6
MAX_ATTEMPTS = len(BACKOFF) + 1
USER_AGENT = "Maillage-Webhooks/1"
SIGNATURE_HEADER = "X-Maillage-Signature"


def signature(secret: str, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of the raw body with the subscription's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def headers(delivery: Delivery, body: bytes, attempt: int) -> dict:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Maillage-Event": delivery.event,
        "X-Maillage-Delivery": str(delivery.pk),
        "X-Maillage-Attempt": str(attempt),
        "X-Maillage-Timestamp": str(int(time.time())),
        SIGNATURE_HEADER: signature(delivery.subscription.secret, body),
    }


def _post(delivery: Delivery, attempt: int) -> tuple[int | None, str]:
    """One POST: the status code, or None and the French reason there was none."""
    try:
        url = check_url(delivery.subscription.url)
    except ValidationError as error:
        return None, error.messages[0][:255]
    body = delivery.body.encode()
    timeout = getattr(settings, "MAILLAGE_WEBHOOK_TIMEOUT", 10)
    try:
        # No redirect is followed: it could lead to an address the check above would refuse.
        with requests.post(
            url,
            data=body,
            headers=headers(delivery, body, attempt),
            timeout=timeout,
            allow_redirects=False,
            stream=True,
        ) as response:
            return response.status_code, ""
    except requests.Timeout:
        return None, f"Pas de réponse en {timeout} s."
    except requests.RequestException as error:
        logger.info("webhook %s: %s", delivery.pk, error)
        return None, "Connexion impossible au serveur de réception."


def attempt(delivery_id) -> str:
    """Try the delivery once (if it still waits) and plan what follows; returns its status afterwards."""
    delivery = Delivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in (Delivery.Status.DELIVERED, Delivery.Status.FAILED):
        return delivery.status if delivery else "missing"
    subscription = delivery.subscription
    if not subscription.active:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, next_attempt_at=None)
        return Delivery.Status.FAILED
    number = delivery.attempts + 1
    started = time.monotonic()
    code, error = _post(delivery, number)
    Attempt.objects.create(
        delivery=delivery,
        number=number,
        status_code=code,
        error=error or ("" if code is None or 200 <= code < 300 else f"Réponse HTTP {code}."),
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    delivery.attempts = number
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.next_attempt_at = Delivery.Status.DELIVERED, None
        delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
        Subscription.objects.filter(pk=subscription.pk, consecutive_failures__gt=0).update(consecutive_failures=0)
        return delivery.status
    from .tasks import deliver  # the task module imports this one

    backend = deliver.get_backend()
    if number < MAX_ATTEMPTS and backend.supports_defer:
        delivery.status = Delivery.Status.RETRYING
        delivery.next_attempt_at = timezone.now() + datetime.timedelta(seconds=BACKOFF[number - 1])
        delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
        deliver.using(run_after=delivery.next_attempt_at).enqueue(str(delivery.pk))
        return delivery.status
    # Last attempt, or no worker to try later (MAILLAGE_TASKS_IMMEDIATE=1): the delivery has failed.
    delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    failed_delivery(subscription)
    return delivery.status


def failed_delivery(subscription: Subscription) -> None:
    """One more failure in a row; the subscription is disabled when they reach the limit."""
    Subscription.objects.filter(pk=subscription.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    limit = getattr(settings, "MAILLAGE_WEBHOOK_DISABLE_AFTER", 5)
    disabled = Subscription.objects.filter(pk=subscription.pk, active=True, consecutive_failures__gte=limit).update(
        active=False, disabled_at=timezone.now()
    )
    if disabled:
        logger.warning("webhook subscription %s disabled after %s failed deliveries", subscription.pk, limit)
