"""The /recherche/ page: who finds what, grouped, paginated, highlighted safely, in French."""

import re

import pytest
from django.urls import reverse

from maillage.actions.models import Action
from maillage.search import querying
from maillage.versions.models import Version
from maillage.versions.tests.factories import VersionFactory

URL = reverse("search")


def page(client, query, **params):
    response = client.get(URL, {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode().replace("<mark>", "").replace("</mark>", "")


def found_ids(html) -> set[str]:
    return set(re.findall(r'id="resultat-([a-z]+-\d+)"', html))


def test_anonymous_visitors_find_only_public_actions_and_nodes_of_published_projects(world, as_user):
    html = page(as_user(world, "anonymous"), "assistante maternelle")
    assert "Relais des assistantes maternelles" in html
    assert reverse("public-action", args=["pst-publie", "P1"]) in html  # the public page, not the member's
    assert "Petite enfance et" in html  # the published plan's node
    assert "PST publié de Lisière" in html
    for absent in ("pst-prive", "pst-cache", "Accueil chez une", "du secret", "PST privé", "PST caché"):
        assert absent not in html
    # nothing of the directory, governance or diagnostic, even of the published project
    assert "Organisations" not in html and "Réunions et décisions" not in html and "Constats" not in html
    assert "0 résultat" in page(as_user(world, "anonymous"), "Camille Nourrice")  # people are never indexed


def test_a_reader_finds_everything_of_their_project_and_the_public_side_of_published_ones(world, as_user):
    html = page(as_user(world, "reader"), "assistantes maternelles")
    assert "Accueil chez une assistante maternelle" in html
    assert reverse("action-detail", args=["pst-prive", "V1"]) in html
    assert "Relais assistantes maternelles (pst-prive)" in html
    assert "Relais assistantes maternelles (pst-publie)" not in html  # a published project's directory: members only
    assert "Réunions et décisions" in html and "Constats du diagnostic" in html
    assert "Ouvrir un second relais" in html
    assert "du secret" not in html and "pst-cache" not in html


def test_a_member_of_another_project_never_sees_a_private_project(world, as_user):
    html = page(as_user(world, "outsider"), "assistante maternelle")
    assert "Formation des assistantes maternelles du secret" in html
    assert "pst-prive" not in html and "Accueil chez une" not in html
    html = page(as_user(world, "stranger"), "assistante maternelle")
    assert "du secret" not in html and "pst-prive" not in html and "Relais des assistantes" in html


def test_results_are_grouped_and_counted(world, as_user):
    html = page(as_user(world, "coordinator"), "assistante maternelle")
    headings = re.findall(r"<h2>([^<]+?) <span", html)
    assert headings == [
        "Fiches actions",
        "Axes et objectifs",
        "Organisations",
        "Réunions et décisions",
        "Constats du diagnostic",
    ]
    # 2 actions (one published elsewhere), the published node, and the own project's organisation, meeting,
    # decision and finding (the published project's are for its members)
    assert 'id="search-count">7 résultats' in html
    assert 'id="search-count">1 résultat' in page(as_user(world, "coordinator"), "villages")


def test_each_group_is_paginated_on_its_own(world, as_user):
    for n in range(25):
        Action.objects.create(project=world.private, ref=f"M{n:02d}", title=f"Médiation numéro {n}")
    client = as_user(world, "reader")
    first = page(client, "mediation")
    assert len([i for i in found_ids(first) if i.startswith("action-")]) == querying.PAGE_SIZE
    assert "Page 1 sur 3" in first and "page-actions=2" in first
    third = page(client, "mediation", **{"page-actions": 3})
    assert len([i for i in found_ids(third) if i.startswith("action-")]) == 5
    assert "Page 3 sur 3" in third
    assert found_ids(first).isdisjoint(found_ids(third))
    assert page(client, "mediation", **{"page-actions": "abc"}).count('id="resultat-action-') == 10


def test_extracts_mark_the_words_and_escape_everything(world, as_user):
    Action.objects.create(
        project=world.private,
        ref="X1",
        title="<script>alert('titre')</script> Ludothèque",
        description="Avant <b>gras</b> & après : les ludothèques <img src=x onerror=alert(1)> ouvrent.",
    )
    response = as_user(world, "reader").get(URL, {"q": "ludotheque"})
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>gras</b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;gras&lt;/b&gt; &amp; après" in html
    assert "<mark>Ludothèque</mark>" in html and "<mark>ludothèques</mark>" in html
    html = as_user(world, "reader").get(URL, {"q": "<mark>"}).content.decode()
    assert "&lt;mark&gt;" in html and "<mark><mark>" not in html


def test_a_published_project_under_update_shows_visitors_nothing_of_its_draft(world, as_user):
    VersionFactory(project=world.public, kind="adoption", adopted=True)
    Version.objects.create(project=world.public, label="Mise à jour", kind="update", state="draft", date="2025-06-01")
    assert "Relais des assistantes" not in page(as_user(world, "anonymous"), "assistante maternelle")


def test_the_page_in_french_and_the_header_search_box(world, as_user):
    client = as_user(world, "anonymous")
    empty = page(client, "")
    assert "Rechercher dans les plans" in empty and "Le pluriel trouve le singulier" in empty
    none = page(client, "introuvable")
    assert "0 résultat" in none and "Aucun résultat" in none
    home = client.get(reverse("home")).content.decode()
    assert f'action="{URL}"' in home and 'id="header-search-input"' in home and 'name="q"' in home
    assert 'value="assistante"' in page(client, "assistante")  # the header box keeps the query


@pytest.mark.parametrize("who", ["anonymous", "reader", "outsider"])
def test_the_page_runs_a_bounded_number_of_queries(world, as_user, who, django_assert_max_num_queries):
    for n in range(60):
        Action.objects.create(project=world.private, ref=f"M{n:02d}", title=f"Assistante maternelle {n}")
    client = as_user(world, who)
    with django_assert_max_num_queries(16):
        page(client, "assistante maternelle")
