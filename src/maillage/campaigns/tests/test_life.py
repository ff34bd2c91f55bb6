"""A campaign's whole life, through the plain functions the pages call: prepare, open (the snapshot),
answer, draft, send, send back, send again, accept — values, participation and status written into the
plan with history and reason — and refused whole when one value is invalid."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from maillage.actions.models import Action, ActionChange
from maillage.campaigns.answering import AnswerConflict, save_answer
from maillage.campaigns.models import Answer, AnswerEvent, AnswerIndicator, Campaign, Question
from maillage.campaigns.opening import close_campaign, covered_actions, create_campaign, open_campaign, reopen_campaign
from maillage.campaigns.reviewing import accept, proposed_status, send_back
from maillage.evaluation.models import IndicatorValue
from maillage.partners.models import Person
from maillage.projects.models import Node

pytestmark = pytest.mark.django_db


def questions_by_kind(campaign):
    return {question.kind: question for question in campaign.questions.all()} | {
        question.label: question for question in campaign.questions.all()
    }


def full_data(scene, **changes):
    """A complete answer for the action « guide »: every default question, both indicators."""
    questions = questions_by_kind(scene.campaign)
    data = {
        "responses": {
            questions["Qu'est-ce qui a été réalisé ?"].key: "Le guide a été écrit avec six familles et diffusé.",
            questions["Nombre de personnes touchées"].key: Decimal("180"),
            questions["Partenaires mobilisés"].key: "La Caf, deux écoles.",
        },
        "participation": "co_construction",
        "proposal": "continue",
        "proposal_comment": "Une nouvelle édition en 2024.",
        "indicators": {
            scene.quantitative.pk: {"value": Decimal("150"), "comment": "Compté à la sortie des écoles."},
            scene.qualitative.pk: {"assessment": "Les familles le trouvent clair."},
        },
    }
    data.update(changes)
    return data


def test_a_new_campaign_has_the_default_questionnaire(draft_scene):
    campaign = draft_scene.campaign
    assert campaign.title == "Bilan annuel 2023" and campaign.key == "bilan-annuel-2023"
    kinds = list(campaign.questions.values_list("kind", flat=True))
    assert kinds == ["text", "number", "text", "participation", "text", "indicators", "text", "text", "proposal"]
    labels = list(campaign.questions.values_list("label", flat=True))
    assert labels[0] == "Qu'est-ce qui a été réalisé ?"
    assert "Ce qui a fonctionné" in labels and "Les difficultés rencontrées" in labels
    assert "Profil du public touché" in labels and "Partenaires mobilisés" in labels
    required = set(campaign.questions.filter(required=True).values_list("kind", flat=True))
    assert required == {"text", "proposal"}
    # The same title again gets a numbered key.
    twin = create_campaign(campaign.project, kind="annual", first_year=2023, last_year=2023, due_date=campaign.due_date)
    assert twin.key == "bilan-annuel-2023-2"


def test_a_campaign_evaluates_years_of_the_plan(draft_scene):
    with pytest.raises(ValidationError, match="années du plan, de 2023 à 2026"):
        create_campaign(
            draft_scene.project, kind="final", first_year=2023, last_year=2027, due_date=draft_scene.campaign.due_date
        )


def test_a_draft_answers_nobody_and_opening_takes_the_snapshot(draft_scene, mailoutbox):
    scene = draft_scene
    assert not Answer.objects.filter(campaign=scene.campaign).exists()
    campaign = open_campaign(scene.campaign, scene.users["coordinator"])
    assert campaign.state == Campaign.State.OPEN and campaign.opened_at
    answers = Answer.objects.filter(campaign=campaign)
    # All four top-level actions (skip_closed is off: the done guide is asked too).
    assert set(answers.values_list("action__ref", flat=True)) == {"A1", "A2", "A3", "A4"}
    guide = answers.get(action__ref="A1")
    assert list(guide.respondents.all()) == [scene.lead]
    assert not answers.get(action__ref="A4").respondents.exists()
    assert campaign.scope_label == "Toutes les actions du projet (sans les sous-actions)"
    # Later changes to the plan do not change what was asked.
    Action.objects.create(project=scene.project, ref="A9", title="Une action ajoutée après", position=9)
    guide.action.leads.set([scene.other_lead])
    assert answers.count() == 4
    assert list(Answer.objects.get(pk=guide.pk).respondents.all()) == [scene.lead]
    with pytest.raises(ValidationError, match="déjà ouverte"):
        open_campaign(campaign, scene.users["coordinator"])


def test_opening_is_refused_without_actions_or_with_a_past_due_date(draft_scene):
    scene = draft_scene
    campaign = scene.campaign
    campaign.due_date = datetime.date.today() - datetime.timedelta(days=1)
    campaign.save()
    with pytest.raises(ValidationError, match="date limite"):
        open_campaign(campaign)
    campaign.due_date = datetime.date.today() + datetime.timedelta(days=3)
    campaign.scope = Campaign.Scope.NODE
    campaign.node = scene.plan.nodes["obj22"]  # a branch with no action
    campaign.save()
    with pytest.raises(ValidationError, match="Aucune action"):
        open_campaign(campaign)
    assert Campaign.objects.get(pk=campaign.pk).state == Campaign.State.DRAFT
    assert not Answer.objects.filter(campaign__project=scene.project).exists()


def test_the_scope_is_a_branch_a_programme_or_all_with_sub_actions_and_their_parents_leads(draft_scene):
    scene = draft_scene
    plan = scene.plan
    campaign = scene.campaign
    sub = Action.objects.create(
        project=scene.project, ref="A3.1", title="Un atelier du café", parent=plan.actions["parents"]
    )
    campaign.scope, campaign.node = Campaign.Scope.NODE, plan.nodes["axe1"]
    assert set(covered_actions(campaign).values_list("ref", flat=True)) == {"A1", "A2", "A3"}  # A3 is shared
    campaign.include_sub_actions = True
    assert set(covered_actions(campaign).values_list("ref", flat=True)) == {"A1", "A2", "A3", "A3.1"}
    campaign.skip_closed = True
    assert set(covered_actions(campaign).values_list("ref", flat=True)) == {"A2", "A3", "A3.1"}  # A1 is done
    from maillage.actions.models import Programme

    programme = Programme.objects.create(project=scene.project, key="familles", title="Projet familles")
    programme.actions.add(plan.actions["libre"])
    campaign.scope, campaign.node, campaign.programme = Campaign.Scope.PROGRAMME, None, programme
    assert list(covered_actions(campaign).values_list("ref", flat=True)) == ["A4"]
    campaign.scope, campaign.programme = Campaign.Scope.ALL, None
    campaign.save()
    open_campaign(campaign)
    # The sub-action's expected leads are its parent's.
    assert list(Answer.objects.get(campaign=campaign, action=sub).respondents.all()) == [scene.lead]


def test_draft_then_send_then_back_then_again_then_accept_feeds_the_plan(scene):
    lead, coordinator = scene.users["lead"], scene.users["coordinator"]
    answer = scene.answer("guide")
    questions = questions_by_kind(scene.campaign)
    # A draft may be half-filled.
    draft = {"responses": {questions["Qu'est-ce qui a été réalisé ?"].key: "Un début."}}
    answer = save_answer(answer, draft, lead, expected_version=0)
    assert answer.state == Answer.State.DRAFT and answer.version == 1
    assert answer.responses == {questions["Qu'est-ce qui a été réalisé ?"].key: "Un début."}
    # Sending requires the required questions: refused, nothing changes.
    with pytest.raises(ValidationError) as refused:
        save_answer(answer, draft, lead, submit=True, expected_version=1)
    assert refused.value.message_dict == {"proposal": ["Cette question est obligatoire pour envoyer la réponse."]}
    assert Answer.objects.get(pk=answer.pk).version == 1
    # A complete answer is sent.
    answer = save_answer(answer, full_data(scene), lead, submit=True, expected_version=1)
    assert answer.state == Answer.State.SUBMITTED and answer.submitted_by == lead
    assert answer.responses[questions["Nombre de personnes touchées"].key] == "180"
    assert AnswerIndicator.objects.get(answer=answer, indicator=scene.quantitative).value == 150
    # Sent: the lead can no longer write it.
    with pytest.raises(ValidationError, match="envoyée"):
        save_answer(answer, full_data(scene), lead)
    # The coordinator sends it back with a comment.
    answer = send_back(answer, coordinator, "Précisez le nombre de familles.")
    assert answer.state == Answer.State.RETURNED and answer.review_comment == "Précisez le nombre de familles."
    # A draft of a sent-back answer stays "sent back" until it is sent again.
    answer = save_answer(answer, full_data(scene), lead, expected_version=answer.version)
    assert answer.state == Answer.State.RETURNED
    answer = save_answer(answer, full_data(scene, proposal="adapt"), lead, submit=True, expected_version=answer.version)
    assert answer.state == Answer.State.SUBMITTED
    # Accepted with the suggested status: the plan is written, with history and reason.
    action = answer.action
    suggested = proposed_status(action.status, answer.proposal)
    assert suggested == "in_progress"  # "adapt" on a done action: it goes on
    answer = accept(answer, coordinator, status=suggested, comment="Merci.")
    assert answer.state == Answer.State.ACCEPTED and answer.applied_status == "in_progress"
    action.refresh_from_db()
    assert action.status == "in_progress" and action.participation == "co_construction"
    measured = IndicatorValue.objects.get(indicator=scene.quantitative)
    assert (measured.period, measured.value, measured.comment) == (
        "2023",
        Decimal("150"),
        "Compté à la sortie des écoles.",
    )
    assert measured.source == "Bilan annuel 2023"
    assert IndicatorValue.objects.get(indicator=scene.qualitative).assessment == "Les familles le trouvent clair."
    assert AnswerIndicator.objects.get(answer=answer, indicator=scene.quantitative).recorded == measured
    history = ActionChange.objects.filter(action=action)
    assert set(history.values_list("reason", flat=True)) == {"Bilan annuel 2023 accepté"}
    kinds = sorted(history.values_list("kind", flat=True))
    assert kinds == ["edited", "indicator", "indicator", "status"]
    status_change = history.get(kind="status").changes[0]
    assert (status_change["old"], status_change["new"]) == ("Terminée", "En cours")
    assert history.get(kind="edited").changes[0]["new"] == "Co-construction"
    steps = list(answer.events.values_list("kind", "comment"))
    assert steps == [
        (AnswerEvent.Kind.SUBMITTED, ""),
        (AnswerEvent.Kind.RETURNED, "Précisez le nombre de familles."),
        (AnswerEvent.Kind.SUBMITTED, ""),
        (AnswerEvent.Kind.ACCEPTED, "Merci."),
    ]
    # Once accepted, it is neither reviewed again nor rewritten.
    with pytest.raises(ValidationError, match="n'attend pas d'examen"):
        accept(answer, coordinator)


def test_accepting_without_the_proposal_keeps_the_status(scene):
    answer = save_answer(
        scene.answer("permanence"), full_data(scene, indicators={}), scene.users["other_lead"], submit=True
    )
    answer = accept(answer, scene.users["coordinator"], status=None)
    answer.action.refresh_from_db()
    assert answer.action.status == "in_progress" and answer.applied_status == ""
    assert not ActionChange.objects.filter(action=answer.action, kind="status").exists()


def test_an_invalid_value_refuses_the_whole_acceptance(scene):
    answer = save_answer(scene.answer("guide"), full_data(scene), scene.users["lead"], submit=True)
    # A value the plan cannot hold (more than 16 digits) slipped in beside a good one.
    AnswerIndicator.objects.filter(answer=answer, indicator=scene.quantitative).update(
        value=Decimal("1234567890123456")
    )
    with pytest.raises(ValidationError) as refused:
        accept(answer, scene.users["coordinator"], status="done")
    assert "Indicateur « Guides distribués »" in refused.value.messages[0]
    answer.refresh_from_db()
    assert answer.state == Answer.State.SUBMITTED
    action = Action.objects.get(pk=answer.action_id)
    assert action.status == "done" and action.participation == ""
    # The good qualitative value was rolled back too (the demo projects may hold values of their own).
    assert not IndicatorValue.objects.filter(indicator__action=action).exists()
    assert not ActionChange.objects.filter(action=action).exists()
    assert not answer.events.filter(kind=AnswerEvent.Kind.ACCEPTED).exists()


def test_the_proposal_mapping():
    assert proposed_status("in_progress", "done") == "done"
    assert proposed_status("in_progress", "stop") == "abandoned"
    assert proposed_status("continuous", "continue") == "continuous"
    assert proposed_status("continuous", "adapt") == "continuous"
    for current in ("planned", "in_progress", "postponed", "blocked", "done"):
        assert proposed_status(current, "continue") == "in_progress"
    assert proposed_status("planned", "") is None


def test_bad_values_are_refused_in_french_and_nothing_is_saved(scene):
    questions = questions_by_kind(scene.campaign)
    scale = Question.objects.create(campaign=scene.campaign, kind="scale", label="Satisfaction", position=20)
    choice = Question.objects.create(
        campaign=scene.campaign, kind="choice", label="Lieu", choices=["Maison de quartier", "École"], position=21
    )
    bad = {
        "responses": {
            questions["Nombre de personnes touchées"].key: "beaucoup",
            scale.key: 9,
            choice.key: "Mairie",
        },
        "participation": "total",
        "indicators": {scene.quantitative.pk: {"value": "douze"}},
    }
    with pytest.raises(ValidationError) as refused:
        save_answer(scene.answer("guide"), bad, scene.users["lead"])
    errors = refused.value.message_dict
    assert errors[questions["Nombre de personnes touchées"].key] == ["Saisissez un nombre, par exemple 12 ou 12,5."]
    assert errors[scale.key] == ["Choisissez une note de 1 à 5."]
    assert errors[choice.key] == ["Choisissez l'une des réponses proposées."]
    assert errors["participation"] == ["Choisissez un niveau de participation de l'échelle."]
    assert errors[f"i{scene.quantitative.pk}_value"] == ["Saisissez un nombre, par exemple 12 ou 12,5."]
    answer = scene.answer("guide")
    assert answer.state == Answer.State.PENDING and answer.version == 0 and answer.responses == {}
    assert not AnswerIndicator.objects.filter(answer__campaign=scene.campaign).exists()


def test_two_people_saving_the_same_answer_do_not_overwrite_each_other(scene):
    answer = scene.answer("guide")
    key = questions_by_kind(scene.campaign)["Qu'est-ce qui a été réalisé ?"].key
    save_answer(answer, {"responses": {key: "Première version"}}, scene.users["lead"], expected_version=0)
    with pytest.raises(AnswerConflict):
        save_answer(answer, {"responses": {key: "Seconde version"}}, scene.users["coordinator"], expected_version=0)
    assert scene.answer("guide").responses[key] == "Première version"


def test_a_closed_campaign_takes_no_answer_but_can_be_reviewed_and_reopened(scene):
    answer = save_answer(scene.answer("guide"), full_data(scene), scene.users["lead"], submit=True)
    close_campaign(scene.campaign)
    with pytest.raises(ValidationError, match="plus ouverte"):
        save_answer(scene.answer("parents"), {"responses": {}}, scene.users["lead"])
    accept(answer, scene.users["coordinator"])
    reopen_campaign(scene.campaign)
    save_answer(scene.answer("parents"), {"responses": {}}, scene.users["lead"])
    assert scene.answer("parents").state == Answer.State.DRAFT


def test_removing_a_node_or_a_lead_after_opening_keeps_the_answers(scene):
    Node.objects.filter(pk=scene.plan.nodes["axe1"].pk).delete()
    Person.objects.filter(pk=scene.other_lead.pk).delete()
    assert Answer.objects.filter(campaign=scene.campaign).count() == 4
    assert not scene.answer("permanence").respondents.exists()
