"""Writes: optimistic locking with ETag / If-Match, the UI's rules and history, French errors."""

from maillage.actions.models import Action, ActionChange
from maillage.evaluation.models import FollowUpNote, IndicatorValue


def _url(world, ref="A1"):
    return f"/api/v1/projects/{world.plan.project.slug}/actions/{ref}"


def test_a_stale_if_match_gets_412_with_the_current_state(world, api_client):
    client = api_client(world.secrets["coordinator_write"])
    read = client.get(_url(world))
    etag = read["ETag"]
    assert etag == f'"{read.json()["version"]}"'
    first = client.send("PATCH", _url(world), {"status": "in_progress"}, HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "in_progress"
    assert first["ETag"] != etag
    # A second client still holding the old ETag is refused, and shown what is saved now.
    stale = api_client(world.secrets["contributor_write"]).send(
        "PATCH", _url(world), {"status": "blocked"}, HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    body = stale.json()
    assert body["error"]["code"] == "version_conflict"
    assert body["current"]["status"] == "in_progress"
    assert f'"{body["current"]["version"]}"' == stale["ETag"] == first["ETag"]
    assert Action.objects.get(pk=world.plan.actions["guide"].pk).status == "in_progress"


def test_if_match_is_required_on_patch(world, api_client):
    client = api_client(world.secrets["coordinator_write"])
    response = client.send("PATCH", _url(world), {"status": "done"})
    assert response.status_code == 428
    assert response.json()["error"]["code"] == "precondition_required"


def test_a_patch_goes_through_the_sheet_form_and_the_history_names_the_token_owner(world, api_client):
    guide = world.plan.actions["guide"]
    client = api_client(world.secrets["contributor_write"])
    etag = client.get(_url(world))["ETag"]
    response = client.send("PATCH", _url(world), {"status": "blocked", "obstacles": "Pas de salle"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    guide.refresh_from_db()
    assert (guide.status, guide.obstacles) == ("blocked", "Pas de salle")
    assert list(guide.leads.values_list("key", flat=True)) == ["lea-pilote"]  # the rest of the sheet kept
    assert guide.partner_roles.count() == 1 and guide.lead_organisation.key == "centre-social"
    change = ActionChange.objects.filter(action=guide).first()
    assert change.user == world.users["contributor"]
    assert {c["field"] for c in change.changes} == {"status", "obstacles"}


def test_a_bad_value_is_refused_in_french_with_its_path_and_changes_nothing(world, api_client):
    client = api_client(world.secrets["coordinator_write"])
    etag = client.get(_url(world))["ETag"]
    response = client.send("PATCH", _url(world), {"status": "perdu"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["details"][0]["path"] == "$.status"
    response = client.send("PATCH", _url(world), {"titre": "x"}, HTTP_IF_MATCH=etag)
    assert response.json()["error"]["details"] == [{"path": "$.titre", "message": "champ inconnu"}]
    response = client.send("PATCH", _url(world), {"title": None}, HTTP_IF_MATCH=etag)
    assert response.status_code == 422
    assert client.get(_url(world))["ETag"] == etag


def test_notes_and_indicator_values_are_signed_and_kept_in_the_history(world, api_client):
    guide = world.plan.actions["guide"]
    indicator = guide.indicators.get()
    client = api_client(world.secrets["contributor_write"])
    note = client.send("POST", _url(world) + "/notes", {"text": "Réunion avec la CAF", "date": "2026-01-15"})
    assert note.status_code == 201, note.content
    assert FollowUpNote.objects.filter(
        action=guide, text="Réunion avec la CAF", author_user=world.users["contributor"]
    ).exists()
    values_url = _url(world) + f"/indicators/{indicator.pk}/values"
    added = client.send("POST", values_url, {"period": "2026", "value": 30.5, "comment": "Mesuré en juin"})
    assert added.status_code == 201, added.content
    replaced = client.send("POST", values_url, {"period": "2025", "value": 15})
    assert replaced.status_code == 200, replaced.content
    values = dict(IndicatorValue.objects.filter(indicator=indicator).values_list("period", "value"))
    assert {k: float(v) for k, v in values.items()} == {"2025": 15.0, "2026": 30.5}
    # The 2025 value's assessment was replaced by what was sent (nothing): the period is set as a whole.
    assert IndicatorValue.objects.get(indicator=indicator, period="2025").assessment == ""
    kinds = list(ActionChange.objects.filter(action=guide).values_list("kind", "user"))
    contributor = world.users["contributor"].pk
    assert ("note", contributor) in kinds and ("indicator", contributor) in kinds
    refused = client.send("POST", values_url, {"period": "2026", "value": 1.123456})
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["path"] == "$.value"
    other_indicator = world.other.actions["guide"].indicators.get().pk
    assert (
        client.send("POST", _url(world) + f"/indicators/{other_indicator}/values", {"period": "2026"}).status_code
        == 404
    )


def test_a_stale_if_match_on_a_value_gets_412(world, api_client):
    indicator = world.plan.actions["guide"].indicators.get()
    client = api_client(world.secrets["coordinator_write"])
    response = client.send(
        "POST",
        _url(world) + f"/indicators/{indicator.pk}/values",
        {"period": "2030", "value": 1},
        HTTP_IF_MATCH='"999"',
    )
    assert response.status_code == 412
    assert not IndicatorValue.objects.filter(indicator=indicator, period="2030").exists()
