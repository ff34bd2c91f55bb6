"""Changing an action: each kind of change in one transaction, checked against the version the
editor started from, and written to the history (``maillage.actions.history.record``).

Optimistic locking: the edit form carries ``Action.version``; a save bumps it with a conditional
UPDATE (``WHERE version = <the form's>``), so of two people saving the same sheet the second one
finds no row to update and gets a :class:`Conflict` instead of overwriting the first one's work.
The quick status change bumps the version too, so an open form then sees it.
"""

from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.evaluation.models import Indicator
from maillage.french import normalise
from maillage.partners.directory import free_key
from maillage.partners.models import Organisation
from maillage.projects.stamp import touch
from maillage.webhooks import events as webhooks

from .history import (
    MANY,
    SCALARS,
    author_name,
    budget_lines,
    changes_since,
    diff,
    display,
    field_label,
    partner_lines,
    record,
    snapshot,
)
from .models import Action, ActionChange
from .vocabulary import project_labels


class Conflict(Exception):
    """Someone saved the sheet since the form was drawn: ``current`` is the sheet as saved now."""

    def __init__(self, current: Action, expected: int):
        super().__init__(f"version {expected} is stale, the sheet is at {current.version}")
        self.current = current
        self.expected = expected


def _deleted(formset, form) -> bool:
    return formset.can_delete and formset._should_delete_form(form)


def _organisation_named(project, name: str) -> Organisation:
    """The directory's organisation of that name (accents and case aside), or a new one."""
    wanted = normalise(name)
    for organisation in Organisation.objects.filter(project=project).only("pk", "name", "key"):
        if normalise(organisation.name) == wanted:
            return organisation
    key = free_key(Organisation, project, name)
    return Organisation.objects.create(project=project, key=key, name=name.strip(), position=999)


def _save_lines(action, formset, prepare=None):
    """Save an inline formset's lines in form order (their ``position``), deleting the ticked ones."""
    for position, form in enumerate(formset.forms):
        if _deleted(formset, form):
            if form.instance.pk:
                form.instance.delete()
            continue
        if not form.instance.pk and not form.has_changed():
            continue  # the empty extra line
        line = form.save(commit=False)
        line.action = action
        line.position = position
        if prepare:
            prepare(form, line)
        line.save()


def _save_partners(action, formset):
    def prepare(form, line):
        name = (form.cleaned_data.get("new_organisation") or "").strip()
        if name:
            line.organisation = _organisation_named(action.project, name)

    _save_lines(action, formset, prepare)


def _save_sheet_fields(form, action, fields):
    form.save(commit=False)
    action.save(update_fields=[*fields, "version", "modified_at"])
    form._save_m2m()


