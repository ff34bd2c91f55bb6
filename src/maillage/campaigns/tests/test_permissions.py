"""Every campaign page and POST, for every role: coordinator, network admin, the action's lead, a lead of
another action, reader, another project's member, an account without role, anonymous — and the ids
of another project or campaign answer 404."""

import pytest
from django.urls import reverse

from maillage.campaigns.answering import save_answer
from maillage.campaigns.models import Answer, Campaign, Question
from maillage.campaigns.opening import create_campaign, open_campaign
from maillage.campaigns.reviewing import accept

from .test_life import full_data

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "network_admin", "lead", "other_lead", "reader", "other_member", "outsider", "anonymous"]
MEMBERS = {"coordinator", "network_admin", "lead", "other_lead", "reader"}
MANAGERS = {"coordinator", "network_admin"}


def as_role(client, scene, role):
    if role != "anonymous":
        client.force_login(scene.users[role])
    return client


def check(response, role, allowed, ok=(200,)):
    if role in allowed:
        assert response.status_code in ok, (role, response.status_code)
    elif role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), response.status_code
    else:
        assert response.status_code == 403, (role, response.status_code)


def url(name, scene, *args):
    return reverse(name, args=[scene.project.slug, *args])


@pytest.mark.parametrize("role", ROLES)
def test_reading_pages_are_for_members_and_following_for_coordinators(client, scene, role):
    client = as_role(client, scene, role)
    campaign = scene.campaign
    check(client.get(url("campaign-list", scene)), role, MEMBERS)
    response = client.get(url("campaign-detail", scene, campaign.pk))
    check(response, role, MEMBERS)
    if role in MEMBERS:
        page = response.content.decode()
        assert "Synthèse" in page and "Rapport d’évaluation" in page
        assert ("Suivi des réponses" in page) == (role in MANAGERS)
    check(client.get(url("campaign-progress", scene, campaign.pk)), role, MANAGERS)
    check(client.get(url("campaign-questions", scene, campaign.pk)), role, MANAGERS)
    question = campaign.questions.first()
    check(client.get(url("campaign-question-edit", scene, campaign.pk, question.pk)), role, MANAGERS)
    check(client.get(url("campaign-question-remove", scene, campaign.pk, question.pk)), role, MANAGERS)
    check(client.get(url("campaign-edit", scene, campaign.pk)), role, MANAGERS)
    check(client.get(url("campaign-create", scene)), role, MANAGERS)


@pytest.mark.parametrize("role", ROLES)
def test_a_campaign_in_preparation_exists_only_for_coordinators(client, draft_scene, role):
    scene = draft_scene
    client = as_role(client, scene, role)
    response = client.get(url("campaign-detail", scene, scene.campaign.pk))
    if role in MEMBERS - MANAGERS:
        assert response.status_code == 404
    else:
        check(response, role, MANAGERS)
    listing = client.get(url("campaign-list", scene))
    if role in MEMBERS:
        assert (scene.campaign.title in listing.content.decode()) == (role in MANAGERS)


@pytest.mark.parametrize("role", ROLES)
def test_preparing_and_opening_are_for_coordinators(client, draft_scene, role):
    scene = draft_scene
    client = as_role(client, scene, role)
    campaign = scene.campaign
    response = client.post(
        url("campaign-create", scene),
        {"kind": "mid_term", "first_year": 2023, "last_year": 2024, "due_date": "2099-01-31", "scope": "all"},
    )
    check(response, role, MANAGERS, ok=(302,))
    assert Campaign.objects.filter(project=scene.project, kind="mid_term").exists() == (role in MANAGERS)
    response = client.post(
        url("campaign-questions", scene, campaign.pk), {"kind": "text", "label": f"Question de {role}"}
    )
    check(response, role, MANAGERS, ok=(302,))
    assert Question.objects.filter(campaign=campaign, label=f"Question de {role}").exists() == (role in MANAGERS)
    question = campaign.questions.order_by("position").last()
    response = client.post(url("campaign-question-move", scene, campaign.pk, question.pk), {"sens": "haut"})
    check(response, role, MANAGERS, ok=(302,))
    response = client.post(
        url("campaign-question-edit", scene, campaign.pk, question.pk), {"kind": "text", "label": "Reformulée"}
    )
    check(response, role, MANAGERS, ok=(302,))
    assert Question.objects.get(pk=question.pk).label == ("Reformulée" if role in MANAGERS else question.label)
    response = client.post(url("campaign-question-remove", scene, campaign.pk, question.pk))
    check(response, role, MANAGERS, ok=(302,))
    assert Question.objects.filter(pk=question.pk).exists() == (role not in MANAGERS)
    response = client.post(
        url("campaign-edit", scene, campaign.pk),
        {
            "kind": "annual",
            "title": "Renommée",
            "first_year": 2023,
            "last_year": 2023,
            "due_date": "2099-01-31",
            "scope": "all",
        },
    )
    check(response, role, MANAGERS, ok=(302,))
    assert (Campaign.objects.get(pk=campaign.pk).title == "Renommée") == (role in MANAGERS)
    check(client.post(url("campaign-open", scene, campaign.pk)), role, MANAGERS, ok=(302,))
    campaign.refresh_from_db()
    assert campaign.is_open == (role in MANAGERS)


