"""A PST coordinator finds an example action of another PST in the library and takes it into their plan."""

import re

import pytest
from playwright.sync_api import expect

from .steps import label, login, screenshot

pytestmark = pytest.mark.browser


def test_a_coordinator_takes_an_example_of_another_pst_into_their_plan(page, demo_db):
    login(page, "coord-lyon-pst-villeurbanne")
    page.goto("/bibliotheque/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bibliothèque d’actions")
    page.get_by_role("main").get_by_label(label("Thème")).select_option(label="Vieillissement et autonomie")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"theme=vieillissement"))
    screenshot(page, "library-filtered")
    page.get_by_role("link", name="Forum Place Carnot sur le Bien Vieillir").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forum Place Carnot sur le Bien Vieillir")
    expect(page.get_by_text("Partagée avec le réseau")).to_be_visible()
    page.get_by_role("link", name="Reprendre dans mon projet").click()
    page.get_by_label("Projet de destination").select_option(label=demo_db["lyon-pst-villeurbanne"].title)
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Reprendre la fiche").click()
    expect(page).to_have_url(re.compile(r"/projets/lyon-pst-villeurbanne/actions/[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Forum Place Carnot sur le Bien Vieillir")
    expect(page.locator("#action-provenance")).to_contain_text(
        "Inspirée de L-03 — Forum Place Carnot sur le Bien Vieillir"
    )
    expect(page.locator("#action-provenance")).to_contain_text("PST Lyon")
    screenshot(page, "library-copy-inspired")
