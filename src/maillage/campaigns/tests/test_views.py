"""The campaign screens in French: a campaign prepared, opened and answered through the pages, errors
that change nothing, the lead's home page, the progress page and the synthesis."""

import datetime
import re

import pytest
from django.urls import reverse

from maillage.actions.models import ActionChange
from maillage.campaigns.answering import save_answer
from maillage.campaigns.mine import open_questionnaires
from maillage.campaigns.models import Answer, Campaign
from maillage.campaigns.reviewing import accept
from maillage.evaluation.models import IndicatorValue

from .test_life import full_data

pytestmark = pytest.mark.django_db


def url(name, scene, *args):
    return reverse(name, args=[scene.project.slug, *args])


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_coordinator_prepares_and_opens_a_campaign_through_the_pages(client, draft_scene):
    scene = draft_scene
    client.force_login(scene.users["coordinator"])
    form = page_of(client.get(url("campaign-create", scene)))
    assert "Nouvelle campagne d&#x27;évaluation" in form and "Une branche de l&#x27;arborescence" in form
    response = client.post(
        url("campaign-create", scene),
        {
            "kind": "mid_term",
            "first_year": 2023,
            "last_year": 2024,
            "due_date": (datetime.date.today() + datetime.timedelta(days=15)).isoformat(),
            "scope": "node",
            "node": scene.plan.nodes["axe2"].pk,
            "instructions": "Merci de répondre avant le comité.",
        },
        follow=True,
    )
    campaign = Campaign.objects.get(project=scene.project, kind="mid_term")
    assert campaign.title == "Bilan mi-parcours 2023-2024" and campaign.node == scene.plan.nodes["axe2"]
    assert "adaptez-le, puis ouvrez-la" in " ".join(messages_of(response))
    questions = page_of(response)
    assert "Qu&#x27;est-ce qui a été réalisé ?" in questions and "Ajouter une question" in questions
    # A question with one choice only is refused in French and nothing is added.
    response = client.post(
        url("campaign-questions", scene, campaign.pk), {"kind": "choice", "label": "Lieu", "choices_text": "Seul"}
    )
    assert "Proposez au moins deux choix" in page_of(response)
    assert not campaign.questions.filter(label="Lieu").exists()
    client.post(
        url("campaign-questions", scene, campaign.pk),
        {"kind": "choice", "label": "Lieu", "choices_text": "Salle\nParc\n"},
    )
    assert campaign.questions.get(label="Lieu").choices == ["Salle", "Parc"]
    detail = page_of(client.get(url("campaign-detail", scene, campaign.pk)))
    assert "À l’ouverture, 1 action sera interrogée, auprès de 1 pilote." in detail  # the café, under axe 2
    response = client.post(url("campaign-open", scene, campaign.pk), follow=True)
    assert "La campagne est ouverte : 1 questionnaire attend sa réponse" in " ".join(messages_of(response))
    assert list(Answer.objects.filter(campaign=campaign).values_list("action__ref", flat=True)) == ["A3"]
    # Once open, the period and the perimeter are no longer in the settings form.
    settings = page_of(client.get(url("campaign-edit", scene, campaign.pk)))
    assert 'name="due_date"' in settings and 'name="scope"' not in settings and 'name="first_year"' not in settings


def test_opening_refused_says_why_and_changes_nothing(client, draft_scene):
    scene = draft_scene
    Campaign.objects.filter(pk=scene.campaign.pk).update(due_date=datetime.date.today() - datetime.timedelta(days=2))
    client.force_login(scene.users["coordinator"])
    response = client.post(url("campaign-open", scene, scene.campaign.pk), follow=True)
    assert "La date limite de réponse est passée" in " ".join(messages_of(response))
    assert Campaign.objects.get(pk=scene.campaign.pk).is_draft
    assert not Answer.objects.filter(campaign=scene.campaign).exists()


