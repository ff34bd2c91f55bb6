"""A coordinator creates an API token on their account page, uses it, then revokes it."""

import re

from playwright.sync_api import expect

from maillage.api.models import ApiToken

from .steps import axe_check, login, screenshot


def test_a_coordinator_creates_uses_and_revokes_an_api_token(page):
    page.goto("/connexion/")
    login(page, "coord-clermont-sud")
    page.goto("/compte/")
    page.get_by_role("link", name="Gérer mes jetons d’API").click()
    expect(page).to_have_url(re.compile("/compte/jetons/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Jetons d’API")
    page.get_by_label("Nom du jeton").fill("Tableur de suivi")
    page.get_by_text("Lecture et écriture", exact=True).click()  # the DSFR radio's label
    page.get_by_role("button", name="Créer le jeton").click()
    secret = page.locator("#token-secret").inner_text().strip()
    assert secret.startswith("mlg_")
    expect(page.get_by_text("il ne sera plus jamais affiché")).to_be_visible()
    axe_check(page, "api-tokens")
    screenshot(page, "api-tokens-created")
    assert ApiToken.objects.get(name="Tableur de suivi").scope == "write"

    headers = {"Authorization": f"Bearer {secret}"}
    response = page.request.get("/api/v1/projects/clermont-sud/bodies", headers=headers)
    assert response.status == 200 and response.json()

    page.goto("/compte/jetons/")
    expect(page.locator("#token-secret")).to_have_count(0)  # shown once
    row = page.get_by_role("row").filter(has_text="Tableur de suivi")
    row.get_by_role("button", name="Révoquer").click()
    expect(page.get_by_text("Le jeton « Tableur de suivi » est révoqué.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Tableur de suivi")).to_contain_text("Révoqué")
    refused = page.request.get("/api/v1/projects/clermont-sud/bodies", headers=headers)
    assert refused.status == 401 and refused.json()["error"]["code"] == "token_revoked"
