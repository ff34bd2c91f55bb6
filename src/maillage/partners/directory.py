"""The project's directory as the screens read it: French sorting and accent-blind search done in
Python over a handful of short columns (a directory holds hundreds of entries, not millions), what
each organisation takes part in (counts by role computed in the database, a page of its actions), and
what deleting an entry would take with it."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from maillage import keys
from maillage.actions.models import Action, ActionPartner
from maillage.french import normalise

from .models import Organisation, Person

ACTION_FIELDS = ["id", "ref", "code", "title", "status", "position", "project_id"]


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
    return keys.free_key(model.objects.filter(project=project), name, default="entree")


# An organisation's page lists this many of its actions; the list of actions filtered on it shows all.
PARTICIPATIONS_SHOWN = 50


@dataclass
class Participation:
    action: object
    roles: list[str] = field(default_factory=list)


def _involving(organisation_ids):
    """Actions where one of these organisations has a partner line or is the structure pilote."""
    lines = ActionPartner.objects.filter(organisation_id__in=organisation_ids).values("action_id")
    return Action.objects.filter(Q(pk__in=lines) | Q(lead_organisation_id__in=organisation_ids))


def participations(organisation, role_labels: dict[str, str]) -> tuple[list[Participation], int]:
    """The first ``PARTICIPATIONS_SHOWN`` actions an organisation takes part in, each once with its roles,
    in plan order, and how many there are in all. A structure pilote named on the sheet counts as a
    lead even without a partner line."""
    involving = _involving([organisation.pk])
    ordered = involving.only(*ACTION_FIELDS, "lead_organisation_id").order_by("position", "ref")
    shown = list(ordered[:PARTICIPATIONS_SHOWN])
    total = len(shown) if len(shown) < PARTICIPATIONS_SHOWN else involving.count()
    by_action = {action.pk: Participation(action) for action in shown}
    lines = ActionPartner.objects.filter(organisation=organisation, action_id__in=list(by_action)).order_by("position")
    lead_label = role_labels.get("lead", "Pilote")
    for action in shown:
        if action.lead_organisation_id == organisation.pk:
            by_action[action.pk].roles.append(lead_label)
    for action_id, role in lines.values_list("action_id", "role"):
        label = role_labels.get(role, role)
        if label not in by_action[action_id].roles:
            by_action[action_id].roles.append(label)
    return [by_action[action.pk] for action in shown], total


def role_counts(organisation_ids, role_labels: dict[str, str]) -> dict[int, list[tuple[str, int]]]:
    """For each organisation, its roles with the number of actions it holds each in (the structures
    pilotes of sheets counted as leads): one aggregate query a kind, whatever the size of the plan."""
    counts: dict[int, dict[str, int]] = {pk: {} for pk in organisation_ids}
    roles = (
        ActionPartner.objects.filter(organisation_id__in=organisation_ids)
        .values("organisation_id", "role")
        .annotate(n=Count("action_id", distinct=True))
    )
    for row in roles:
        counts[row["organisation_id"]][row["role"]] = row["n"]
    # A structure pilote without a "lead" partner line still leads: counted once, not twice.
    led = (
        Action.objects.filter(lead_organisation_id__in=organisation_ids)
        .exclude(partner_roles__organisation_id=F("lead_organisation_id"), partner_roles__role="lead")
        .values("lead_organisation_id")
        .annotate(n=Count("pk"))
    )
    for row in led:
        by_role = counts[row["lead_organisation_id"]]
        by_role["lead"] = by_role.get("lead", 0) + row["n"]
    order = list(ActionPartner.Role.values)

    def in_role_order(by_role):
        return [
            (role_labels.get(role, role), n) for role, n in sorted(by_role.items(), key=lambda i: order.index(i[0]))
        ]

    return {pk: in_role_order(by_role) for pk, by_role in counts.items()}


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