@pytest.mark.parametrize("role", ROLES)
def test_closing_reopening_and_reminding_are_for_coordinators(client, scene, role):
    client = as_role(client, scene, role)
    campaign = scene.campaign
    check(client.post(url("campaign-remind", scene, campaign.pk)), role, MANAGERS, ok=(302,))
    assert campaign.reminders.exists() == (role in MANAGERS)
    check(client.post(url("campaign-close", scene, campaign.pk)), role, MANAGERS, ok=(302,))
    campaign.refresh_from_db()
    assert (campaign.state == Campaign.State.CLOSED) == (role in MANAGERS)
    check(client.post(url("campaign-reopen", scene, campaign.pk)), role, MANAGERS, ok=(302,))


@pytest.mark.parametrize("role", ROLES)
def test_an_answer_is_written_by_its_leads_and_the_coordinators_only(client, scene, role):
    client = as_role(client, scene, role)
    answer = scene.answer("guide")
    writers = MANAGERS | {"lead"}
    target = url("campaign-answer", scene, scene.campaign.pk, answer.pk)
    response = client.get(target)
    check(response, role, writers)
    if role in writers:
        assert 'id="answer-form"' in response.content.decode()
    done = scene.campaign.questions.get(label="Qu'est-ce qui a été réalisé ?")
    response = client.post(target, {"version": 0, done.key: f"Écrit par {role}", "brouillon": ""})
    check(response, role, writers, ok=(302,))
    assert (scene.answer("guide").responses.get(done.key) == f"Écrit par {role}") == (role in writers)


@pytest.mark.parametrize("role", ROLES)
def test_an_accepted_answer_is_read_by_every_member_and_reviewing_is_for_coordinators(client, scene, role):
    answer = save_answer(scene.answer("guide"), full_data(scene), scene.users["lead"], submit=True)
    client = as_role(client, scene, role)
    target = url("campaign-answer", scene, scene.campaign.pk, answer.pk)
    check(client.get(target), role, MANAGERS | {"lead"})  # sent, not yet accepted: not for everyone
    response = client.post(url("campaign-answer-review", scene, scene.campaign.pk, answer.pk), {"decision": "accepter"})
    check(response, role, MANAGERS, ok=(302,))
    if role not in MANAGERS:
        accept(scene.answer("guide"), scene.users["coordinator"])
    response = client.get(target)
    check(response, role, MEMBERS)
    if role in MEMBERS:
        page = response.content.decode()
        assert "Le guide a été écrit avec six familles et diffusé." in page
        assert 'id="answer-form"' not in page and 'id="accept-form"' not in page
        assert ('id="answer-steps"' in page) == (role in MANAGERS | {"lead"})


def test_ids_of_another_project_or_campaign_are_not_found(client, scene):
    client.force_login(scene.users["coordinator"])
    other = create_campaign(
        scene.other_project, kind="annual", first_year=2023, last_year=2023, due_date=scene.campaign.due_date
    )
    other_question = other.questions.first()
    # Another project's campaign under this project's address.
    for name in ("campaign-detail", "campaign-progress", "campaign-questions", "campaign-edit"):
        assert client.get(url(name, scene, other.pk)).status_code == 404
    assert client.post(url("campaign-open", scene, other.pk)).status_code == 404
    assert client.get(url("campaign-question-edit", scene, scene.campaign.pk, other_question.pk)).status_code == 404
    assert client.post(url("campaign-question-remove", scene, scene.campaign.pk, other_question.pk)).status_code == 404
    # An answer of another campaign of the same project, under this campaign's address.
    second = create_campaign(
        scene.project, kind="final", first_year=2023, last_year=2026, due_date=scene.campaign.due_date
    )
    open_campaign(second)
    foreign_answer = Answer.objects.filter(campaign=second).first()
    assert client.get(url("campaign-answer", scene, scene.campaign.pk, foreign_answer.pk)).status_code == 404
    response = client.post(
        url("campaign-answer-review", scene, scene.campaign.pk, foreign_answer.pk), {"decision": "accepter"}
    )
    assert response.status_code == 404
    # The other project's coordinator cannot reach this one's campaign through their own project either.
    client.force_login(scene.users["other_member"])
    response = client.get(reverse("campaign-detail", args=[scene.other_project.slug, scene.campaign.pk]))
    assert response.status_code == 404


def test_a_published_projects_visitor_is_asked_to_sign_in(client, scene):
    scene.project.published = True
    scene.project.save()
    response = client.get(url("campaign-detail", scene, scene.campaign.pk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_the_report_is_for_members(client, scene, role, immediate_tasks):
    client = as_role(client, scene, role)
    response = client.post(
        reverse("export-start", args=[scene.project.slug]),
        {"document": f"evaluation:{scene.campaign.pk}", "format": "docx"},
    )
    check(response, role, MEMBERS, ok=(302,))
    # A background document is never written in the request.
    response = client.get(
        reverse("document-download", args=[scene.project.slug]), {"document": "evaluation", "format": "pdf"}
    )
    if role in MEMBERS:
        assert response.status_code == 404 and "tâche de fond" in response.content.decode()
