"""Three projects for the search: a published one, a private one and someone else's private one."""

import datetime
from dataclasses import dataclass

import pytest

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import UserFactory, member
from maillage.actions.models import Action
from maillage.diagnostic.models import Finding
from maillage.governance.models import Decision, Meeting
from maillage.partners.models import Organisation, Person
from maillage.projects.models import Level, Node, Project
from maillage.projects.tests.factories import ProjectFactory

Role = Membership.Role


@dataclass
class World:
    public: object  # published
    private: object  # not published; reader and coordinator are members of it
    hidden: object  # not published; only « outsider » is a member
    users: dict
    actions: dict


@pytest.fixture
def world(db):
    # The session database may hold the demo's published plans: hidden here (rolled back after the test),
    # so that what the search finds is this world's alone.
    Project.objects.filter(published=True).update(published=False)
    public = ProjectFactory(slug="pst-publie", title="PST publié de Lisière", published=True)
    private = ProjectFactory(slug="pst-prive", title="PST privé de Brume")
    hidden = ProjectFactory(slug="pst-cache", title="PST caché de Sombre")
    users = {
        "reader": member(private, Role.READER),
        "coordinator": member(private, Role.COORDINATOR),
        "outsider": member(hidden, Role.COORDINATOR),
        "stranger": UserFactory(),
    }
    make = Action.objects.create
    actions = {
        "public": make(
            project=public,
            ref="P1",
            title="Relais des assistantes maternelles",
            description="Un lieu d'échanges pour les assistantes maternelles et les parents.",
        ),
        "private": make(
            project=private,
            ref="V1",
            title="Accueil chez une assistante maternelle",
            context="Les familles du quartier cherchent une assistante maternelle agréée.",
        ),
        "hidden": make(
            project=hidden,
            ref="H1",
            title="Formation des assistantes maternelles du secret",
        ),
    }
    level = Level.objects.create(project=public, depth=1, name="Axe")
    Node.objects.create(project=public, level=level, code="1", title="Petite enfance et assistante maternelle")
    level = Level.objects.create(project=private, depth=1, name="Axe")
    Node.objects.create(project=private, level=level, code="1", title="Accueil du jeune enfant")
    for project in (public, private, hidden):
        Organisation.objects.create(
            project=project, key="ram", name=f"Relais assistantes maternelles ({project.slug})", city="Lisière"
        )
        Person.objects.create(project=project, key="camille", name="Camille Nourrice", email="camille@exemple.fr")
        meeting = Meeting.objects.create(
            project=project,
            title="Comité de pilotage",
            date=datetime.date(2025, 3, 12),
            agenda="Bilan des assistantes maternelles",
        )
        Decision.objects.create(meeting=meeting, text="Ouvrir un second relais d'assistantes maternelles.")
        Finding.objects.create(
            project=project, theme="Petite enfance", text="Peu d'assistantes maternelles dans les villages."
        )
    return World(public, private, hidden, users, actions)


@pytest.fixture
def as_user(client):
    def login(world, name):
        if name != "anonymous":
            client.force_login(world.users[name])
        return client

    return login
