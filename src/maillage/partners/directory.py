"""The project's directory as the screens read it: French sorting and accent-blind search done in
Python over a handful of short columns (a directory holds hundreds of entries, not millions), the
actions each organisation takes part in, and what deleting an entry would take with it."""

from dataclasses import dataclass, field

from django.utils.text import slugify

from maillage.french import normalise

from .models import Organisation, Person


def matches(query: str, *texts) -> bool:
    """Every word of the query appears in one of the texts, accents and case ignored."""
    haystack = " ".join(normalise(text) for text in texts)
    return all(word in haystack for word in normalise(query).split())


def sorted_ids(rows, query: str = "") -> list[int]:
    """Ids of ``rows`` (pk, name, *searched columns), matching ``query``, in French alphabetical order."""
    kept = [row for row in rows if not query or matches(query, *row[1:])]
    kept.sort(key=lambda row: (normalise(row[1]), row[0]))
    return [row[0] for row in kept]


def in_order(queryset, ids):
    """The objects of ``queryset`` with these ids, in the order of ``ids``."""
    by_pk = {obj.pk: obj for obj in queryset.filter(pk__in=ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def free_key(model, project, name: str) -> str:
    """A directory key for a new entry: the slug of its name, numbered when the project already uses it."""
    base = slugify(name)[:90] or "entree"
    taken = set(model.objects.filter(project=project, key__startswith=base).values_list("key", flat=True))
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


@dataclass
class Participation:
    action: object
    roles: list[str] = field(default_factory=list)


def participations(organisation, role_labels: dict[str, str]) -> list[Participation]:
    """The actions an organisation takes part in, each once with its roles, in plan order.

    Reads the prefetched ``action_roles`` (with their action) and ``led_actions``: a structure pilote
    named on the sheet counts as a lead even without a partner line."""
    by_action: dict[int, Participation] = {}
    for line in organisation.action_roles.all():
        entry = by_action.setdefault(line.action_id, Participation(line.action))
        label = role_labels.get(line.role, line.role)
        if label not in entry.roles:
            entry.roles.append(label)
    lead_label = role_labels.get("lead", "Pilote")
    for action in organisation.led_actions.all():
        entry = by_action.setdefault(action.pk, Participation(action))
        if lead_label not in entry.roles:
            entry.roles.insert(0, lead_label)
    return sorted(by_action.values(), key=lambda entry: (entry.action.position, entry.action.ref))


def organisation_impact(organisation: Organisation) -> dict:
    """What deleting this organisation removes (partner lines, seats, attendance) and what it leaves
    without it (people, sheets it leads, budget lines it funds, the project it carries)."""
    return {
        "roles": list(organisation.action_roles.select_related("action").order_by("action__position")),
        "seats": list(organisation.memberships.select_related("body")),
        "attendance": organisation.attendance_set.count(),
        "people": list(organisation.people.order_by("name")),
        "led": list(organisation.led_actions.order_by("position")),
        "funded": organisation.funded_lines.count(),
        "owned": list(organisation.owned_projects.all()),
    }


def person_impact(person: Person) -> dict:
    """What deleting this person removes (seats, attendance) and where their name disappears from."""
    return {
        "seats": list(person.memberships.select_related("body")),
        "attendance": person.attendance_set.count(),
        "led": list(person.led_actions.order_by("position")),
        "referent": list(person.referent_of_actions.order_by("position")),
        "nodes": list(person.referent_of_nodes.all()),
        "chaired": list(person.chaired_bodies.all()),
    }
