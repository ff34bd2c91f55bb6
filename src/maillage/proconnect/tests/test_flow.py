"""Issue 14, item 2: sign-in with ProConnect, end to end against a local fake provider (fake_provider.py).

The browser's part is played by the test: Django's test client for Maillage, ``requests`` for the hop
through the provider's authorization endpoint; Maillage itself calls the provider's discovery, token,
JWKS and userinfo endpoints over HTTP on 127.0.0.1, as it would call ProConnect.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import PASSWORD, UserFactory

from .fake_provider import FakeProvider

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(scope="module")
def provider():
    running = FakeProvider().start()
    yield running
    running.stop()


@pytest.fixture
def op(provider, settings):
    """The fake provider, reset, and Maillage configured to use it."""
    provider.reset()
    settings.MAILLAGE_PROCONNECT_ISSUER = provider.issuer
    settings.MAILLAGE_PROCONNECT_CLIENT_ID = provider.client_id
    settings.MAILLAGE_PROCONNECT_CLIENT_SECRET = provider.client_secret
    settings.MAILLAGE_PROCONNECT_SCOPES = "openid email given_name usual_name"
    return provider


def start(client, next_url=None):
    """Click the button: Maillage redirects to the provider's authorization endpoint."""
    response = client.get(reverse("proconnect-login"), {"next": next_url} if next_url else {})
    assert response.status_code == 302
    return response["Location"]


