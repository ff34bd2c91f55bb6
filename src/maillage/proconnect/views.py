"""Sign-in with ProConnect (the button's target and the callback) and the sign-out that ends its session.

The library's views generate and check ``state``, ``nonce`` and the PKCE verifier (kept in the session per
state, so that two tabs may sign in at once); these subclasses read their settings from the discovery,
answer 404 when ProConnect is not configured and turn every failure into a French message on the sign-in
page instead of an error page.
"""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.crypto import constant_time_compare, get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import config as proconnect

logger = logging.getLogger(__name__)

LOGOUT_STATE = "proconnect_logout_state"
ID_TOKEN = "oidc_id_token"  # where the library stores it (OIDC_STORE_ID_TOKEN)


class _ConfiguredMixin:
    config = None

    def get_settings(self, attr, *args):
        if self.config is not None:
            values = self.config.oidc_settings
            if attr in values:
                return values[attr]
        return import_from_settings(attr, *args)

    def refuse(self, request, message):
        messages.error(request, message)
        return redirect("login")


class LoginView(_ConfiguredMixin, OIDCAuthenticationRequestView):
    """Redirect to ProConnect's authorization endpoint with a fresh state, nonce and PKCE challenge."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the library reads its settings here; ours need the discovery

    def get(self, request):
        self.config = proconnect.current()
        if self.config is None:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.config.oidc_settings["OIDC_OP_AUTHORIZATION_ENDPOINT"]
        except proconnect.SignInRefused as refusal:
            logger.warning("ProConnect sign-in: %s", refusal)
            return self.refuse(request, refusal.message)
        self.OIDC_RP_CLIENT_ID = self.config.client_id
        return super().get(request)


PROVIDER_ERRORS = {
    "access_denied": gettext_lazy("La connexion avec ProConnect a été annulée."),
    "login_required": gettext_lazy("ProConnect demande que vous vous identifiiez de nouveau."),
}


class CallbackView(_ConfiguredMixin, OIDCAuthenticationCallbackView):
    """ProConnect's redirect back: check the state, exchange the code, sign the person in."""

    def get(self, request):
        self.config = proconnect.current()
        if self.config is None:
            raise Http404
        states = request.session.get("oidc_states")
        state = request.GET.get("state", "")
        known = isinstance(states, dict) and state in states
        if request.GET.get("error"):
            if known:
                del states[state]  # a refused attempt cannot be replayed either
                request.session.modified = True
            logger.info("ProConnect answered error=%s", request.GET.get("error"))
            code = request.GET["error"]
            return self.refuse(
                request,
                PROVIDER_ERRORS.get(code)
                or _("ProConnect n'a pas pu vous identifier (%(code)s).") % {"code": code[:50]},
            )
        if not request.GET.get("code") or not known:
            return self.refuse(
                request,
                _(
                    "Cette demande de connexion a expiré ou a été commencée dans un autre navigateur. "
                    "Cliquez de nouveau sur « S’identifier avec ProConnect »."
                ),
            )
        try:
            return super().get(request)
        except proconnect.SignInRefused as refusal:
            logger.warning("ProConnect sign-in refused: %s", refusal)
            return self.refuse(request, refusal.message)

    def login_failure(self):
        return self.refuse(self.request, _("La connexion avec ProConnect a échoué. Recommencez."))

    def login_success(self):
        response = super().login_success()
        if getattr(self.user, "proconnect_created", False):
            messages.success(
                self.request,
                _(
                    "Votre compte Maillage a été créé. Il ne donne encore accès à aucun projet : demandez à la "
                    "coordination de votre projet de vous y ajouter."
                ),
            )
        return response


class LogoutView(auth_views.LogoutView):
    """Django's sign-out; after a ProConnect sign-in, the browser then goes to ProConnect's end_session_endpoint."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get(ID_TOKEN)
        response = super().post(request, *args, **kwargs)
        config = proconnect.current()
        if not id_token or config is None:
            return response
        try:
            endpoint = config.discovery().get("end_session_endpoint")
        except proconnect.SignInRefused as refusal:
            logger.warning("ProConnect sign-out: %s", refusal)
            return response
        if not endpoint:
            return response
        state = get_random_string(32)
        request.session[LOGOUT_STATE] = state  # the new, anonymous session
        query = urlencode(
            {
                "id_token_hint": id_token,
                "state": state,
                "post_logout_redirect_uri": request.build_absolute_uri(reverse("proconnect-logged-out")),
            }
        )
        separator = "&" if "?" in endpoint else "?"
        return HttpResponseRedirect(f"{endpoint}{separator}{query}")


def logged_out(request):
    """ProConnect's redirect after its sign-out: the state must be the one this browser was given."""
    expected = request.session.pop(LOGOUT_STATE, None)
    if expected and constant_time_compare(expected, request.GET.get("state", "")):
        messages.success(request, _("Vous êtes déconnecté·e de Maillage et de ProConnect."))
    else:
        messages.warning(
            request, _("Vous êtes déconnecté·e de Maillage. La réponse de ProConnect n'a pas pu être vérifiée.")
        )
    return redirect(resolve_url(import_from_settings("LOGOUT_REDIRECT_URL", "/")))
