"""Decisions that change the plan: writing their changes down, then applying them all in one step.

A change is checked twice with the same rules: when it is written down (so that a coordinator sees
at once a reference already taken or a node of another project) and when the decision is applied,
against the plan as it is then (a status changed since the meeting, a reference taken meanwhile).
Applying is one transaction: every pending change of the decision is applied in order, or none is,
and the French refusal names the faulty change. Each change to an action goes through the history
(``maillage.actions.history.record`` / ``editing.change_status``) with the decision as its reason.

Plain functions, so that a script (the demo, an import) records and applies decisions like the screens.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage import keys
from maillage.actions import editing
from maillage.actions.history import author_name, diff, record, snapshot
from maillage.actions.models import Action, ActionChange, ActionNode
from maillage.actions.vocabulary import Status, project_labels
from maillage.projects.models import Node

from .models import Decision, DecisionChange

Kind = DecisionChange.Kind
# Statuses an action cannot be postponed from: it is over.
CLOSED = {Status.DONE, Status.ABANDONED}


class ChangeRefused(ValidationError):
    """A decision's changes cannot be applied; the French message names the faulty change."""


# --- words ------------------------------------------------------------------------------------------


def reason(decision: Decision) -> str:
    """What the history says caused the change: « Décision de la réunion « COPIL » du 12/03/2025 »."""
    meeting = decision.meeting
    return _("Décision de la réunion « %(meeting)s » du %(date)s") % {
        "meeting": meeting.title,
        "date": date_format(meeting.date, "SHORT_DATE_FORMAT"),
    }


def _node_text(node) -> str:
    return f"{node.code} {node.title}".strip()


def _status_word(labels, code) -> str:
    return labels["status"].get(code, code) if code else ""


def _target_node_text(change) -> str:
    if change.node_id and change.node:
        return _("sous « %(node)s »") % {"node": _node_text(change.node)}
    if change.node_change_id and change.node_change:
        return _("sous le nouveau nœud « %(node)s »") % {
            "node": f"{change.node_change.code} {change.node_change.title}".strip()
        }
    return ""


def describe(change: DecisionChange, labels: dict | None = None) -> str:
    """One French line: « A12 Accès aux droits : En cours → Terminée »."""
    labels = labels or project_labels(change.decision.meeting.project)
    subject = f"{change.ref} {change.action.title if change.action_id and change.action else ''}".strip()
    if change.kind == Kind.STATUS:
        before = _status_word(labels, change.from_status)
        after = _status_word(labels, change.status)
        return f"{subject} : {before} → {after}" if before else f"{subject} : → {after}"
    if change.kind == Kind.NEW_ACTION:
        text = _("Nouvelle action %(ref)s « %(title)s »") % {"ref": change.ref, "title": change.title}
        where = _target_node_text(change)
        return f"{text} {where}".strip()
    if change.kind == Kind.POSTPONE:
        parts = []
        if change.period_id and change.period:
            parts.append(_("reportée à %(period)s") % {"period": change.period.label})
        else:
            parts.append(_status_word(labels, Status.POSTPONED).lower())
        if change.end_date:
            parts.append(_("fin au %(date)s") % {"date": date_format(change.end_date, "SHORT_DATE_FORMAT")})
        return f"{subject} : {', '.join(parts)}"
    level = change.level.name if change.level_id and change.level else ""
    text = _("Nouveau nœud %(level)s « %(title)s »") % {
        "level": f"{level} {change.code}".strip(),
        "title": change.title,
    }
    where = _target_node_text(change) or _("au premier niveau")
    return f"{text} {where}"


# --- the rules ---------------------------------------------------------------------------------------


def _check_ref(ref: str) -> str | None:
    if not ref or "/" in ref or ref != ref.strip() or len(ref) > 50:
        return _("la référence ne peut pas être vide, commencer ou finir par une espace, ni contenir de « / ».")
    return None


def _earlier_node_change(change, project) -> DecisionChange | str:
    """The new-node change of the same decision this change builds under, or a French problem."""
    parent = change.node_change
    if parent.decision_id != change.decision_id or parent.kind != Kind.NEW_NODE:
        return _("le nœud visé n'est pas ajouté par cette décision.")
    if parent.position >= change.position:
        return _("le nœud visé est ajouté par un changement qui vient après celui-ci.")
    if parent.applied and parent.created_node_id is None:
        return _("le nœud « %(node)s » ajouté par cette décision n'existe plus.") % {"node": parent.title}
    return parent


