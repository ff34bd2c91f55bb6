"""Every fiche action view, for every role: allowed, refused, or sent to the login / public page."""

import pytest
from django.urls import reverse

from maillage.actions.models import Action, Comment
from maillage.evaluation.models import FollowUpNote

ROLES = ["coordinator", "contributor", "reader", "network_admin", "outsider", "stranger", "anonymous"]
MEMBERS = {"coordinator", "contributor", "reader", "network_admin"}
MANAGERS = {"coordinator", "network_admin"}


def expected(role, allowed):
    if role in allowed:
        return "ok"
    return "login" if role == "anonymous" else 403


def check(response, outcome, ok_codes=(200,)):
    if outcome == "ok":
        assert response.status_code in ok_codes, response.status_code
    elif outcome == "login":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == outcome


@pytest.mark.parametrize("role", ROLES)
def test_list_and_sheet_are_for_members(plan, login, role):
    client = login(plan, role)
    outcome = expected(role, MEMBERS)
    check(client.get(reverse("action-list", args=[plan.project.slug])), outcome)
    for action in (plan.led, plan.not_led):
        response = client.get(reverse("action-detail", args=[plan.project.slug, action.ref]))
        check(response, outcome)
        if outcome == "ok":
            page = response.content.decode()
            assert action.title.replace("'", "&#x27;") in page
            # Contact details are shown to members only, and this page is for members only.
            if action == plan.led:
                assert "camille@mairie.fr" in page


@pytest.mark.parametrize("role", ROLES)
def test_creating_an_action_is_for_coordinators(plan, login, role):
    client = login(plan, role)
    url = reverse("action-create", args=[plan.project.slug])
    outcome = expected(role, MANAGERS)
    check(client.get(url), outcome)
    response = client.post(
        url, {**empty_formsets(), "ref": f"N-{role}", "title": "Nouvelle action", "status": "planned"}
    )
    check(response, outcome, ok_codes=(302,))
    assert Action.objects.filter(project=plan.project, ref=f"N-{role}").exists() == (outcome == "ok")


def empty_formsets():
    data = {}
    for prefix in ("partenaires", "budget"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["led", "not_led"])
def test_editing_is_for_coordinators_and_the_actions_leads(plan, login, role, which):
    client = login(plan, role)
    action = getattr(plan, which)
    allowed = MANAGERS | ({"contributor"} if which == "led" else set())
    outcome = expected(role, allowed)
    slug = plan.project.slug
    check(client.get(reverse("action-edit", args=[slug, action.ref])), outcome)
    check(client.get(reverse("action-indicator-add", args=[slug, action.ref])), outcome)

    response = client.post(reverse("action-status", args=[slug, action.ref]), {"status": "blocked"})
    check(response, outcome, ok_codes=(302,))
    action.refresh_from_db()
    assert (action.status == "blocked") == (outcome == "ok")

    response = client.post(
        reverse("action-status", args=[slug, action.ref]), {"status": "done", "from": "list"}, HTTP_HX_REQUEST="true"
    )
    check(response, outcome if outcome != "login" else "login")
    if outcome == "ok":
        fragment = response.content.decode()
        assert f'id="statut-{action.pk}"' in fragment and "<html" not in fragment
        assert "Terminée" in fragment and "Statut enregistré : Terminée." in fragment
    action.refresh_from_db()
    assert (action.status == "done") == (outcome == "ok")

    response = client.post(reverse("action-note-add", args=[slug, action.ref]), {"date": "2024-03-12", "text": "RAS"})
    check(response, outcome, ok_codes=(302,))
    assert FollowUpNote.objects.filter(action=action, text="RAS").exists() == (outcome == "ok")

    data = {
        "title": "Titre changé",
        "status": "planned",
        "version": action.version,
        **empty_formsets(),
    }
    response = client.post(reverse("action-edit", args=[slug, action.ref]), data)
    check(response, outcome, ok_codes=(302,))
    action.refresh_from_db()
    assert (action.title == "Titre changé") == (outcome == "ok")


@pytest.mark.parametrize("role", ROLES)
def test_every_member_may_comment(plan, login, role):
    client = login(plan, role)
    outcome = expected(role, MEMBERS)
    url = reverse("action-comment-add", args=[plan.project.slug, plan.not_led.ref])
    check(client.post(url, {"text": "Bravo à l'équipe"}), outcome, ok_codes=(302,))
    assert Comment.objects.filter(action=plan.not_led).exists() == (outcome == "ok")
    if outcome == "ok":
        page = client.get(reverse("action-detail", args=[plan.project.slug, plan.not_led.ref])).content.decode()
        assert "Bravo à l&#x27;équipe" in page


