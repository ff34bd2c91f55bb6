"""An action's history: every change written by one function, as the page showed the values.

A change is stored as text (label, old, new) rather than as ids so that the history stays readable
after a person, a node or a vocabulary label is renamed or deleted. The same formatting serves the
optimistic-locking conflict screen, which compares "their" saved sheet with "your" submitted one.
"""

import datetime
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from maillage.webhooks import events as webhooks

from .models import SECTIONS, Action, ActionChange

# Fields of the sheet followed by the history, in the order of the edit form.
SCALARS = [
    "title",
    "code",
    "status",
    "origin",
    "priority",
    "participation",
    "scale",
    "territory",
    "start_date",
    "end_date",
    *SECTIONS,
    "parent",
    "lead_organisation",
    "elected_referent",
]
MANY = ["nodes", "leads", "periods", "themes"]
# Vocabulary fields whose words the project may rename.
VOCABULARY_OF = {"status": "status", "origin": "origin", "priority": "priority", "participation": "participation"}
TRACKED = [*SCALARS, *MANY, "partners", "budget"]


def field_label(name: str) -> str:
    if name == "partners":
        return _("Partenaires")
    if name == "budget":
        return _("Budget")
    if name == "framework":
        return _("Cadre de référence")
    return capfirst(str(Action._meta.get_field(name).verbose_name))


def _node_text(node) -> str:
    return f"{node.code} {node.title}".strip()


def display(name: str, value, labels: dict | None = None) -> str:
    """One value as the fiche page shows it: project words for codes, French dates, names for links."""
    if value is None or value == "":
        return ""
    if name in VOCABULARY_OF:
        words = (labels or {}).get(VOCABULARY_OF[name], {})
        field = Action._meta.get_field(name)
        return str(words.get(value) or dict(field.choices).get(value, value))
    if name == "scale":
        return str(dict(Action._meta.get_field("scale").choices).get(value, value))
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if name == "nodes":
        return "\n".join(sorted(_node_text(node) for node in value))
    if name in MANY:
        return "\n".join(sorted(str(item) for item in value))
    if name == "parent":
        return f"{value.ref} — {value.title}"
    return str(value)


def _amount(amount, unit) -> str:
    text = number_format(Decimal(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{text} €" if unit == "eur" else f"{text} ETP"


def partner_lines(rows, labels: dict | None = None) -> str:
    """``rows``: (organisation name, role code, detail) in sheet order."""
    roles = (labels or {}).get("role", {})
    lines = []
    for name, role, detail in rows:
        line = f"{name} — {roles.get(role, role)}"
        lines.append(f"{line} ({detail})" if detail else line)
    return "\n".join(lines)


def budget_lines(rows) -> str:
    """``rows``: BudgetLine-like objects (saved lines or unsaved ones built from a form)."""
    lines = []
    for line in rows:
        parts = [
            str(line.year) if line.year else _("toute la période"),
            line.get_nature_display(),
            line.get_kind_display(),
            _amount(line.amount, line.unit),
        ]
        if line.funder_id or getattr(line, "funder", None):
            parts.append(str(line.funder))
        if line.label:
            parts.append(line.label)
        lines.append(" · ".join(parts))
    return "\n".join(lines)


def snapshot(action: Action, labels: dict | None = None) -> dict[str, str]:
    """The sheet as saved in the database, one display text per tracked field."""
    values = {name: display(name, getattr(action, name), labels) for name in SCALARS}
    for name in MANY:
        values[name] = display(name, list(getattr(action, name).all()), labels)
    partners = action.partner_roles.select_related("organisation")
    values["partners"] = partner_lines(((p.organisation.name, p.role, p.detail) for p in partners), labels)
    values["budget"] = budget_lines(action.budget_lines.select_related("funder"))
    return values


def diff(before: dict[str, str], after: dict[str, str]) -> list[dict]:
    """The fields whose text changed, as stored in ``ActionChange.changes``."""
    return [
        {"field": name, "label": field_label(name), "old": before.get(name, ""), "new": after.get(name, "")}
        for name in TRACKED
        if name in after and before.get(name, "") != after.get(name, "")
    ]


def author_name(user) -> str:
    if user is None or not user.is_authenticated:
        return ""
    return user.get_full_name() or user.get_username()


def record(action: Action, user, kind: str, changes: list[dict], reason: str = "") -> ActionChange | None:
    """Write one history entry (nothing when nothing changed). The one place history is written.

    ``reason`` names what caused a change that was not typed on the sheet itself (a COPIL decision, an
    accepted evaluation answer), so that the history says why as well as who."""
    if not changes:
        return None
    entry = ActionChange.objects.create(
        action=action,
        user=user if user is not None and user.is_authenticated else None,
        author=author_name(user),
        kind=kind,
        version=action.version,
        changes=changes,
        reason=reason[:255],
    )
    webhooks.action_recorded(action, kind, changes, reason)  # every write path of an action passes here
    return entry


def changes_since(action: Action, version: int) -> tuple[list[ActionChange], dict[str, dict]]:
    """The entries saved after ``version`` and, per field, the first old and the last new value:
    what other people changed while someone else had the form open."""
    entries = list(action.changes.filter(version__gt=version).order_by("at", "pk"))
    merged: dict[str, dict] = {}
    for entry in entries:
        for change in entry.changes:
            field = change.get("field") or change["label"]
            if field in merged:
                merged[field]["new"] = change["new"]
            else:
                merged[field] = dict(change)
    return entries, merged
