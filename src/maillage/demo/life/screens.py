"""What the people of the story type on the screens, handed to the screens' own forms and functions.

A fiche is edited as its edit page posts it: the forms are drawn from the saved sheet, their values
posted back with the person's changes, checked by the same forms and saved by
``actions.editing.save_sheet`` (history, optimistic locking). A meeting and a decision go through
the governance forms, a follow-up note and a comment through the fiche's forms. A form that refuses
the story's data is a bug of the story: it raises instead of writing half of it.
"""

from django.db.models import Max
from django.forms import CheckboxInput

from maillage.actions import editing
from maillage.actions.forms import ActionForm, BudgetFormSet, CommentForm, NoteForm, PartnerFormSet
from maillage.actions.models import Action
from maillage.governance.calendar import invite_body_members
from maillage.governance.forms import DecisionForm, MeetingForm
from maillage.governance.models import Body, Decision, Meeting


class StoryRefused(Exception):
    """A form refused what the story typed (the message lists the French errors)."""


def _check(*forms):
    problems = [
        f"{form.errors} {form.non_form_errors() if hasattr(form, 'non_form_errors') else ''}".strip()
        for form in forms
        if not form.is_valid()
    ]
    if problems:
        raise StoryRefused("; ".join(problems))


def _drawn_fields(form) -> dict:
    """The values an unbound form shows, as a browser would post them back."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[form.add_prefix(name)] = "on"
            continue
        data[form.add_prefix(name)] = "" if value is None else value
    return data


def _drawn_formset(formset, new_lines=()) -> dict:
    """The saved lines of an inline formset as drawn, followed by ``new_lines`` (field → value)."""
    data = {}
    forms = list(formset.initial_forms)
    for form in forms:
        data.update(_drawn_fields(form))
    for index, line in enumerate(new_lines, start=len(forms)):
        for name, value in line.items():
            data[f"{formset.prefix}-{index}-{name}"] = value
    data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(forms) + len(new_lines))
    data[f"{formset.prefix}-INITIAL_FORMS"] = str(len(forms))
    return data


def _sheet_forms(action, data=None):
    project = action.project
    kwargs = {"form_kwargs": {"project": project}}
    form = ActionForm(data, instance=action, project=project, initial={"version": action.version})
    partners = PartnerFormSet(data, instance=action, prefix="partenaires", **kwargs)
    budget = BudgetFormSet(data, instance=action, prefix="budget", **kwargs)
    return form, partners, budget


def edit_sheet(action: Action, user, *, budget=(), **changes):
    """Open the fiche's edit page, change ``changes`` (form field → posted value), add the ``budget``
    lines, and save: one history entry, as on the screen."""
    action = Action.objects.select_related("project").get(pk=action.pk)
    form, partners, lines = _sheet_forms(action)
    data = {**_drawn_fields(form), **_drawn_formset(partners), **_drawn_formset(lines, budget)}
    data.update(changes)
    action = Action.objects.select_related("project").get(pk=action.pk)
    form, partners, lines = _sheet_forms(action, data)
    _check(form, partners, lines)
    return editing.save_sheet(action, form, partners, lines, user, form.cleaned_data.get("version") or 0)


def budget_line(funder, year, amount, *, label="", kind="actual", nature="operating", unit="eur") -> dict:
    """One line of the fiche's budget table, as typed."""
    return {
        "label": label,
        "nature": nature,
        "kind": kind,
        "year": str(year),
        "amount": str(amount),
        "unit": unit,
        "funder": str(funder.pk),
    }


def add_note(action: Action, user, day, text: str):
    form = NoteForm({"date": day.isoformat(), "text": text})
    _check(form)
    return editing.add_note(action, form, user)


def add_comment(action: Action, user, text: str):
    form = CommentForm({"text": text})
    _check(form)
    return editing.add_comment(action, form, user)


def hold_meeting(project, body_key: str, *, title, day, start="14:00", end="16:30", place="", agenda="", minutes=""):
    """Programme a meeting (the meeting form), with the body's members listed as present."""
    body = Body.objects.get(project=project, key=body_key)
    form = MeetingForm(
        {
            "title": title,
            "body": str(body.pk),
            "date": day.isoformat(),
            "start_time": start,
            "end_time": end,
            "place": place,
            "agenda": agenda,
            "minutes": minutes,
        },
        instance=Meeting(),
        project=project,
    )
    _check(form)
    meeting = form.save()
    invite_body_members(meeting)
    return meeting


def write_decision(meeting: Meeting, text: str, actions=()) -> Decision:
    """Note a decision (the decision form); its changes are written down with ``governance.changes``."""
    form = DecisionForm(
        {"text": text, "actions": [str(action.pk) for action in actions]},
        instance=Decision(meeting=meeting),
        project=meeting.project,
    )
    _check(form)
    form.instance.position = (meeting.decisions.aggregate(m=Max("position"))["m"] or 0) + 1
    return form.save()
