"""The fictitious project's coordinator walks the plan in life, in French: the indicators and a chart,
the two versions and their comparison, the finished and the open bilan, the steering view and its late
actions, the next COPIL's note, the panorama, a fiche a decision changed; then its action lead finds
the questionnaires waiting on the home page."""

import io
import json
from pathlib import Path

import docx
from playwright.sync_api import expect

from maillage.campaigns.models import Campaign
from maillage.demo.life import SLUG
from maillage.demo.life.story import COORDINATOR, LEAD
from maillage.evaluation.models import Indicator
from maillage.governance.models import Meeting
from maillage.versions.models import Version

from .steps import axe_check, login, screenshot


def test_the_coordinator_walks_a_plan_in_life_and_the_lead_finds_the_questionnaires(page, new_context, demo_db):
    login(page, COORDINATOR)
    page.goto(f"/projets/{SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("projet fictif de démonstration")

    # 1. The indicators: the last value, the share reached, the last period still to measure.
    page.goto(f"/projets/{SLUG}/indicateurs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Les indicateurs du plan")
    permanences = Indicator.objects.get(action__project__slug=SLUG, action__ref="A1-02")
    row = page.locator(f"#indicateur-ligne-{permanences.pk}")
    expect(row).to_contain_text("38 permanences")
    expect(row).to_contain_text("Pas de valeur pour")
    page.locator("label[for=id_manquant]").click()  # the DSFR draws the box over the input
    page.locator("#apply-indicator-filters").click()
    expect(page.locator("#indicator-table tbody tr")).to_have_count(3)
    axe_check(page, "life-indicators")
    screenshot(page, "life-indicators", full_page=False)

    bus = Indicator.objects.get(action__project__slug=SLUG, action__ref="A1-01")
    page.goto(f"/projets/{SLUG}/indicateurs/{bus.pk}/")
    chart = page.locator(f"#indicateur-{bus.pk} line-chart")
    expect(chart.locator("canvas")).to_have_count(1)
    assert json.loads(chart.get_attribute("y"))[0][:3] == [0.0, 540.0, 870.0]  # from the baseline (2023)
    values = page.locator(f"#valeurs-{bus.pk}")
    expect(values).to_contain_text("540")
    expect(values).to_contain_text("Bilan annuel 2025")  # the source of the value an accepted answer wrote
    screenshot(page, "life-indicator-chart", full_page=False)

    # 2. The versions and what the 2025 update changed.
    adoption, update = Version.objects.filter(project__slug=SLUG).order_by("date")
    page.goto(f"/projets/{SLUG}/versions/")
    expect(page.get_by_role("main")).to_contain_text("Mise à jour 2025 du PST")
    expect(page.get_by_role("main")).to_contain_text("PST 2024-2027 : adoption")
    page.get_by_label("De", exact=True).select_option(str(adoption.pk))
    page.get_by_label("À", exact=True).select_option(str(update.pk))
    page.locator("#bouton-comparer").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Prévenir l'isolement des aînés")
    expect(main).to_contain_text("A3-04 — Visites de convivialité chez les aînés isolés")
    expect(main).to_contain_text("Un guide des aides du territoire : À venir → Reportée")
    axe_check(page, "life-comparison")
    screenshot(page, "life-comparison", full_page=False)

    # 3. The campaigns: the finished bilan 2025 (accepted, sent back, draft) and the open bilan 2026.
    done = Campaign.objects.get(project__slug=SLUG, first_year=2025)
    page.goto(f"/projets/{SLUG}/evaluations/")
    expect(page.get_by_role("main")).to_contain_text("Bilan annuel 2026")
    page.get_by_role("link", name="Bilan annuel 2025").click()
    expect(page.locator("#synthesis-proposals")).to_contain_text("Terminée : objectif atteint")
    page.goto(f"/projets/{SLUG}/evaluations/{done.pk}/suivi/")
    answers = page.locator("#answers-table")
    expect(answers).to_contain_text("Renvoyée au pilote")
    expect(answers).to_contain_text("Brouillon")
    axe_check(page, "life-campaign-progress")

    # 4. The steering view names the late actions; the next COPIL's note holds its decision to take.
    page.goto(f"/projets/{SLUG}/pilotage/")
    late = page.locator("#steering-late-table")
    expect(late).to_contain_text("Un conseil local des jeunes")
    expect(late).to_contain_text("Karim Benali")
    expect(page.locator("#steering-budget-table")).to_contain_text("Caisse d'allocations familiales")
    axe_check(page, "life-steering")
    screenshot(page, "life-steering", full_page=False)

    meeting = Meeting.objects.get(project__slug=SLUG, date__year=2027)
    page.goto(f"/projets/{SLUG}/gouvernance/reunions/{meeting.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("COPIL annuel : bilan 2026")
    with page.expect_download() as download:
        page.locator(f"#download-copil{meeting.pk}-docx").click()
    note = docx.Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.text for p in note.paragraphs) + "".join(
        cell.text for table in note.tables for row in table.rows for cell in row.cells
    )
    assert "le relais petite enfance reprend dans l'ancienne école" in text

    # 5. The panorama, and a fiche the COPIL of June 2025 postponed.
    page.goto(f"/projets/{SLUG}/panorama/")
    expect(page.locator("#panorama-summary-table")).to_contain_text("Total")
    expect(page.get_by_role("main")).to_contain_text("Visites de convivialité chez les aînés isolés")
    axe_check(page, "life-panorama")
    page.goto(f"/projets/{SLUG}/actions/A1-05/")
    decisions = page.locator("#action-decisions")
    expect(decisions).to_contain_text("COPIL de mise à jour du plan")
    expect(decisions).to_contain_text("reportée à 2026-2027")
    expect(page.locator("#historique")).to_contain_text("Décision de la réunion « COPIL de mise à jour du plan »")
    screenshot(page, "life-fiche-decision", full_page=False)

    # 6. The action lead, in a browser of their own: the questionnaires of the open bilan 2026.
    lead = new_context().new_page()
    login(lead, LEAD)
    block = lead.locator("section[aria-labelledby='my-questionnaires']")
    expect(block).to_contain_text("Bilan annuel 2026")
    expect(block.locator("tbody tr")).to_have_count(7)
    expect(block).to_contain_text("Brouillon")
    axe_check(lead, "life-lead-home")
    screenshot(lead, "life-lead-home", full_page=False)
