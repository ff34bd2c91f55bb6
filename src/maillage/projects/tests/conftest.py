"""A small plan with every role, and a plan of 500 actions for the query-count tests."""

import datetime
from dataclasses import dataclass

import pytest

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import UserFactory, member
from maillage.actions.models import Action, ActionNode, ActionPartner
from maillage.diagnostic.models import Enjeu
from maillage.evaluation.models import Indicator
from maillage.governance.models import Meeting
from maillage.partners.models import Organisation, Person
from maillage.projects.models import Level, Node, Project

from .factories import ProjectFactory

Role = Membership.Role


@dataclass
class Plan:
    project: Project
    levels: list
    nodes: dict
    actions: dict
    users: dict


def build_plan(title="Projet social de territoire de Trifouillis", published=False) -> Plan:
    """Axe → Objectif → Sous-objectif; two axes, actions placed here and there, one shared, one unplaced."""
    project = ProjectFactory(title=title, published=published)
    levels = [
        Level.objects.create(project=project, depth=depth, name=name)
        for depth, name in enumerate(["Axe", "Objectif", "Sous-objectif"], 1)
    ]
    axe1 = Node.objects.create(project=project, level=levels[0], code="1", title="Accéder à ses droits", position=0)
    axe2 = Node.objects.create(project=project, level=levels[0], code="2", title="Grandir ensemble", position=1)
    obj11 = Node.objects.create(
        project=project, parent=axe1, level=levels[1], code="1.1", title="Informer les habitants", position=0
    )
    obj12 = Node.objects.create(
        project=project, parent=axe1, level=levels[1], code="1.2", title="Accompagner les démarches", position=1
    )
    obj21 = Node.objects.create(
        project=project, parent=axe2, level=levels[1], code="2.1", title="Soutenir les parents", position=0
    )
    sub111 = Node.objects.create(
        project=project, parent=obj11, level=levels[2], code="1.1.1", title="Un guide des droits", position=0
    )
    obj22 = Node.objects.create(
        project=project, parent=axe2, level=levels[1], code="2.2", title="Prévenir l'isolement", position=1
    )
    nodes = {
        "axe1": axe1,
        "axe2": axe2,
        "obj11": obj11,
        "obj12": obj12,
        "obj21": obj21,
        "obj22": obj22,
        "sub111": sub111,
    }
    today = datetime.date.today()
    actions = {
        "guide": Action.objects.create(project=project, ref="A1", title="Écrire le guide", status="done", position=1),
        "permanence": Action.objects.create(
            project=project,
            ref="A2",
            title="Permanence d'accès aux droits",
            status="in_progress",
            end_date=today - datetime.timedelta(days=30),
            position=2,
        ),
        "parents": Action.objects.create(project=project, ref="A3", title="Café des parents", position=3),
        "libre": Action.objects.create(project=project, ref="A4", title="Fête de quartier", position=4),
    }
    ActionNode.objects.create(action=actions["guide"], node=sub111)
    ActionNode.objects.create(action=actions["permanence"], node=obj12)
    ActionNode.objects.create(action=actions["parents"], node=obj21)
    ActionNode.objects.create(action=actions["parents"], node=obj11)  # a shared sheet, under both axes
    centre = Organisation.objects.create(project=project, key="centre-social", name="Centre social des Tilleuls")
    actions["guide"].lead_organisation = centre
    actions["guide"].save()
    ActionPartner.objects.create(action=actions["guide"], organisation=centre, role="operational")
    Indicator.objects.create(action=actions["guide"], kind="quantitative", title="Guides distribués")
    Person.objects.create(project=project, key="lea-pilote", name="Léa Pilote", email="lea@exemple.fr")
    Meeting.objects.create(
        project=project, title="Comité de pilotage de printemps", date=today + datetime.timedelta(days=10)
    )
    Meeting.objects.create(project=project, title="Réunion passée", date=today - datetime.timedelta(days=10))
    Enjeu.objects.create(project=project, code="E1", title="L'accès aux droits").nodes.add(axe1)
    Enjeu.objects.create(project=project, code="E2", title="L'isolement des aînés").nodes.add(obj22)
    Enjeu.objects.create(project=project, code="E3", title="La mobilité")
    users = {role: member(project, role) for role in Role.values}
    users["outsider"] = UserFactory()
    return Plan(project, levels, nodes, actions, users)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Test accounts need a password, not a slow one: the real hasher costs a second per user here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def plan(db):
    return build_plan()


@pytest.fixture
def big_plan(db):
    """Five axes of ten objectives and 500 actions with leads, partners, indicators and placements."""
    plan = build_plan(title="Un grand plan")
    project = plan.project
    objectives = []
    for i in range(5):
        axe = Node.objects.create(
            project=project, level=plan.levels[0], code=f"G{i}", title=f"Axe {i}", position=10 + i
        )
        objectives += [
            Node.objects.create(project=project, parent=axe, level=plan.levels[1], code=f"G{i}.{j}", title=f"Obj {j}")
            for j in range(10)
        ]
    statuses = ["planned", "in_progress", "done", "continuous", "postponed", "blocked", "abandoned"]
    today = datetime.date.today()
    actions = Action.objects.bulk_create(
        Action(
            project=project,
            ref=f"B{n:03d}",
            title=f"Action n° {n}",
            status=statuses[n % 7],
            end_date=today - datetime.timedelta(days=n) if n % 3 else None,
            position=100 + n,
        )
        for n in range(500)
    )
    ActionNode.objects.bulk_create(
        ActionNode(action=action, node=objectives[n % len(objectives)]) for n, action in enumerate(actions)
    )
    organisation = Organisation.objects.create(project=project, key="mairie", name="Mairie")
    ActionPartner.objects.bulk_create(
        ActionPartner(action=action, organisation=organisation, role="lead") for action in actions[::2]
    )
    Indicator.objects.bulk_create(
        Indicator(action=action, kind="quantitative", title="Participants") for action in actions[::3]
    )
    person = Person.objects.create(project=project, key="pilote", name="Pilote")
    Action.leads.through.objects.bulk_create(
        Action.leads.through(action_id=action.pk, person_id=person.pk) for action in actions[::4]
    )
    return plan
