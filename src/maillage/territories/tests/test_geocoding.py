"""The geocoder client and the directory's geolocation, against a local fake of the Géoplateforme
(``fake_geocoder``): a hit, a low score, a time-out, a server error, batches with progress, the COG
fallback. Nothing here reaches the internet."""

import time

import pytest

from maillage.partners.models import Organisation, Structure
from maillage.projects.tests.factories import ProjectFactory
from maillage.territories import locating
from maillage.territories.geocoding import Geocoder, GeocoderUnavailable, Query
from maillage.territories.models import GeocodingRun, Territory

pytestmark = pytest.mark.django_db


def test_a_hit_is_kept_with_its_score_and_type(geocoder_server):
    answer = Geocoder().search(Query("1", "17 rue Baudelaire", "63100", "Clermont-Ferrand"))
    assert answer.hit is not None
    assert answer.hit.score == pytest.approx(0.93)
    assert answer.hit.source == "address"
    assert answer.hit.citycode == "63113"
    assert answer.hit.latitude == pytest.approx(45.7771)
    assert "q=17+rue+Baudelaire" in geocoder_server.requests[-1]


def test_a_low_score_is_not_kept_but_said(geocoder_server):
    answer = Geocoder().search(Query("1", "adresse floue", "", "Clermont-Ferrand"))
    assert answer.hit is None
    assert answer.too_low and answer.score == pytest.approx(0.31)
    # With a lower threshold the same answer is kept.
    assert Geocoder(min_score=0.3).search(Query("1", "adresse floue")).hit is not None


def test_no_result_is_neither_a_hit_nor_a_low_score(geocoder_server):
    answer = Geocoder().search(Query("1", "adresse introuvable"))
    assert answer.hit is None and not answer.too_low


def test_a_time_out_is_retried_then_refused(geocoder_server):
    geocoder_server.slow_seconds = 1.0
    client = Geocoder(timeout=0.2, retries=1)
    started = time.monotonic()
    with pytest.raises(GeocoderUnavailable, match="Timeout"):
        client.search(Query("1", "rue lente"))
    assert time.monotonic() - started < 3  # bounded: (1 + retries) × timeout, not the server's pace
    assert len(geocoder_server.requests) == 2  # the first try and one retry


def test_a_server_error_is_retried_and_may_recover(geocoder_server):
    geocoder_server.fail_next = 2
    answer = Geocoder(retries=2).search(Query("1", "17 rue Baudelaire"))
    assert answer.hit is not None
    assert len(geocoder_server.requests) == 3


def test_a_server_error_that_lasts_is_refused(geocoder_server):
    geocoder_server.down = True
    with pytest.raises(GeocoderUnavailable, match="503"):
        Geocoder(retries=1).batch([Query("1", "17 rue Baudelaire")])
    assert len(geocoder_server.requests) == 2


def test_a_batch_gives_each_key_its_answer(geocoder_server):
    answers = Geocoder().batch(
        [
            Query("a", "17 rue Baudelaire", "63100", "Clermont-Ferrand", "63113"),
            Query("b", "adresse floue", "", "Clermont-Ferrand"),
            Query("c", "adresse introuvable"),
        ]
    )
    assert answers["a"].hit.score == pytest.approx(0.93)
    assert answers["b"].too_low
    assert answers["c"].hit is None and not answers["c"].too_low
    assert geocoder_server.requests == ["/geocodage/search/csv"]


def test_no_url_means_no_geocoder(settings):
    settings.MAILLAGE_GEOCODER_URL = ""
    with pytest.raises(GeocoderUnavailable):
        Geocoder().search(Query("1", "17 rue Baudelaire"))


# --- the directory ---------------------------------------------------------------------------------------


@pytest.fixture
def clermont():
    commune = Territory.objects.get_or_create(kind="commune", code="63113", defaults={"name": "Clermont-Ferrand"})[0]
    project = ProjectFactory(slug="geo-clermont", territory=commune)

    def entry(key, **fields):
        return Organisation.objects.create(project=project, key=key, name=f"Structure {key}", **fields)

    return project, entry


