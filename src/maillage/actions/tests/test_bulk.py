"""Status changes in bulk from the actions list: all or nothing, each action's right checked, one history
entry per action, htmx and plain form posts."""

import pytest
from django.urls import reverse

from maillage.actions import bulk, editing
from maillage.actions.models import Action, ActionChange

pytestmark = pytest.mark.django_db


def _url(plan):
    return reverse("action-bulk-status", args=[plan.project.slug])


def _statuses(*actions):
    return [Action.objects.get(pk=action.pk).status for action in actions]


def test_a_coordinator_changes_several_statuses_at_once(client, plan, login):
    login(plan, "coordinator")
    response = client.post(
        _url(plan),
        {"actions": [plan.led.pk, plan.not_led.pk], "status": "blocked", "retour": "statut=planned&q=f%C3%AAte"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/projets/{plan.project.slug}/actions/?statut=planned&q=f%C3%AAte"
    assert _statuses(plan.led, plan.not_led) == ["blocked", "blocked"]
    entries = ActionChange.objects.filter(action__project=plan.project).order_by("pk")
    assert [(entry.action_id, entry.kind, entry.changes[0]["new"]) for entry in entries] == [
        (plan.led.pk, "status", "Bloquée"),
        (plan.not_led.pk, "status", "Bloquée"),
    ]
    page = client.get(response["Location"]).content.decode()
    assert "2 statuts changés : Bloquée." in page
    # The versions moved on: an edit form opened before would now report a conflict.
    assert Action.objects.get(pk=plan.led.pk).version == 2


def test_an_action_already_at_the_status_writes_no_history(client, plan, login):
    login(plan, "coordinator")
    client.post(_url(plan), {"actions": [plan.led.pk, plan.not_led.pk], "status": "in_progress"})
    assert _statuses(plan.led, plan.not_led) == ["in_progress", "in_progress"]
    assert list(ActionChange.objects.filter(action__project=plan.project).values_list("action_id", flat=True)) == [
        plan.led.pk
    ]
    page = client.post(_url(plan), {"actions": [plan.led.pk], "status": "in_progress"}, follow=True)
    assert "Les actions cochées sont déjà « En cours » : rien n&#x27;a changé." in page.content.decode()


def test_a_contributor_changes_only_their_own_and_a_forbidden_one_refuses_the_batch(client, plan, login):
    login(plan, "contributor")
    response = client.post(_url(plan), {"actions": [plan.led.pk, plan.not_led.pk], "status": "done"}, follow=True)
    assert (
        "Vous ne pouvez pas changer le statut de : A2. Aucun statut n&#x27;a été changé." in response.content.decode()
    )
    assert _statuses(plan.led, plan.not_led) == ["planned", "in_progress"]
    assert not ActionChange.objects.filter(action__project=plan.project).exists()
    client.post(_url(plan), {"actions": [plan.led.pk], "status": "done"})
    assert _statuses(plan.led) == ["done"]


@pytest.mark.parametrize("role, expected", [("reader", 403), ("stranger", 403), ("outsider", 403), ("anonymous", 302)])
def test_others_are_refused(client, plan, login, role, expected):
    login(plan, role)
    response = client.post(_url(plan), {"actions": [plan.led.pk], "status": "done"})
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    assert _statuses(plan.led) == ["planned"] and not ActionChange.objects.filter(action__project=plan.project).exists()


def test_an_action_of_another_project_is_not_found(client, plan, login):
    login(plan, "coordinator")
    for forged in ([plan.led.pk, plan.foreign.pk], ["abc"], [999999]):
        assert client.post(_url(plan), {"actions": forged, "status": "done"}).status_code == 404
    assert _statuses(plan.led, plan.foreign) == ["planned", "planned"]
    assert client.get(_url(plan)).status_code == 405


def test_bad_requests_change_nothing(client, plan, login):
    login(plan, "coordinator")
    page = client.post(_url(plan), {"actions": [plan.led.pk], "status": "en-vacances"}, follow=True)
    assert "Statut inconnu : aucun statut n&#x27;a été changé." in page.content.decode()
    page = client.post(_url(plan), {"status": "done"}, follow=True)
    assert "Cochez au moins une action." in page.content.decode()
    assert _statuses(plan.led) == ["planned"]


def test_one_transaction_a_failure_midway_changes_nothing(plan, monkeypatch):
    real = editing.change_status
    calls = []

    def failing(action, status, user, reason=""):
        calls.append(action.ref)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(action, status, user, reason=reason)

    monkeypatch.setattr(editing, "change_status", failing)
    from maillage.accounts.access import access_for

    user = plan.users["coordinator"]
    with pytest.raises(RuntimeError):
        bulk.change_statuses([plan.led, plan.not_led], "done", user, access_for(user, plan.project))
    assert calls == ["A1", "A2"]
    assert (
        _statuses(plan.led, plan.not_led) == ["planned", "in_progress"]
        and not ActionChange.objects.filter(action__project=plan.project).exists()
    )


def test_htmx_gets_the_message_and_each_changed_row(client, plan, login):
    login(plan, "coordinator")
    response = client.post(
        _url(plan), {"actions": [plan.led.pk, plan.not_led.pk], "status": "done"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "2 statuts changés : Terminée." in html
    for action in (plan.led, plan.not_led):
        assert f'<div id="statut-{action.pk}" class="maillage-quick-status" hx-swap-oob="true">' in html
    refused = client.post(
        _url(plan), {"actions": [plan.led.pk], "status": "nope"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "fr-message--error" in refused and "hx-swap-oob" not in refused


def test_the_list_offers_checkboxes_for_the_actions_one_may_edit(client, plan, login):
    url = reverse("action-list", args=[plan.project.slug])
    login(plan, "coordinator")
    page = client.get(url).content.decode()
    assert 'id="bulk-status-form"' in page and 'hx-post="/projets/pst-test/actions/statuts/"' in page
    assert f'id="select-{plan.led.pk}"' in page and f'id="select-{plan.not_led.pk}"' in page
    assert 'form="bulk-status-form"' in page  # the boxes live in the table, outside the form (no nested forms)
    login(plan, "contributor")
    page = client.get(url).content.decode()
    assert f'id="select-{plan.led.pk}"' in page and f'id="select-{plan.not_led.pk}"' not in page
    login(plan, "reader")
    page = client.get(url).content.decode()
    assert 'id="bulk-status-form"' not in page and 'name="actions"' not in page
