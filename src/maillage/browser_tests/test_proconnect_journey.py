"""Issue 14: an agent signs in with ProConnect in Chromium, through the local fake provider, and signs out
of both; the button is the DSFR one, and the sign-out's redirect to the provider passes the CSP."""

import copy
import re

import pytest
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.proconnect.tests.fake_provider import FakeProvider

from .steps import axe_check, screenshot


@pytest.fixture
def provider(settings):
    running = FakeProvider().start()
    settings.MAILLAGE_PROCONNECT_ISSUER = running.issuer
    settings.MAILLAGE_PROCONNECT_CLIENT_ID = running.client_id
    settings.MAILLAGE_PROCONNECT_CLIENT_SECRET = running.client_secret
    # What settings.py does when MAILLAGE_PROCONNECT_ISSUER is in the environment.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(running.issuer.split("/api/")[0])
    settings.CONTENT_SECURITY_POLICY = policy
    running.scenario["claims"] = {
        "email": "agent.proconnect@exemple.gouv.fr",
        "given_name": "Dominique",
        "usual_name": "Agent",
    }
    yield running
    running.stop()


def test_an_agent_signs_in_with_proconnect_then_signs_out_of_both(page, provider):
    page.goto("/connexion/")
    button = page.get_by_role("link", name="S’identifier avec ProConnect")
    expect(button).to_be_visible()
    expect(page.get_by_role("link", name="Qu’est-ce que ProConnect ?")).to_have_attribute(
        "href", "https://proconnect.gouv.fr/"
    )
    axe_check(page, "login-proconnect")
    screenshot(page, "login-proconnect")
    button.click()
    expect(page.get_by_role("banner")).to_contain_text("Dominique Agent")
    expect(page.get_by_text("Votre compte Maillage a été créé.")).to_be_visible()
    assert User.objects.filter(email="agent.proconnect@exemple.gouv.fr", memberships__isnull=True).exists()
    screenshot(page, "proconnect-signed-in")

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté·e de Maillage et de ProConnect.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))
    assert provider.ended_sessions and provider.ended_sessions[-1]["state"]
