"""The indicator screens for every role, their filters, and entering a value with and without htmx."""

import json

import pytest
from django.urls import reverse

from maillage.actions.models import ActionChange
from maillage.evaluation.models import IndicatorValue

from .conftest import MANAGERS, MEMBERS, ROLES, TODAY, expected

HTMX = {"HTTP_HX_REQUEST": "true"}


def check(response, outcome, ok_codes=(200,)):
    if outcome == "ok":
        assert response.status_code in ok_codes, response.status_code
    elif outcome == "login":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == outcome


# --- Permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_indicators_pages_are_for_members(plan, login, role):
    client = login(plan, role)
    outcome = expected(role, MEMBERS)
    response = client.get(reverse("indicator-list", args=[plan.project.slug]))
    check(response, outcome)
    if outcome == "ok":
        page = response.content.decode()
        assert "Les indicateurs du plan" in page and "Familles accueillies" in page
        assert "Ailleurs" not in page  # another project's indicator
    check(client.get(reverse("indicator-detail", args=[plan.project.slug, plan.families.pk])), outcome)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["led", "not_led"])
def test_entering_a_value_is_for_coordinators_and_the_actions_leads(plan, login, role, which):
    client = login(plan, role)
    indicator = plan.families if which == "led" else plan.visits
    allowed = MANAGERS | ({"contributor"} if which == "led" else set())
    outcome = expected(role, allowed)
    url = reverse("indicator-value-add", args=[plan.project.slug, indicator.pk])
    check(client.get(url), outcome)
    before = indicator.values.count()
    response = client.post(url, {"period": "2026", "value": "44"})
    check(response, outcome, ok_codes=(302,))
    assert indicator.values.count() == before + (outcome == "ok")
    if outcome == "ok":
        value = indicator.values.get(period="2026")
        entry = ActionChange.objects.filter(action=indicator.action, kind="indicator").latest("at")
        assert entry.user == plan.users[role] and entry.changes[0]["new"] == "2026 : 44"
        assert value.year == 2026


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["led", "not_led"])
def test_the_quick_update_is_for_coordinators_and_the_actions_leads(plan, login, role, which):
    client = login(plan, role)
    action = getattr(plan, which)
    allowed = MANAGERS | ({"contributor"} if which == "led" else set())
    outcome = expected(role, allowed)
    url = reverse("action-quick-update", args=[plan.project.slug, action.ref])
    check(client.get(url), outcome)
    response = client.post(url, {"status": "blocked", "note": "La salle est fermée."})
    check(response, outcome, ok_codes=(302,))
    action.refresh_from_db()
    assert (action.status == "blocked") == (outcome == "ok")
    assert action.notes.filter(text="La salle est fermée.").exists() == (outcome == "ok")


def test_another_projects_ids_are_not_found(plan, client):
    client.force_login(plan.users["coordinator"])
    slug = plan.project.slug
    foreign = plan.foreign_indicator
    assert client.get(reverse("indicator-detail", args=[slug, foreign.pk])).status_code == 404
    assert client.get(reverse("indicator-value-add", args=[slug, foreign.pk])).status_code == 404
    assert (
        client.post(
            reverse("indicator-value-add", args=[slug, foreign.pk]), {"period": "2024", "value": "1"}
        ).status_code
        == 404
    )
    assert client.get(reverse("action-quick-update", args=[slug, plan.foreign.ref])).status_code == 404
    assert not foreign.values.exists()


