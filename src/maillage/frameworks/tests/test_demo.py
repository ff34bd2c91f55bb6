"""The demo: the Lyon PMS shows what its PSTs serve; a Villeurbanne fiche says what it serves."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_pms_framework_page_shows_its_psts_and_the_engagements_they_serve(client, demo_db):
    client.force_login(get_user_model().objects.get(username="reseau-lyon"))
    page = client.get(reverse("project-framework", args=["lyon-pms"])).content.decode()
    assert "Ce que les 8 plans déclinés de « Projet Métropolitain des Solidarités »" in page
    assert "Démarche TZNR" in page and "PST Rhône Amont" in page  # an example action of another PST
    assert "Déploiement de Géorienté" in page  # a Villeurbanne action, through its axis
    assert "Structures partenaires du PST" in page and "72" in page  # Villeurbanne's 72 structures, fin 2023


def test_a_villeurbanne_fiche_names_the_engagement_it_serves(client, demo_db):
    client.force_login(get_user_model().objects.get(username="reseau-lyon"))
    page = client.get(reverse("action-detail", args=["lyon-pst-villeurbanne", "V-1-1"])).content.decode()
    assert "Cadre de référence" in page and "Accueillir sans condition" in page
    public = client.get(reverse("public-action", args=["lyon-pst-villeurbanne", "V-1-1"])).content.decode()
    assert "Accueillir sans condition" in public  # the PMS is published
