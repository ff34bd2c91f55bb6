"""Editing the questionnaire: freely before opening, with care for the answers once it is open."""

import pytest
from django.core.exceptions import ValidationError

from maillage.campaigns.answering import save_answer
from maillage.campaigns.models import Question
from maillage.campaigns.questions import add_question, move_question, remove_question, restore_question, update_question
from maillage.campaigns.reading import answer_items
from maillage.campaigns.tests.factories import CampaignFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def labels(campaign):
    return list(campaign.questions.filter(removed_at__isnull=True).values_list("label", flat=True))


def test_add_reorder_and_remove_before_opening(draft_scene):
    campaign = draft_scene.campaign
    question = add_question(campaign, kind="choice", label="Lieu principal", choices=["Maison de quartier", "École"])
    assert labels(campaign)[-1] == "Lieu principal"
    move_question(question, -1)
    assert labels(campaign)[-2:] == ["Lieu principal", "Proposition pour la suite de l'action"]
    first = campaign.questions.order_by("position").first()
    move_question(first, -1)  # already first: nothing moves
    assert labels(campaign)[0] == first.label
    assert remove_question(question) == "deleted"
    assert not Question.objects.filter(pk=question.pk).exists()


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"kind": "choice", "label": "Lieu", "choices": ["Seul choix"]}, "choices", "au moins deux choix"),
        ({"kind": "choice", "label": "Lieu", "choices": ["A", "A"]}, "choices", "qu'une fois"),
        ({"kind": "scale", "label": "Note", "scale_min": 5, "scale_max": 5}, "scale_max", "doit dépasser"),
        ({"kind": "scale", "label": "Note", "scale_min": 0, "scale_max": 20}, "scale_max", "0 à 10"),
        ({"kind": "proposal", "label": "Encore une proposition"}, "kind", "déjà une question de ce type"),
        ({"kind": "text", "label": ""}, "label", "ne peut pas être vide"),
    ],
)
def test_bad_questions_are_refused_in_french(draft_scene, fields, field, message):
    before = draft_scene.campaign.questions.count()
    with pytest.raises(ValidationError) as refused:
        add_question(draft_scene.campaign, **fields)
    assert message in " ".join(refused.value.message_dict[field])
    assert draft_scene.campaign.questions.count() == before


def test_after_opening_answered_questions_keep_their_meaning(scene):
    campaign = scene.campaign
    place = add_question(campaign, kind="choice", label="Lieu", choices=["Maison de quartier", "École", "Parc"])
    note = add_question(campaign, kind="scale", label="Satisfaction", scale_min=1, scale_max=5)
    done = campaign.questions.get(label="Qu'est-ce qui a été réalisé ?")
    save_answer(
        scene.answer("guide"),
        {"responses": {place.key: "École", note.key: 5, done.key: "Des ateliers."}},
        scene.users["lead"],
    )
    # Rewording is fine; changing the type of an answered question is not.
    update_question(done, label="Qu'avez-vous réalisé ?")
    with pytest.raises(ValidationError, match="son type ne change plus"):
        update_question(Question.objects.get(pk=done.pk), kind="number")
    # An unused choice may go; a picked one may not.
    update_question(Question.objects.get(pk=place.pk), choices=["Maison de quartier", "École"])
    with pytest.raises(ValidationError) as refused:
        update_question(Question.objects.get(pk=place.pk), choices=["Maison de quartier"] + ["Jardin"])
    assert "« École »" in refused.value.message_dict["choices"][0]
    assert Question.objects.get(pk=place.pk).choices == ["Maison de quartier", "École"]
    # Narrowing a scale below a given note is refused; widening is fine.
    with pytest.raises(ValidationError, match="hors de la nouvelle échelle"):
        update_question(Question.objects.get(pk=note.pk), scale_max=4)
    update_question(Question.objects.get(pk=note.pk), scale_max=10)
    # An unanswered question is deleted; an answered one is withdrawn and its value kept.
    untouched = add_question(campaign, kind="text", label="Autre chose ?")
    assert remove_question(untouched) == "deleted"
    assert remove_question(Question.objects.get(pk=place.pk)) == "withdrawn"
    assert "Lieu" not in labels(campaign)
    answer = scene.answer("guide")
    assert answer.responses[place.key] == "École"
    items = {item.label: item for item in answer_items(answer, campaign.questions.all(), {})}
    assert items["Lieu"].withdrawn and items["Lieu"].text == "École"
    assert items["Satisfaction"].text == "5 / 10"
    # The lead's next save neither asks it nor loses it.
    save_answer(answer, {"responses": {done.key: "Des ateliers, et un guide."}}, scene.users["lead"])
    assert scene.answer("guide").responses[place.key] == "École"
    restore_question(Question.objects.get(pk=place.pk))
    assert labels(campaign)[-1] == "Lieu"


def test_a_withdrawn_built_in_question_cannot_come_back_beside_a_new_one(scene):
    campaign = scene.campaign
    save_answer(scene.answer("guide"), {"proposal": "stop"}, scene.users["lead"])
    proposal = campaign.questions.get(kind="proposal")
    assert remove_question(proposal) == "withdrawn"
    add_question(campaign, kind="proposal", label="Et maintenant ?")
    with pytest.raises(ValidationError, match="déjà une question de ce type"):
        restore_question(proposal)


def test_factories_build_a_campaign_and_its_questions():
    question = QuestionFactory(campaign=CampaignFactory())
    assert question.campaign.questions.get() == question