def test_the_lead_finds_answers_saves_a_draft_sends_and_resends(client, scene):
    lead = scene.users["lead"]
    client.force_login(lead)
    home = page_of(client.get(reverse("home")))
    assert "Mes questionnaires" in home and "A1 — Écrire le guide" in home and "A3 — Café des parents" in home
    assert "A2 — " not in home.split("Mes questionnaires")[1].split("Mes actions")[0]
    answer = scene.answer("guide")
    target = url("campaign-answer", scene, scene.campaign.pk, answer.pk)
    form = page_of(client.get(target))
    assert "Guides distribués" in form and "cible 2023 : 200" in form and "Co-construction" in form
    assert "Enregistrer le brouillon" in form and "Envoyer la réponse" in form
    questions = {q.label: q for q in scene.campaign.questions.all()}
    done = questions["Qu'est-ce qui a été réalisé ?"]
    count = questions["Nombre de personnes touchées"]
    value_field = f"i{scene.quantitative.pk}_value"
    # A French number with a comma and a space is understood; a word is refused in French, nothing saved.
    bad = client.post(target, {"version": 0, count.key: "beaucoup", done.key: "Fait.", "brouillon": ""})
    assert "Saisissez un nombre" in page_of(bad) and "rien n’a été enregistré" in bad.content.decode()
    assert scene.answer("guide").state == Answer.State.PENDING
    response = client.post(
        target,
        {"version": 0, count.key: "1 250,5", done.key: "Un début.", value_field: "150", "brouillon": ""},
        follow=True,
    )
    assert "Brouillon enregistré" in " ".join(messages_of(response))
    answer = scene.answer("guide")
    assert answer.state == Answer.State.DRAFT and answer.responses[count.key] == "1250.5"
    # Sending without the required proposal is refused with the question named.
    response = client.post(target, {"version": answer.version, done.key: "Le guide est écrit.", "envoyer": ""})
    assert "Cette question est obligatoire pour envoyer la réponse." in page_of(response)
    assert scene.answer("guide").state == Answer.State.DRAFT
    data = {
        "version": answer.version,
        done.key: "Le guide est écrit.",
        "proposal": "continue",
        "participation": "consultation",
        value_field: "150",
        "envoyer": "",
    }
    response = client.post(target, data, follow=True)
    assert "Réponse envoyée à la coordination" in " ".join(messages_of(response))
    assert scene.answer("guide").state == Answer.State.SUBMITTED
    sent = page_of(client.get(target))
    assert 'id="answer-form"' not in sent and "Le guide est écrit." in sent
    # An old form sent again is refused: the answer is no longer editable.
    response = client.post(target, data, follow=True)
    assert "ne se modifie plus" in " ".join(messages_of(response))
    # Sent back: the lead sees the comment and sends again.
    client.force_login(scene.users["coordinator"])
    review = url("campaign-answer-review", scene, scene.campaign.pk, answer.pk)
    response = client.post(review, {"decision": "renvoyer", "comment": ""}, follow=True)
    assert "Dites au pilote ce qu" in " ".join(messages_of(response))
    client.post(review, {"decision": "renvoyer", "comment": "Ajoutez le nombre de familles."})
    assert scene.answer("guide").state == Answer.State.RETURNED
    client.force_login(lead)
    returned = page_of(client.get(target))
    assert "La coordination vous renvoie cette réponse" in returned and "Ajoutez le nombre de familles." in returned
    answer = scene.answer("guide")
    response = client.post(target, {**data, "version": answer.version, count.key: "42"}, follow=True)
    assert scene.answer("guide").state == Answer.State.SUBMITTED


def test_two_leads_saving_the_same_answer_the_second_is_told(client, scene):
    answer = scene.answer("guide")
    done = scene.campaign.questions.get(label="Qu'est-ce qui a été réalisé ?")
    save_answer(
        answer,
        {"responses": {done.key: "Enregistré par la coordination."}},
        scene.users["coordinator"],
        expected_version=0,
    )
    client.force_login(scene.users["lead"])
    response = client.post(
        url("campaign-answer", scene, scene.campaign.pk, answer.pk),
        {"version": 0, done.key: "Ma version", "brouillon": ""},
    )
    assert "enregistrée par quelqu’un d’autre entre-temps" in page_of(response)
    assert scene.answer("guide").responses[done.key] == "Enregistré par la coordination."


