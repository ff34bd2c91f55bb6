"""Creating, finding and revoking personal API tokens (the model says how they are stored)."""

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.utils import timezone

from .models import ApiToken

PREFIX_LENGTH = 12
MARK = "mlg_"  # tells a Maillage token apart in a configuration file or a secret scanner
MAX_DAYS = 366
# ``last_used_at`` is written at most this often: a token used 100 times a second costs no 100 writes.
USE_WRITE_INTERVAL = datetime.timedelta(minutes=1)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class Created:
    token: ApiToken
    secret: str  # the whole token, shown once and never stored


def create_token(user, name: str, scope: str, days: int) -> Created:
    """A new token for ``user``, valid ``days`` days (1 to ``MAX_DAYS``)."""
    days = max(1, min(int(days), MAX_DAYS))
    secret = MARK + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=secret[:PREFIX_LENGTH],
        hashed_secret=digest(secret),
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return Created(token, secret)


def revoke(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


class Refused(Exception):
    """The token is unknown, expired or revoked: ``code`` says which (``maillage.api.errors``)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def find(secret: str) -> ApiToken:
    """The token of this secret, with its user, or :class:`Refused`."""
    secret = (secret or "").strip()
    if not secret.startswith(MARK) or len(secret) > 200:
        raise Refused("token_invalid")
    wanted = digest(secret)
    candidates = ApiToken.objects.select_related("user").filter(prefix=secret[:PREFIX_LENGTH])[:5]
    token = next((t for t in candidates if hmac.compare_digest(t.hashed_secret, wanted)), None)
    if token is None or not token.user.is_active:
        raise Refused("token_invalid")
    now = timezone.now()
    if token.revoked_at is not None:
        raise Refused("token_revoked")
    if token.expires_at <= now:
        raise Refused("token_expired")
    if token.last_used_at is None or now - token.last_used_at > USE_WRITE_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
