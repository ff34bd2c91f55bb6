"""The panorama on screen: the document's columns (one definition), the list's filters, who sees it, its cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.accounts.models import User
from maillage.actions.models import Action
from maillage.actions.tests.test_growth import _grow_elsewhere
from maillage.documents.annex.model import Section, Table
from maillage.documents.annex.writers import build
from maillage.documents.registry import What
from maillage.partners.tests.roles import check_every_role, project_with_network
from maillage.projects.models import Project
from maillage.projects.tests.conftest import big_plan, build_plan  # noqa: F401 — the 500-action fixture

pytestmark = pytest.mark.django_db


def _columns_of(html):
    """The heading of every panorama column on the page, in order."""
    import re

    return re.findall(r'<th scope="col">([^<]+ \(\d+\))</th>', html)


def _document_columns(document):
    found = []

    def walk(blocks):
        for block in blocks:
            if isinstance(block, Section):
                walk(block.blocks)
            elif isinstance(block, Table) and block.header[0] != "Statut":
                found.extend(block.header)

    walk(document.body)
    return found


def test_the_screen_and_the_document_show_the_same_columns(client, db):
    plan = build_plan()
    client.force_login(plan.users["reader"])
    html = client.get(reverse("panorama", args=[plan.project.slug])).content.decode()
    document = build(plan.project, What("panorama"))
    assert _columns_of(html) == _document_columns(document)
    # In the tree's order: 1.1 (the shared sheet A3), 1.1.1 (A1), 1.2 (A2), 2.1 (A3 again), then A4 out of the tree.
    assert _columns_of(html) == ["À venir (1)", "Terminées (1)", "En cours (1)", "À venir (1)", "À venir (1)"]
    assert "Sous-objectif 1.1.1 — Un guide des droits" in html and "Actions hors arborescence" in html
    assert html.count("A3 — Café des parents") == 2
    summary = html[html.index('id="panorama-summary-table"') :]
    assert '<th scope="row">À venir</th><td>2</td>' in summary and "<strong>4</strong>" in summary


def test_genas_panorama_on_screen(client, demo_db):
    client.force_login(User.objects.get(username="coord-genas-pset-2"))
    html = client.get(reverse("panorama", args=["genas-pset-2"])).content.decode()
    document = build(Project.objects.get(slug="genas-pset-2"), What("panorama"))
    assert _columns_of(html) == _document_columns(document)
    summary = html[html.index('id="panorama-summary-table"') :]
    for heading, count in [("Terminées", 59), ("Reportées", 7), ("Nouvelles", 32), ("En continu", 44)]:
        assert f'<th scope="row">{heading}</th><td>{count}</td>' in summary
    assert "<strong>142</strong>" in summary


def test_the_list_filters_apply(client, db):
    plan = build_plan()
    client.force_login(plan.users["reader"])
    url = reverse("panorama", args=[plan.project.slug])
    html = client.get(url, {"statut": "done"}).content.decode()
    assert _columns_of(html) == ["Terminées (1)"] and "Fête de quartier" not in html
    assert 'id="reset-filters"' in html and "document=panorama" in html and "filtres=statut%3Ddone" in html
    html = client.get(url, {"q": "cafe"}).content.decode()  # accents ignored, as in the list
    assert _columns_of(html) == ["À venir (1)", "À venir (1)"]
    html = client.get(url, {"statut": "abandoned"}).content.decode()
    assert "Aucune action ne correspond." in html


@pytest.mark.parametrize("published", [False, True], ids=["private", "published"])
def test_the_panorama_page_is_for_members_visitors_get_the_public_plan(client, published):
    project = project_with_network(published=published)
    Action.objects.create(project=project, ref="A1", title="Une action")
    assert check_every_role(client, project, reverse("panorama", args=[project.slug])) == {}


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_panorama_page_costs_the_same_at_500_actions(client, big_plan):  # noqa: F811
    small = build_plan(title="Petit plan")
    client.force_login(small.users["coordinator"])
    few = _queries(client, reverse("panorama", args=[small.project.slug]))
    client.force_login(big_plan.users["coordinator"])
    url = reverse("panorama", args=[big_plan.project.slug])
    assert _queries(client, url) == few <= 20
    html = client.get(url).content.decode()
    assert html.count('<li><a href="/projets/') == 504 + 1  # every placed action, and the shared one twice


def test_the_panorama_page_reads_the_same_rows_when_other_projects_grow(client, fetched, big_plan):  # noqa: F811
    client.force_login(big_plan.users["coordinator"])
    url = reverse("panorama", args=[big_plan.project.slug])
    client.get(url)
    with fetched() as before:
        assert client.get(url).status_code == 200
    _grow_elsewhere()
    with fetched() as after:
        assert client.get(url).status_code == 200
    assert (after.rows, after.instances) == (before.rows, before.instances), f"{before} → {after}"
