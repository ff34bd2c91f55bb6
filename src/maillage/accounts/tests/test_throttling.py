"""Issue 16, finding 5: 50 wrong passwords were taken without delay or lockout, then the right one worked."""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse

from maillage.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    """The password reset counts live in the cache, which outlives a test's transaction."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def account():
    user = UserFactory(username="coord-test", email="coord@exemple.fr")
    user.set_password("le-bon-mot-de-passe")
    user.save()
    return user


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_finding_5_fifty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(account, settings):
    client = Client()
    answers = [sign_in(client, "coord-test", f"mauvais-{n}").status_code for n in range(50)]
    assert answers[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(answers[settings.AXES_FAILURE_LIMIT :]) == {429}
    right = sign_in(client, "coord-test", "le-bon-mot-de-passe")
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    page = right.content.decode()
    assert "Connexion suspendue" in page and "Réessayez dans 15 minutes" in page


def test_finding_5_the_email_counts_as_the_same_account(account, settings):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        identifier = "coord@exemple.fr" if n % 2 else "Coord-Test"
        sign_in(client, identifier, "mauvais", address=f"198.51.100.{n}")  # and from other addresses
    assert sign_in(Client(), "coord-test", "le-bon-mot-de-passe", address="192.0.2.1").status_code == 429


def test_finding_5_one_address_trying_many_accounts_is_locked(settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), f"personne-{n}", "mauvais", address="203.0.113.50")
    other = UserFactory(username="quelquun")
    other.set_password("son-mot-de-passe")
    other.save()
    assert sign_in(Client(), "quelquun", "son-mot-de-passe", address="203.0.113.50").status_code == 429
    assert sign_in(Client(), "quelquun", "son-mot-de-passe", address="203.0.113.51").status_code == 302


def test_finding_5_an_administrator_unlocks_in_the_admin(account, settings, admin_client):
    for _n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "coord-test", "mauvais")
    assert AccessAttempt.objects.filter(username="coord-test").exists()
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "coord-test" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="coord-test")
    admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert not AccessAttempt.objects.exists()
    assert sign_in(Client(), "coord-test", "le-bon-mot-de-passe").status_code == 302


def test_finding_5_a_success_resets_the_count(account, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(Client(), "coord-test", "mauvais")
    assert sign_in(Client(), "coord-test", "le-bon-mot-de-passe").status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(Client(), "coord-test", "mauvais").status_code == 200


def test_finding_5_password_reset_mails_are_limited(account, settings):
    client = Client()
    answers = [
        client.post(reverse("password_reset"), {"email": "coord@exemple.fr"}, REMOTE_ADDR="203.0.113.9").status_code
        for _ in range(6)
    ]
    assert answers[: settings.MAILLAGE_PASSWORD_RESETS_PER_EMAIL] == [302] * settings.MAILLAGE_PASSWORD_RESETS_PER_EMAIL
    assert set(answers[settings.MAILLAGE_PASSWORD_RESETS_PER_EMAIL :]) == {429}
    assert len(mail.outbox) == settings.MAILLAGE_PASSWORD_RESETS_PER_EMAIL
    refused = client.post(reverse("password_reset"), {"email": "inconnu@exemple.fr"}, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code in (302, 429)
    for n in range(settings.MAILLAGE_PASSWORD_RESETS_PER_ADDRESS + 1):
        last = client.post(reverse("password_reset"), {"email": f"x{n}@exemple.fr"}, REMOTE_ADDR="203.0.113.10")
    assert last.status_code == 429 and "Trop de demandes" in last.content.decode()


def test_the_client_address_behind_a_proxy(settings, rf):
    from maillage.accounts.throttling import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert client_ip(request) == "10.0.0.2"  # no proxy declared: X-Forwarded-For is not believed
    settings.MAILLAGE_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # what our proxy saw, not what the client wrote


def test_an_address_that_is_not_one_is_none_and_a_sign_in_still_works(settings, rf, client):
    """django-axes writes the address in an address column (``inet`` on PostgreSQL): anything else
    than an address there would make every sign-in fail."""
    from django.contrib.auth import get_user_model

    from maillage.accounts.throttling import client_ip

    assert client_ip(rf.get("/", REMOTE_ADDR="")) is None
    settings.MAILLAGE_PROXY_COUNT = 1
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="pas-une-adresse")) is None
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="2001:db8::1")) == "2001:db8::1"
    user = get_user_model().objects.create_user("sans-adresse", password="x-Secret-9876")
    client.force_login(user)  # a request without REMOTE_ADDR: axes resets this account's failures
    client.logout()
    response = client.post(
        reverse("login"), {"username": "sans-adresse", "password": "faux"}, HTTP_X_FORWARDED_FOR="n'importe quoi"
    )
    assert response.status_code in (200, 403, 429)
