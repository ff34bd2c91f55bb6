"""An action lead updates one of their actions in a minute, and cannot touch an action they do not lead."""

import re

from playwright.sync_api import expect

from maillage.actions.models import Action, ActionChange
from maillage.actions.vocabulary import project_labels

from .steps import axe_check, login, screenshot


def test_an_action_lead_changes_a_status_adds_a_note_and_cannot_edit_another_action(page, demo_db):
    project = demo_db["clermont-sud"]
    led = list(Action.objects.filter(project=project, leads__user__username="pilote-clermont-sud").order_by("position"))
    assert len(led) == 3
    action = led[0]
    other = Action.objects.filter(project=project, parent__isnull=True).exclude(pk__in=[a.pk for a in led]).first()
    new_status = "done" if action.status != "done" else "in_progress"
    new_label = project_labels(project)["status"][new_status]

    login(page, "pilote-clermont-sud")
    my_actions = page.locator("section[aria-labelledby='my-actions']")
    expect(my_actions.get_by_role("heading", name="Mes actions")).to_be_visible()
    for a in led:
        expect(my_actions.get_by_role("table")).to_contain_text(f"{a.ref} — {a.title}")
    expect(my_actions.get_by_role("table").get_by_role("row")).to_have_count(len(led) + 1)  # + the header
    my_actions.get_by_role("table").get_by_role("link", name=f"{action.ref} — {action.title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(action.title)
    expect(page.locator("#edit-action")).to_be_visible()

    # Quick status change: htmx swaps the status block in place, the page is not reloaded.
    page.evaluate("window.notReloaded = true")
    page.get_by_label(f"Nouveau statut de {action.ref}").select_option(new_status)
    page.locator("#quick-status-button").click()
    expect(page.locator(f"#statut-{action.pk}").get_by_role("status")).to_have_text(f"Statut enregistré : {new_label}.")
    assert page.evaluate("window.notReloaded") is True
    axe_check(page, "action-page-status-changed")
    action.refresh_from_db()
    assert action.status == new_status

    # A follow-up note (a plain form post: the page comes back at the notes).
    note = "Réunion avec les familles le 12 : quinze inscrites, la salle est réservée."
    notes = page.locator("#note-form")
    notes.get_by_label("Note de suivi").fill(note)
    page.locator("#add-note").click()
    expect(page).to_have_url(re.compile(f"/actions/{action.ref}/#notes$"))
    expect(page.get_by_role("main")).to_contain_text("Note de suivi ajoutée.")
    expect(page.locator("#notes")).to_contain_text(note)
    assert action.notes.filter(text=note).exists()

    # The history shows both, newest first, with their author.
    history = page.locator("#historique .maillage-history-entry")
    expect(history.nth(0)).to_contain_text("Note de suivi par")
    expect(history.nth(0)).to_contain_text(note)
    expect(history.nth(1)).to_contain_text("Changement de statut par")
    expect(history.nth(1).get_by_role("cell", name=new_label, exact=True)).to_be_visible()
    kinds = list(action.changes.order_by("-at", "-pk").values_list("kind", "user__username")[:2])
    assert kinds == [
        (ActionChange.Kind.NOTE, "pilote-clermont-sud"),
        (ActionChange.Kind.STATUS, "pilote-clermont-sud"),
    ]
    screenshot(page, "lead-action-updated", full_page=False)

    # Another action of the project: readable, but no edit control; its edit address is refused in French.
    page.goto(f"/projets/{project.slug}/actions/{other.ref}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(other.title)
    expect(page.locator("#edit-action")).to_have_count(0)
    expect(page.locator("#quick-status-form")).to_have_count(0)
    expect(page.locator("#note-form")).to_have_count(0)
    version = other.version
    response = page.goto(f"/projets/{project.slug}/actions/{other.ref}/modifier/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    expect(page.get_by_role("main")).to_contain_text("Votre compte ne permet pas d’ouvrir cette page")
    other.refresh_from_db()
    assert other.version == version
    axe_check(page, "forbidden")
    screenshot(page, "lead-forbidden-edit")
