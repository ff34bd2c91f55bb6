"""« The actions of a project » is one number on every page: its fiches, sub-actions counted with them."""

import pytest
from django.urls import reverse

from maillage.accounts.models import Membership, User
from maillage.actions.counting import fiche_counts
from maillage.actions.tests.factories import ActionFactory
from maillage.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_home_and_dashboard_give_the_same_count(client):
    project = ProjectFactory(slug="compte-unique")
    first = ActionFactory(project=project, ref="1")
    ActionFactory(project=project, ref="2")
    ActionFactory(project=project, ref="1.a", parent=first)
    user = User.objects.create(username="compteur")
    Membership.objects.create(user=user, project=project, role="reader")
    client.force_login(user)
    assert fiche_counts([project.pk]) == {project.pk: 2}
    home = client.get(reverse("home")).content.decode()
    dashboard = client.get(reverse("project-dashboard", args=[project.slug])).content.decode()
    assert "2 fiches actions" in home and "3 fiches actions" not in home
    assert "fiches actions" in dashboard and "Les sous-actions sont comptées avec leur fiche." in dashboard
    assert '<p class="fr-h3 fr-mb-0">2</p>' in dashboard
