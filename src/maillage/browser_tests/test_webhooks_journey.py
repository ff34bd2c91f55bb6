"""Issue 14: a coordinator subscribes an address to the project's events from the settings, copies the
secret shown once, and reads the delivery log (a delivery made to a local receiver that checks it)."""

import re

import pytest
from playwright.sync_api import expect

from maillage.webhooks import delivery
from maillage.webhooks.events import dispatch
from maillage.webhooks.models import Subscription
from maillage.webhooks.tests.receiver import Receiver

from .steps import axe_check, login, screenshot


@pytest.fixture
def receiver(settings):
    running = Receiver().start()
    settings.MAILLAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    yield running
    running.stop()


def test_a_coordinator_subscribes_an_address_and_reads_the_log(page, demo_db, receiver):
    project = demo_db["clermont-sud"]
    login(page, "coord-clermont-sud")
    page.goto(f"/projets/{project.slug}/parametres/")
    page.get_by_role("link", name=re.compile("^Webhooks")).click()
    page.get_by_label("Adresse de réception").fill(receiver.url("/maillage"))
    page.get_by_label("Libellé").fill("Tableau de bord régional")
    page.get_by_text("Le statut d'une action change").click()  # the DSFR label covers its box
    page.get_by_text("Une décision est enregistrée").click()
    page.get_by_role("button", name="Abonner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord régional")
    secret = page.locator("#valeur-secret").inner_text()
    subscription = Subscription.objects.get(project=project, label="Tableau de bord régional")
    assert secret == subscription.secret
    axe_check(page, "webhook-created")
    screenshot(page, "webhook-created")

    # A delivery, as the worker makes it once an event is committed (the live server shares the test's
    # transaction, which never commits): the receiver checks its signature with the secret copied.
    receiver.secrets["/maillage"] = secret
    [made] = dispatch(project.pk, "ping", {"message": "essai"}, only=subscription)
    assert delivery.attempt(made.pk) == "delivered" and receiver.received[0]["signature_valid"]
    page.reload()
    expect(page.locator("#valeur-secret")).to_have_count(0)  # shown once
    log = page.locator("#journal-livraisons")
    expect(log).to_contain_text("ping")
    expect(log).to_contain_text("200")
    axe_check(page, "webhook-log")
    screenshot(page, "webhook-log")
