"""The home page: a member's projects and the actions they lead, late ones first."""

import datetime

import pytest
from django.urls import reverse

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import UserFactory, member
from maillage.actions.models import Action
from maillage.actions.tests.factories import ActionFactory
from maillage.partners.models import Person
from maillage.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_lead_sees_their_projects_and_late_and_upcoming_actions(client):
    project = ProjectFactory(published=False, title="PST des Coteaux")
    user = member(project, Membership.Role.CONTRIBUTOR)
    person = Person.objects.create(project=project, key="lea", name="Léa", user=user)
    today = datetime.date.today()
    late = ActionFactory(project=project, title="Atelier en retard", end_date=today - datetime.timedelta(days=3))
    soon = ActionFactory(project=project, title="Forum à venir", end_date=today + datetime.timedelta(days=10))
    done = ActionFactory(
        project=project, title="Action finie", status=Action.Status.DONE, end_date=today - datetime.timedelta(days=30)
    )
    ActionFactory(project=project, title="Action d'un autre pilote")
    for action in (late, soon, done):
        action.leads.add(person)
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert "PST des Coteaux" in page
    late_part = page.split("En retard", 1)[1].split("Prochaines échéances", 1)
    assert "Atelier en retard" in late_part[0] and "Action finie" not in late_part[0]
    assert "Forum à venir" in late_part[1]
    assert "Action d&#x27;un autre pilote" not in page


def test_home_without_role_invites_to_ask(client):
    client.force_login(UserFactory())
    assert "Vous n’avez encore de rôle dans aucun projet" in client.get(reverse("home")).content.decode()


def test_home_is_french_and_offers_login_to_visitors(client):
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="fr"' in page and "Se connecter" in page
