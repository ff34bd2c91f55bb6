"""The figures of a campaign, counted in the database: answers by state, leads late, and the synthesis
per top-level node (actions by status, accepted proposals by kind).

Nothing here loads one row per action: counts are grouped in SQL, so the progress page of a
5,000-action campaign reads as many rows as it shows.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, Value, When

from maillage.actions.progress import STATUS_ORDER
from maillage.partners.models import Person
from maillage.projects.dashboard import _root_of
from maillage.projects.models import Node

from .models import Answer, Campaign, Proposal

State = Answer.State
STATE_ORDER = [State.ACCEPTED, State.SUBMITTED, State.RETURNED, State.DRAFT, State.PENDING]
UNPLACED = 0  # the row of actions placed under no node
LEADS_SHOWN = 100


@dataclass
class Counts:
    by_state: dict
    expected: int
    late: int
    without_lead: int
    without_account: int

    @property
    def sent(self) -> int:
        return self.by_state[State.SUBMITTED] + self.by_state[State.ACCEPTED]

    @property
    def accepted(self) -> int:
        return self.by_state[State.ACCEPTED]

    @property
    def to_review(self) -> int:
        return self.by_state[State.SUBMITTED]

    @property
    def outstanding(self) -> int:
        return self.expected - self.sent

    @property
    def sent_share(self) -> int:
        return round(100 * self.sent / self.expected) if self.expected else 0


def counts(campaign: Campaign, today: datetime.date | None = None) -> Counts:
    answers = Answer.objects.filter(campaign=campaign)
    by_state = dict.fromkeys(STATE_ORDER, 0)
    for row in answers.order_by().values("state").annotate(n=Count("pk")):
        by_state[row["state"]] = row["n"]
    outstanding = sum(by_state[state] for state in Answer.OUTSTANDING)
    late = outstanding if campaign.is_open and campaign.is_past_due(today) else 0
    return Counts(
        by_state=by_state,
        expected=sum(by_state.values()),
        late=late,
        without_lead=answers.filter(respondents__isnull=True).count(),
        without_account=Person.objects.filter(campaign_answers__campaign=campaign, user__isnull=True)
        .distinct()
        .count(),
    )


@dataclass
class LeadRow:
    person: Person
    expected: int
    sent: int
    accepted: int
    outstanding: int
    late: bool


def lead_rows(campaign: Campaign, today=None, limit: int = LEADS_SHOWN) -> tuple[list[LeadRow], int]:
    """Each expected lead with their counts, those with answers still to send first; and how many leads."""
    people = (
        Person.objects.filter(campaign_answers__campaign=campaign)
        .annotate(
            expected=Count("campaign_answers"),
            sent=Count("campaign_answers", filter=Q(campaign_answers__state__in=Answer.SENT)),
            accepted=Count("campaign_answers", filter=Q(campaign_answers__state=State.ACCEPTED)),
            outstanding=Count("campaign_answers", filter=Q(campaign_answers__state__in=Answer.OUTSTANDING)),
        )
        .select_related("organisation")
        .only("pk", "name", "function", "user_id", "organisation__name")
        .order_by("-outstanding", "name", "pk")
    )
    total = Person.objects.filter(campaign_answers__campaign=campaign).distinct().count()
    past_due = campaign.is_open and campaign.is_past_due(today)
    ordered = list(people[:limit])  # sorted and cut in the database: the page shows the first ones
    rows = [
        LeadRow(p, p.expected, p.sent, p.accepted, p.expected - p.sent, past_due and p.expected > p.sent)
        for p in ordered
    ]
    return rows, total


# --- the synthesis per top-level node -----------------------------------------------------------------


@dataclass
class RootRow:
    node: Node | None  # None: the actions placed under no node
    statuses: dict = field(default_factory=dict)
    proposals: dict = field(default_factory=dict)
    states: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.states.values())

    @property
    def proposed(self) -> int:
        return sum(self.proposals.values())


def _grouped(answers, fields: list[str], root_map: dict[int, int], roots: list[int]) -> dict:
    """{(root id, *values): count of distinct answers}: through the action's placements, else its
    parent's (a sub-action belongs where its parent is), else the "placed nowhere" row."""
    result: dict[tuple, int] = {}

    def case(path):
        return Case(
            *[
                When(**{f"{path}__in": [pk for pk, root in root_map.items() if root == top]}, then=Value(top))
                for top in roots
            ],
            output_field=IntegerField(),
        )

    def add(rows, root_of_row):
        for row in rows:
            key = (root_of_row(row), *(row[name] for name in fields))
            result[key] = result.get(key, 0) + row["n"]

    if roots:
        direct = answers.filter(action__placements__isnull=False).annotate(root=case("action__placements__node_id"))
        add(direct.order_by().values("root", *fields).annotate(n=Count("pk", distinct=True)), lambda row: row["root"])
        through_parent = answers.filter(
            action__placements__isnull=True, action__parent__placements__isnull=False
        ).annotate(root=case("action__parent__placements__node_id"))
        add(
            through_parent.order_by().values("root", *fields).annotate(n=Count("pk", distinct=True)),
            lambda row: row["root"],
        )
    nowhere = answers.filter(action__placements__isnull=True).filter(
        Q(action__parent__isnull=True) | Q(action__parent__placements__isnull=True)
    )
    add(nowhere.order_by().values(*fields).annotate(n=Count("pk", distinct=True)), lambda row: UNPLACED)
    return result


