"""A lead's answer: checked against the questionnaire, saved as a draft or sent, all or nothing.

``save_answer`` takes plain data (the form's cleaned data, or a script's), checks it with
``check_answer`` — the one place the questionnaire's rules live — and writes the answer, its indicator
values and, on sending, the event, in one transaction guarded by the answer's version: of two people
saving the same questionnaire, the second is told instead of overwriting the first.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.actions.history import author_name
from maillage.actions.vocabulary import Participation
from maillage.evaluation.models import Indicator

from .models import Answer, AnswerEvent, AnswerIndicator, Campaign, Proposal, Question

TEXT_LIMIT = 20_000  # characters of one free text
# An indicator value must fit the plan's column (16 digits, 4 after the point).
NUMBER_DIGITS, NUMBER_DECIMALS = 16, 4


class AnswerConflict(Exception):
    """Someone saved the answer since the form was drawn; ``current`` is the answer as saved now."""

    def __init__(self, current: Answer):
        super().__init__(f"answer {current.pk} is at version {current.version}")
        self.current = current


def indicator_field(indicator, part: str) -> str:
    return f"i{indicator.pk}_{part}"


def active_questions(campaign: Campaign) -> list[Question]:
    return list(campaign.questions.filter(removed_at__isnull=True).order_by("position", "pk"))


def action_indicators(action) -> list[Indicator]:
    return list(Indicator.objects.filter(action=action).order_by("position", "pk"))


def empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def number_error(value) -> str | None:
    """None for a number the plan can hold, else the French reason."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return _("Saisissez un nombre, par exemple 12 ou 12,5.")
    _sign, digits, exponent = value.as_tuple()
    decimals = max(0, -exponent)
    whole = max(0, len(digits) - decimals)
    if decimals > NUMBER_DECIMALS:
        return _("Quatre chiffres au plus après la virgule.")
    if whole > NUMBER_DIGITS - NUMBER_DECIMALS:
        return _("Ce nombre est trop grand.")
    return None


def as_number(value):
    """A number from a form (Decimal) or a script (int, float, French text); None when empty."""
    if empty(value):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        text = str(value).replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
        return Decimal(text)
    except InvalidOperation:
        return value  # number_error says it is not a number


def check_answer(questions, indicators, data: dict, submit: bool) -> dict[str, str]:
    """The French error of each field that breaks the questionnaire's rules (empty when all is well).

    A draft may leave anything empty; sending requires the questions marked required. ``data`` is
    ``{"responses": {"q<id>": value}, "participation", "proposal", "proposal_comment",
    "indicators": {indicator id: {"value", "assessment", "comment"}}}``.
    """
    errors: dict[str, str] = {}
    responses = data.get("responses") or {}
    required = _("Cette question est obligatoire pour envoyer la réponse.")
    for question in questions:
        if question.is_built_in:
            continue
        value = responses.get(question.key)
        if empty(value):
            if submit and question.required:
                errors[question.key] = required
            continue
        if question.kind == Question.Kind.TEXT:
            if not isinstance(value, str):
                errors[question.key] = _("Saisissez un texte.")
            elif len(value) > TEXT_LIMIT:
                errors[question.key] = _("Ce texte est trop long (20 000 caractères au plus).")
        elif question.kind == Question.Kind.NUMBER:
            problem = number_error(as_number(value))
            if problem:
                errors[question.key] = problem
        elif question.kind == Question.Kind.CHOICE:
            if value not in question.choices:
                errors[question.key] = _("Choisissez l'une des réponses proposées.")
        elif question.kind == Question.Kind.SCALE:
            try:
                note = int(value)
            except (TypeError, ValueError):
                note = None
            if note is None or not question.scale_min <= note <= question.scale_max:
                errors[question.key] = _("Choisissez une note de %(low)s à %(high)s.") % {
                    "low": question.scale_min,
                    "high": question.scale_max,
                }
    kinds = {question.kind: question for question in questions}
    if Question.Kind.PARTICIPATION in kinds:
        participation = data.get("participation") or ""
        if participation and participation not in Participation.values:
            errors["participation"] = _("Choisissez un niveau de participation de l'échelle.")
        elif not participation and submit and kinds[Question.Kind.PARTICIPATION].required:
            errors["participation"] = required
    if Question.Kind.PROPOSAL in kinds:
        proposal = data.get("proposal") or ""
        if proposal and proposal not in Proposal.values:
            errors["proposal"] = _("Choisissez l'une des propositions.")
        elif not proposal and submit and kinds[Question.Kind.PROPOSAL].required:
            errors["proposal"] = required
        if len(data.get("proposal_comment") or "") > TEXT_LIMIT:
            errors["proposal_comment"] = _("Ce texte est trop long (20 000 caractères au plus).")
    if Question.Kind.INDICATORS in kinds:
        given = data.get("indicators") or {}
        must = submit and kinds[Question.Kind.INDICATORS].required
        for indicator in indicators:
            entry = given.get(indicator.pk) or {}
            value, assessment, comment = (
                as_number(entry.get("value")),
                entry.get("assessment") or "",
                entry.get("comment") or "",
            )
            if indicator.kind == Indicator.Kind.QUANTITATIVE:
                if value is not None and (problem := number_error(value)):
                    errors[indicator_field(indicator, "value")] = problem
                elif must and value is None and not comment.strip():
                    errors[indicator_field(indicator, "value")] = _(
                        "Indiquez la valeur, ou dites en commentaire pourquoi elle manque."
                    )
            elif must and not assessment.strip() and not comment.strip():
                errors[indicator_field(indicator, "assessment")] = _(
                    "Donnez votre appréciation, ou dites en commentaire pourquoi elle manque."
                )
    return errors


