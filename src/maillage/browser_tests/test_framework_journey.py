"""A PST coordinator says which PMS engagement an action serves; the network admin finds it on the PMS."""

import pytest
from playwright.sync_api import expect

from .steps import login, screenshot

pytestmark = pytest.mark.browser


def test_a_pst_action_declares_an_engagement_and_the_pms_shows_it(page, demo_db):
    login(page, "coord-lyon-pst-villeurbanne")
    page.goto("/projets/lyon-pst-villeurbanne/actions/V-6-1/")
    page.get_by_role("link", name="Modifier le cadre de référence").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cadre de référence de « V-6-1")
    page.locator("label", has_text="Engagement : Accueillir sans condition").click()  # the DSFR label covers its box
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#action-framework")).to_contain_text("Accueillir sans condition")
    screenshot(page, "framework-fiche")
    page.context.clear_cookies()
    login(page, "reseau-lyon")
    page.goto("/projets/lyon-pms/cadre/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cadre de référence")
    section = page.locator("section", has=page.get_by_role("heading", name="Engagement : Accueillir sans condition"))
    expect(section.get_by_role("link", name="V-6-1", exact=False)).to_be_visible()
    screenshot(page, "framework-pms")
