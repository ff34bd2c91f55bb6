"""The ProConnect authentication backend: mozilla-django-oidc's code flow, stricter where it is lax.

The library exchanges the code (with the PKCE verifier), fetches the signing keys and the userinfo. This
subclass reads its endpoints from the discovery (``config``), verifies the ID token's signature, issuer,
audience, expiry and nonce (the library leaves the audience and the issuer unchecked), accepts a userinfo
answered as JSON or as a signed JWT (ProConnect's way) whose ``sub`` must be the ID token's, and turns
every failure into a French message (``SignInRefused``). A first sign-in joins the account with the same
e-mail address, or creates one with no role: a coordinator then adds the person to a project.
"""

import logging

import jwt
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from . import config as proconnect

logger = logging.getLogger(__name__)

LEEWAY_SECONDS = 60  # clocks of two servers differ by a few seconds

INVALID = _("La réponse de ProConnect n'a pas pu être vérifiée. Recommencez la connexion.")
EXPIRED = _("La réponse de ProConnect a expiré. Recommencez la connexion.")
REPLAYED = _("Cette réponse de ProConnect ne correspond pas à votre demande de connexion. Recommencez la connexion.")
TOKEN_REFUSED = _(
    "ProConnect a refusé de terminer la connexion. Recommencez ; si cela se reproduit, "
    "prévenez l'administrateur de Maillage."
)
NO_EMAIL = _("ProConnect n'a pas transmis d'adresse électronique : impossible de vous reconnaître.")
UNVERIFIED = _("Votre adresse électronique n'est pas vérifiée par ProConnect : impossible de vous connecter avec elle.")
AMBIGUOUS = _(
    "Plusieurs comptes Maillage portent cette adresse électronique : demandez à l'administrateur de les réunir."
)
INACTIVE = _("Votre compte Maillage est désactivé.")
ADMIN = _("Les comptes d'administration se connectent avec leur mot de passe, pas avec ProConnect.")


class ProConnectBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # The library reads its endpoints here; ours come from the discovery, read only when a callback
        # is handled (the backend is built for every password sign-in too, which must cost nothing).
        self.UserModel = get_user_model()
        self.config = None

    def get_settings(self, attr, *args):
        if self.config is not None:
            values = self.config.oidc_settings
            if attr in values:
                return values[attr]
        return import_from_settings(attr, *args)

    def authenticate(self, request, **kwargs):
        # Only ProConnect's callback passes a nonce: a password sign-in never reaches the network.
        if request is None or "nonce" not in kwargs:
            return None
        self.config = proconnect.current()
        if self.config is None:
            return None
        values = self.config.oidc_settings
        self.OIDC_OP_TOKEN_ENDPOINT = values["OIDC_OP_TOKEN_ENDPOINT"]
        self.OIDC_OP_USER_ENDPOINT = values["OIDC_OP_USER_ENDPOINT"]
        self.OIDC_OP_JWKS_ENDPOINT = values["OIDC_OP_JWKS_ENDPOINT"]
        self.OIDC_RP_CLIENT_ID = self.config.client_id
        self.OIDC_RP_CLIENT_SECRET = self.config.client_secret
        self.OIDC_RP_SIGN_ALGO = self.config.sign_algo
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as error:
            raise proconnect.SignInRefused(TOKEN_REFUSED, str(error)) from error
        except requests.RequestException as error:
            raise proconnect.SignInRefused(proconnect.UNREACHABLE, str(error)) from error

    def get_user(self, user_id):
        return ModelBackend.get_user(self, user_id)  # an inactive account's session ends, as with a password

    # --- tokens ---------------------------------------------------------------------------------------
    def _key(self, token):
        if self.OIDC_RP_SIGN_ALGO.startswith("HS"):
            return self.OIDC_RP_CLIENT_SECRET
        try:
            return self.retrieve_matching_jwk(token)
        except (SuspiciousOperation, jwt.InvalidTokenError, KeyError, TypeError) as error:
            raise proconnect.SignInRefused(INVALID, f"no signing key: {error}") from error

    def _decode(self, token, require):
        """The token's claims once its signature, algorithm, issuer, audience and dates are checked."""
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
                raise proconnect.SignInRefused(INVALID, f"algorithm {header.get('alg')!r}")
            return jwt.decode(
                token,
                self._key(token),
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.config.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": require},
            )
        except jwt.ExpiredSignatureError as error:
            raise proconnect.SignInRefused(EXPIRED, str(error)) from error
        except jwt.InvalidTokenError as error:
            raise proconnect.SignInRefused(INVALID, str(error)) from error

    def verify_token(self, token, **kwargs):
        """The ID token (OpenID Connect Core §3.1.3.7), its nonce the one this browser's session holds."""
        if not token:
            raise proconnect.SignInRefused(TOKEN_REFUSED, "no id_token in the token response")
        payload = self._decode(token, require=["iss", "aud", "exp", "iat", "sub"])
        if not kwargs.get("nonce") or payload.get("nonce") != kwargs["nonce"]:
            raise proconnect.SignInRefused(REPLAYED, "nonce mismatch")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The userinfo as JSON or as a signed JWT; its ``sub`` is the ID token's (Core §5.3.2)."""
        response = requests.get(
            self.OIDC_OP_USER_ENDPOINT,
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=self.config.timeout,
        )
        response.raise_for_status()
        if response.headers.get("content-type", "").lower().startswith("application/jwt"):
            claims = self._decode(response.text.strip(), require=["sub"])
        else:
            try:
                claims = response.json()
            except ValueError as error:
                raise proconnect.SignInRefused(INVALID, "userinfo is neither JSON nor JWT") from error
        if not isinstance(claims, dict) or claims.get("sub") != payload.get("sub"):
            raise proconnect.SignInRefused(INVALID, "userinfo sub differs from the id token's")
        return claims

    # --- the account ----------------------------------------------------------------------------------
    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        email = (claims.get("email") or "").strip()
        if not email or "@" not in email:
            raise proconnect.SignInRefused(NO_EMAIL, "no email claim")
        verified = claims.get("email_verified", payload.get("email_verified"))
        # An address the provider says is unverified is never trusted. ProConnect sends no such claim (its
        # identity providers vouch for professional addresses): its absence is accepted unless the setting
        # asks for it (another provider).
        if (
            verified is False
            or str(verified).lower() == "false"
            or (verified is None and self.config.require_email_verified)
        ):
            raise proconnect.SignInRefused(UNVERIFIED, f"email_verified={verified!r}")
        with transaction.atomic():
            users = list(self.UserModel._default_manager.select_for_update().filter(email__iexact=email)[:2])
            if len(users) > 1:
                raise proconnect.SignInRefused(AMBIGUOUS, "several accounts with this email")
            if users:
                user = users[0]
                if not user.is_active:
                    raise proconnect.SignInRefused(INACTIVE, "inactive account")
                if user.is_superuser:
                    raise proconnect.SignInRefused(ADMIN, "superuser")
                return self.update_user(user, claims)
            return self.create_user(claims)

    def create_user(self, claims):
        """A new account with no role in any project, named after the address (unique), no password."""
        email = claims["email"].strip()
        username = email.lower()[:150]
        manager = self.UserModel._default_manager
        suffix = 1
        while manager.filter(username__iexact=username).exists():
            suffix += 1
            username = f"{email.lower()[:140]}-{suffix}"
        user = self.UserModel(
            username=username,
            email=email,
            first_name=(claims.get("given_name") or "")[:150],
            last_name=(claims.get("usual_name") or claims.get("family_name") or "")[:150],
        )
        user.set_unusable_password()
        user.save()
        user.proconnect_created = True
        logger.info("ProConnect: account %s created", user.pk)
        return user

    def update_user(self, user, claims):
        """Fill the names the account lacks; never change what a person wrote."""
        changed = []
        given = (claims.get("given_name") or "")[:150]
        family = (claims.get("usual_name") or claims.get("family_name") or "")[:150]
        if given and not user.first_name:
            user.first_name = given
            changed.append("first_name")
        if family and not user.last_name:
            user.last_name = family
            changed.append("last_name")
        if changed:
            user.save(update_fields=changed)
        return user