def _parent_level(change, project):
    """(level of the parent node, problem): for a node under an existing node or under a new one."""
    if change.node_id:
        if change.node.project_id != project.pk:
            return None, _("le nœud « %(node)s » appartient à un autre projet.") % {"node": _node_text(change.node)}
        return change.node.level, None
    if change.node_change_id:
        parent = _earlier_node_change(change, project)
        if isinstance(parent, str):
            return None, parent
        return parent.level, None
    return None, None


def problem(change: DecisionChange, project, *, applying: bool = False) -> str | None:
    """Why this change cannot be made in ``project`` (French), or None.

    ``applying``: checked against the plan as it is now, inside the applying transaction; earlier
    changes of the same decision are already applied (a new action under a node added just before)."""
    labels = project_labels(project)
    if change.kind in (Kind.STATUS, Kind.POSTPONE):
        if change.action_id is None:
            return _("l'action « %(ref)s » n'existe plus dans le projet.") % {"ref": change.ref}
        action = Action.objects.only("pk", "project_id", "status", "start_date").get(pk=change.action_id)
        if action.project_id != project.pk:
            return _("l'action « %(ref)s » appartient à un autre projet.") % {"ref": change.ref}
    if change.kind == Kind.STATUS:
        if change.status not in Status.values:
            return _("statut inconnu (« %(status)s »).") % {"status": change.status}
        if applying and change.from_status and action.status != change.from_status:
            return _(
                "le statut de l'action est « %(now)s » depuis la décision, et non plus « %(then)s » : "
                "corrigez ou retirez ce changement."
            ) % {"now": _status_word(labels, action.status), "then": _status_word(labels, change.from_status)}
        if action.status == change.status:
            return _("l'action a déjà le statut « %(status)s ».") % {"status": _status_word(labels, change.status)}
        return None
    if change.kind == Kind.POSTPONE:
        if action.status in CLOSED:
            return _("l'action est « %(status)s » : une action terminée ou abandonnée ne se reporte pas.") % {
                "status": _status_word(labels, action.status)
            }
        if not change.period_id and not change.end_date:
            return _("indiquez la période où l'action est reportée, ou sa nouvelle date de fin.")
        if change.period_id and change.period.project_id != project.pk:
            return _("la période « %(period)s » appartient à un autre projet.") % {"period": change.period.label}
        if change.end_date and action.start_date and change.end_date < action.start_date:
            return _("la nouvelle date de fin précède la date de début de l'action (%(date)s).") % {
                "date": date_format(action.start_date, "SHORT_DATE_FORMAT")
            }
        return None
    if change.kind == Kind.NEW_ACTION:
        if bad := _check_ref(change.ref):
            return bad
        if not change.title.strip():
            return _("donnez un intitulé à la nouvelle action.")
        if Action.objects.filter(project=project, ref=change.ref).exists():
            return _("la référence « %(ref)s » est déjà utilisée dans ce projet.") % {"ref": change.ref}
        twin = _pending(change).filter(kind=Kind.NEW_ACTION, ref=change.ref).first()
        if twin and not applying:
            return _("la référence « %(ref)s » est déjà prévue par un autre changement de cette décision.") % {
                "ref": change.ref
            }
        if not change.node_id and not change.node_change_id:
            return _("choisissez le nœud où placer la nouvelle action.")
        _level, bad = _parent_level(change, project)
        return bad
    if change.kind == Kind.NEW_NODE:
        if not change.title.strip():
            return _("donnez un intitulé au nouveau nœud.")
        if change.level_id is None:
            return _("choisissez le niveau du nouveau nœud.")
        if change.level.project_id != project.pk:
            return _("le niveau « %(level)s » appartient à un autre projet.") % {"level": change.level.name}
        parent_level, bad = _parent_level(change, project)
        if bad:
            return bad
        if parent_level is not None and change.level.depth <= parent_level.depth:
            return _("le niveau « %(level)s » doit être plus profond que celui du parent (« %(parent)s »).") % {
                "level": change.level.name,
                "parent": parent_level.name,
            }
        if change.code:
            if Node.objects.filter(project=project, code=change.code).exists():
                return _("un nœud du projet a déjà le code « %(code)s ».") % {"code": change.code}
            if not applying and _pending(change).filter(kind=Kind.NEW_NODE, code=change.code).exists():
                return _("le code « %(code)s » est déjà prévu par un autre changement de cette décision.") % {
                    "code": change.code
                }
        return None
    return _("nature de changement inconnue (« %(kind)s »).") % {"kind": change.kind}


