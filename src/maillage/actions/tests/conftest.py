"""A small private project with one user per role, built for the fiche action screens' tests."""

from dataclasses import dataclass

import pytest

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import UserFactory, member
from maillage.actions.models import Action
from maillage.partners.models import Organisation, Person
from maillage.projects.models import Level, Node, Period, Theme
from maillage.projects.tests.factories import ProjectFactory

Role = Membership.Role


@dataclass
class Plan:
    project: object
    other: object
    led: Action
    not_led: Action
    foreign: Action
    users: dict
    lead: Person
    elected: Person
    partner: Organisation
    node: Node
    child_node: Node
    period: Period
    theme: Theme


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Test accounts need a password, not a costly one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def plan(db):
    network = ProjectFactory(slug="reseau-test", kind="pms", title="Cadre métropolitain de test")
    project = ProjectFactory(slug="pst-test", title="PST de test", parent=network, published=False)
    other = ProjectFactory(slug="autre-pst", title="Autre PST")
    axe = Level.objects.create(project=project, depth=1, name="Axe")
    objective = Level.objects.create(project=project, depth=2, name="Objectif")
    node = Node.objects.create(project=project, level=axe, code="1", title="Grandir ensemble")
    child = Node.objects.create(project=project, level=objective, parent=node, code="1.1", title="Petite enfance")
    period = Period.objects.create(project=project, label="2023-2024", first_year=2023, last_year=2024)
    theme = Theme.objects.create(project=project, name="Parentalité")
    partner = Organisation.objects.create(project=project, key="caf", name="Caf du Puy-de-Dôme")
    users = {
        "coordinator": member(project, Role.COORDINATOR),
        "contributor": member(project, Role.CONTRIBUTOR),
        "reader": member(project, Role.READER),
        "network_admin": member(network, Role.NETWORK_ADMIN),
        "outsider": member(other, Role.COORDINATOR),
        "stranger": UserFactory(),
    }
    lead = Person.objects.create(
        project=project, key="camille", name="Camille Martin", email="camille@mairie.fr", user=users["contributor"]
    )
    elected = Person.objects.create(project=project, key="elu", name="Jean Élu", elected=True)
    led = Action.objects.create(
        project=project, ref="A1", title="Accueil des familles à l'École des parents", context="Un quartier jeune."
    )
    led.leads.add(lead)
    child.actions.add(led)
    not_led = Action.objects.create(project=project, ref="A2", title="Fête de quartier", status="in_progress")
    foreign = Action.objects.create(project=other, ref="B1", title="Action d'un autre projet")
    return Plan(project, other, led, not_led, foreign, users, lead, elected, partner, node, child, period, theme)


@pytest.fixture
def login(client):
    def as_role(plan, role):
        if role != "anonymous":
            client.force_login(plan.users[role])
        return client

    return as_role