def create_action(project, form, partners, budget, user) -> Action:
    """A new sheet with its partners and budget, and its first history entry."""
    with transaction.atomic():
        action = form.save(commit=False)
        action.project = project
        action.position = (project.actions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        action.version = 1
        action.save()
        form.save_m2m()
        _save_partners(action, partners)
        _save_lines(action, budget)
        after = snapshot(action, project_labels(project))
        record(action, user, ActionChange.Kind.CREATED, diff({}, after))
    return action


def save_sheet(action, form, partners, budget, user, expected_version) -> ActionChange | None:
    """Save the edit form and its formsets as one change, or raise :class:`Conflict`."""
    labels = project_labels(action.project)
    with transaction.atomic():
        claimed = Action.objects.filter(pk=action.pk, version=expected_version).update(
            version=F("version") + 1, modified_at=timezone.now()
        )
        if not claimed:
            raise Conflict(Action.objects.get(pk=action.pk), expected_version)
        before = snapshot(Action.objects.get(pk=action.pk), labels)
        action.version = expected_version + 1
        _save_sheet_fields(form, action, [name for name in form._meta.fields if name not in MANY])
        _save_partners(action, partners)
        _save_lines(action, budget)
        changes = diff(before, snapshot(Action.objects.get(pk=action.pk), labels))
        if not changes:
            # Nothing changed: keep the version, so that nobody else's open form becomes stale.
            Action.objects.filter(pk=action.pk).update(version=expected_version)
            action.version = expected_version
            return None
        return record(action, user, ActionChange.Kind.EDITED, changes)


def change_status(action, status, user, reason: str = "", expected_version: int | None = None) -> ActionChange | None:
    """The quick status change of the list and the page: one field, one history entry (``reason``: see
    :func:`maillage.actions.history.record`). With ``expected_version`` (the API's If-Match), a sheet
    saved since that version raises :class:`Conflict` instead."""
    labels = project_labels(action.project)
    with transaction.atomic():
        current = Action.objects.select_for_update().get(pk=action.pk)
        if expected_version is not None and current.version != expected_version:
            raise Conflict(current, expected_version)
        if current.status == status:
            return None
        old = current.status
        Action.objects.filter(pk=action.pk).update(status=status, version=F("version") + 1, modified_at=timezone.now())
        touch([action.project_id])  # an update sends no signal
        action.refresh_from_db(fields=["status", "version", "modified_at"])
        change = {
            "field": "status",
            "label": field_label("status"),
            "old": display("status", old, labels),
            "new": display("status", status, labels),
        }
        return record(action, user, ActionChange.Kind.STATUS, [change], reason=reason)


def add_note(action, form, user):
    """A follow-up note, signed by its author, kept in the history too."""
    with transaction.atomic():
        note = form.save(commit=False)
        note.action = action
        note.author = author_name(user)
        note.author_user = user
        note.position = action.notes.count()
        note.save()
        text = f"{display('date', note.date)} — {note.text}"
        change = {"field": "note", "label": _("Note de suivi"), "old": "", "new": text}
        record(action, user, ActionChange.Kind.NOTE, [change])
    return note


def add_comment(action, form, user):
    comment = form.save(commit=False)
    comment.action = action
    comment.user = user
    comment.author = author_name(user)
    comment.save()
    return comment


def _number(value) -> str:
    return floatformat(value, "-2")


def indicator_text(indicator: Indicator | None) -> str:
    """An indicator with its targets and values as one text, for the history."""
    if indicator is None or not indicator.pk:
        return ""
    lines = [f"{indicator.title} ({indicator.get_kind_display()}{', ' + indicator.unit if indicator.unit else ''})"]
    if indicator.baseline is not None:
        year = f" ({indicator.baseline_year})" if indicator.baseline_year else ""
        lines.append(_("Valeur de départ : %(value)s%(year)s") % {"value": _number(indicator.baseline), "year": year})
    targets = [f"{t.year} : {_number(t.value)}" for t in indicator.targets.all()]
    if targets:
        lines.append(_("Cibles : %(targets)s") % {"targets": " ; ".join(targets)})
    for value in indicator.values.all():
        measured = _number(value.value) if value.value is not None else ""
        text = " — ".join(part for part in (measured, value.assessment) if part)
        lines.append(f"{value.period} : {text}")
    return "\n".join(lines)


def save_indicator(action, form, targets, values, user) -> Indicator:
    """An indicator with its targets and values, saved together and kept in the history."""
    with transaction.atomic():
        before = indicator_text(Indicator.objects.filter(pk=form.instance.pk).first()) if form.instance.pk else ""
        indicator = form.save(commit=False)
        indicator.action = action
        if not indicator.pk:
            indicator.position = action.indicators.count()
        indicator.save()
        for formset in (targets, values):
            formset.instance = indicator
            for position, line_form in enumerate(formset.forms):
                if _deleted(formset, line_form):
                    if line_form.instance.pk:
                        line_form.instance.delete()
                    continue
                if not line_form.instance.pk and not line_form.has_changed():
                    continue
                added = not line_form.instance.pk
                line = line_form.save(commit=False)
                line.indicator = indicator
                if hasattr(line, "position"):
                    line.position = position
                line.save()
                if added and formset is values:
                    webhooks.indicator_value_added(indicator, line)
        after = indicator_text(indicator)
        if before != after:
            label = _("Indicateur « %(title)s »") % {"title": indicator.title}
            change = {"field": f"indicator-{indicator.pk}", "label": label, "old": before, "new": after}
            record(action, user, ActionChange.Kind.INDICATOR, [change])
    return indicator


def submitted_snapshot(form, partners, budget, labels) -> dict[str, str]:
    """The sheet as the user submitted it, in the history's words, to set beside the saved one."""
    data = form.cleaned_data
    values = {name: display(name, data.get(name), labels) for name in SCALARS if name in form.fields}
    for name in MANY:
        values[name] = display(name, list(data.get(name) or []), labels)
    rows = []
    for line_form in partners.forms:
        cleaned = getattr(line_form, "cleaned_data", None) or {}
        named = cleaned.get("organisation") or cleaned.get("new_organisation")
        if not cleaned or _deleted(partners, line_form) or not named:
            continue
        name = cleaned["organisation"].name if cleaned.get("organisation") else cleaned["new_organisation"]
        rows.append((name, cleaned.get("role"), cleaned.get("detail", "")))
    values["partners"] = partner_lines(rows, labels)
    lines = []
    for line_form in budget.forms:
        cleaned = getattr(line_form, "cleaned_data", None) or {}
        if not cleaned or _deleted(budget, line_form) or cleaned.get("amount") is None:
            continue
        lines.append(line_form.instance)
    values["budget"] = budget_lines(lines)
    return values


def conflict_rows(conflict: Conflict, mine: dict[str, str], labels) -> tuple[list, list[dict]]:
    """Who saved in between, and field by field what they saved beside what the user submitted."""
    entries, merged = changes_since(conflict.current, conflict.expected)
    theirs = snapshot(conflict.current, labels)
    rows = []
    for field, change in merged.items():
        if field not in theirs:
            continue
        rows.append(
            {
                "label": change["label"],
                "before": change["old"],
                "theirs": theirs[field],
                "mine": mine.get(field, ""),
                "same": theirs[field] == mine.get(field, ""),
            }
        )
    return entries, rows