def _pending(change):
    """The other changes of the same decision not applied yet."""
    return DecisionChange.objects.filter(decision_id=change.decision_id, applied_at__isnull=True).exclude(pk=change.pk)


# --- writing changes down ----------------------------------------------------------------------------


def free_node_key(project, text: str, decision_id=None) -> str:
    """A node key free in the tree and among the nodes pending changes will add."""
    base = keys.base_of(text, default="noeud")
    taken = set(Node.objects.filter(project=project, key__startswith=base).values_list("key", flat=True))
    taken |= set(
        DecisionChange.objects.filter(
            decision__meeting__project=project, kind=Kind.NEW_NODE, key__startswith=base
        ).values_list("key", flat=True)
    )
    return keys.numbered(base, taken)


def ensure_node_key(node) -> None:
    """The interchange document names nodes by key: a node a change points at gets one if it has none."""
    if node is not None and not node.key:
        node.key = free_node_key(node.project, node.code or node.title)
        Node.objects.filter(pk=node.pk).update(key=node.key)


@transaction.atomic
def add_change(decision: Decision, change: DecisionChange) -> DecisionChange:
    """Write down one change of ``decision`` (any kind), after the same checks as when applying.

    Raises ``ValidationError`` (French) and writes nothing when the change could not be made."""
    project = decision.meeting.project
    change.decision = decision
    if change.action_id:
        change.ref = change.ref or change.action.ref
        if change.kind == Kind.STATUS and not change.from_status:
            change.from_status = Action.objects.values_list("status", flat=True).get(pk=change.action_id)
    change.ref = (change.ref or "").strip() if change.kind == Kind.NEW_ACTION else change.ref
    change.title = (change.title or "").strip()
    change.code = (change.code or "").strip()
    if change.pk is None:
        last = decision.changes.aggregate(last=Max("position"))["last"]
        change.position = 0 if last is None else last + 1
    found = problem(change, project)
    if found:
        raise ValidationError(found[0].upper() + found[1:])
    if change.kind == Kind.NEW_NODE and not change.key:
        change.key = free_node_key(project, change.code or change.title)
    change.save()
    if change.action_id:
        decision.actions.add(change.action_id)
    return change


def status_change(decision, action, status) -> DecisionChange:
    return add_change(decision, DecisionChange(kind=Kind.STATUS, action=action, status=status))


def new_action(decision, ref, title, node=None, node_change=None) -> DecisionChange:
    return add_change(
        decision, DecisionChange(kind=Kind.NEW_ACTION, ref=ref, title=title, node=node, node_change=node_change)
    )


def postponement(decision, action, period=None, end_date=None) -> DecisionChange:
    return add_change(decision, DecisionChange(kind=Kind.POSTPONE, action=action, period=period, end_date=end_date))


def new_node(decision, title, level, code="", parent=None, parent_change=None, key="") -> DecisionChange:
    change = DecisionChange(
        kind=Kind.NEW_NODE, title=title, level=level, code=code, node=parent, node_change=parent_change, key=key
    )
    return add_change(decision, change)


def remove_change(change: DecisionChange) -> None:
    """Take back a change that is not applied yet (with the changes that build on it)."""
    if change.applied:
        raise ValidationError(_("Ce changement est déjà appliqué : il fait partie de l'histoire du plan."))
    change.delete()


# --- applying ----------------------------------------------------------------------------------------


def _next(queryset) -> int:
    last = queryset.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def _apply_status(change, user, why):
    action = Action.objects.get(pk=change.action_id)
    editing.change_status(action, change.status, user, reason=why)


def _apply_new_action(change, project, user, why, labels):
    node = change.node if change.node_id else change.node_change.created_node
    action = Action(
        project=project,
        ref=change.ref,
        title=change.title,
        position=_next(Action.objects.filter(project=project)),
        version=1,
    )
    action.save()
    ActionNode.objects.create(action=action, node=node, position=_next(ActionNode.objects.filter(node=node)))
    record(action, user, ActionChange.Kind.CREATED, diff({}, snapshot(action, labels)), reason=why)
    change.action = action
    change.node = node
    change.decision.actions.add(action)


def _apply_postponement(change, user, why, labels):
    action = Action.objects.select_for_update().get(pk=change.action_id)
    before = snapshot(action, labels)
    end_date = change.end_date
    period = change.period if change.period_id else None
    if period and not end_date and action.end_date:
        # Postponed to a period without a new date: the old end date would keep it "late"; the period's end holds.
        end_date = datetime.date(period.last_year, 12, 31)
    fields = {"status": Status.POSTPONED, "version": F("version") + 1, "modified_at": timezone.now()}
    if end_date:
        fields["end_date"] = end_date
    Action.objects.filter(pk=action.pk).update(**fields)
    if period:
        action.periods.set([period])
    action = Action.objects.get(pk=action.pk)
    record(action, user, ActionChange.Kind.EDITED, diff(before, snapshot(action, labels)), reason=why)


