"""A coordinator enters values from the indicators page and from an indicator's page: the row, the
chart and the table change in place (htmx), the page is not reloaded, and the history says who."""

import json
import re

from playwright.sync_api import expect

from maillage.actions.models import ActionChange
from maillage.evaluation.models import Indicator

from .steps import axe_check, label, login, screenshot

SLUG = "lyon-pst-villeurbanne"


def test_a_coordinator_enters_values_and_sees_the_row_the_chart_and_the_table_change(page, demo_db):
    indicator = Indicator.objects.get(action__project__slug=SLUG, action__ref="V-1-1")  # 72 structures fin 2023
    login(page, f"coord-{SLUG}")
    page.goto(f"/projets/{SLUG}/indicateurs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Les indicateurs du plan")
    row = page.locator(f"#indicateur-ligne-{indicator.pk}")
    expect(row).to_contain_text("72 structures")
    expect(row).to_contain_text("Pas de valeur pour 2024")
    axe_check(page, "indicators-page")

    # From the indicators page: the form opens in the table, under the row, and saves in place.
    page.evaluate("window.notReloaded = true")
    row.get_by_role("link", name="Saisir").click()
    form = page.locator(f"#value-form-{indicator.pk}")
    expect(form).to_be_visible()
    expect(form.get_by_label(label("Période mesurée"))).to_be_focused()
    expect(form).to_contain_text("jusqu'à 2 ans après la fin du plan")
    form.get_by_label(label("Période mesurée")).fill("2025")
    form.get_by_label(label("Valeur (structures)")).fill("1 040")  # as the French write it
    form.get_by_role("button", name="Enregistrer la valeur").click()
    expect(row.get_by_role("status")).to_have_text("Valeur enregistrée : 2025.")
    expect(row).to_contain_text("1 040 structures")
    expect(row).to_contain_text("2024 renseigné")
    expect(row).to_contain_text("en hausse")
    expect(page.locator(f"#value-form-{indicator.pk}")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "indicators-value-entered", full_page=False)

    # A value outside the rule is refused in the row, in French, and nothing is written.
    row.get_by_role("link", name="Saisir").click()
    form.get_by_label(label("Période mesurée")).fill("2031")
    form.get_by_label(label("Valeur (structures)")).fill("5")
    form.get_by_role("button", name="Enregistrer la valeur").click()
    expect(form).to_contain_text("Les valeurs sont mesurées jusqu'en 2026 au plus tard")
    form.get_by_role("button", name="Annuler").click()
    expect(page.locator(f"#value-form-{indicator.pk}")).to_have_count(0)
    assert indicator.values.count() == 2

    # The indicator's page: the chart and its table hold the new value, in period order.
    row.get_by_role("link", name=indicator.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(indicator.title)
    chart = page.locator(f"#indicateur-{indicator.pk} line-chart")
    expect(chart.locator("canvas")).to_have_count(1)  # the DSFR component has drawn it
    assert json.loads(chart.get_attribute("x")) == [["2023", "2024", "2025"]]
    assert json.loads(chart.get_attribute("y"))[0] == [72.0, None, 1040.0]
    table = page.locator(f"#valeurs-{indicator.pk}")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").nth(0)).to_contain_text("fin 2023")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("2025")
    axe_check(page, "indicator-page")

    # From the indicator's page: the block (chart and table) is drawn again in place.
    page.evaluate("window.notReloaded = true")
    page.get_by_text("Saisir une valeur", exact=True).click()
    block = page.locator(f"#indicateur-{indicator.pk}")
    block.get_by_label(label("Période mesurée")).fill("juin 2026")
    block.get_by_label(label("Valeur (structures)")).fill("1100")
    block.get_by_label(label("Commentaire")).fill("Évaluation finale du PST")
    block.get_by_role("button", name="Enregistrer la valeur").click()
    expect(block.get_by_role("status")).to_have_text("Valeur enregistrée : juin 2026.")
    expect(block.get_by_role("heading")).to_have_count(0)  # the page's title is not repeated in the block
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tbody tr").nth(2)).to_contain_text("Évaluation finale du PST")
    chart = page.locator(f"#indicateur-{indicator.pk} line-chart")
    expect(chart).to_have_attribute("x", re.compile(r"2026"))
    assert json.loads(chart.get_attribute("y"))[0][-1] == 1100.0
    expect(chart.locator("canvas")).to_have_count(1)
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "indicator-chart-updated")

    authors = set(
        ActionChange.objects.filter(action=indicator.action, kind="indicator").values_list("user__username", flat=True)
    )
    assert authors == {f"coord-{SLUG}"}
