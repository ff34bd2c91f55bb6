"""A demo coordinator signs in and reaches the project dashboard; a wrong password is refused in French."""

import re

import pytest
from playwright.sync_api import expect

from maillage.accounts.models import User

from .steps import at_phone_width, axe_check, login, screenshot


def test_a_coordinator_signs_in_and_reaches_the_dashboard(page, demo_db):
    project = demo_db["clermont-sud"]
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Se connecter").click()
    expect(page).to_have_url(re.compile("/connexion/"))
    login(page, "coord-clermont-sud")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Bonjour"))
    expect(page.get_by_role("banner")).to_contain_text("Connecté·e en tant que coord-clermont-sud")
    axe_check(page, "home-coordinator")
    screenshot(page, "home-coordinator")
    # The server wrote through the test's database connection (SQLite) or committed (PostgreSQL): visible here.
    assert User.objects.get(username="coord-clermont-sud").last_login is not None

    page.get_by_role("main").get_by_role("link", name=project.title, exact=True).click()
    expect(page).to_have_url(re.compile("/projets/clermont-sud/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(project.title)
    menu = page.get_by_role("navigation", name="Menu principal")
    expect(menu.get_by_role("link", name="Tableau de bord")).to_have_attribute("aria-current", "page")
    axe_check(page, "dashboard-clermont-sud")
    screenshot(page, "dashboard-clermont-sud")


def test_a_wrong_password_gets_the_french_message(page):
    page.goto("/connexion/")
    page.get_by_label("Identifiant ou adresse électronique").fill("coord-clermont-sud")
    page.get_by_label("Mot de passe", exact=True).fill("pas-le-bon")
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    error = "Identifiant ou mot de passe incorrect. Les majuscules comptent dans le mot de passe."
    expect(page.get_by_role("main").get_by_text(error)).to_be_visible()
    expect(page).to_have_url(re.compile("/connexion/"))
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)
    screenshot(page, "login-wrong-password")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_login_page_passes_the_accessibility_check(page, width):
    if width == "phone":
        at_phone_width(page)
    page.goto("/connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter à Maillage")
    axe_check(page, f"login-{width}")
    screenshot(page, f"login-{width}")


def test_the_accessibility_check_can_fail(page):
    """The check is wired to axe-core: a field without a label (critical) fails it, and is reported."""
    page.set_content('<html lang="fr"><title>t</title><main><h1>t</h1><input type="text"></main></html>')
    with pytest.raises(AssertionError, match="critical label"):
        axe_check(page, "self-test")
