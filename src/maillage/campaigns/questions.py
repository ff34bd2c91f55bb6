"""Editing a questionnaire: add, change, remove, reorder — with care for the answers already given.

Before the campaign opens, anything goes. Once it is open:
- a question may be added (answers already sent simply do not have it), reworded, reordered;
- its type no longer changes (the values given would lose their meaning): add a new question instead;
- a choice, or a note of a scale, already picked in an answer cannot be taken away;
- removing a question that some answer has filled keeps those values (the question is *withdrawn*:
  no longer asked, still shown with the answers that have it); an unanswered one is simply deleted.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Answer, AnswerIndicator, Campaign, Question

EDITABLE_FIELDS = [
    "kind",
    "label",
    "help_text",
    "required",
    "choices",
    "unit",
    "scale_min",
    "scale_max",
    "scale_min_label",
    "scale_max_label",
]


def answers_with_value(question: Question):
    """The answers of the campaign that hold a value for ``question``."""
    answers = Answer.objects.filter(campaign_id=question.campaign_id)
    if question.kind == Question.Kind.PARTICIPATION:
        return answers.exclude(participation="")
    if question.kind == Question.Kind.PROPOSAL:
        return answers.exclude(proposal="", proposal_comment="")
    if question.kind == Question.Kind.INDICATORS:
        return answers.filter(
            pk__in=AnswerIndicator.objects.filter(answer__campaign_id=question.campaign_id).values("answer_id")
        )
    return answers.filter(responses__has_key=question.key)


def _opened(campaign: Campaign) -> bool:
    return campaign.state != Campaign.State.DRAFT


def add_question(campaign: Campaign, **fields) -> Question:
    """A new question at the end of the questionnaire; French ValidationError on a bad field."""
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        position = (campaign.questions.aggregate(m=Max("position"))["m"] or 0) + 1
        question = Question(campaign=campaign, position=position, **fields)
        question.full_clean()
        question.save()
    return question


def _refuse_lost_values(question: Question, before: Question):
    """After opening: refuse a change that would leave given values without meaning."""
    given = answers_with_value(before)
    if question.kind != before.kind and given.exists():
        raise ValidationError(
            {
                "kind": _(
                    "Des réponses ont déjà été données à cette question : son type ne change plus. "
                    "Ajoutez plutôt une nouvelle question."
                )
            }
        )
    if question.kind == Question.Kind.CHOICE and before.kind == Question.Kind.CHOICE:
        taken = [choice for choice in before.choices if choice not in question.choices]
        if taken:
            used = given.filter(**{f"responses__{before.key}__in": taken}).count()
            if used:
                raise ValidationError(
                    {
                        "choices": ngettext(
                            "Un choix retiré (« %(choices)s ») a déjà été retenu dans %(n)s réponse : gardez-le.",
                            "Un choix retiré (« %(choices)s ») a déjà été retenu dans %(n)s réponses : gardez-le.",
                            used,
                        )
                        % {"choices": "», «".join(taken), "n": used}
                    }
                )
    if question.kind == Question.Kind.SCALE and before.kind == Question.Kind.SCALE:
        outside = given.filter(
            Q(**{f"responses__{before.key}__lt": question.scale_min})
            | Q(**{f"responses__{before.key}__gt": question.scale_max})
        ).count()
        if outside:
            raise ValidationError(
                {
                    "scale_max": ngettext(
                        "%(n)s réponse a déjà donné une note hors de la nouvelle échelle : élargissez-la.",
                        "%(n)s réponses ont déjà donné une note hors de la nouvelle échelle : élargissez-la.",
                        outside,
                    )
                    % {"n": outside}
                }
            )


def update_question(question: Question, **fields) -> Question:
    """Change a question; after opening, the changes that would betray given answers are refused."""
    with transaction.atomic():
        before = Question.objects.select_for_update().select_related("campaign").get(pk=question.pk)
        for name, value in fields.items():
            if name not in EDITABLE_FIELDS:
                raise ValueError(name)
            setattr(question, name, value)
        question.full_clean()
        if _opened(before.campaign):
            _refuse_lost_values(question, before)
        question.save()
    return question


def remove_question(question: Question) -> str:
    """Delete the question, or withdraw it when answers hold a value for it after opening. Returns
    "deleted" or "withdrawn"."""
    with transaction.atomic():
        question = Question.objects.select_for_update().select_related("campaign").get(pk=question.pk)
        if _opened(question.campaign) and answers_with_value(question).exists():
            question.removed_at = timezone.now()
            question.save(update_fields=["removed_at"])
            return "withdrawn"
        question.delete()
        return "deleted"


def restore_question(question: Question) -> Question:
    """Ask a withdrawn question again (refused when the questionnaire has another of its built-in kind)."""
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        question.removed_at = None
        question.full_clean()
        position = (question.campaign.questions.aggregate(m=Max("position"))["m"] or 0) + 1
        question.position = position
        question.save(update_fields=["removed_at", "position"])
    return question


def move_question(question: Question, offset: int) -> None:
    """Move the question up (-1) or down (+1) among the questions asked; positions are renumbered."""
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=question.campaign_id).first()
        asked = list(
            Question.objects.filter(campaign_id=question.campaign_id, removed_at__isnull=True).order_by(
                "position", "pk"
            )
        )
        index = next((n for n, one in enumerate(asked) if one.pk == question.pk), None)
        if index is None:
            return
        target = index + offset
        if not 0 <= target < len(asked):
            return
        asked[index], asked[target] = asked[target], asked[index]
        for position, one in enumerate(asked, start=1):
            if one.position != position:
                one.position = position
                one.save(update_fields=["position"])
