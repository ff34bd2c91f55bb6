"""A resident (or a data reuser) takes a published plan's open data from its page: the actions as a
spreadsheet file, the plan as JSON, and finds the catalogue from the list of plans."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .steps import screenshot

pytestmark = pytest.mark.browser


def test_a_visitor_downloads_the_open_data_of_a_plan(new_context, demo_db):
    page = new_context(accept_downloads=True).new_page()
    page.goto("/plans/")
    page.get_by_role("main").get_by_role("link", name=demo_db["genas-pset-2"].title, exact=True).click()
    expect(page).to_have_url(re.compile("/plans/genas-pset-2/$"))
    section = page.locator("#open-data")
    expect(section.get_by_role("heading", name="Données ouvertes")).to_be_visible()
    section.scroll_into_view_if_needed()
    screenshot(page, "public-plan-open-data", full_page=False)

    with page.expect_download() as taken:
        section.get_by_role("link", name=re.compile("^Les actions")).click()
    download = taken.value
    assert download.suggested_filename == "genas-pset-2-actions.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) == demo_db["genas-pset-2"].actions.count()
    assert {"Référence", "Intitulé", "Statut", "Niveau 1 : Visée"} <= set(rows[0])

    with page.expect_download() as taken:
        section.get_by_role("link", name=re.compile("^Le plan au format d’échange")).click()
    document = json.loads(Path(taken.value.path()).read_text(encoding="utf-8"))
    assert document["project"]["slug"] == "genas-pset-2" and "people" not in document

    section.get_by_role("link", name="catalogue des données (DCAT-AP, JSON-LD)").click()
    catalogue = json.loads(page.locator("body").inner_text())
    assert "genas-pset-2" in {entry["dct:identifier"] for entry in catalogue["dcat:dataset"]}