def test_the_coordinator_accepts_with_the_proposed_status_and_the_plan_shows_it(client, scene):
    answer = save_answer(
        scene.answer("permanence"),
        full_data(scene, proposal="done", indicators={}),
        scene.users["other_lead"],
        submit=True,
    )
    client.force_login(scene.users["coordinator"])
    target = url("campaign-answer", scene, scene.campaign.pk, answer.pk)
    page = page_of(client.get(target))
    assert "Examiner la réponse" in page and "Bilan annuel 2023 accepté" in page
    # The proposal "done" preselects "Terminée".
    assert re.search(r'<option value="done" selected>Terminée</option>', page)
    response = client.post(
        url("campaign-answer-review", scene, scene.campaign.pk, answer.pk),
        {"decision": "accepter", "status": "done"},
        follow=True,
    )
    assert "Réponse acceptée" in " ".join(messages_of(response))
    action = answer.action
    action.refresh_from_db()
    assert action.status == "done"
    fiche = page_of(client.get(reverse("action-detail", args=[scene.project.slug, action.ref])))
    assert "Bilan annuel 2023 accepté" in fiche  # the history's reason on the fiche
    assert ActionChange.objects.filter(action=action, reason="Bilan annuel 2023 accepté", kind="status").exists()


def test_a_refused_acceptance_is_explained_and_nothing_is_written(client, scene):
    answer = save_answer(scene.answer("guide"), full_data(scene), scene.users["lead"], submit=True)
    answer.indicator_values.filter(indicator=scene.quantitative).update(value=10**13)
    client.force_login(scene.users["coordinator"])
    response = client.post(
        url("campaign-answer-review", scene, scene.campaign.pk, answer.pk),
        {"decision": "accepter", "status": "done"},
        follow=True,
    )
    text = " ".join(messages_of(response))
    assert "Rien n'a été enregistré" in text
    assert "Guides distribués" in text
    assert scene.answer("guide").state == Answer.State.SUBMITTED
    assert not IndicatorValue.objects.filter(indicator__action__project=scene.project).exists()


def test_the_progress_page_counts_names_the_late_and_filters(client, scene):
    save_answer(scene.answer("permanence"), full_data(scene, indicators={}), scene.users["other_lead"], submit=True)
    Campaign.objects.filter(pk=scene.campaign.pk).update(due_date=datetime.date.today() - datetime.timedelta(days=1))
    client.force_login(scene.users["coordinator"])
    page = page_of(client.get(url("campaign-progress", scene, scene.campaign.pk)))
    assert 'id="figure-expected"' in page
    figures = re.findall(r'<p class="fr-h4 fr-mb-0">(?:<a [^>]*>)?(\d+)', page)
    assert figures == ["4", "1", "1", "0", "3", "3"]  # expected, sent, to review, accepted, outstanding, late
    assert "1 action n’a pas de pilote" in page
    leads = page.split('id="lead-table"')[1].split("</table>")[0]
    assert leads.index("Camille Martin") < leads.index("Sami Durand")  # two answers to send first
    assert "en retard" in leads
    filtered = page_of(client.get(url("campaign-progress", scene, scene.campaign.pk), {"etat": "submitted"}))
    table = filtered.split('id="answers-table"')[1]
    assert "A2 — Permanence" in table and "A1 — Écrire le guide" not in table
    by_lead = page_of(client.get(url("campaign-progress", scene, scene.campaign.pk), {"pilote": scene.lead.pk}))
    table = by_lead.split('id="answers-table"')[1]
    assert "A1 — Écrire le guide" in table and "A3 — Café des parents" in table and "A2 —" not in table
    response = client.post(url("campaign-remind", scene, scene.campaign.pk), follow=True)
    assert "Relance envoyée à 1 pilote." in " ".join(messages_of(response))
    response = client.post(url("campaign-remind", scene, scene.campaign.pk), follow=True)
    assert "Une relance est déjà partie" in " ".join(messages_of(response))