def test_the_directory_is_placed_address_centre_or_kept(geocoder_server, clermont):
    project, entry = clermont
    found = entry("found", address="17 rue Baudelaire", postal_code="63100", city="Clermont-Ferrand")
    vague = entry("vague", address="adresse floue", city="Clermont-Ferrand")
    no_address = entry("riom", city="Riom")
    unknown = entry("unknown")  # no address, no commune: the plan's only commune
    manual = entry("manual", address="1 place de Jaude")
    Structure.objects.filter(pk=manual.structure_id).update(
        latitude=45.1, longitude=3.1, geo_source=Structure.GeoSource.MANUAL
    )
    calls = []
    counts = locating.locate_directory(project, Geocoder(), progress=lambda done, total: calls.append((done, total)))

    assert (counts.total, counts.located, counts.centred, counts.low_score, counts.kept) == (5, 1, 3, 1, 1)
    assert calls[-1] == (5, 5)
    by_key = {o.key: Structure.objects.get(pk=o.structure_id) for o in (found, vague, no_address, unknown, manual)}
    assert by_key["found"].geo_source == "address" and by_key["found"].geo_score == pytest.approx(0.93)
    assert by_key["found"].insee_code == "63113"
    assert by_key["vague"].geo_source == "centroid" and by_key["vague"].geo_score is None
    assert by_key["riom"].geo_source == "centroid" and by_key["riom"].insee_code == "63300"
    assert by_key["riom"].latitude == pytest.approx(45.89, abs=0.05)
    assert "commune du plan" in by_key["unknown"].geo_label and by_key["unknown"].insee_code == ""
    assert (by_key["manual"].latitude, by_key["manual"].geo_source) == (45.1, "manual")
    # Only the two entries with an address went to the geocoder, in one batch.
    assert geocoder_server.requests == ["/geocodage/search/csv"]


def test_an_unreachable_geocoder_falls_back_to_the_commune_and_says_so(geocoder_server, clermont):
    project, entry = clermont
    geocoder_server.down = True
    placed = entry("a", address="17 rue Baudelaire", city="Clermont-Ferrand")
    counts = locating.locate_directory(project, Geocoder(retries=0))
    assert counts.unavailable and counts.centred == 1
    assert Structure.objects.get(pk=placed.structure_id).geo_source == "centroid"


def test_batches_report_progress(geocoder_server, clermont, settings):
    project, entry = clermont
    settings.MAILLAGE_GEOCODER_BATCH_SIZE = 10
    for n in range(35):
        entry(f"s{n}", address=f"{n} rue Baudelaire", city="Clermont-Ferrand")
    calls = []
    started = time.monotonic()
    counts = locating.locate_directory(project, Geocoder(), progress=lambda done, total: calls.append((done, total)))
    elapsed = time.monotonic() - started
    assert counts.located == 35
    assert calls == [(0, 35), (10, 35), (20, 35), (30, 35), (35, 35)]
    assert geocoder_server.requests == ["/geocodage/search/csv"] * 4
    print(f"batch of 35 in {elapsed:.3f}s ({35 / elapsed:.0f} addresses/s against the fake server)")


def test_the_background_run_stores_its_progress_and_figures(geocoder_server, clermont, immediate_tasks):
    project, entry = clermont
    entry("a", address="17 rue Baudelaire", city="Clermont-Ferrand")
    entry("b", city="Riom")
    run = locating.start_run(project)
    run.refresh_from_db()
    assert run.status == GeocodingRun.Status.DONE
    assert (run.done, run.total, run.located, run.centred) == (2, 2, 1, 1)


def test_a_run_under_way_is_not_started_twice(clermont):
    project, _entry = clermont
    running = GeocodingRun.objects.create(project=project, status=GeocodingRun.Status.RUNNING)
    assert locating.start_run(project) == running


def test_a_run_whose_worker_died_is_failed(clermont, settings):
    project, _entry = clermont
    run = GeocodingRun.objects.create(project=project, status=GeocodingRun.Status.RUNNING)
    from datetime import timedelta

    from django.utils import timezone

    GeocodingRun.objects.filter(pk=run.pk).update(heartbeat=timezone.now() - timedelta(hours=1))
    assert locating.fail_stale_runs() >= 1
    run.refresh_from_db()
    assert run.status == GeocodingRun.Status.FAILED and "travailleur" in run.error


def test_the_plans_commune_is_not_guessed_for_a_structure_other_plans_name(clermont):
    project, entry = clermont
    shared = entry("shared")  # no address, no commune
    alone = entry("alone")
    riom = Territory.objects.get_or_create(kind="commune", code="63300", defaults={"name": "Riom"})[0]
    elsewhere = ProjectFactory(slug="geo-riom", territory=riom)
    Organisation.objects.create(project=elsewhere, key="shared", name="Structure shared", structure=shared.structure)
    counts = locating.locate_directory(project)
    assert (counts.centred, counts.unlocated) == (1, 1)
    assert Structure.objects.get(pk=alone.structure_id).geo_source == "centroid"
    assert not Structure.objects.get(pk=shared.structure_id).located
    # Named by another plan of the same single commune, the guess stands.
    elsewhere.territory = project.territory
    elsewhere.save()
    assert locating.locate_directory(project).centred == 2


def test_the_demo_server_calls_no_geocoder(tmp_path, monkeypatch):
    from maillage.demo.serving import server_environment

    monkeypatch.delenv("MAILLAGE_GEOCODER_URL", raising=False)
    assert server_environment(tmp_path, "127.0.0.1:8000")["MAILLAGE_GEOCODER_URL"] == ""