def test_htmx_fragments_are_refused_too(plan, login):
    client = login(plan, "reader")
    url = reverse("action-status", args=[plan.project.slug, plan.led.ref])
    assert client.post(url, {"status": "done"}, HTTP_HX_REQUEST="true").status_code == 403
    client.logout()
    response = client.post(url, {"status": "done"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    plan.led.refresh_from_db()
    assert plan.led.status == "planned"


def test_controls_are_hidden_from_who_may_not_use_them(plan, login):
    slug = plan.project.slug
    client = login(plan, "reader")
    page = client.get(reverse("action-detail", args=[slug, plan.led.ref])).content.decode()
    assert 'id="edit-action"' not in page and 'id="quick-status-form"' not in page and 'id="note-form"' not in page
    assert 'id="comment-form"' in page
    listing = client.get(reverse("action-list", args=[slug])).content.decode()
    assert "statut-form-" not in listing and 'id="new-action"' not in listing
    client = login(plan, "contributor")
    listing = client.get(reverse("action-list", args=[slug])).content.decode()
    assert f"statut-form-{plan.led.pk}" in listing and f"statut-form-{plan.not_led.pk}" not in listing
    page = client.get(reverse("action-detail", args=[slug, plan.led.ref])).content.decode()
    assert 'id="edit-action"' in page and 'id="quick-status-form"' in page and 'id="note-form"' in page


def test_another_projects_action_is_a_404(plan, login):
    client = login(plan, "coordinator")
    slug = plan.project.slug
    ref = plan.foreign.ref
    assert client.get(reverse("action-detail", args=[slug, ref])).status_code == 404
    assert client.get(reverse("action-edit", args=[slug, ref])).status_code == 404
    assert client.post(reverse("action-status", args=[slug, ref]), {"status": "done"}).status_code == 404
    assert (
        client.post(reverse("action-note-add", args=[slug, ref]), {"date": "2024-01-01", "text": "x"}).status_code
        == 404
    )
    assert client.post(reverse("action-comment-add", args=[slug, ref]), {"text": "x"}).status_code == 404
    # and the project B's action through its own slug: refused, naming nothing
    response = client.get(reverse("action-detail", args=[plan.other.slug, ref]))
    assert response.status_code == 403 and "Autre PST" not in response.content.decode()
    plan.foreign.refresh_from_db()
    assert plan.foreign.status == "planned"


def test_another_projects_indicator_is_a_404(plan, login):
    from maillage.evaluation.models import Indicator

    foreign = Indicator.objects.create(action=plan.foreign, kind="quantitative", title="Autre")
    other_action = Indicator.objects.create(action=plan.not_led, kind="quantitative", title="Voisin")
    client = login(plan, "coordinator")
    slug = plan.project.slug
    assert client.get(reverse("action-indicator-edit", args=[slug, plan.led.ref, foreign.pk])).status_code == 404
    # an indicator of another action of the same project, through the wrong action: 404 too
    url = reverse("action-indicator-edit", args=[slug, plan.led.ref, other_action.pk])
    assert client.get(url).status_code == 404
    client = login(plan, "contributor")
    url = reverse("action-indicator-edit", args=[slug, plan.not_led.ref, other_action.pk])
    assert client.get(url).status_code == 403


def test_visitors_of_a_published_project_go_to_the_public_pages(plan, client):
    plan.project.published = True
    plan.project.save()
    slug = plan.project.slug
    response = client.get(reverse("action-list", args=[slug]))
    assert response.status_code == 302 and response["Location"] == reverse("public-plan", args=[slug])
    response = client.get(reverse("action-detail", args=[slug, plan.led.ref]))
    assert response["Location"] == reverse("public-action", args=[slug, plan.led.ref])
    public = client.get(response["Location"]).content.decode()
    assert "camille@mairie.fr" not in public
    response = client.post(reverse("action-status", args=[slug, plan.led.ref]), {"status": "done"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.post(reverse("action-comment-add", args=[slug, plan.led.ref]), {"text": "x"})
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("action-edit", args=[slug, plan.led.ref])).status_code == 302
    plan.led.refresh_from_db()
    assert plan.led.status == "planned"


def test_get_on_a_post_only_endpoint_is_refused(plan, login):
    client = login(plan, "coordinator")
    assert client.get(reverse("action-status", args=[plan.project.slug, plan.led.ref])).status_code == 405
