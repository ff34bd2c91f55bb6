"""An answer as people read it — the same words on the answer page, in the report and in the workbook."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import formats

from maillage.evaluation.models import Indicator

from .models import Answer, Proposal, Question


def french_number(value, unit: str = "") -> str:
    """12.5 → "12,5"; 1500 → "1 500" (narrow no-break space between thousands)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    text = formats.number_format(number, force_grouping=True, use_l10n=True).replace("\xa0", "\u202f")
    return f"{text} {unit}".strip()


@dataclass
class Item:
    question: Question
    text: str
    withdrawn: bool = False

    @property
    def label(self) -> str:
        return self.question.label


def value_text(question: Question, answer: Answer, labels: dict) -> str:
    """The answer to one question as text ("" when not answered). Indicators are read apart."""
    if question.kind == Question.Kind.PARTICIPATION:
        return labels.get("participation", {}).get(answer.participation, answer.participation)
    if question.kind == Question.Kind.PROPOSAL:
        if not answer.proposal:
            return answer.proposal_comment
        label = str(Proposal(answer.proposal).label)
        return f"{label}\n\n{answer.proposal_comment}" if answer.proposal_comment else label
    value = answer.responses.get(question.key)
    if value in (None, ""):
        return ""
    if question.kind == Question.Kind.NUMBER:
        return french_number(value, question.unit)
    if question.kind == Question.Kind.SCALE:
        meaning = {question.scale_min: question.scale_min_label, question.scale_max: question.scale_max_label}
        note = int(value)
        text = f"{note} / {question.scale_max}"
        return f"{text} ({meaning[note]})" if meaning.get(note) else text
    return str(value)


def answer_items(answer: Answer, questions, labels: dict) -> list[Item]:
    """The answered questions, in order (withdrawn ones only where this answer has a value)."""
    items = []
    for question in questions:
        if question.kind == Question.Kind.INDICATORS:
            continue
        text = value_text(question, answer, labels)
        if question.removed_at and not text:
            continue
        items.append(Item(question, text, withdrawn=question.removed_at is not None))
    return items


@dataclass
class IndicatorLine:
    indicator: Indicator
    value: str
    assessment: str
    comment: str


def indicator_lines(answer: Answer, indicators) -> list[IndicatorLine]:
    """One line per indicator of the action (empty where the answer gives nothing), in order."""
    given = {row.indicator_id: row for row in answer.indicator_values.all()}
    lines = []
    for indicator in indicators:
        row = given.get(indicator.pk)
        lines.append(
            IndicatorLine(
                indicator,
                french_number(row.value, indicator.unit) if row and row.value is not None else "",
                row.assessment if row else "",
                row.comment if row else "",
            )
        )
    return lines