def synthesis(campaign: Campaign) -> list[RootRow]:
    """Per top-level node: the campaign's actions by current status, its answers by state, and the
    accepted answers by proposal. An action under two top-level nodes counts for each (as on the dashboard)."""
    nodes = list(Node.objects.filter(project=campaign.project).select_related("level").order_by("position", "pk"))
    root_map = _root_of([(node.pk, node.parent_id) for node in nodes])
    tops = [node for node in nodes if node.parent_id is None]
    roots = [node.pk for node in tops]
    answers = Answer.objects.filter(campaign=campaign)
    rows = {node.pk: RootRow(node) for node in tops}
    rows[UNPLACED] = RootRow(None)
    for row in rows.values():
        row.statuses = dict.fromkeys(STATUS_ORDER, 0)
        row.proposals = dict.fromkeys(Proposal.values, 0)
        row.states = dict.fromkeys(STATE_ORDER, 0)
    for (root, status, state), n in _grouped(answers, ["action__status", "state"], root_map, roots).items():
        if root in rows:
            rows[root].statuses[status] = rows[root].statuses.get(status, 0) + n
            rows[root].states[state] = rows[root].states.get(state, 0) + n
    accepted = answers.filter(state=State.ACCEPTED).exclude(proposal="")
    for (root, proposal), n in _grouped(accepted, ["proposal"], root_map, roots).items():
        if root in rows:
            rows[root].proposals[proposal] = rows[root].proposals.get(proposal, 0) + n
    ordered = [rows[pk] for pk in roots]
    if rows[UNPLACED].total:
        ordered.append(rows[UNPLACED])
    return ordered


def totals(campaign: Campaign, figures: Counts) -> RootRow:
    """The whole campaign (each action once, unlike the sum of the rows)."""
    total = RootRow(None)
    answers = Answer.objects.filter(campaign=campaign)
    total.statuses = dict.fromkeys(STATUS_ORDER, 0)
    for row in answers.order_by().values("action__status").annotate(n=Count("pk")):
        total.statuses[row["action__status"]] = row["n"]
    total.proposals = dict.fromkeys(Proposal.values, 0)
    for row in (
        answers.filter(state=State.ACCEPTED).exclude(proposal="").order_by().values("proposal").annotate(n=Count("pk"))
    ):
        total.proposals[row["proposal"]] = row["n"]
    total.states = dict(figures.by_state)
    return total
