"""The demo: the Lyon examples are the network's library, and a Villeurbanne fiche shows similar actions."""

import pytest
from django.urls import reverse

from maillage.accounts.models import User
from maillage.library.models import SharedAction
from maillage.library.sharing import library_actions

pytestmark = pytest.mark.django_db


def test_lyon_examples_are_shared_with_the_network(demo_db):
    examples = [slug for slug in demo_db if slug.startswith("lyon-pst-") and slug != "lyon-pst-villeurbanne"]
    assert len(examples) == 7
    shared = SharedAction.objects.filter(action__project__slug__in=examples).count()
    assert shared == sum(demo_db[slug].actions.count() for slug in examples) > 0
    assert not SharedAction.objects.filter(action__project__slug="lyon-pst-villeurbanne").exists()
    coordinator = User.objects.get(username="coord-lyon-pst-villeurbanne")
    assert library_actions(coordinator).filter(project__slug="lyon-pst-lyon").count() == 7


def test_a_villeurbanne_fiche_shows_similar_actions_of_other_psts(demo_db, client):
    client.force_login(User.objects.get(username="coord-lyon-pst-villeurbanne"))
    villeurbanne = demo_db["lyon-pst-villeurbanne"]
    pages = [
        client.get(reverse("action-detail", args=[villeurbanne.slug, ref])).content.decode()
        for ref in villeurbanne.actions.values_list("ref", flat=True)[:21]
    ]
    assert any("/plans/lyon-pst-" in page.split("Actions similaires")[1] for page in pages)
