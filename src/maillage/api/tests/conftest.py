"""An API world: two small plans (one published, one private) with every role, and tokens of each kind."""

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import UserFactory
from maillage.api import tokens
from maillage.evaluation.models import FollowUpNote, IndicatorValue
from maillage.partners.models import Person
from maillage.projects.tests.conftest import build_plan

Role = Membership.Role


@dataclass
class World:
    plan: object  # published
    other: object  # private, another project
    secrets: dict  # name → token secret
    users: dict


def _token(user, scope="write", days=30, name="test"):
    return tokens.create_token(user, name, scope, days)


def build_world() -> World:
    plan = build_plan(title="Plan publié de l'API", published=True)
    other = build_plan(title="Plan privé de l'API", published=False)
    project = plan.project
    guide = plan.actions["guide"]
    lea = Person.objects.get(project=project, key="lea-pilote")
    contributor = plan.users[Role.CONTRIBUTOR]
    lea.user = contributor
    lea.save()
    guide.leads.add(lea)
    guide.context = "Les habitants connaissent mal leurs droits."
    guide.save()
    FollowUpNote.objects.create(action=guide, date=datetime.date(2025, 3, 1), author="Léa Pilote", text="Note privée")
    indicator = guide.indicators.get()
    IndicatorValue.objects.create(
        indicator=indicator, period="2025", value=12, assessment="Bon départ", comment="Commentaire privé"
    )
    coordinator = plan.users[Role.COORDINATOR]
    secrets = {
        "coordinator_write": _token(coordinator).secret,
        "coordinator_read": _token(coordinator, scope="read").secret,
        "contributor_write": _token(contributor).secret,
        "reader_write": _token(plan.users[Role.READER]).secret,
        "outsider_write": _token(plan.users["outsider"]).secret,
        "other_coordinator_write": _token(other.users[Role.COORDINATOR]).secret,
    }
    expired = _token(coordinator, name="expiré")
    expired.token.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    expired.token.save()
    secrets["expired"] = expired.secret
    revoked = _token(coordinator, name="révoqué")
    tokens.revoke(revoked.token)
    secrets["revoked"] = revoked.secret
    return World(plan, other, secrets, {"coordinator": coordinator, "contributor": contributor})


@pytest.fixture
def world(db):
    return build_world()


class ApiClient:
    """The test client speaking JSON, with an optional token."""

    def __init__(self, secret=None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}

    def get(self, url, **extra):
        return self.client.get(url, **self.headers, **extra)

    def send(self, method, url, data=None, **extra):
        import json

        body = json.dumps(data) if data is not None and not isinstance(data, str | bytes) else data
        call = getattr(self.client, method.lower())
        return call(url, body or "", content_type="application/json", **self.headers, **extra)


@pytest.fixture
def api_client():
    return ApiClient


@pytest.fixture
def outsider():
    return UserFactory()
