"""Two directory entries that are one organisation made one, with nothing lost and a trace kept.

Every link to the removed entry moves to the kept one — found through the model's own relations, so a
link added tomorrow by another app moves too: partner roles on actions, people, sheets it leads, budget
lines it funds, seats and attendance in bodies, projects it carries, framework links… A link that would
then exist twice (the same role on the same action) is kept once. Empty fields of the kept entry take the
removed one's values, and the two structures become one across every plan (they are the same
organisation). The :class:`~maillage.partners.models.Merge` row says what moved.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, ForeignKey, Q
from django.utils.translation import gettext as _

from maillage.actions.models import Action
from maillage.french import normalise

from .identity import fill_missing
from .models import Merge, Organisation, Structure

FILLED = ["acronym", "kind", "description", "address", "postal_code", "city", "website", "email", "phone"]
STRUCTURE_FILLED = ["siret", "insee_code", "latitude", "longitude", "geo_source", "geo_score", "geo_label"]
# Suggestions shown at once on the duplicates page.
SUGGESTIONS = 50


class MergeRefused(Exception):
    pass


def _move_links(model, removed, kept) -> dict[str, int]:
    """Point every foreign key to ``removed`` at ``kept``; rows that would then be duplicates are dropped."""
    moved = {}
    for relation in model._meta.related_objects:
        if not isinstance(relation.field, ForeignKey) or relation.related_model is Merge:
            continue
        rows = relation.related_model._base_manager.filter(**{relation.field.name: removed})
        count = rows.count()
        if not count:
            continue
        try:
            with transaction.atomic():
                rows.update(**{relation.field.name: kept})
        except IntegrityError:  # a unique constraint: move row by row, drop what the kept entry already has
            for row in list(rows):
                try:
                    with transaction.atomic():
                        setattr(row, relation.field.name, kept)
                        row.save(update_fields=[relation.field.name])
                except IntegrityError:
                    row.delete()
        moved[relation.related_model._meta.label_lower] = count
    return moved


def merge_structures(kept: Structure, removed: Structure) -> None:
    """One organisation across plans: the removed structure's entries now point at the kept one."""
    if kept.pk == removed.pk:
        return
    fill_missing(kept, {name: getattr(removed, name) for name in STRUCTURE_FILLED})
    kept.thematiques = sorted(set(kept.thematiques) | set(removed.thematiques))
    kept.publics = sorted(set(kept.publics) | set(removed.publics))
    kept.save()
    Organisation.objects.filter(structure=removed).update(structure=kept)
    removed.delete()


def merge(kept: Organisation, removed: Organisation, user=None) -> Merge:
    """Make ``removed`` part of ``kept`` (same project), in one transaction."""
    if kept.pk == removed.pk:
        raise MergeRefused(_("Une organisation ne peut pas être fusionnée avec elle-même."))
    if kept.project_id != removed.project_id:
        raise MergeRefused(_("Les deux organisations doivent appartenir au même annuaire."))
    with transaction.atomic():
        kept = Organisation.objects.select_for_update().get(pk=kept.pk)
        removed = Organisation.objects.select_for_update().get(pk=removed.pk)
        moved = _move_links(Organisation, removed, kept)
        domains = set(removed.domains.values_list("pk", flat=True)) - set(kept.domains.values_list("pk", flat=True))
        kept.domains.add(*domains)
        if domains:
            moved["domains"] = len(domains)
        filled = fill_missing(kept, {name: getattr(removed, name) for name in FILLED})
        kept.save()
        removed_structure = removed.structure
        trace = Merge.objects.create(
            project=kept.project,
            kept=kept,
            kept_name=kept.name,
            removed_name=removed.name,
            removed_key=removed.key,
            moved=moved | ({"filled": filled} if filled else {}),
            by=user,
        )
        removed.delete()
        if removed_structure is not None and kept.structure is not None:
            merge_structures(kept.structure, removed_structure)
    return trace


@dataclass
class Suggestion:
    first: Organisation
    second: Organisation
    reason: str


def suggestions(project) -> list[Suggestion]:
    """Pairs of entries of one directory that look like one organisation: the same structure (a SIRET
    given twice), or the same name once accents, case and punctuation are set aside. Read from three
    short columns of the project's entries, never from other projects."""
    rows = list(Organisation.objects.filter(project=project).values_list("pk", "name", "structure_id").order_by("pk"))
    pairs, seen = [], set()
    by_structure, by_name = {}, {}
    for pk, name, structure_id in rows:
        for index, key, reason in (
            (by_structure, structure_id, "structure"),
            (by_name, normalise(name), "name"),
        ):
            if key is None or key == "":
                continue
            first = index.setdefault(key, pk)
            if first != pk and (first, pk) not in seen:
                seen.add((first, pk))
                pairs.append((first, pk, reason))
    pairs = pairs[:SUGGESTIONS]
    entries = Organisation.objects.in_bulk({pk for a, b, _r in pairs for pk in (a, b)})
    return [Suggestion(entries[a], entries[b], reason) for a, b, reason in pairs]


ELSEWHERE_PLANS = 20
ELSEWHERE_ACTIONS = 5


def shared_elsewhere(organisation, readable) -> list[tuple[Organisation, int, list]]:
    """The entries of the same structure in other plans the viewer may read, each with how many actions
    it takes part in there and the first of them (bounded: twenty plans, five actions each, in two
    queries whatever the size of those plans)."""
    if organisation.structure_id is None:
        return []
    entries = list(
        Organisation.objects.filter(structure_id=organisation.structure_id, project__in=readable)
        .exclude(project_id=organisation.project_id)
        .select_related("project")
        .annotate(actions=Count("action_roles__action", distinct=True))
        .order_by("project__title")[:ELSEWHERE_PLANS]
    )
    if not entries:
        return []
    ids = [entry.pk for entry in entries]
    found = (
        Action.objects.filter(Q(partner_roles__organisation_id__in=ids) | Q(lead_organisation_id__in=ids))
        .distinct()
        .only("pk", "ref", "title", "project_id", "position")
        .order_by("project_id", "position", "ref")[: ELSEWHERE_PLANS * ELSEWHERE_ACTIONS]
    )
    by_project: dict[int, list] = {}
    for action in found:
        shown = by_project.setdefault(action.project_id, [])
        if len(shown) < ELSEWHERE_ACTIONS:
            shown.append(action)
    return [
        (entry, max(entry.actions, len(by_project.get(entry.project_id, []))), by_project.get(entry.project_id, []))
        for entry in entries
    ]


def trace_of(project):
    return Merge.objects.filter(project=project).select_related("by")[:20]
