"""Two people edit the same sheet at once: the second save is refused and shows the first one's changes;
nothing of the first save is lost, and the second person can then apply theirs."""

from playwright.sync_api import expect

from maillage.accounts.tests.factories import PASSWORD, member
from maillage.actions.models import Action, ActionChange

from .steps import axe_check, login, screenshot


def test_the_second_of_two_people_editing_a_sheet_gets_the_conflict_and_can_reapply(new_context, demo_db):
    project = demo_db["clermont-sud"]
    action = Action.objects.filter(project=project, parent__isnull=True).order_by("position")[3]
    other_person = member(project, "coordinator")
    other_person.first_name, other_person.last_name = "Sacha", "Martin"
    other_person.save()
    version = action.version
    original_obstacles = action.obstacles
    edit_url = f"/projets/{project.slug}/actions/{action.ref}/modifier/"

    first = new_context().new_page()
    login(first, "coord-clermont-sud")
    first.goto(edit_url)
    second = new_context().new_page()
    login(second, other_person.username, PASSWORD)
    second.goto(edit_url)
    for page in (first, second):
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Modifier la fiche {action.ref}")

    # The first person rewrites the context and saves.
    their_context = "Contexte réécrit par la coordination après la réunion du comité de pilotage."
    first.locator("#id_context").fill(their_context)
    first.locator("#save-action").click()
    expect(first.get_by_role("main")).to_contain_text("La fiche est enregistrée.")
    expect(first.locator("#section-context")).to_contain_text(their_context)

    # The second, still on the form drawn before that save, changes the obstacles and saves: refused.
    my_obstacles = "Le local n'est disponible que le mercredi."
    second.locator("#id_obstacles").fill(my_obstacles)
    second.locator("#save-action").click()
    conflict = second.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict.get_by_role("heading")).to_have_text(
        "Quelqu’un a modifié cette fiche pendant que vous la modifiiez"
    )
    expect(conflict).to_contain_text("Vos changements n’ont pas été enregistrés")
    expect(conflict).to_contain_text("Enregistré entre-temps : coord-clermont-sud")
    context_row = conflict.locator("#conflict-table tr", has_text="Contexte")
    expect(context_row).to_contain_text(their_context)  # their saved value, beside what I typed
    axe_check(second, "action-form-conflict")
    screenshot(second, "conflict", full_page=False)
    action.refresh_from_db()
    assert action.context == their_context  # the first save is kept
    assert action.obstacles == original_obstacles  # the second is not applied
    assert action.version == version + 1
    assert list(action.changes.values_list("kind", flat=True)) == [ActionChange.Kind.EDITED]

    # The form still holds what the second person typed: they take the other's context and save again.
    expect(second.locator("#id_obstacles")).to_have_value(my_obstacles)
    second.locator("#id_context").fill(their_context)
    second.locator("#save-action").click()
    expect(second.get_by_role("main")).to_contain_text("La fiche est enregistrée.")
    expect(second.locator("#section-context")).to_contain_text(their_context)
    expect(second.locator("#section-obstacles")).to_contain_text(my_obstacles)
    action.refresh_from_db()
    assert (action.context, action.obstacles, action.version) == (their_context, my_obstacles, version + 2)
    authors = list(action.changes.order_by("at", "pk").values_list("user__username", flat=True))
    assert authors == ["coord-clermont-sud", other_person.username]
