"""The coordinator's review of a sent answer: accept it — and feed the plan — or send it back.

Accepting writes, in one transaction and with the history's reason ("Bilan annuel 2024 accepté"):
- each indicator value of the answer, through ``maillage.evaluation.recording.record_value``;
- the residents' participation onto the action's field, when the answer gives one;
- the action's status, when the coordinator applies the proposal (``proposed_status`` suggests it,
  the coordinator confirms or picks another, or keeps the current one).
If one value is refused, nothing is written and the answer stays to be reviewed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.actions.editing import change_status
from maillage.actions.history import author_name, display, field_label, record
from maillage.actions.models import Action, ActionChange
from maillage.actions.vocabulary import Status, project_labels
from maillage.evaluation.recording import record_value

from .models import Answer, AnswerEvent, AnswerIndicator, Proposal, Question


def proposed_status(current: str, proposal: str) -> str | None:
    """The status an accepted proposal suggests for an action whose status is ``current``.

    - done → done; stop → abandoned;
    - continue / adapt → the action goes on: "continuous" when it already runs without end,
      otherwise "in_progress" (also for a planned, postponed or blocked action: going on means it runs).
    None without a proposal.
    """
    if proposal == Proposal.DONE:
        return Status.DONE
    if proposal == Proposal.STOP:
        return Status.ABANDONED
    if proposal in (Proposal.CONTINUE, Proposal.ADAPT):
        return Status.CONTINUOUS if current == Status.CONTINUOUS else Status.IN_PROGRESS
    return None


def _locked(answer: Answer) -> Answer:
    current = Answer.objects.select_for_update().select_related("campaign__project", "action").get(pk=answer.pk)
    if current.state != Answer.State.SUBMITTED:
        raise ValidationError(_("Cette réponse n'attend pas d'examen : elle a déjà été examinée ou renvoyée."))
    return current


def _set_participation(action: Action, code: str, user, reason: str) -> ActionChange | None:
    """The action's residents' participation, with its history entry (the fiche's own field)."""
    current = Action.objects.select_for_update().get(pk=action.pk)
    if current.participation == code:
        return None
    labels = project_labels(action.project)
    Action.objects.filter(pk=action.pk).update(participation=code, version=F("version") + 1, modified_at=timezone.now())
    action.refresh_from_db(fields=["participation", "version", "modified_at"])
    change = {
        "field": "participation",
        "label": field_label("participation"),
        "old": display("participation", current.participation, labels),
        "new": display("participation", code, labels),
    }
    return record(action, user, ActionChange.Kind.EDITED, [change], reason=reason)


def accept(answer: Answer, user, *, status: str | None = None, comment: str = "") -> Answer:
    """Accept a sent answer and write it into the plan. ``status``: the action's new status (the
    coordinator's confirmation of the proposal), None to keep the current one. Raises a French
    ValidationError listing every refused value, and then writes nothing."""
    if status and status not in Status.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    with transaction.atomic():
        answer = _locked(answer)
        campaign, action = answer.campaign, answer.action
        reason = campaign.accepted_reason()
        kinds = set(campaign.questions.filter(removed_at__isnull=True).values_list("kind", flat=True))
        problems = []
        if Question.Kind.INDICATORS in kinds:
            rows = (
                AnswerIndicator.objects.filter(answer=answer)
                .select_related("indicator")
                .order_by("indicator__position", "indicator__pk")
            )
            date = (answer.submitted_at or timezone.now()).date()
            for row in rows:
                if row.value is None and not row.assessment.strip():
                    continue  # only a comment: nothing was measured
                try:
                    row.recorded = record_value(
                        row.indicator,
                        period=campaign.value_period,
                        value=row.value,
                        assessment=row.assessment,
                        comment=row.comment,
                        source=campaign.title,
                        date=date,
                        user=user,
                        reason=reason,
                    )
                except ValidationError as error:
                    problems.append(
                        _("Indicateur « %(title)s » : %(message)s")
                        % {"title": row.indicator.title, "message": " ".join(error.messages)}
                    )
                    continue
                row.save(update_fields=["recorded"])
        if problems:
            # Leave the transaction by an exception: every value written above is rolled back with it.
            raise ValidationError(problems)
        if Question.Kind.PARTICIPATION in kinds and answer.participation:
            _set_participation(action, answer.participation, user, reason)
        applied = ""
        if status:
            change_status(action, status, user, reason=reason)
            applied = status
        now = timezone.now()
        Answer.objects.filter(pk=answer.pk).update(
            state=Answer.State.ACCEPTED,
            reviewed_at=now,
            reviewed_by=user if user is not None and user.is_authenticated else None,
            review_comment=comment.strip(),
            applied_status=applied,
            version=F("version") + 1,
        )
        AnswerEvent.objects.create(
            answer=answer,
            kind=AnswerEvent.Kind.ACCEPTED,
            at=now,
            user=user if user is not None and user.is_authenticated else None,
            author=author_name(user),
            comment=comment.strip(),
        )
    answer.refresh_from_db()
    return answer


def send_back(answer: Answer, user, comment: str) -> Answer:
    """Return a sent answer to its leads with the coordinator's comment; they are told by e-mail."""
    comment = (comment or "").replace("\r\n", "\n").strip()
    if not comment:
        raise ValidationError({"comment": _("Dites au pilote ce qu'il faut compléter ou corriger.")})
    with transaction.atomic():
        answer = _locked(answer)
        now = timezone.now()
        Answer.objects.filter(pk=answer.pk).update(
            state=Answer.State.RETURNED,
            reviewed_at=now,
            reviewed_by=user if user is not None and user.is_authenticated else None,
            review_comment=comment,
            version=F("version") + 1,
        )
        AnswerEvent.objects.create(
            answer=answer,
            kind=AnswerEvent.Kind.RETURNED,
            at=now,
            user=user if user is not None and user.is_authenticated else None,
            author=author_name(user),
            comment=comment,
        )
        from .tasks import send_campaign_mails

        answer_id, campaign_id = answer.pk, answer.campaign_id
        transaction.on_commit(lambda: send_campaign_mails.enqueue(campaign_id, "returned", answer_id))
    answer.refresh_from_db()
    return answer
