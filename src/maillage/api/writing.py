"""API writes through the UI's own forms and saves (``actions.forms``, ``actions.editing``).

A JSON change is applied as if the edit form had been posted with the sheet as it is and those fields
changed: the forms validate it as they validate a page, and ``editing`` saves it with the same
optimistic locking and history. No second save path, no second set of rules.
"""

import datetime

from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _

from maillage.actions import editing
from maillage.actions.forms import (
    ActionForm,
    BudgetFormSet,
    IndicatorForm,
    NoteForm,
    PartnerFormSet,
    TargetFormSet,
    ValueFormSet,
)
from maillage.actions.vocabulary import Status
from maillage.evaluation.models import IndicatorTarget, IndicatorValue

from .errors import ApiError


def posted(form) -> dict:
    """The data an unchanged form would post: every field's current value under its prefixed name."""
    return {form.add_prefix(name): form[name].value() for name in form.fields}


def posted_formset(formset) -> dict:
    """The data of an inline formset posted with its saved lines unchanged (and no empty extra line)."""
    forms = formset.initial_forms
    data = {
        f"{formset.prefix}-TOTAL_FORMS": len(forms),
        f"{formset.prefix}-INITIAL_FORMS": len(forms),
        f"{formset.prefix}-MIN_NUM_FORMS": 0,
        f"{formset.prefix}-MAX_NUM_FORMS": 1000,
    }
    for form in forms:
        data.update(posted(form))
    return data


def _problems(*forms) -> list[dict]:
    """The forms' French errors, each with the JSON path of the field the client sent."""
    details = []
    for form in forms:
        if hasattr(form, "forms"):  # a formset
            details += [{"path": "$", "message": str(e)} for e in form.non_form_errors()]
            for index, line in enumerate(form.forms):
                for field, errors in line.errors.items():
                    where = f"$.lines[{index}]" if field == "__all__" else f"$.lines[{index}].{field}"
                    details += [{"path": where, "message": str(e)} for e in errors]
            continue
        for field, errors in form.errors.items():
            where = "$" if field == "__all__" else f"$.{field}"
            details += [{"path": where, "message": str(e)} for e in errors]
    return details


def patch_action(action, changes: dict, user, expected: int):
    """Save the changed fields of the sheet through its edit form, as version ``expected``; a change of
    the status alone is the UI's quick status change (one field, checked against ``expected`` too)."""
    if set(changes) == {"status"}:
        if changes["status"] not in Status.values:
            raise ApiError("invalid_request", details=[{"path": "$.status", "message": str(_("valeur non permise"))}])
        return editing.change_status(action, changes["status"], user, expected_version=expected)
    project = action.project
    kwargs = {"form_kwargs": {"project": project}}
    current = ActionForm(instance=action, project=project, initial={"version": action.version})
    data = {**posted(current), **changes, "version": expected}
    form = ActionForm(data, instance=action, project=project)
    partners = PartnerFormSet(
        posted_formset(PartnerFormSet(instance=action, prefix="partenaires", **kwargs)),
        instance=action,
        prefix="partenaires",
        **kwargs,
    )
    budget = BudgetFormSet(
        posted_formset(BudgetFormSet(instance=action, prefix="budget", **kwargs)),
        instance=action,
        prefix="budget",
        **kwargs,
    )
    if not all([form.is_valid(), partners.is_valid(), budget.is_valid()]):
        raise ApiError("invalid_request", details=_problems(form, partners, budget))
    try:
        return editing.save_sheet(action, form, partners, budget, user, expected)
    except IntegrityError:
        raise ApiError("invalid_request", details=[{"path": "$", "message": "enregistrement impossible"}]) from None


def add_note(action, data: dict, user):
    form = NoteForm({"date": data.get("date") or datetime.date.today(), "text": data["text"]})
    if not form.is_valid():
        raise ApiError("invalid_request", details=_problems(form))
    return editing.add_note(action, form, user)


def set_value(action, indicator, value: dict, user) -> bool:
    """The indicator's value of ``value["period"]`` replaced, or added: through the indicator form and its
    formsets, saved by ``editing.save_indicator`` (history included). True when a value was added."""
    project = action.project
    kwargs = {"form_kwargs": {"project": project}}
    form = IndicatorForm(
        posted(IndicatorForm(instance=indicator, project=project)), instance=indicator, project=project
    )
    targets_query = IndicatorTarget.objects.all()
    targets = TargetFormSet(
        posted_formset(TargetFormSet(instance=indicator, prefix="cibles", queryset=targets_query, **kwargs)),
        instance=indicator,
        prefix="cibles",
        queryset=targets_query,
        **kwargs,
    )
    values_query = IndicatorValue.objects.all()
    unchanged = ValueFormSet(instance=indicator, prefix="valeurs", queryset=values_query, **kwargs)
    data = posted_formset(unchanged)
    fields = {
        "period": value["period"],
        "date": value.get("date"),
        "value": value.get("value"),
        "assessment": value.get("assessment") or "",
        "comment": value.get("comment") or "",
        "source": value.get("source") or "",
    }
    wanted = value["period"].strip().casefold()
    line = next((f for f in unchanged.initial_forms if (f.instance.period or "").strip().casefold() == wanted), None)
    added = line is None
    if added:
        index = len(unchanged.initial_forms)
        data["valeurs-TOTAL_FORMS"] = index + 1
        prefix = f"valeurs-{index}"
    else:
        prefix = line.prefix
    data.update({f"{prefix}-{name}": field for name, field in fields.items()})
    values = ValueFormSet(data, instance=indicator, prefix="valeurs", queryset=values_query, **kwargs)
    if not all([form.is_valid(), targets.is_valid(), values.is_valid()]):
        raise ApiError("invalid_request", details=_value_problems(form, targets, values))
    editing.save_indicator(action, form, targets, values, user)
    return added


def _value_problems(form, targets, values) -> list[dict]:
    """Errors of the value sent (its fields at ``$.field``); errors elsewhere, rare, at ``$``."""
    details = []
    for line in values.forms:
        for field, errors in line.errors.items():
            details += [{"path": "$" if field == "__all__" else f"$.{field}", "message": str(e)} for e in errors]
    details += [{"path": "$", "message": str(e)} for e in values.non_form_errors()]
    for other in (form, targets):
        details += [{"path": "$", "message": d["message"]} for d in _problems(other)]
    return details or [{"path": "$", "message": "valeur refusée"}]
