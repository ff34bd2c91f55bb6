"""Selects among many: the parent of a sheet, the list's lead and partner filters. They draw the current
choice and a few candidates; their search box asks the server, which answers members only."""

import pytest
from django.urls import reverse

from maillage.actions.models import Action
from maillage.choosers import SHOWN
from maillage.partners.models import Person

from .test_editing import sheet_data
from .test_permissions import ROLES, check, expected

MEMBERS = {"coordinator", "contributor", "reader", "network_admin"}


def _many_actions(plan, n=SHOWN + 20):
    return Action.objects.bulk_create(
        Action(project=plan.project, ref=f"M{i:03d}", title=f"Atelier numéro {i}", title_key=f"atelier numero {i}")
        for i in range(n)
    )


def test_the_parent_select_draws_its_choice_and_a_few_candidates_only(plan, login):
    many = _many_actions(plan)
    plan.led.parent = many[-1]
    plan.led.save()
    client = login(plan, "coordinator")
    page = client.get(reverse("action-edit", args=[plan.project.slug, plan.led.ref])).content.decode()
    select = page[page.index('name="parent"') : page.index("</select>", page.index('name="parent"'))]
    assert select.count("<option") == 1 + 1 + SHOWN  # the blank, the current parent, SHOWN candidates
    assert f'<option value="{many[-1].pk}" selected>' in select
    assert f'value="{plan.led.pk}"' not in select  # a sheet is never offered as its own parent
    assert reverse("action-choices", args=[plan.project.slug, "action"]) in page
    assert "cherchez-la par son numéro ou son intitulé" in page  # a hint set in the form's __init__ is drawn
    assert 'class="fr-select' in select


def test_a_parent_beyond_the_drawn_candidates_is_accepted_and_one_of_another_project_refused(plan, login):
    many = _many_actions(plan)
    client = login(plan, "coordinator")
    url = reverse("action-edit", args=[plan.project.slug, plan.not_led.ref])
    assert client.post(url, sheet_data(plan.not_led, parent=many[-1].pk)).status_code == 302
    plan.not_led.refresh_from_db()
    assert plan.not_led.parent == many[-1]
    response = client.post(url, sheet_data(plan.not_led, parent=plan.foreign.pk))
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    plan.not_led.refresh_from_db()
    assert plan.not_led.parent == many[-1]


def test_searching_a_parent_ignores_accents_and_case_and_keeps_the_current_choice(plan, login):
    many = _many_actions(plan)
    client = login(plan, "coordinator")
    url = reverse("action-choices", args=[plan.project.slug, "action"])
    found = client.get(url, {"q": "ÉCOLE", "courant": many[3].pk}).content.decode()
    assert f'<option value="{many[3].pk}" selected>' in found  # the current choice stays first
    assert "A1 — Accueil des familles" in found and "Fête de quartier" not in found
    assert "Action d&#x27;un autre projet" not in client.get(url, {"q": "autre"}).content.decode()
    by_ref = client.get(url, {"q": "m04"}).content.decode()
    assert "M040" in by_ref and "M041" in by_ref and "M001" not in by_ref
    excluded = client.get(url, {"q": "accueil", "sauf": plan.led.pk}).content.decode()
    assert "Accueil des familles" not in excluded and "Aucune réponse" in excluded


def test_the_list_filters_search_leads_and_partners(plan, login):
    plan.not_led.lead_organisation = plan.partner
    plan.not_led.save()
    client = login(plan, "reader")
    leads = client.get(reverse("action-choices", args=[plan.project.slug, "pilote"]), {"q": "camille"})
    assert "Camille Martin" in leads.content.decode()
    # Someone of the directory who leads nothing is not a lead to filter on.
    assert "Jean Élu" not in client.get(reverse("action-choices", args=[plan.project.slug, "pilote"])).content.decode()
    partners = client.get(reverse("action-choices", args=[plan.project.slug, "partenaire"]), {"q": "puy de dome"})
    assert "Caf du Puy-de-Dôme" in partners.content.decode()
    listing = client.get(reverse("action-list", args=[plan.project.slug]), {"pilote": plan.lead.pk}).content.decode()
    assert f'<option value="{plan.lead.pk}" selected>Camille Martin</option>' in listing


def test_the_filter_selects_do_not_draw_a_large_directory(plan, login):
    people = Person.objects.bulk_create(
        Person(project=plan.project, key=f"p{i}", name=f"Personne {i:03d}") for i in range(SHOWN + 40)
    )
    for person in people:
        plan.not_led.leads.add(person)
    page = login(plan, "reader").get(reverse("action-list", args=[plan.project.slug])).content.decode()
    select = page[page.index('name="pilote"') : page.index("</select>", page.index('name="pilote"'))]
    assert select.count("<option") == 1 + SHOWN


@pytest.mark.parametrize("role", ROLES)
def test_the_choices_are_for_members_only(plan, login, role):
    client = login(plan, role)
    for kind in ("action", "pilote", "partenaire"):
        response = client.get(reverse("action-choices", args=[plan.project.slug, kind]), {"q": "a"})
        check(response, expected(role, MEMBERS))
    if role == "coordinator":
        assert client.get(reverse("action-choices", args=[plan.project.slug, "inconnu"])).status_code == 404
