"""The COPIL that acts: a coordinator records a decision with two changes on a meeting, applies it in one
step, and finds it on the fiche it touches, with the history naming the decision; then reads the steering view."""

from playwright.sync_api import expect

from maillage.actions.models import Action, ActionChange
from maillage.governance.models import DecisionChange, Meeting

from .steps import axe_check, label, login, screenshot

SLUG = "clermont-sud"


def test_a_coordinator_records_a_decision_that_changes_the_plan_and_applies_it(page, demo_db):
    meeting = Meeting.objects.filter(project__slug=SLUG).order_by("date").first()
    action = Action.objects.get(project__slug=SLUG, ref="A1-01")
    assert action.status == "planned"
    login(page, "coord-clermont-sud")

    # 1. The decision, on the meeting page.
    page.goto(f"/projets/{SLUG}/gouvernance/reunions/{meeting.pk}/")
    page.locator("#add-decision").click()
    page.get_by_label(label("Décision")).fill("Le COPIL lance l'accès aux droits et ouvre un point numérique.")
    page.locator("#decision-form-submit").click()
    decision = meeting.decisions.order_by("-pk").first()
    expect(page.locator(f"#decision-{decision.pk}")).to_contain_text("ouvre un point numérique")

    # 2. First change: A1-01 goes in progress.
    page.locator(f"#decision-{decision.pk}-add-statut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changer un statut")
    page.get_by_label(label("Action")).select_option(str(action.pk))
    page.get_by_label(label("Nouveau statut")).select_option("in_progress")
    axe_check(page, "decision-change-form")
    page.locator("#change-form-statut-submit").click()
    expect(page.get_by_role("alert").or_(page.locator(".fr-alert")).first).to_contain_text("Changement noté")

    # 3. Second change: a new action under the first axis.
    page.locator(f"#decision-{decision.pk}-add-nouvelle-action").click()
    page.get_by_label(label("Référence de la nouvelle action")).fill("A1-99")
    page.get_by_label(label("Intitulé de la nouvelle action")).fill("Un point numérique au centre social")
    page.get_by_label(label("Placée sous")).select_option(label="AXE 1 — Accéder à ses droits")  # the level named once
    page.locator("#change-form-nouvelle-action-submit").click()
    changes = page.locator(f"#decision-{decision.pk}-changes")
    expect(changes).to_contain_text("A1-01")
    expect(changes).to_contain_text("En cours")
    expect(changes).to_contain_text("Nouvelle action A1-99 « Un point numérique au centre social »")
    expect(changes.locator(".fr-badge", has_text="à appliquer")).to_have_count(2)
    assert Action.objects.get(pk=action.pk).status == "planned"  # written down, not applied yet
    screenshot(page, "copil-decision-to-apply", full_page=False)

    # 4. Applied in one step.
    page.locator(f"#apply-decision-{decision.pk}-button").click()
    expect(page.get_by_text("2 changements appliqués au plan")).to_be_visible()
    expect(changes.locator(".fr-badge", has_text="appliqué le")).to_have_count(2)
    expect(page.locator(f"#apply-decision-{decision.pk}")).to_have_count(0)
    assert DecisionChange.objects.filter(decision=decision, applied_at__isnull=False).count() == 2

    # 5. On the fiche: the decision, its change, and the history that names it.
    page.goto(f"/projets/{SLUG}/actions/A1-01/")
    block = page.locator("#action-decisions")
    expect(block).to_contain_text("ouvre un point numérique")
    expect(block).to_contain_text("appliqué le")
    history = page.locator("#historique")
    expect(history).to_contain_text(f"Décision de la réunion « {meeting.title} »")
    expect(page.locator(".maillage-quick-status .fr-badge").first).to_contain_text("En cours")
    axe_check(page, "fiche-with-decision")
    screenshot(page, "copil-fiche-with-decision")
    entry = ActionChange.objects.get(action=action)
    assert entry.reason.startswith("Décision de la réunion") and entry.kind == "status"
    created = Action.objects.get(project__slug=SLUG, ref="A1-99")
    assert created.nodes.get().code == "AXE 1"

    # 6. The steering view lists the decision among the last ones.
    page.goto(f"/projets/{SLUG}/pilotage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilotage du plan")
    expect(page.locator("#steering-decision-list")).to_contain_text("ouvre un point numérique")
    axe_check(page, "steering")
    screenshot(page, "copil-steering")
