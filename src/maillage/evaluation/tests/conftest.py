"""A small private project (2023-2026) with one user per role, two actions (one led by the contributor),
indicators with a baseline, targets and values; and another project, for cross-project ids."""

import datetime
from dataclasses import dataclass

import pytest

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import UserFactory, member
from maillage.actions.models import Action, Programme, ProgrammeAction
from maillage.evaluation.models import Indicator, IndicatorTarget, IndicatorValue
from maillage.partners.models import Organisation, Person
from maillage.projects.models import Level, Node
from maillage.projects.tests.factories import ProjectFactory

Role = Membership.Role
ROLES = ["coordinator", "contributor", "reader", "network_admin", "outsider", "stranger", "anonymous"]
MANAGERS = {"coordinator", "network_admin"}
MEMBERS = {"coordinator", "contributor", "reader", "network_admin"}


@dataclass
class Plan:
    project: object
    other: object
    led: Action
    not_led: Action
    foreign: Action
    users: dict
    lead: Person
    node: Node
    child_node: Node
    partner: Organisation
    programme: Programme
    families: Indicator  # on the led action: baseline 20, targets 2024: 30, 2026: 50, values 2023, 2024
    opinion: Indicator  # qualitative, on the led action
    visits: Indicator  # on the other action, no value
    foreign_indicator: Indicator


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build(today=None) -> Plan:
    network = ProjectFactory(slug="reseau-eval", kind="pms", title="Cadre métropolitain d'essai")
    project = ProjectFactory(slug="pst-eval", title="PST d'évaluation", parent=network, first_year=2023, last_year=2026)
    other = ProjectFactory(slug="autre-eval", title="Autre PST", first_year=2023, last_year=2026)
    axe = Level.objects.create(project=project, depth=1, name="Axe")
    objective = Level.objects.create(project=project, depth=2, name="Objectif")
    node = Node.objects.create(project=project, level=axe, code="1", title="Grandir ensemble")
    child = Node.objects.create(project=project, level=objective, parent=node, code="1.1", title="Petite enfance")
    partner = Organisation.objects.create(project=project, key="centre", name="Centre social des Tilleuls")
    users = {
        "coordinator": member(project, Role.COORDINATOR),
        "contributor": member(project, Role.CONTRIBUTOR),
        "reader": member(project, Role.READER),
        "network_admin": member(network, Role.NETWORK_ADMIN),
        "outsider": member(other, Role.COORDINATOR),
        "stranger": UserFactory(),
    }
    lead = Person.objects.create(project=project, key="camille", name="Camille Martin", user=users["contributor"])
    led = Action.objects.create(
        project=project, ref="A1", title="Accueil des familles", status="in_progress", position=1
    )
    led.leads.add(lead)
    child.actions.add(led)
    not_led = Action.objects.create(
        project=project, ref="A2", title="Fête de quartier", status="in_progress", lead_organisation=partner, position=2
    )
    programme = Programme.objects.create(project=project, key="familles", title="Projet familles")
    ProgrammeAction.objects.create(programme=programme, action=led)
    families = Indicator.objects.create(
        action=led, kind="quantitative", title="Familles accueillies", unit="familles", baseline=20, baseline_year=2022
    )
    IndicatorTarget.objects.bulk_create(
        [
            IndicatorTarget(indicator=families, year=2024, value=30),
            IndicatorTarget(indicator=families, year=2026, value=50),
        ]
    )
    # typed out of order, as the issue saw them: 2025, then 2023
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(indicator=families, period="2025", value=40, position=0),
            IndicatorValue(indicator=families, period="fin 2023", value=25, position=1),
        ]
    )
    opinion = Indicator.objects.create(action=led, kind="qualitative", title="Implication des parents", position=1)
    IndicatorValue.objects.create(
        indicator=opinion, period="juin 2024", assessment="Les parents proposent des sorties."
    )
    visits = Indicator.objects.create(action=not_led, kind="quantitative", title="Visites", unit="visites")
    foreign = Action.objects.create(project=other, ref="B1", title="Action d'un autre projet")
    foreign_indicator = Indicator.objects.create(action=foreign, kind="quantitative", title="Ailleurs")
    return Plan(
        project,
        other,
        led,
        not_led,
        foreign,
        users,
        lead,
        node,
        child,
        partner,
        programme,
        families,
        opinion,
        visits,
        foreign_indicator,
    )


@pytest.fixture
def plan(db):
    return build()


@pytest.fixture
def login(client):
    def as_role(plan, role):
        if role != "anonymous":
            client.force_login(plan.users[role])
        return client

    return as_role


def expected(role, allowed):
    if role in allowed:
        return "ok"
    return "login" if role == "anonymous" else 403


TODAY = datetime.date(2026, 12, 1)
