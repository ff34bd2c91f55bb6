"""Rate limits of the API: so many requests a minute per token, and per client address for anonymous
clients, counted in Django's cache (the one ``accounts.throttling`` counts sign-ins and reset mails in).

A fixed window of one minute: simple, one ``incr`` a request; past the limit the answer is 429 with
Retry-After, the seconds left in the window.
"""

import time

from django.conf import settings
from django.core.cache import cache

from maillage.accounts.throttling import client_ip

from .errors import ApiError

WINDOW = 60


def _count(key: str) -> int:
    cache.add(key, 0, WINDOW + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW + 5)
        return 1


def throttle(who: str, limit: int) -> None:
    now = time.time()
    window = int(now // WINDOW)
    if _count(f"maillage:api:{who}:{window}") > limit:
        retry = max(1, int((window + 1) * WINDOW - now) + 1)
        raise ApiError("rate_limited", headers={"Retry-After": str(retry)})


def throttle_token(token) -> None:
    throttle(f"token:{token.pk}", settings.MAILLAGE_API_TOKEN_PER_MINUTE)


def throttle_anonymous(request) -> None:
    throttle(f"ip:{client_ip(request) or 'inconnue'}", settings.MAILLAGE_API_ANONYMOUS_PER_MINUTE)