def test_a_published_projects_visitor_is_sent_to_the_public_plan(plan, client):
    plan.project.published = True
    plan.project.save()
    response = client.get(reverse("indicator-list", args=[plan.project.slug]))
    assert response.status_code == 302 and response["Location"] == reverse("public-plan", args=[plan.project.slug])
    response = client.get(reverse("indicator-detail", args=[plan.project.slug, plan.families.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.get(reverse("action-quick-update", args=[plan.project.slug, plan.led.ref]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- The indicators page ----------------------------------------------------------------------


def _rows(client, plan, **params):
    response = client.get(reverse("indicator-list", args=[plan.project.slug]), params)
    assert response.status_code == 200
    return {row["progress"].indicator.title for row in response.context["rows"]}


def test_the_indicators_page_lists_each_indicator_with_its_progress(plan, client):
    client.force_login(plan.users["coordinator"])
    response = client.get(reverse("indicator-list", args=[plan.project.slug]))
    page = response.content.decode()
    figures = response.context["figures"]
    assert (figures["total"], figures["measured"]) == (3, 2)
    row = next(r for r in response.context["rows"] if r["progress"].indicator == plan.families)
    assert row["progress"].share_percent == 67 and row["can_edit"]
    assert "40 familles" in page and "50 familles" in page and "67" in page
    assert "Indicateurs" in [entry["label"] for entry in response.context["project_menu"]]


def test_the_filters(plan, client):
    client.force_login(plan.users["reader"])
    everything = {"Familles accueillies", "Implication des parents", "Visites"}
    assert _rows(client, plan) == everything
    led = {"Familles accueillies", "Implication des parents"}
    assert _rows(client, plan, noeud=plan.node.pk) == led  # the led action sits under a child of the axe
    assert _rows(client, plan, noeud=plan.child_node.pk) == led
    assert _rows(client, plan, pilote=plan.lead.pk) == led
    assert _rows(client, plan, structure=plan.partner.pk) == {"Visites"}
    assert _rows(client, plan, programme=plan.programme.pk) == led
    assert _rows(client, plan, type="qualitative") == {"Implication des parents"}
    assert _rows(client, plan, noeud="x", pilote="", type="autre") == everything  # malformed: ignored
    assert _rows(client, plan, programme=999999) == set()


def test_the_missing_filter_and_count(plan, client, monkeypatch):
    monkeypatch.setattr("maillage.evaluation.progress.current_date", lambda: TODAY)
    client.force_login(plan.users["reader"])
    response = client.get(reverse("indicator-list", args=[plan.project.slug]), {"manquant": "1"})
    assert response.context["figures"]["missing"] == 2
    assert {row["progress"].indicator.title for row in response.context["rows"]} == {
        "Implication des parents",
        "Visites",
    }
    assert "Pas de valeur pour 2025" in response.content.decode()


def test_the_page_is_paginated(plan, client):
    from maillage.evaluation.models import Indicator

    Indicator.objects.bulk_create(
        Indicator(action=plan.not_led, kind="quantitative", title=f"Compteur {n:02d}", position=10 + n)
        for n in range(60)
    )
    client.force_login(plan.users["reader"])
    first = client.get(reverse("indicator-list", args=[plan.project.slug]))
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.num_pages == 2
    second = client.get(reverse("indicator-list", args=[plan.project.slug]), {"page": 2})
    assert len(second.context["rows"]) == 13


# --- One indicator, the fiche ----------------------------------------------------------------


def test_the_indicator_page_draws_the_chart_beside_its_tables(plan, client):
    client.force_login(plan.users["reader"])
    response = client.get(reverse("indicator-detail", args=[plan.project.slug, plan.families.pk]))
    page = response.content.decode()
    assert "<line-chart" in page and "vendor/dsfr-chart/DSFRChart.js" in page
    chart = response.context["chart"]
    assert json.loads(chart["x"]) == [["2022", "2023", "2024", "2025", "2026"]]
    assert json.loads(chart["y"]) == [[20.0, 25.0, None, 40.0, None], [None, None, 30.0, None, 50.0]]
    assert json.loads(chart["hline"]) == [20.0]
    # the accessible table says the same, in period order
    assert page.index("fin 2023") < page.index(">2025<")
    assert "Valeur de départ" in page and "Cibles par année" in page
    assert "Saisir une valeur" not in page  # a reader does not write


def test_the_fiche_shows_each_indicator_with_its_chart_and_values_in_period_order(plan, client):
    client.force_login(plan.users["contributor"])
    response = client.get(reverse("action-detail", args=[plan.project.slug, plan.led.ref]))
    page = response.content.decode()
    assert page.count("<line-chart") == 1  # the qualitative indicator has its appreciations, not a chart
    assert "Les parents proposent des sorties." in page and "Appréciations datées" in page
    table = page[page.index(f'id="valeurs-{plan.families.pk}"') :]
    assert table.index("fin 2023") < table.index(">2025<")
    assert f'id="value-form-{plan.families.pk}"' in page  # the lead may enter a value
    other = client.get(reverse("action-detail", args=[plan.project.slug, plan.not_led.ref])).content.decode()
    assert "value-form-" not in other


# --- Entering a value ------------------------------------------------------------------------


def test_a_value_from_the_indicators_page_with_htmx_swaps_its_row(plan, client):
    client.force_login(plan.users["contributor"])
    url = reverse("indicator-value-add", args=[plan.project.slug, plan.families.pk])
    opened = client.get(url, {"place": "row"}, **HTMX).content.decode()
    assert opened.startswith(f'<tbody id="indicateur-ligne-{plan.families.pk}">')
    assert "Nouvelle valeur de « Familles accueillies »" in opened and "autofocus" in opened
    response = client.post(url, {"period": "2026", "value": "48", "place": "row"}, **HTMX)
    assert response.status_code == 200
    row = response.content.decode()
    assert "48 familles" in row and "Valeur enregistrée : 2026." in row and "value-form-" not in row
    refused = client.post(url, {"period": "2030", "value": "48", "place": "row"}, **HTMX)
    assert refused.status_code == 200  # htmx swaps only answers in 2xx: the form comes back with its error
    assert "jusqu&#x27;en 2028" in refused.content.decode() or "jusqu'en 2028" in refused.content.decode()
    assert plan.families.values.count() == 3


def test_a_value_from_the_fiche_with_htmx_redraws_the_chart_and_the_table(plan, client):
    client.force_login(plan.users["coordinator"])
    url = reverse("indicator-value-add", args=[plan.project.slug, plan.families.pk])
    response = client.post(url, {"period": "juin 2026", "value": "46", "place": "block", "comment": "Bilan"}, **HTMX)
    block = response.content.decode()
    assert block.lstrip().startswith(f'<div class="fr-mb-4w maillage-indicator" id="indicateur-{plan.families.pk}"')
    assert json.loads(response.context["chart"]["y"])[0][-1] == 46.0
    assert "juin 2026" in block and "Bilan" in block and "Valeur enregistrée : juin 2026." in block


def test_without_javascript_the_form_is_a_page_and_comes_back_where_it_started(plan, client):
    client.force_login(plan.users["contributor"])
    url = reverse("indicator-value-add", args=[plan.project.slug, plan.opinion.pk])
    page = client.get(url).content.decode()
    assert "Saisir une valeur" in page and 'name="assessment"' in page and 'name="value"' not in page
    fiche = reverse("action-detail", args=[plan.project.slug, plan.led.ref]) + "#indicateurs"
    response = client.post(url, {"period": "2025", "assessment": "Des parents au conseil.", "next": fiche})
    assert response.status_code == 302 and response["Location"] == fiche
    response = client.post(url, {"period": "2025", "assessment": "Bis", "next": "https://ailleurs.example/"})
    assert response["Location"] == reverse("indicator-detail", args=[plan.project.slug, plan.opinion.pk])
    refused = client.post(url, {"period": "2025", "assessment": " "})
    assert refused.status_code == 422 and "La valeur n’a pas été enregistrée" in refused.content.decode()
    assert plan.opinion.values.count() == 3


def test_the_quick_update_saves_status_value_and_note_together_or_nothing(plan, client):
    client.force_login(plan.users["contributor"])
    url = reverse("action-quick-update", args=[plan.project.slug, plan.led.ref])
    page = client.get(url, {"indicateur": plan.families.pk}).content.decode()
    assert f'<option value="{plan.families.pk}" selected>' in page
    refused = client.post(
        url, {"status": "done", "indicator": plan.families.pk, "period": "2030", "value": "3", "note": "Fini"}
    )
    assert refused.status_code == 422
    plan.led.refresh_from_db()
    assert plan.led.status == "in_progress" and not plan.led.notes.exists()
    assert plan.families.values.count() == 2
    nothing = client.post(url, {"status": "in_progress"})
    assert nothing.status_code == 422 and "Rien à enregistrer" in nothing.content.decode()
    done = client.post(
        url, {"status": "done", "indicator": plan.families.pk, "period": "2026", "value": "51", "note": "Fini"}
    )
    assert done.status_code == 302 and done["Location"] == reverse(
        "action-detail", args=[plan.project.slug, plan.led.ref]
    )
    plan.led.refresh_from_db()
    assert plan.led.status == "done" and plan.led.notes.get().text == "Fini"
    assert plan.families.values.filter(period="2026", value=51).exists()
    kinds = set(ActionChange.objects.filter(action=plan.led).values_list("kind", flat=True))
    assert kinds == {"status", "indicator", "note"}


def test_a_value_without_an_indicator_is_refused_on_the_quick_update(plan, client):
    client.force_login(plan.users["contributor"])
    before = IndicatorValue.objects.filter(indicator__action=plan.led).count()
    url = reverse("action-quick-update", args=[plan.project.slug, plan.led.ref])
    response = client.post(url, {"status": "in_progress", "value": "3"})
    assert response.status_code == 422
    assert (
        "Choisissez l&#x27;indicateur" in response.content.decode()
        or "Choisissez l'indicateur" in response.content.decode()
    )
    assert IndicatorValue.objects.filter(indicator__action=plan.led).count() == before