def _stored(question: Question, value):
    """How a value is kept in ``Answer.responses`` (JSON): numbers as text, so that nothing is rounded."""
    if question.kind == Question.Kind.NUMBER:
        return format(as_number(value).normalize(), "f")
    if question.kind == Question.Kind.SCALE:
        return int(value)
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def may_write(answer: Answer) -> str | None:
    """None when the answer can still be written, else why not (French)."""
    if answer.campaign.state != Campaign.State.OPEN:
        return _("La campagne n'est plus ouverte : la réponse ne se modifie plus.")
    if not answer.is_editable:
        return _("Cette réponse a été envoyée : elle ne se modifie plus, sauf si la coordination vous la renvoie.")
    return None


def save_answer(
    answer: Answer, data: dict, user, *, submit: bool = False, expected_version: int | None = None
) -> Answer:
    """Save ``data`` as the answer's draft, or send it (``submit``). Raises a French ValidationError
    (field → message) when the data breaks the questionnaire, or :class:`AnswerConflict` when the answer
    was saved by someone else since ``expected_version``; in both cases nothing is written."""
    campaign = answer.campaign
    questions = active_questions(campaign)
    indicators = action_indicators(answer.action)
    errors = check_answer(questions, indicators, data, submit)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Answer.objects.select_for_update().select_related("campaign").get(pk=answer.pk)
        if expected_version is not None and current.version != expected_version:
            raise AnswerConflict(current)
        reason = may_write(current)
        if reason:
            raise ValidationError(reason)
        responses = dict(current.responses)  # values of questions removed since are kept
        given = data.get("responses") or {}
        for question in questions:
            if question.is_built_in:
                continue
            value = given.get(question.key)
            if empty(value):
                responses.pop(question.key, None)
            else:
                responses[question.key] = _stored(question, value)
        kinds = {question.kind for question in questions}
        now = timezone.now()
        changes = {"responses": responses, "saved_at": now, "saved_by": user if _real(user) else None}
        if Question.Kind.PARTICIPATION in kinds:
            changes["participation"] = data.get("participation") or ""
        if Question.Kind.PROPOSAL in kinds:
            changes["proposal"] = data.get("proposal") or ""
            changes["proposal_comment"] = (data.get("proposal_comment") or "").replace("\r\n", "\n").strip()
        if submit:
            changes.update(state=Answer.State.SUBMITTED, submitted_at=now, submitted_by=changes["saved_by"])
        elif current.state == Answer.State.PENDING:
            changes["state"] = Answer.State.DRAFT
        Answer.objects.filter(pk=current.pk).update(version=F("version") + 1, **changes)
        if Question.Kind.INDICATORS in kinds:
            _save_indicators(current, indicators, data.get("indicators") or {})
        if submit:
            AnswerEvent.objects.create(
                answer=current, kind=AnswerEvent.Kind.SUBMITTED, user=changes["saved_by"], author=author_name(user)
            )
    answer.refresh_from_db()
    return answer


def _save_indicators(answer: Answer, indicators, given: dict) -> None:
    existing = {row.indicator_id: row for row in AnswerIndicator.objects.filter(answer=answer)}
    for indicator in indicators:
        entry = given.get(indicator.pk) or {}
        quantitative = indicator.kind == Indicator.Kind.QUANTITATIVE
        row = existing.get(indicator.pk) or AnswerIndicator(answer=answer, indicator=indicator)
        row.value = as_number(entry.get("value")) if quantitative else None
        row.assessment = _text(entry.get("assessment"))
        row.comment = _text(entry.get("comment"))
        if row.is_empty:
            if row.pk:
                row.delete()
            continue
        row.save()


def _text(value) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _real(user) -> bool:
    return user is not None and user.is_authenticated
