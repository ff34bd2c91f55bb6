"""The map of the actors, end to end: a coordinator imports a data·inclusion file, geolocates the
directory (against a local stand-in of the Géoplateforme), sees the new organisation's marker on the map
and invites it as a partner; the partner signs in, proposes a correction and adds an event; the
coordinator applies the correction, and the event is in the project's calendar feed.

Background work: the geolocation is a task enqueued after commit; the live server writes inside the
test's transaction, so the click is wrapped in ``django_capture_on_commit_callbacks(execute=True)`` (as
the import journey does) and the task runs with the immediate backend."""

import json
import re
from datetime import date

import pytest
from data_inclusion.schema import v1
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.documents.ical import project_calendar
from maillage.partners.models import Organisation
from maillage.territories.tests import fake_geocoder

from .steps import login, screenshot

pytestmark = pytest.mark.browser
SLUG = "clermont-sud"


@pytest.fixture
def geocoder(settings):
    server = fake_geocoder.start()
    settings.MAILLAGE_GEOCODER_URL = server.url
    settings.MAILLAGE_GEOCODER_BACKOFF = 0
    settings.MAILLAGE_GEOCODER_MIN_SCORE = 0.5
    yield server
    server.shutdown()
    server.server_close()


def test_import_geolocate_map_invite_and_the_partner_contributes(
    page, demo_db, tmp_path, geocoder, immediate_tasks, django_capture_on_commit_callbacks
):
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1).*"), lambda route: route.abort())  # no tiles, no internet
    structure = v1.Structure(
        source="dora",
        id="dora--passerelle",
        nom="Association Passerelle Numérique",
        date_maj=date(2026, 3, 1),
        siret="13003013300016",
        adresse="8 rue de la Passerelle",
        code_postal="63000",
        commune="Clermont-Ferrand",
        code_insee="63113",
    )
    upload = tmp_path / "structures.json"
    upload.write_text(json.dumps({"structures": [json.loads(structure.model_dump_json(exclude_none=True))]}))

    login(page, f"coord-{SLUG}")
    page.goto(f"/projets/{SLUG}/partenaires/data-inclusion/")
    page.get_by_label("Fichier data·inclusion (JSON ou CSV)").set_input_files(upload)
    page.get_by_role("button", name="Importer").click()
    expect(page.locator("#di-report")).to_contain_text("1 créées, 0 mises à jour, 0 refusées")

    page.goto(f"/projets/{SLUG}/partenaires/carte/")
    with django_capture_on_commit_callbacks(execute=True):
        page.get_by_role("button", name="Géolocaliser l’annuaire").click()
        page.wait_for_load_state("networkidle")
    entry = Organisation.objects.get(project__slug=SLUG, name="Association Passerelle Numérique")
    entry.structure.refresh_from_db()
    assert entry.structure.geo_source == "address" and entry.structure.geo_score >= 0.5
    assert geocoder.requests  # the stand-in Géoplateforme was asked
    page.goto(f"/projets/{SLUG}/partenaires/carte/")
    expect(page.locator("#actors-map")).to_have_attribute("data-drawn", re.compile(r"^[1-9]"))
    assert page.locator("#actors-map path.maillage-map-marker").count() >= 1
    expect(page.locator("#map-table")).to_contain_text("Association Passerelle Numérique")
    screenshot(page, "partners-map-after-import")

    page.goto(f"/projets/{SLUG}/parametres/membres/")
    page.get_by_label("Identifiant ou adresse électronique").fill("benevole@passerelle.example")
    page.get_by_label("Rôle", exact=True).select_option("partner")
    page.get_by_label("Organisation (pour un partenaire)").select_option(label="Association Passerelle Numérique")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_text("Partenaire pour Association Passerelle Numérique")).to_be_visible()
    partner = User.objects.get(email="benevole@passerelle.example")
    partner.set_password("mot-de-passe-partenaire")  # what the invitation's link lets them choose
    partner.save()

    page.get_by_role("button", name="Se déconnecter").click()
    login(page, partner.username, "mot-de-passe-partenaire")
    page.goto("/")
    page.locator("#partner-spaces a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Espace partenaire — Association Passerelle Numérique")
    page.get_by_role("link", name="Proposer une correction de notre fiche").click()
    page.get_by_label("Site internet").fill("https://passerelle.example")
    page.get_by_label("Message à la coordination").fill("Notre nouveau site")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Votre proposition est transmise à la coordination du projet.")).to_be_visible()
    page.get_by_role("link", name="Ajouter un événement au calendrier").click()
    page.get_by_label("Titre").fill("Permanence numérique")
    page.get_by_label("Date").fill("2027-02-10")
    page.get_by_label("Début").fill("14:00")
    page.get_by_label("Fin").fill("17:00")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#partner-events")).to_contain_text("Permanence numérique")
    screenshot(page, "partner-space")
    # The rest of the project is not theirs.
    page.goto(f"/projets/{SLUG}/partenaires/personnes/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Espace partenaire")

    page.get_by_role("button", name="Se déconnecter").click()
    login(page, f"coord-{SLUG}")
    page.goto(f"/projets/{SLUG}/partenaires/propositions/")
    expect(page.get_by_role("main")).to_contain_text("Notre nouveau site")
    page.get_by_role("button", name="Appliquer").click()
    expect(page.get_by_text("La correction de « Association Passerelle Numérique » est appliquée.")).to_be_visible()
    entry.refresh_from_db()
    assert entry.website == "https://passerelle.example"
    ics = project_calendar(demo_db[SLUG]).decode()
    assert "SUMMARY:Permanence numérique (Association Passerelle Numérique)" in ics
