"""Signing in (username or e-mail), the password reset mail, and the French refusals that leak nothing."""

import pytest
from django.core import mail
from django.urls import reverse

from maillage.accounts.models import Membership
from maillage.projects.tests.factories import ProjectFactory

from .factories import PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db


def test_login_with_username_or_email(client):
    user = UserFactory(email="chloe@mairie.fr")
    for login in (user.username, "Chloe@Mairie.fr"):
        response = client.post(reverse("login"), {"username": login, "password": PASSWORD})
        assert response.status_code == 302, login
        assert response["Location"] == reverse("home")
        client.logout()


def test_wrong_password_gets_a_french_message(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": "faux"})
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()


def test_password_reset_sends_a_french_mail_with_a_working_link(client):
    user = UserFactory(email="referent@centre-social.fr")
    response = client.post(reverse("password_reset"), {"email": "referent@centre-social.fr"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Maillage : choisir un nouveau mot de passe"
    assert user.username in message.body
    link = next(line for line in message.body.splitlines() if "/mot-de-passe/nouveau/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Choisir un nouveau mot de passe" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Ciel-de-traine-sur-Gerland", "new_password2": "Ciel-de-traine-sur-Gerland"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Ciel-de-traine-sur-Gerland")


def test_logout_is_a_post(client):
    client.force_login(UserFactory())
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_private_project_refusals_name_nothing(client):
    secret = ProjectFactory(published=False, title="Projet confidentiel de Trifouillis")
    url = reverse("project-dashboard", args=[secret.slug])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    client.force_login(UserFactory())
    refused = client.get(url)
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "Accès refusé" in page and "Trifouillis" not in page
    unknown = client.get(reverse("project-dashboard", args=["projet-inexistant"]))
    assert unknown.status_code == 404
    assert "Page introuvable" in unknown.content.decode()


def test_a_visitor_of_a_published_project_is_sent_to_its_public_pages(client, demo_db):
    response = client.get(reverse("project-dashboard", args=["clermont-sud"]))
    assert response.status_code == 302 and response["Location"] == reverse("public-plan", args=["clermont-sud"])
    response = client.get(reverse("action-detail", args=["clermont-sud", "A1-01"]))
    assert response["Location"] == reverse("public-action", args=["clermont-sud", "A1-01"])


def test_members_reach_their_project(client):
    project = ProjectFactory(published=False)
    for role in set(Membership.Role.values) - {Membership.Role.PARTNER}:  # a partner has their own space
        client.force_login(member(project, role))
        assert client.get(reverse("project-dashboard", args=[project.slug])).status_code == 200, role
