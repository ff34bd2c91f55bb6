"""The territories page: perimeters with their communes checked against the COG, the map of the
actions by territory, the codes completed by a coordinator only, the public plan's version, and the
Pays du Gier demo."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.actions.tests.factories import ActionFactory
from maillage.partners.tests.roles import check_every_role, check_refused_posts, login_as, project_with_network
from maillage.territories.models import Territory

pytestmark = pytest.mark.django_db


UNKNOWN_CODES = (f"99{n:03d}" for n in itertools.count())  # no commune has a code in 99xxx


@pytest.fixture
def gier():
    """A perimeter of Puy-de-Dôme communes (none in the demo): one coded, three written by name only
    (one of them, Beaumont, exists in several départements), one with a code the COG does not know."""

    def make(published=False):
        project = project_with_network(published=published)
        riom = Territory.objects.get_or_create(kind="commune", code="63300", defaults={"name": "Riom"})[0]
        own = [
            Territory.objects.create(kind="commune", name=name, project=project, code=code)
            for name, code in [
                ("Aubière", ""),
                ("St Genès Champanelle", ""),
                ("Beaumont", ""),
                ("Ailleurs", next(UNKNOWN_CODES)),
            ]
        ]
        perimeter = Territory.objects.create(kind="perimeter", name="Périmètre 3", project=project)
        perimeter.members.set([riom, *own])
        project.territory = perimeter
        project.save()
        ActionFactory(project=project, ref="A1", title="Relais petite enfance", territory=perimeter)
        ActionFactory(project=project, ref="A2", title="Sans territoire")
        return project, perimeter, own

    return make


def test_who_sees_the_territories(client, gier):
    project, *_ = gier(published=True)
    assert check_every_role(client, project, reverse("project-territories", args=[project.slug])) == {}


def test_perimeters_list_their_communes_checked_against_the_cog(client, gier):
    project, perimeter, own = gier()
    login_as(client, project, "coordinator")
    html = client.get(reverse("project-territories", args=[project.slug])).content.decode()
    section = html[html.index(f'id="perimeter-{perimeter.pk}"') :]
    assert "Riom" in section and "63300" in section and "Conforme au COG" in section
    assert "le COG propose 63014 (Aubière)" in section
    assert "le COG propose 63345 (Saint-Genès-Champanelle)" in section
    # Beaumont is in several départements, but the perimeter's coded commune is in the Puy-de-Dôme.
    assert "le COG propose 63032 (Beaumont)" in section
    assert "Code inconnu du COG" in section  # 99xxx
    assert "Compléter 3 codes d’après le COG" in html
    # The map of actions: the perimeter counts its action and the one without territory.
    assert 'id="territories-map-data"' in html
    data = client.get(reverse("territories-map-data", args=[project.slug])).json()
    assert data["layers"][0]["name"] == "Périmètre 3" and data["layers"][0]["count"] == 2
    assert data["unplaced"] == 1
    assert {f["properties"]["code"] for f in data["outlines"]["features"]} == {"63300"}


def test_a_coordinator_completes_the_codes_others_cannot(client, gier):
    project, perimeter, own = gier()
    url = reverse("territories-complete-codes", args=[project.slug])
    assert check_refused_posts(client, project, url) == {}
    assert Territory.objects.get(pk=own[0].pk).code == ""
    # A coordinator of another project cannot complete this one's.
    other, *_ = gier()
    login_as(client, other, "coordinator")
    assert client.post(url).status_code == 403
    login_as(client, project, "coordinator")
    response = client.post(url, follow=True)
    assert "3 code(s) INSEE complété(s)" in response.content.decode()
    assert [Territory.objects.get(pk=t.pk).code for t in own[:3]] == ["63014", "63345", "63032"]
    data = client.get(reverse("territories-map-data", args=[project.slug])).json()
    assert len(data["outlines"]["features"]) == 4  # the completed communes are outlined now


def test_the_public_plan_shows_its_territories(client, gier):
    project, *_ = gier(published=True)
    client.logout()
    response = client.get(reverse("public-territories", args=[project.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Riom" in html and "Compléter" not in html
    assert client.get(reverse("public-territories-map-data", args=[project.slug])).status_code == 200
    private, *_ = gier()
    assert client.get(reverse("public-territories", args=[private.slug])).status_code == 404


def test_territory_queries_are_bounded(client, gier):
    project, perimeter, own = gier()
    login_as(client, project, "reader")
    url = reverse("project-territories", args=[project.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    extra = [Territory.objects.create(kind="commune", name=f"Commune {n}", project=project) for n in range(30)]
    perimeter.members.add(*extra)
    with CaptureQueriesContext(connection) as big:
        client.get(url)
    assert len(big) == len(small) <= 16


def test_the_demo_pays_du_gier_perimeters_have_their_communes(client, demo_db):
    project = demo_db["pays-du-gier-ctg-p3"]
    login_as(client, project, "reader")
    html = client.get(reverse("project-territories", args=[project.slug])).content.decode()
    for name in ("Périmètre 1", "Périmètre 2", "Périmètre 3"):
        assert name in html
    assert "42283" in html and "ST Romain en Jarez" in html  # the name as the document wrote it, its COG code
    assert "Sans code" not in html  # the demo completed every code from the COG
    data = client.get(reverse("territories-map-data", args=[project.slug])).json()
    assert len(data["outlines"]["features"]) >= 10


def test_the_demo_directories_are_on_the_map(client, demo_db):
    for slug in ("clermont-sud", "lyon-pst-villeurbanne"):
        project = demo_db[slug]
        login_as(client, project, "reader")
        data = client.get(reverse("partner-map-data", args=[slug])).json()
        assert data["points"] and data["located"] == data["total"] == project.organisations.count()
        assert all(point["centroid"] for point in data["points"])  # offline: commune centres


def test_a_commune_already_shared_is_merged_into_the_official_one(client, gier):
    project, perimeter, own = gier()
    official = Territory.objects.create(kind="commune", code="63014", name="Aubière")  # shared: no project
    action = ActionFactory(project=project, ref="A3", title="Dans Aubière", territory=own[0])
    login_as(client, project, "coordinator")
    client.post(reverse("territories-complete-codes", args=[project.slug]))
    assert not Territory.objects.filter(pk=own[0].pk).exists()
    action.refresh_from_db()
    assert action.territory == official
    assert official in perimeter.members.all()
    # Another project's own commune holding the code is not taken over: it is said.
    other, other_perimeter, other_own = gier()
    Territory.objects.filter(pk=own[1].pk).update(code="")  # project 1's St Genès back to no code…
    Territory.objects.filter(pk=other_own[1].pk).update(code="63345")  # …and held by the other project
    response = client.post(reverse("territories-complete-codes", args=[project.slug]), follow=True)
    assert "Code déjà porté par une autre commune, à vérifier : St Genès Champanelle." in response.content.decode()


def test_a_perimeter_of_neighbourhoods_is_drawn_on_the_plans_commune(client, demo_db):
    project = demo_db["clermont-sud"]  # Territoire Sud: two QPV and two neighbourhoods
    login_as(client, project, "reader")
    data = client.get(reverse("territories-map-data", args=[project.slug])).json()
    assert data["layers"][0]["name"] == "Territoire Sud" and data["layers"][0]["communes"] == ["63113"]
    assert [f["properties"]["code"] for f in data["outlines"]["features"]] == ["63113"]


def test_the_shipped_demo_locations_are_the_offline_fallbacks(demo_db):
    """The demo documents carry each entry's position; it is what « Géolocaliser l'annuaire » computes
    offline (else: `maillage cog demo` after a COG update)."""
    from maillage.partners.models import Structure
    from maillage.territories.locating import locate_directory

    for slug in ("clermont-sud", "lyon-pst-villeurbanne"):
        project = demo_db[slug]
        fields = ("pk", "latitude", "longitude", "geo_source", "geo_label", "insee_code")
        structures = Structure.objects.filter(entries__project=project).distinct()
        shipped = sorted(structures.values_list(*fields))
        locate_directory(project, geocoder=None)
        assert sorted(structures.values_list(*fields)) == shipped
        assert all(row[3] == "centroid" for row in shipped)