def through_provider(authorize_url):
    """The browser at the provider: it signs the person in and redirects back with a code."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def back(client, callback_url):
    url = urlsplit(callback_url)
    return client.get(url.path, {k: v[0] for k, v in parse_qs(url.query).items()})


def sign_in(client, next_url=None):
    return back(client, through_provider(start(client, next_url)))


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


# --- the button ---------------------------------------------------------------------------------------


def test_without_configuration_no_button_and_no_route(settings):
    settings.MAILLAGE_PROCONNECT_ISSUER = ""
    page = Client().get(reverse("login")).content.decode()
    assert "ProConnect" not in page
    assert Client().get(reverse("proconnect-login")).status_code == 404
    assert Client().get(reverse("proconnect-callback"), {"code": "x", "state": "y"}).status_code == 404


def test_configured_the_login_page_shows_the_proconnect_button_beside_the_password_form(op):
    page = Client().get(reverse("login") + "?next=/projets/").content.decode()
    assert 'class="fr-connect"' in page and "S’identifier avec" in page and 'fr-connect__brand">ProConnect<' in page
    assert "Qu’est-ce que ProConnect ?" in page and 'href="https://proconnect.gouv.fr/"' in page
    assert reverse("proconnect-login") + "?next=/projets/" in page
    assert 'name="password"' in page  # local accounts keep their form
    assert op.requests == []  # showing the button costs no request to the provider


# --- a complete sign-in -------------------------------------------------------------------------------


def test_first_sign_in_creates_an_account_with_no_role_from_the_signed_userinfo(op):
    client = Client()
    authorize = start(client, next_url="/projets/")
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize).query).items()}
    assert authorize.startswith(op.issuer + "/authorize?")
    assert query["scope"] == "openid email given_name usual_name" and query["client_id"] == op.client_id
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert query["code_challenge_method"] == "S256" and query["code_challenge"]
    assert query["redirect_uri"] == "http://testserver" + reverse("proconnect-callback")

    response = back(client, through_provider(authorize))
    assert response.status_code == 302 and response["Location"] == "/projets/"
    user = signed_in_user(client)
    assert user.email == "agent@exemple.gouv.fr" and (user.first_name, user.last_name) == ("Camille", "Martin")
    assert not user.has_usable_password() and not user.is_staff
    assert not Membership.objects.filter(user=user).exists()
    assert any("Votre compte Maillage a été créé" in text for text in texts(response))
    # The token request proved the PKCE verifier (the provider checks it) and the userinfo was a JWT.
    assert op.token_requests[0]["code_verifier"]
    assert ("GET", "/api/v2/jwks") in op.requests and ("GET", "/api/v2/userinfo") in op.requests
    assert client.get(reverse("account")).status_code == 200


def test_a_first_sign_in_joins_the_account_with_the_same_email_read_from_a_json_userinfo(op):
    existing = UserFactory(username="c.martin", email="Agent@Exemple.gouv.fr", first_name="", last_name="Martin-Durand")
    op.scenario["userinfo_format"] = "json"
    client = Client()
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_user(client) == existing
    existing.refresh_from_db()
    assert existing.first_name == "Camille" and existing.last_name == "Martin-Durand"  # only what was missing
    assert User.objects.filter(email__iexact="agent@exemple.gouv.fr").count() == 1
    assert existing.check_password(PASSWORD)  # the password still works
    # Signing in again finds the same account.
    client.logout()
    sign_in(client)
    assert signed_in_user(client) == existing


# --- what is refused, in French ---------------------------------------------------------------------


def refused(client, response, expected):
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    messages = texts(response)
    assert any(expected in text for text in messages), messages


def test_a_wrong_nonce_is_refused(op):
    op.scenario["id_token"] = {"nonce": "x" * 32}
    client = Client()
    refused(client, sign_in(client), "ne correspond pas à votre demande de connexion")
    assert not User.objects.filter(email__iexact="agent@exemple.gouv.fr").exists()


def test_an_id_token_without_nonce_is_refused(op):
    op.scenario["id_token"] = {"nonce": None}
    client = Client()
    refused(client, sign_in(client), "ne correspond pas à votre demande de connexion")


def test_an_expired_id_token_is_refused(op):
    op.scenario["id_token"] = {"iat": 1_600_000_000, "exp": 1_600_000_060}
    client = Client()
    refused(client, sign_in(client), "La réponse de ProConnect a expiré")


def test_an_unverified_email_is_refused_and_no_account_is_made(op):
    op.scenario["claims"] = {**op.scenario["claims"], "email_verified": False}
    client = Client()
    refused(client, sign_in(client), "n'est pas vérifiée par ProConnect")
    assert not User.objects.filter(email__iexact="agent@exemple.gouv.fr").exists()


def test_an_existing_account_is_not_joined_through_an_unverified_email(op):
    existing = UserFactory(email="agent@exemple.gouv.fr")
    op.scenario["userinfo_format"] = "json"
    op.scenario["claims"] = {**op.scenario["claims"], "email_verified": "false"}
    client = Client()
    refused(client, sign_in(client), "n'est pas vérifiée")
    assert signed_in_user(client) is None and existing.last_login is None


def test_a_missing_email_verified_is_refused_when_the_setting_asks_for_it(op, settings):
    settings.MAILLAGE_PROCONNECT_REQUIRE_EMAIL_VERIFIED = True
    client = Client()
    refused(client, sign_in(client), "n'est pas vérifiée")
    op.scenario["claims"] = {**op.scenario["claims"], "email_verified": True}
    assert sign_in(client).status_code == 302 and signed_in_user(client).email == "agent@exemple.gouv.fr"


def test_a_token_signed_by_another_key_is_refused(op):
    op.scenario["foreign_key"] = True
    client = Client()
    refused(client, sign_in(client), "n'a pas pu être vérifiée")


def test_a_token_for_another_client_or_from_another_issuer_is_refused(op):
    client = Client()
    op.scenario["id_token"] = {"aud": "un-autre-service"}
    refused(client, sign_in(client), "n'a pas pu être vérifiée")
    op.scenario["id_token"] = {"iss": "http://127.0.0.1:1/autre"}
    refused(client, sign_in(client), "n'a pas pu être vérifiée")


def test_a_userinfo_about_someone_else_is_refused(op):
    op.scenario["userinfo_sub"] = "sub-quelquun-d-autre"
    client = Client()
    refused(client, sign_in(client), "n'a pas pu être vérifiée")


def test_an_unknown_or_replayed_state_is_refused(op):
    client = Client()
    callback = through_provider(start(client))
    forged = callback.replace("state=", "state=forge")
    refused(client, back(client, forged), "a expiré ou a été commencée dans un autre navigateur")
    assert back(client, callback).status_code == 302 and signed_in_user(client) is not None
    client.logout()
    refused(client, back(client, callback), "a expiré ou a été commencée dans un autre navigateur")  # used once
    # Another browser cannot finish a sign-in this one started (login CSRF).
    other = Client()
    refused(other, back(other, through_provider(start(Client()))), "dans un autre navigateur")


def test_a_wrong_pkce_verifier_is_refused_by_the_provider(op):
    client = Client()
    callback = through_provider(start(client))
    session = client.session
    state = parse_qs(urlsplit(callback).query)["state"][0]
    session["oidc_states"][state]["code_verifier"] = "v" * 64
    session.save()
    refused(client, back(client, callback), "ProConnect a refusé de terminer la connexion")
    assert op.token_requests[-1]["code_verifier"] == "v" * 64


def test_the_provider_cancelling_becomes_a_french_message(op):
    client = Client()
    authorize = start(client)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    response = client.get(reverse("proconnect-callback"), {"error": "access_denied", "state": state})
    refused(client, response, "La connexion avec ProConnect a été annulée.")
    assert state not in client.session["oidc_states"]


def test_an_unreachable_provider_becomes_a_french_message(settings):
    settings.MAILLAGE_PROCONNECT_ISSUER = "http://127.0.0.1:9/api/v2"  # discard port: nobody listens
    settings.MAILLAGE_PROCONNECT_CLIENT_ID = "maillage"
    settings.MAILLAGE_PROCONNECT_CLIENT_SECRET = "secret"
    settings.MAILLAGE_PROCONNECT_TIMEOUT = 2
    client = Client()
    refused(client, client.get(reverse("proconnect-login")), "ProConnect ne répond pas pour le moment")


def test_an_inactive_or_administrator_account_is_not_opened_by_proconnect(op):
    inactive = UserFactory(email="agent@exemple.gouv.fr", is_active=False)
    client = Client()
    refused(client, sign_in(client), "Votre compte Maillage est désactivé.")
    inactive.delete()
    UserFactory(email="agent@exemple.gouv.fr", is_superuser=True, is_staff=True)
    refused(client, sign_in(client), "Les comptes d'administration se connectent avec leur mot de passe")


# --- sign-out -----------------------------------------------------------------------------------------


def test_sign_out_also_ends_the_proconnect_session(op):
    client = Client()
    sign_in(client)
    id_token = client.session["oidc_id_token"]
    response = client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session
    end = urlsplit(response["Location"])
    assert response.status_code == 302 and f"{end.scheme}://{end.netloc}{end.path}" == op.issuer + "/session/end"
    query = {k: v[0] for k, v in parse_qs(end.query).items()}
    assert query["id_token_hint"] == id_token and len(query["state"]) >= 32
    assert query["post_logout_redirect_uri"] == "http://testserver" + reverse("proconnect-logged-out")
    answer = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert answer.status_code == 303 and op.ended_sessions[-1]["id_token_hint"] == id_token
    back_home = back(client, answer.headers["Location"])
    assert back_home["Location"] == reverse("home")
    assert "Vous êtes déconnecté·e de Maillage et de ProConnect." in texts(back_home)


def test_a_forged_return_from_the_sign_out_is_not_believed(op):
    client = Client()
    sign_in(client)
    client.post(reverse("logout"))
    response = client.get(reverse("proconnect-logged-out"), {"state": "forge"})
    assert any("n'a pas pu être vérifiée" in text for text in texts(response))


def test_a_password_account_signs_in_and_out_as_before_with_proconnect_configured(op):
    user = UserFactory(username="local", email="local@exemple.fr")
    client = Client()
    response = client.post(reverse("login"), {"username": "local@exemple.fr", "password": PASSWORD})
    assert response.status_code == 302 and signed_in_user(client) == user
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert op.requests == []  # the provider was never asked anything


def test_the_lockout_still_guards_password_sign_in_with_proconnect_configured(op, settings):
    user = UserFactory(username="verrou", email="verrou@exemple.fr")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "verrou", "password": "mauvais"}, REMOTE_ADDR="203.0.113.9")
    locked = client.post(reverse("login"), {"username": "verrou", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert locked.status_code == 429 and signed_in_user(client) is None and user.last_login is None


def test_the_button_speaks_english_when_english_is_chosen(op, settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with" in page and "What is ProConnect?" in page and "ProConnect<" in page
