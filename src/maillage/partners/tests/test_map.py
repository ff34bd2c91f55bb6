"""The map of the actors: who sees it, what it draws (located structures only, filtered by domain, role
and action), a network's parent showing its children's organisations, the public plan's map with no
person and no member link, the "Géolocaliser l'annuaire" run (coordinators only, cross-project ids
refused), and bounded queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.accounts.models import Membership
from maillage.actions.models import ActionPartner
from maillage.actions.tests.factories import ActionFactory
from maillage.partners.models import Domain, Organisation, Person, Structure
from maillage.projects.tests.factories import ProjectFactory
from maillage.territories.models import GeocodingRun

from .roles import check_every_role, check_refused_posts, login_as, project_with_network

pytestmark = pytest.mark.django_db


def place(organisation, lat=45.77, lon=3.08, code="63113", source=Structure.GeoSource.ADDRESS):
    Structure.objects.filter(pk=organisation.structure_id).update(
        latitude=lat, longitude=lon, insee_code=code, geo_source=source
    )


@pytest.fixture
def mapped():
    def make(published=False, parent=None):
        project = (
            ProjectFactory(parent=parent, published=published) if parent else project_with_network(published=published)
        )
        health = Domain.objects.get_or_create(name="Santé")[0]
        caf = Organisation.objects.create(project=project, key="caf", name="Caf du Puy-de-Dôme", kind="caf")
        school = Organisation.objects.create(project=project, key="ecole", name="École Jules-Ferry", city="Riom")
        hidden = Organisation.objects.create(project=project, key="sans", name="Sans position")
        caf.domains.add(health)
        Person.objects.create(project=project, key="chloe", name="Chloé Martin", organisation=caf, email="c@caf.fr")
        action = ActionFactory(project=project, ref="A1", title="Accès aux droits")
        ActionPartner.objects.create(action=action, organisation=caf, role="lead")
        ActionPartner.objects.create(action=action, organisation=school, role="relay")
        place(caf)
        place(school, 45.89, 3.11, "63300", Structure.GeoSource.CENTROID)
        return project, caf, school, hidden, action, health

    return make


def test_only_members_see_the_map_and_visitors_go_to_the_public_one(client, mapped):
    project, *_ = mapped(published=True)
    url = reverse("partner-map", args=[project.slug])
    assert check_every_role(client, project, url) == {}
    private, *_ = mapped()
    assert check_every_role(client, private, reverse("partner-map-data", args=[private.slug])) == {}


def test_the_map_draws_located_structures_with_their_table(client, mapped):
    project, caf, school, hidden, *_ = mapped()
    login_as(client, project, "reader")
    response = client.get(reverse("partner-map", args=[project.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="actors-map-data" type="application/json"' in html
    assert "vendor/leaflet/leaflet.js" in html and "maillage/map.js" in html
    assert "<script>" not in html  # the CSP: no inline script
    table = html[html.index('id="map-table"') :]
    assert "Caf du Puy-de-Dôme" in table and "Riom" in table and "Pilote (1)" in table
    assert "Sans position" not in table
    assert "2 organisations placées sur la carte" in html and "1 entrée sans position" in html
    assert "Géolocaliser" not in html  # a reader cannot start it

    data = client.get(reverse("partner-map-data", args=[project.slug])).json()
    titles = {point["title"]: point for point in data["points"]}
    assert set(titles) == {"Caf du Puy-de-Dôme", "École Jules-Ferry"}
    assert titles["École Jules-Ferry"]["centroid"] is True
    assert titles["Caf du Puy-de-Dôme"]["url"].endswith(f"/partenaires/{caf.pk}/")
    codes = {feature["properties"]["code"] for feature in data["outlines"]["features"]}
    assert codes == {"63113", "63300"}  # the outlines drawn with no tile server
    assert data["tiles"]["url"].startswith("https://data.geopf.fr/")


def test_filters_by_domain_role_and_action(client, mapped):
    project, caf, school, hidden, action, health = mapped()
    other = ActionFactory(project=project, ref="A2", title="Autre")
    login_as(client, project, "reader")
    url = reverse("partner-map-data", args=[project.slug])

    def titles(**params):
        return {p["title"] for p in client.get(url, params).json()["points"]}

    assert titles(domain=health.pk) == {"Caf du Puy-de-Dôme"}
    assert titles(role="relay") == {"École Jules-Ferry"}
    assert titles(role="lead") == {"Caf du Puy-de-Dôme"}
    assert titles(action=action.pk) == {"Caf du Puy-de-Dôme", "École Jules-Ferry"}
    assert titles(action=other.pk) == set()
    # An action of another project is not a choice: the filter is ignored, not obeyed.
    foreign = ActionFactory(project=ProjectFactory(), ref="X")
    assert titles(action=foreign.pk) == {"Caf du Puy-de-Dôme", "École Jules-Ferry"}


def test_a_network_parent_shows_its_readable_children(client, mapped):
    project, caf, *_ = mapped()
    network = project.parent
    secret = ProjectFactory(parent=network)
    secret_org = Organisation.objects.create(project=secret, key="secret", name="Association discrète")
    place(secret_org)
    user = login_as(client, network, "reader")
    Membership.objects.create(user=user, project=project, role="reader")
    data = client.get(reverse("partner-map-data", args=[network.slug])).json()
    titles = {p["title"] for p in data["points"]}
    assert "Caf du Puy-de-Dôme" in titles and "Association discrète" not in titles
    assert any(project.title in line for p in data["points"] for line in p["lines"])
    # The network admin reads every child: the secret one too.
    login_as(client, project, "network_admin")
    data = client.get(reverse("partner-map-data", args=[network.slug])).json()
    assert "Association discrète" in {p["title"] for p in data["points"]}


def test_the_public_map_names_organisations_only(client, mapped):
    project, caf, *_ = mapped(published=True)
    client.logout()
    response = client.get(reverse("public-partner-map", args=[project.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Caf du Puy-de-Dôme" in html
    assert "Chloé" not in html and "c@caf.fr" not in html
    assert "/partenaires/" not in html  # no link into the members' directory
    data = client.get(reverse("public-partner-map-data", args=[project.slug])).json()
    assert data["points"] and all(point["url"] == "" for point in data["points"])
    private, *_ = mapped()
    assert client.get(reverse("public-partner-map", args=[private.slug])).status_code == 404
    assert client.get(reverse("public-partner-map-data", args=[private.slug])).status_code == 404


def test_only_coordinators_start_the_geolocation(client, mapped, immediate_tasks, settings):
    settings.MAILLAGE_GEOCODER_URL = ""  # offline: the COG centres only
    project, caf, school, hidden, *_ = mapped()
    url = reverse("partner-geocode", args=[project.slug])
    assert check_refused_posts(client, project, url) == {}
    assert not GeocodingRun.objects.filter(project=project).exists()
    login_as(client, project, "coordinator")
    directory = client.get(reverse("partner-directory", args=[project.slug])).content.decode()
    assert "Géolocaliser l’annuaire" in directory
    response = client.post(url)
    assert response.status_code == 302
    run = GeocodingRun.objects.get(project=project)
    assert run.status == "done" and run.total == 3
    page = client.get(reverse("partner-map", args=[project.slug])).content.decode()
    assert "Géolocalisation de l’annuaire" in page
    status = client.get(reverse("partner-geocode-status", args=[project.slug, run.pk]), HTTP_HX_REQUEST="true")
    assert status.status_code == 200 and "terminée" in status.content.decode()


def test_cross_project_ids_are_refused(client, mapped, settings):
    settings.MAILLAGE_GEOCODER_URL = ""
    mine, *_ = mapped()
    theirs, *_ = mapped()
    their_run = GeocodingRun.objects.create(project=theirs)
    login_as(client, mine, "coordinator")
    # Their run through my project's address: unknown here.
    assert client.get(reverse("partner-geocode-status", args=[mine.slug, their_run.pk])).status_code == 404
    # Their project's addresses: I have no role there.
    assert client.get(reverse("partner-geocode-status", args=[theirs.slug, their_run.pk])).status_code == 403
    assert client.post(reverse("partner-geocode", args=[theirs.slug])).status_code == 403
    assert GeocodingRun.objects.filter(project=theirs).count() == 1


def test_map_queries_do_not_grow_with_the_directory(client, mapped):
    project, *_ = mapped()
    login_as(client, project, "reader")
    url = reverse("partner-map", args=[project.slug])
    data_url = reverse("partner-map-data", args=[project.slug])
    client.get(url)

    def count(target):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(target).status_code == 200
        return len(queries)

    small = (count(url), count(data_url))
    for n in range(40):
        extra = Organisation.objects.create(project=project, key=f"o{n}", name=f"Association {n}")
        place(extra, 45.7 + n / 1000, 3.0)
        ActionPartner.objects.create(action=project.actions.first(), organisation=extra, role="operational")
    big = (count(url), count(data_url))
    assert big == small
    assert big[0] <= 20 and big[1] <= 16
    assert len(client.get(data_url).json()["points"]) == 42


def test_the_tiles_origin_is_allowed_by_the_csp_and_nothing_else_is(client, mapped):
    project, *_ = mapped()
    login_as(client, project, "reader")
    response = client.get(reverse("partner-map", args=[project.slug]))
    policy = response["Content-Security-Policy"]
    img = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert "https://data.geopf.fr" in img
    script = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert script.split() == ["script-src", "'self'"]


def test_the_map_page_starts_the_run_through_htmx_and_polls_it(client, mapped, settings):
    settings.MAILLAGE_GEOCODER_URL = ""
    project, *_ = mapped()
    login_as(client, project, "coordinator")
    page = client.get(reverse("partner-map", args=[project.slug])).content.decode()
    assert 'hx-target="#geocoding-slot"' in page
    response = client.post(reverse("partner-geocode", args=[project.slug]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    run = GeocodingRun.objects.get(project=project)
    assert response.status_code == 200 and run.status == "queued"  # no worker in this test
    assert f'hx-get="{reverse("partner-geocode-status", args=[project.slug, run.pk])}"' in html
    assert "En attente d’un travailleur" in html
    # Asking again while it waits shows the same run, it does not queue a second one.
    client.post(reverse("partner-geocode", args=[project.slug]), HTTP_HX_REQUEST="true")
    assert GeocodingRun.objects.filter(project=project).count() == 1
    # The worker's sweep fails it if no worker ever takes it (maillage.jobs).
    from maillage.jobs.staleness import SWEEPERS

    assert "maillage.territories.locating.fail_stale_runs" in SWEEPERS