def test_the_synthesis_shows_counts_and_accepted_answers_only(client, scene):
    accepted = save_answer(scene.answer("guide"), full_data(scene), scene.users["lead"], submit=True)
    accept(accepted, scene.users["coordinator"], status="continuous")
    done = scene.campaign.questions.get(label="Qu'est-ce qui a été réalisé ?")
    save_answer(scene.answer("parents"), {"responses": {done.key: "Brouillon confidentiel"}}, scene.users["lead"])
    client.force_login(scene.users["reader"])
    page = page_of(client.get(url("campaign-detail", scene, scene.campaign.pk)))
    assert '<p class="fr-h3 fr-mb-0">1 / 4</p>' in page  # sent / expected
    statuses = page.split('id="synthesis-statuses"')[1].split("</table>")[0]
    assert "1 Accéder à ses droits" in statuses and "Hors arborescence" in statuses and "En continu" in statuses
    proposals = page.split('id="synthesis-proposals"')[1].split("</table>")[0]
    assert "Poursuivre" in proposals
    accepted_list = page.split('id="accepted-answers"')[1]
    assert "A1 — Écrire le guide" in accepted_list and "A3 —" not in accepted_list
    assert "Brouillon confidentiel" not in page
    draft = client.get(url("campaign-answer", scene, scene.campaign.pk, scene.answer("parents").pk))
    assert draft.status_code == 403


def test_the_home_page_and_the_digest_list_what_the_lead_must_still_send(client, scene):
    save_answer(scene.answer("parents"), full_data(scene, indicators={}), scene.users["lead"], submit=True)
    items = open_questionnaires(scene.users["lead"])
    assert [item["title"] for item in items] == ["Bilan annuel 2023 — A1 Écrire le guide"]
    assert items[0]["due"] == scene.campaign.due_date and items[0]["project"] == scene.project
    assert items[0]["url"] == url("campaign-answer", scene, scene.campaign.pk, scene.answer("guide").pk)
    assert open_questionnaires(scene.users["reader"]) == []
    # A closed campaign is no longer asked for.
    Campaign.objects.filter(pk=scene.campaign.pk).update(state=Campaign.State.CLOSED)
    assert open_questionnaires(scene.users["lead"]) == []
    client.force_login(scene.users["lead"])
    assert "Mes questionnaires" not in page_of(client.get(reverse("home")))


def test_the_project_menu_leads_to_the_campaigns(client, scene):
    client.force_login(scene.users["reader"])
    page = page_of(client.get(url("campaign-list", scene)))
    assert f'href="{url("campaign-list", scene)}"' in page and "Évaluations" in page
    assert "Bilan annuel 2023" in page and "Nouvelle campagne" not in page


def test_the_campaign_page_lists_the_leads_own_questionnaires(client, scene):
    client.force_login(scene.users["lead"])
    page = page_of(client.get(url("campaign-detail", scene, scene.campaign.pk)))
    mine = page.split('id="my-answers-table"')[1].split("</table>")[0]
    assert "A1 — Écrire le guide" in mine and "A3 — Café des parents" in mine and "A2 —" not in mine
    client.force_login(scene.users["reader"])
    assert 'id="my-answers-table"' not in page_of(client.get(url("campaign-detail", scene, scene.campaign.pk)))


def test_a_branch_of_another_project_is_refused(client, draft_scene):
    scene = draft_scene
    from maillage.projects.models import Level, Node

    level = Level.objects.create(project=scene.other_project, depth=1, name="Axe")
    foreign = Node.objects.create(project=scene.other_project, level=level, title="Ailleurs")
    client.force_login(scene.users["coordinator"])
    response = client.post(
        url("campaign-create", scene),
        {
            "kind": "final",
            "first_year": 2023,
            "last_year": 2026,
            "due_date": "2099-01-31",
            "scope": "node",
            "node": foreign.pk,
        },
    )
    assert "Sélectionnez un choix valide" in page_of(response)
    assert not Campaign.objects.filter(kind="final").exists()


def test_the_leads_table_is_sorted_and_cut_in_the_database(scene, fetched):
    from maillage.campaigns.progress import lead_rows

    with fetched() as measure:
        rows, total = lead_rows(scene.campaign, limit=1)
    assert total == 2 and [row.person.name for row in rows] == ["Camille Martin"] and rows[0].outstanding == 2
    assert measure.by_model.get("partners.Person") == 1
