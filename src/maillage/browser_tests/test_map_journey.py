"""A coordinator opens the map of the actors with no tile server reachable: the commune outlines and
the markers are drawn all the same (from the shipped COG file), the table beside it lists the same
organisations, and the territories page draws the Pays du Gier's communes."""

import re

import pytest
from playwright.sync_api import expect

from .steps import axe_check, login, screenshot

pytestmark = pytest.mark.browser


def test_the_map_draws_markers_and_outlines_without_tiles(page, demo_db):
    tiles_asked = []

    def refuse_tiles(route):
        tiles_asked.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^https?://(?!127\.0\.0\.1).*"), refuse_tiles)  # nothing outside: as on our machines
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, "coord-clermont-sud")
    page.goto("/projets/clermont-sud/partenaires/")
    page.get_by_role("link", name="Carte", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La carte des acteurs")
    the_map = page.locator("#actors-map")
    expect(the_map).to_have_attribute("data-drawn", re.compile(r"^[1-9]"))
    # Clermont-Ferrand's outline (a path) and at least one marker (a circle marker is a path too).
    expect(page.locator("#actors-map path.leaflet-interactive").first).to_be_visible()
    assert page.locator("#actors-map path.maillage-map-marker").count() >= 1
    assert page.locator("#actors-map path.leaflet-interactive").count() >= 2
    expect(page.locator("#map-table tbody tr")).to_have_count(demo_db["clermont-sud"].organisations.count())
    page.locator("#actors-map path.maillage-map-marker").first.click(force=True)
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Clermont-Ferrand")
    assert tiles_asked, "the page asked for the plan IGN tiles (refused here)"
    assert errors == []
    screenshot(page, "partner-map-clermont-sud-no-tiles")
    axe_check(page, "partner-map")

    page.goto("/projets/pays-du-gier-ctg-p3/territoires/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Les territoires du plan")
    expect(page.locator("#territories-map path.leaflet-interactive").first).to_be_visible()
    assert page.locator("#territories-map path.leaflet-interactive").count() >= 10
    assert errors == []
    screenshot(page, "territories-pays-du-gier-no-tiles")
    axe_check(page, "territories")
