"""The demo: the five seed documents transcribed as interchange documents, one fictitious project in life
(``demo.life``), and an account for each project."""

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction

from maillage.accounts.models import Membership, User
from maillage.interchange.importing import import_document
from maillage.partners.models import Person
from maillage.projects.models import Project

DATA_DIR = Path(__file__).with_name("data")
DEMO_PASSWORD = "demo-maillage"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


def demo_documents() -> list[dict]:
    """The shipped documents, parents before the projects declined from them."""
    documents = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(DATA_DIR.glob("*.json"))]
    slugs = {doc["project"]["slug"] for doc in documents}
    ordered, placed = [], set()
    while documents:
        ready = [
            d
            for d in documents
            if d["project"].get("parent") in (None, *placed) or d["project"].get("parent") not in slugs
        ]
        if not ready:
            raise ValueError("Les projets de démonstration forment une boucle de parents.")
        for doc in ready:
            ordered.append(doc)
            placed.add(doc["project"]["slug"])
            documents.remove(doc)
    return ordered


@transaction.atomic
def load_demo() -> list[Project]:
    """(Re)load every demo project, replacing the ones already there, then the versions of the projects
    whose seed gives two states (``maillage.versions.demo``), then the one fictitious project and its
    three years of life (``maillage.demo.life``)."""
    from maillage.library.demo import share_lyon_examples
    from maillage.territories.demo import place_demo
    from maillage.versions.demo import load_demo_versions

    from .life import load_life

    projects = [import_document(document, replace=True) for document in demo_documents()]
    place_demo(projects)  # COG codes of the perimeters' communes, directories on the map (offline)
    share_lyon_examples()
    load_demo_versions()
    projects.append(load_life())
    return projects


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    """A superuser, and a coordinator for each demo project; passwords are reset to the demo one.

    The demo password is published (README), so no demo account is staff: the admin reads every
    project's personal data unfiltered. The superuser gets a new random password each time, printed by
    ``maillage demo`` and never written anywhere else. Accounts and the group of an older demo database
    (where coordinators were staff with every ``view_`` permission) are put right here too."""
    accounts = []
    admin, _ = User.objects.get_or_create(username="admin", defaults={"email": "admin@maillage.example"})
    admin.is_staff = admin.is_superuser = True
    password = secrets.token_urlsafe(12)
    admin.set_password(password)
    admin.save()
    accounts.append(DemoAccount("admin", password, "administration de la plateforme (mot de passe tiré au hasard)"))
    Group.objects.filter(name=OLD_READERS_GROUP).delete()
    for slug in [doc["project"]["slug"] for doc in demo_documents()]:
        project = Project.objects.get(slug=slug)
        user, _ = User.objects.get_or_create(username=f"coord-{slug}"[:150])
        user.is_staff = user.is_superuser = False
        user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.update_or_create(user=user, project=project, defaults={"role": Membership.Role.COORDINATOR})
        accounts.append(DemoAccount(user.username, DEMO_PASSWORD, f"coordination de « {project.title} »"))
    accounts += _other_roles()
    return accounts


# Demo databases made before the admin was closed to non-superusers gave this group to coordinators.
OLD_READERS_GROUP = "Démonstration : lecture"


# The seeds name organisations, not people, as action leads: the demo lead is a person of our own,
# put in charge of the first actions of Clermont Sud so that the contributor's journey can be tried.
DEMO_LEAD_ACTIONS = 3


def _other_roles() -> list[DemoAccount]:
    """One account per remaining role: an action lead, a reader, and a network admin (the Lyon PMS); then
    the fictitious project's coordinator, action lead and reader (``maillage.demo.life``)."""
    from .life import life_accounts

    accounts = []
    sud = Project.objects.get(slug="clermont-sud")
    lead, _ = User.objects.get_or_create(username="pilote-clermont-sud", defaults={"first_name": "Camille"})
    lead.set_password(DEMO_PASSWORD)
    lead.save()
    Membership.objects.update_or_create(user=lead, project=sud, defaults={"role": Membership.Role.CONTRIBUTOR})
    person, _ = Person.objects.update_or_create(
        project=sud,
        key="pilote-demonstration",
        defaults={"name": "Camille (pilote de démonstration)", "function": "Référente famille", "user": lead},
    )
    for action in sud.actions.filter(parent__isnull=True).order_by("position")[:DEMO_LEAD_ACTIONS]:
        action.leads.add(person)
    accounts.append(
        DemoAccount(lead.username, DEMO_PASSWORD, f"pilote de {DEMO_LEAD_ACTIONS} actions de « {sud.title} »")
    )

    reader, _ = User.objects.get_or_create(username="lecteur-clermont-sud")
    reader.set_password(DEMO_PASSWORD)
    reader.save()
    Membership.objects.update_or_create(user=reader, project=sud, defaults={"role": Membership.Role.READER})
    accounts.append(DemoAccount(reader.username, DEMO_PASSWORD, f"lecture et commentaires de « {sud.title} »"))

    network, _ = User.objects.get_or_create(username="reseau-lyon")
    network.set_password(DEMO_PASSWORD)
    network.save()
    pms = Project.objects.get(slug="lyon-pms")
    Membership.objects.update_or_create(user=network, project=pms, defaults={"role": Membership.Role.NETWORK_ADMIN})
    accounts.append(
        DemoAccount(network.username, DEMO_PASSWORD, f"administration du réseau « {pms.title} » et de ses PST")
    )
    accounts += life_accounts()
    return accounts
