"""The candidates of the fiche's and the list's selects among many (``maillage.choosers``): a parent
action, a lead, a partner — matched on a search, the current choice kept, ``SHOWN`` at most."""

from django.db.models import Q

from maillage.choosers import SHOWN
from maillage.french import normalise
from maillage.partners.directory import matches
from maillage.partners.models import Organisation, Person

from .models import Action, ActionPartner

KINDS = ("action", "pilote", "partenaire")


def action_label(action) -> str:
    return f"{action.ref} — {action.title}"[:120]


def parent_candidates(project, excluded=None):
    """Actions that may be a sheet's parent: the project's, in plan order (not the sheet itself)."""
    actions = Action.objects.filter(project=project).only("pk", "ref", "title", "position").order_by("position", "pk")
    return actions.exclude(pk=excluded) if excluded else actions


def lead_candidates(project):
    """People of the directory who lead at least one action (the list's « Pilote » filter)."""
    leading = Action.leads.through.objects.filter(action__project=project).values("person_id")
    return Person.objects.filter(project=project, pk__in=leading).only("pk", "name").order_by("name", "pk")


def partner_candidates(project):
    """Organisations that take part in an action or lead one (the list's « Partenaire » filter)."""
    lines = ActionPartner.objects.filter(action__project=project).values("organisation_id")
    leading = Action.objects.filter(project=project, lead_organisation__isnull=False).values("lead_organisation_id")
    return (
        Organisation.objects.filter(project=project)
        .filter(Q(pk__in=lines) | Q(pk__in=leading))
        .only("pk", "name", "acronym")
        .order_by("name", "pk")
    )


def suggestions(project, kind: str, query: str, current="", excluded=None) -> list[tuple[str, str, bool]]:
    """(value, label, selected) for the search box of ``kind``: the current choice first, then up to
    ``SHOWN`` matches of every word of ``query`` (accents and case aside)."""
    if kind == "action":
        candidates = parent_candidates(project, excluded)
        words = normalise(query).split()[:8]
        found = candidates
        for word in words:
            found = found.filter(Q(title_key__contains=word) | Q(ref__icontains=word))
        rows = [(str(a.pk), action_label(a)) for a in found[:SHOWN]]
        chosen = candidates.filter(pk=current) if str(current).isdigit() else candidates.none()
        picked = [(str(a.pk), action_label(a)) for a in chosen]
    else:
        candidates = lead_candidates(project) if kind == "pilote" else partner_candidates(project)
        # Directory entries are matched in Python, as the directory itself searches (``matches``):
        # a directory holds hundreds of entries, and accents must not matter on SQLite either.
        fields = ("pk", "name") if kind == "pilote" else ("pk", "name", "acronym")
        every = list(candidates.values_list(*fields))
        rows = [(str(row[0]), row[1]) for row in every if not query or matches(query, *row[1:])][:SHOWN]
        picked = [(str(row[0]), row[1]) for row in every if str(row[0]) == str(current)]
    rest = [row for row in rows if row[0] not in {value for value, _label in picked}]
    return [(value, label, True) for value, label in picked] + [(value, label, False) for value, label in rest]
