"""The public page shows the adopted version and when the plan was updated; while an update is being
prepared it shows the adopted version's stored content, with nothing personal from it."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from maillage.actions.models import Action, ActionNode
from maillage.evaluation.models import FollowUpNote, Indicator, IndicatorValue
from maillage.partners.models import Person
from maillage.projects.models import Node
from maillage.projects.tests.conftest import build_plan
from maillage.versions import taking
from maillage.versions.reading import public_document

pytestmark = pytest.mark.django_db

SECRETS = (
    "Nadia Joignable",
    "nadia@exemple.fr",
    "04 73 00 00 00",
    "Note interne à ne pas publier",
    "Commentaire interne",
)


@pytest.fixture
def published():
    plan = build_plan(title="Plan publié", published=True)
    project = plan.project
    nadia = Person.objects.create(
        project=project, key="nadia", name="Nadia Joignable", email="nadia@exemple.fr", phone="04 73 00 00 00"
    )
    guide = plan.actions["guide"]
    guide.leads.add(nadia)
    guide.elected_referent = nadia
    guide.save()
    Node.objects.filter(pk=plan.nodes["axe1"].pk).update(referent=nadia)
    FollowUpNote.objects.create(action=guide, date="2024-01-15", text="Note interne à ne pas publier")
    IndicatorValue.objects.create(
        indicator=Indicator.objects.get(action=guide), period="2024", value=120, comment="Commentaire interne"
    )
    base = taking.take_version(
        project,
        label="Plan adopté",
        kind="adoption",
        adopted=True,
        deliberation_date=datetime.date(2024, 1, 10),
        reference="Délibération n° 2024-02",
    )
    return plan, base


def _working_copy_changes(plan):
    """What a coordinator does during the update: a new axis and action, a status changed."""
    project = plan.project
    axe = Node.objects.create(
        project=project, level=plan.levels[0], code="3", title="Un axe en préparation", position=5
    )
    draft = Action.objects.create(project=project, ref="A9", title="Une action en préparation", position=9)
    ActionNode.objects.create(action=draft, node=axe)
    Action.objects.filter(pk=plan.actions["parents"].pk).update(status="done")


def test_without_update_the_public_plan_is_the_live_one_and_names_the_version_in_force(client, published):
    plan, _base = published
    Action.objects.filter(pk=plan.actions["parents"].pk).update(status="done")
    page = client.get(reverse("public-plan", args=[plan.project.slug])).content.decode()
    assert "Version en vigueur : « Plan adopté », adoptée le 10 janvier 2024 (Délibération n° 2024-02)." in page
    assert "une mise à jour du plan est en préparation" not in page.lower()
    assert "dont 50 % terminées" in page  # the live progress: 2 of 4 done


def test_during_an_update_the_public_pages_show_the_adopted_version_without_personal_data(client, published):
    plan, _base = published
    project = plan.project
    taking.start_update(project, None, label="Mise à jour 2025")
    _working_copy_changes(plan)
    page = client.get(reverse("public-plan", args=[project.slug])).content.decode()
    assert "Une mise à jour du plan est en préparation : cette page montre la version adoptée." in page
    assert "Un axe en préparation" not in page and "Une action en préparation" not in page
    assert "dont 25 % terminées" in page  # A3 was not done in the adopted version
    assert escape("Écrire le guide") in page and reverse("public-action", args=[project.slug, "A1"]) in page
    assert "maillage-diagram" not in page  # the tree diagram is drawn from the live tree: left out meanwhile
    fiche = client.get(reverse("public-action", args=[project.slug, "A1"])).content.decode()
    assert escape("Écrire le guide") in fiche and "Centre social des Tilleuls" in fiche and "120" in fiche
    for secret in SECRETS:
        assert secret not in page and secret not in fiche, secret
    assert client.get(reverse("public-action", args=[project.slug, "A9"])).status_code == 404
    # Members keep seeing the working copy.
    client.force_login(plan.users["reader"])
    assert "Une action en préparation" in client.get(reverse("action-list", args=[project.slug])).content.decode()


def test_after_adoption_the_public_pages_show_the_update_and_when_it_was_adopted(client, published):
    plan, _base = published
    project = plan.project
    update = taking.start_update(project, None, label="Mise à jour 2025")
    _working_copy_changes(plan)
    taking.adopt_update(update, None, date=datetime.date(2025, 6, 30), reference="Délibération n° 2025-31")
    page = client.get(reverse("public-plan", args=[project.slug])).content.decode()
    assert "Version en vigueur : « Mise à jour 2025 », adoptée le 30 juin 2025 (Délibération n° 2025-31)." in page
    assert "Plan mis à jour le 30 juin 2025." in page
    assert "Un axe en préparation" in page and "Une action en préparation" in page
    for secret in SECRETS:
        assert secret not in page


def test_the_public_document_keeps_nothing_personal(published):
    plan, base = published
    text = str(public_document(base.read()))
    assert "Écrire le guide" in text and "Centre social des Tilleuls" in text
    for secret in (*SECRETS, "nadia", "Léa Pilote", "lea@exemple.fr"):
        assert secret not in text, secret


def test_the_public_plan_during_an_update_costs_a_few_queries(client, published, django_assert_max_num_queries):
    plan, _base = published
    taking.start_update(plan.project, None, label="Mise à jour 2025")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("public-plan", args=[plan.project.slug])).status_code == 200
