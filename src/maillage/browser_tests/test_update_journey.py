"""A coordinator updates the plan: starts the update, carries a postponed action over to a new period,
adopts the update with its deliberation, then compares it with the version it updates; a visitor then
reads the new version on the public page."""

import re

from playwright.sync_api import expect

from maillage.actions.models import Action
from maillage.versions.models import Version

from .steps import assert_nothing_private, axe_check, label, login, screenshot

SLUG = "genas-pset-2"
POSTPONED = "Projet de plateforme participative / échange de service de mode de garde"


def test_a_coordinator_updates_the_plan_and_compares_it(page, new_context, demo_db):
    login(page, f"coord-{SLUG}")
    page.goto(f"/projets/{SLUG}/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Versions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Versions du plan")
    expect(page.locator("#liste-versions")).to_contain_text("Mise à jour juillet 2023")
    axe_check(page, "versions")

    # 1. Start the update.
    page.locator("#demarrer-mise-a-jour").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Démarrer une mise à jour du plan")
    page.get_by_label("Nom de la mise à jour").fill("Mise à jour 2024")
    page.locator("#bouton-demarrer").click()
    expect(page).to_have_url(re.compile(f"/projets/{SLUG}/versions/mise-a-jour/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mise à jour 2024")
    axe_check(page, "update")

    # 2. A new period, then the postponed action carried over to it, starting again.
    page.locator("#ajouter-periode summary").click()
    form = page.locator("#form-periode")
    form.get_by_label("Libellé de la période").fill("2024-2025")
    form.get_by_label("Première année").fill("2024")
    form.get_by_label("Dernière année").fill("2025")
    page.locator("#bouton-periode").click()
    expect(page.get_by_role("status").first).to_contain_text("La période « 2024-2025 » est ajoutée au plan.")
    action = Action.objects.get(project__slug=SLUG, title=POSTPONED)
    carry = page.locator("#form-reconduire")
    # DSFR draws its own checkbox over the input: a person clicks the label.
    carry.locator(f"label[for='reconduire-{action.pk}']").click()
    expect(carry.get_by_label(re.compile(re.escape(POSTPONED)))).to_be_checked()
    carry.locator("label", has_text="2024-2025").click()
    expect(carry.get_by_label("2024-2025")).to_be_checked()
    carry.get_by_label(label("Statut des actions reportées")).select_option("planned")
    page.locator("#bouton-reconduire").click()
    expect(page.get_by_role("status").first).to_contain_text("1 action(s) reconduite(s).")
    expect(page.locator("#depuis-version")).to_contain_text("Changements de statut : 1")
    screenshot(page, "update-carried-over")

    # 3. Adopt the update with its deliberation.
    adopt = page.locator("#form-adopter")
    adopt.get_by_label("Date de la délibération").fill("2024-07-15")
    adopt.get_by_label(label("Référence de la délibération")).fill("Délibération n° 2024-050")
    page.locator("#bouton-adopter").click()

    # 4. The comparison with the version it updates: the action's status and periods changed.
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparer deux états du plan")
    expect(page.get_by_role("status").first).to_contain_text("La mise à jour « Mise à jour 2024 » est adoptée")
    changes = page.locator("#status_changes + ul")
    expect(changes).to_contain_text(POSTPONED)
    expect(changes).to_contain_text("Reportée → Nouvelle")  # Genas calls its "planned" actions "Nouvelle"
    expect(page.get_by_role("table", name=re.compile(re.escape(action.ref)))).to_contain_text("2024-2025")
    screenshot(page, "update-compared")
    axe_check(page, "compare")
    update = Version.objects.get(project__slug=SLUG, label="Mise à jour 2024")
    assert update.is_adopted and update.deliberation_reference == "Délibération n° 2024-050"
    assert Version.objects.filter(project__slug=SLUG, state="adopted").count() == 3

    # The previous version is still readable, with the action as it was.
    page.goto(f"/projets/{SLUG}/versions/{update.based_on_id}/actions/{action.ref}/")
    expect(page.get_by_role("main")).to_contain_text("Reportée")

    # 5. A visitor reads the adopted update on the public page.
    visitor = new_context().new_page()
    visitor.goto(f"/plans/{SLUG}/")
    expect(visitor.locator("#version-publique")).to_contain_text(
        "Version en vigueur : « Mise à jour 2024 », adoptée le 15 juillet 2024"
    )
    assert_nothing_private(visitor)
