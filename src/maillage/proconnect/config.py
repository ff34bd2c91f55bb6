"""ProConnect's configuration: four variables from the environment, the rest from the provider's discovery.

Only the issuer, the client's id and secret and the scopes are configured
(``MAILLAGE_PROCONNECT_ISSUER``, ``_CLIENT_ID``, ``_CLIENT_SECRET``, ``_SCOPES``); the endpoints and the
signing keys' address are read from ``{issuer}/.well-known/openid-configuration``, cached for an hour, so
that a change on ProConnect's side needs no redeployment. ``current()`` is None until the issuer and the
client are set: then the button does not appear and the views answer 404.
"""

from dataclasses import dataclass
from functools import cached_property

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

DISCOVERY_SECONDS = 3600
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")


class SignInRefused(Exception):
    """A ProConnect sign-in that cannot go on; ``message`` is what the person reads (French)."""

    def __init__(self, message, detail=""):
        super().__init__(detail or str(message))
        self.message = message


UNREACHABLE = _(
    "ProConnect ne répond pas pour le moment. Réessayez dans quelques minutes "
    "ou connectez-vous avec votre mot de passe."
)


@dataclass(frozen=True)
class Config:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    sign_algo: str
    timeout: int
    require_email_verified: bool

    def discovery(self) -> dict:
        """The provider's metadata (cached); SignInRefused when it cannot be read or does not hold together."""
        key = f"maillage:proconnect:discovery:{self.issuer}"
        document = cache.get(key)
        if document is not None:
            return document
        url = f"{self.issuer}/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=self.timeout)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise SignInRefused(UNREACHABLE, f"discovery {url}: {error}") from error
        if not isinstance(document, dict) or any(not document.get(name) for name in REQUIRED_ENDPOINTS):
            raise SignInRefused(UNREACHABLE, f"discovery {url}: endpoints missing")
        # OpenID Connect Discovery 1.0 §4.3: the document names the issuer it was asked for.
        if str(document.get("issuer", "")).rstrip("/") != self.issuer:
            raise SignInRefused(
                UNREACHABLE, f"discovery {url}: issuer {document.get('issuer')!r} is not {self.issuer!r}"
            )
        cache.set(key, document, DISCOVERY_SECONDS)
        return document

    def uses_pkce(self) -> bool:
        """PKCE (S256) whenever the provider says it supports it: ProConnect refuses parameters it does not know."""
        return "S256" in (self.discovery().get("code_challenge_methods_supported") or [])

    @cached_property
    def oidc_settings(self) -> dict:
        """What mozilla-django-oidc reads from Django's settings, computed from this configuration (once
        per configuration object, i.e. per request: a sign-in reads a dozen of them)."""
        document = self.discovery()
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_RP_SCOPES": self.scopes,
            "OIDC_RP_SIGN_ALGO": self.sign_algo,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": document["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": document["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": document["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": document["jwks_uri"],
            "OIDC_USE_NONCE": True,
            "OIDC_USE_PKCE": self.uses_pkce(),
            "OIDC_STORE_ID_TOKEN": True,  # the id_token_hint of the sign-out at ProConnect
            "OIDC_TIMEOUT": self.timeout,
            "OIDC_AUTHENTICATION_CALLBACK_URL": "proconnect-callback",
            "LOGIN_REDIRECT_URL_FAILURE": "login",
        }


def current() -> Config | None:
    """The configuration, or None when ProConnect is not set up (no issuer or no client)."""
    issuer = (getattr(settings, "MAILLAGE_PROCONNECT_ISSUER", "") or "").strip().rstrip("/")
    client_id = (getattr(settings, "MAILLAGE_PROCONNECT_CLIENT_ID", "") or "").strip()
    client_secret = getattr(settings, "MAILLAGE_PROCONNECT_CLIENT_SECRET", "") or ""
    if not (issuer and client_id and client_secret):
        return None
    scopes = " ".join((getattr(settings, "MAILLAGE_PROCONNECT_SCOPES", "") or "openid email").split())
    if "openid" not in scopes.split():
        scopes = f"openid {scopes}"
    return Config(
        issuer=issuer,
        client_id=client_id,
        client_secret=client_secret,
        scopes=scopes,
        sign_algo=getattr(settings, "MAILLAGE_PROCONNECT_SIGN_ALGO", "RS256") or "RS256",
        timeout=int(getattr(settings, "MAILLAGE_PROCONNECT_TIMEOUT", 10) or 10),
        require_email_verified=bool(getattr(settings, "MAILLAGE_PROCONNECT_REQUIRE_EMAIL_VERIFIED", False)),
    )
