"""Mobilisation: organisations approached, joined and declined, per project and per body; the figure on
the dashboard and in the annex; who may record it."""

import datetime

import pytest
from django.urls import reverse

from maillage.documents.annex.building import project_document
from maillage.documents.annex.loading import load
from maillage.documents.annex.model import walk_texts
from maillage.governance.models import Body
from maillage.partners import mobilisation
from maillage.partners.models import Organisation, Solicitation

from .roles import check_every_role, check_refused_posts, login_as, project_with_network

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def mobilised():
    project = project_with_network(slug="mobilisation")
    copil = Body.objects.create(project=project, key="gt-jeunesse", name="Groupe de travail jeunesse")
    orgs = [Organisation.objects.create(project=project, key=f"o{n}", name=f"Partenaire {n}") for n in range(4)]
    S = Solicitation.Status
    for org, status in zip(orgs, [S.JOINED, S.JOINED, S.DECLINED, S.APPROACHED], strict=True):
        Solicitation.objects.create(project=project, organisation=org, status=status, approached_on=DAY)
    Solicitation.objects.create(project=project, organisation=orgs[0], body=copil, status=S.JOINED, approached_on=DAY)
    return project, orgs, copil


def test_tallies_per_project_and_body(mobilised, django_assert_max_num_queries):
    project, _orgs, _copil = mobilised
    with django_assert_max_num_queries(1):
        overall, by_body = mobilisation.tallies(project)
    assert (overall.approached, overall.joined, overall.declined, overall.waiting) == (4, 2, 1, 1)
    assert [(t.label, t.approached, t.joined) for t in by_body] == [("Groupe de travail jeunesse", 1, 1)]
    assert mobilisation.headline(project).sentence == "2 sur 4 sollicités ont rejoint"


def test_headline_without_a_project_wide_call_counts_distinct_organisations(mobilised):
    project, orgs, copil = mobilised
    Solicitation.objects.filter(project=project, body__isnull=True).delete()
    other = Body.objects.create(project=project, key="copil", name="COPIL")
    Solicitation.objects.create(project=project, organisation=orgs[0], body=other, approached_on=DAY)
    headline = mobilisation.headline(project)
    assert (headline.approached, headline.joined) == (1, 1)


def test_dashboard_and_annex_show_the_figure(client, mobilised):
    project, _orgs, _copil = mobilised
    login_as(client, project, "reader")
    page = client.get(reverse("project-dashboard", args=[project.slug])).content.decode()
    assert "partenaires ont rejoint sur 4 sollicités" in page
    texts = " ".join(walk_texts(project_document(load(project)).body))
    assert "2 partenaires ont rejoint sur 4 sollicités." in texts and "Mobilisation des partenaires" in texts


def test_page_roles_and_recording_updates_the_same_row(client, mobilised):
    project, orgs, copil = mobilised
    url = reverse("partner-mobilisation", args=[project.slug])
    assert check_every_role(client, project, url, public_redirect=False) == {}
    assert check_refused_posts(client, project, url) == {}
    login_as(client, project, "coordinator")
    posted = {
        "organisation": orgs[3].pk,
        "body": "",
        "status": "joined",
        "approached_on": "2026-03-02",
        "answered_on": "2026-04-01",
    }
    assert client.post(url, posted).status_code == 302
    assert Solicitation.objects.get(organisation=orgs[3], body=None).status == "joined"
    assert Solicitation.objects.filter(project=project).count() == 5
    bad = client.post(url, posted | {"answered_on": "2026-01-01"})
    assert bad.status_code == 400 and "ne peut pas précéder" in bad.content.decode()


def test_ids_of_another_project_are_refused(client, mobilised):
    project, _orgs, _copil = mobilised
    other = project_with_network(slug="mobilisation-other")
    foreign = Organisation.objects.create(project=other, key="x", name="Étrangère")
    foreign_body = Body.objects.create(project=other, key="copil", name="Autre COPIL")
    login_as(client, project, "coordinator")
    url = reverse("partner-mobilisation", args=[project.slug])
    for data in ({"organisation": foreign.pk}, {"organisation": _orgs[0].pk, "body": foreign_body.pk}):
        response = client.post(url, {"status": "approached", "approached_on": "2026-03-02", **data})
        assert response.status_code == 400
    assert not Solicitation.objects.filter(organisation=foreign).exists()