def _apply_new_node(change, project):
    parent = change.node if change.node_id else (change.node_change.created_node if change.node_change_id else None)
    key = change.key
    if not key or Node.objects.filter(project=project, key=key).exists():
        key = free_node_key(project, change.code or change.title)
    node = Node(
        project=project,
        parent=parent,
        level=change.level,
        key=key,
        code=change.code,
        title=change.title,
        position=_next(Node.objects.filter(project=project, parent=parent)),
    )
    node.full_clean(validate_unique=False, validate_constraints=False)
    node.save()
    change.key = key
    change.node = parent
    change.created_node = node


def apply_decision(decision: Decision, user=None) -> list[DecisionChange]:
    """Apply every pending change of ``decision`` in one transaction, in the decision's order.

    Raises :class:`ChangeRefused` — and changes nothing — when the decision has nothing left to apply or
    when one change cannot be made; the message names that change and says why."""
    project = decision.meeting.project
    labels = project_labels(project)
    with transaction.atomic():
        locked = Decision.objects.select_for_update().select_related("meeting__project").get(pk=decision.pk)
        changes = list(
            locked.changes.select_related("action", "node", "node_change", "level", "period").order_by("position", "pk")
        )
        pending = [change for change in changes if not change.applied]
        if not changes:
            raise ChangeRefused(_("Cette décision ne liste aucun changement du plan : rien à appliquer."))
        if not pending:
            raise ChangeRefused(_("Les changements de cette décision sont déjà appliqués : rien n'a été refait."))
        why = reason(locked)
        now = timezone.now()
        applied = {}
        for number, change in enumerate(changes, start=1):
            if change.applied:
                continue
            if change.node_change_id:
                # The node added by an earlier change of this batch, as applied a moment ago.
                change.node_change = applied.get(change.node_change_id, change.node_change)
            text = describe(change, labels)
            found = problem(change, project, applying=True)
            if found:
                raise ChangeRefused(
                    _("Changement n° %(number)s (%(change)s) : %(problem)s Rien n'a été appliqué.")
                    % {"number": number, "change": text, "problem": found}
                )
            try:
                with transaction.atomic():
                    if change.kind == Kind.STATUS:
                        _apply_status(change, user, why)
                    elif change.kind == Kind.NEW_ACTION:
                        _apply_new_action(change, project, user, why, labels)
                    elif change.kind == Kind.POSTPONE:
                        _apply_postponement(change, user, why, labels)
                    else:
                        _apply_new_node(change, project)
            except (IntegrityError, ValidationError) as error:
                detail = "; ".join(error.messages) if isinstance(error, ValidationError) else _("conflit d'écriture.")
                raise ChangeRefused(
                    _("Changement n° %(number)s (%(change)s) : %(problem)s Rien n'a été appliqué.")
                    % {"number": number, "change": text, "problem": detail}
                ) from error
            change.applied_at = now
            change.applied_by = user if user is not None and user.is_authenticated else None
            change.applied_by_name = author_name(user)
            change.save()
            applied[change.pk] = change
    return pending


def pending_count(decision: Decision) -> int:
    return decision.changes.filter(applied_at__isnull=True).count()


# --- on the fiche ------------------------------------------------------------------------------------

DECISIONS_ON_FICHE = 5


def for_action(action, labels: dict | None = None, limit: int = DECISIONS_ON_FICHE) -> dict:
    """The decisions that touch an action, the most recent first, each with what it changes of that action:
    ``{"rows": [(decision, [(change, text)…])…], "total": n}`` in three queries."""
    decisions = (
        Decision.objects.filter(actions=action)
        .select_related("meeting__body")
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=DecisionChange.objects.filter(action=action)
                .select_related("action", "node", "node_change", "level", "period")
                .order_by("position", "pk"),
            )
        )
        .order_by("-meeting__date", "-meeting__position", "-position", "-pk")
    )
    labels = labels or project_labels(action.project)
    rows = [
        (decision, [(change, describe(change, labels)) for change in decision.changes.all()])
        for decision in decisions[:limit]
    ]
    total = len(rows) if len(rows) < limit else Decision.objects.filter(actions=action).count()
    return {"rows": rows, "total": total}
