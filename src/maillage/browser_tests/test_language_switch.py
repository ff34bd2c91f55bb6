"""A visitor switches the interface to English from the header, stays on the same page, and switches back on a phone."""

import re

import pytest
from playwright.sync_api import expect

from .steps import at_phone_width, axe_check, screenshot

pytestmark = pytest.mark.browser


def test_a_visitor_reads_a_plan_in_english_then_back_in_french(page):
    page.goto("/plans/clermont-sud/")
    expect(page.get_by_role("heading", name="Où en est le plan")).to_be_visible()

    switch = page.get_by_role("banner").get_by_role("button", name=re.compile("choose the language"))
    switch.click()
    page.get_by_role("button", name="EN - English").click()
    expect(page).to_have_url(re.compile("/plans/clermont-sud/$"))
    expect(page.get_by_role("heading", name="Where the plan stands")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "public-plan-english", full_page=False)
    axe_check(page, "public-plan-english")

    at_phone_width(page)
    page.get_by_role("button", name="Menu").click()
    menu = page.locator("#fr-menu-mobile")
    menu.get_by_role("button", name=re.compile("choose the language")).click()
    menu.get_by_role("button", name="FR - Français").click()
    expect(page.get_by_role("heading", name="Où en est le plan")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
