"""The API's shapes, from which the OpenAPI document is drawn (pydantic, through django-ninja).

Fields a visitor of a published plan does not get are optional: their answers leave them out
(``representation`` says which).
"""

import datetime

from ninja import Field, Schema
from pydantic import create_model

from maillage.actions.vocabulary import Status

Number = int | float


class ErrorDetail(Schema):
    path: str = Field(description="Chemin JSON de la valeur refusée ($.values[0].period) ou du paramètre.")
    message: str


class ErrorBody(Schema):
    code: str = Field(description="Code stable de l'erreur (voir docs/api.md).")
    message: str = Field(description="Message en français.")
    details: list[ErrorDetail] | None = None


class Error(Schema):
    error: ErrorBody
    current: dict | None = Field(None, description="L'état actuel de la ressource, pour une version périmée (412).")


class PersonRef(Schema):
    key: str
    name: str


class Project(Schema):
    slug: str
    title: str
    subtitle: str
    kind: str
    first_year: int
    last_year: int
    state: str
    version: str
    updated_on: datetime.date | None
    territory: str | None
    parent: str | None = Field(description="Le projet dont il est décliné (slug).")
    children: list[str] = Field(description="Les projets déclinés de celui-ci que vous pouvez lire (slugs).")
    published: bool
    description: str | None = None


class Level(Schema):
    depth: int
    name: str


class Node(Schema):
    id: int
    parent: int | None
    key: str
    code: str
    title: str
    level: str
    depth: int
    description: str
    referent: PersonRef | None = None
    actions: list[str] = Field(description="Références des actions placées sous ce nœud.")


class Tree(Schema):
    levels: list[Level]
    nodes: list[Node] = Field(description="Tous les nœuds, parents avant enfants, dans l'ordre du plan.")


class Target(Schema):
    year: int
    value: Number


class Value(Schema):
    id: int | None = None
    period: str
    date: datetime.date | None = None
    value: Number | None = None
    assessment: str | None = None
    comment: str | None = None
    source: str | None = None


class Indicator(Schema):
    id: int | None = None
    kind: str
    title: str
    unit: str | None = None
    baseline: Number | None = None
    baseline_year: int | None = None
    targets: list[Target] = []
    values: list[Value] = []


class Partner(Schema):
    partner: str = Field(description="Clé de l'organisation dans l'annuaire du projet.")
    name: str
    role: str
    detail: str | None = None


class BudgetLine(Schema):
    label: str
    nature: str
    kind: str
    year: int | None
    amount: Number
    unit: str
    funder: str | None


class Note(Schema):
    date: datetime.date
    author: str
    text: str


class ActionSummary(Schema):
    ref: str
    code: str | None = None
    title: str
    status: str
    origin: str | None = None
    priority: str | None = None
    parent: str | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    periods: list[str] = []
    nodes: list[int] = []
    leads: list[PersonRef] | None = None
    late: bool
    version: int | None = None


class Action(Schema):
    ref: str
    code: str | None = None
    title: str
    status: str
    origin: str | None = None
    priority: str | None = None
    participation: str | None = None
    parent: str | None = None
    children: list[str] = []
    nodes: list[int] = []
    scale: str | None = None
    territory: str | None = None
    periods: list[str] = []
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    context: str | None = None
    general_objective: str | None = None
    operational_objectives: str | None = None
    target_public: str | None = None
    description: str | None = None
    schedule: str | None = None
    human_means: str | None = None
    material_means: str | None = None
    financial_means: str | None = None
    partnership: str | None = None
    expected_results: str | None = None
    obstacles: str | None = None
    leads: list[PersonRef] | None = None
    lead_organisation: str | None = None
    elected_referent: PersonRef | None = None
    themes: list[str] = []
    partners: list[Partner] = []
    budget: list[BudgetLine] | None = None
    indicators: list[Indicator] = []
    notes: list[Note] | None = None
    late: bool
    version: int | None = Field(None, description="La version de la fiche, aussi dans l'en-tête ETag.")


class Location(Schema):
    latitude: float
    longitude: float
    source: str | None = None
    score: float | None = None


class Organisation(Schema):
    key: str
    name: str
    acronym: str | None = None
    kind: str | None = None
    description: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    domains: list[str] | None = None
    # What the shared record of the organisation says (partners.Structure), for members.
    siret: str | None = None
    insee_code: str | None = None
    location: Location | None = None
    thematiques: list[str] | None = None
    publics: list[str] | None = None


class BodyMember(Schema):
    person: PersonRef | None
    organisation: str | None
    role: str


class Body(Schema):
    key: str
    kind: str
    name: str
    description: str
    frequency: str
    chair: PersonRef | None
    members: list[BodyMember]


class Decision(Schema):
    text: str
    actions: list[str]


class Meeting(Schema):
    id: int
    title: str
    date: datetime.date
    start_time: str | None
    end_time: str | None
    place: str
    body: str | None = Field(description="Clé de l'instance.")
    agenda: str
    minutes: str
    decisions: list[Decision]


class KeyFigureTable(Schema):
    title: str
    source: str
    year: int | None
    columns: list[str]
    rows: list[dict]


class Finding(Schema):
    theme: str
    title: str
    text: str
    source: str


class Consultation(Schema):
    title: str
    method: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    residents: int | None
    responses: int | None
    description: str


class Enjeu(Schema):
    code: str
    title: str
    theme: str
    description: str
    validated_on: datetime.date | None


class Diagnostic(Schema):
    tables: list[KeyFigureTable]
    findings: list[Finding]
    consultations: list[Consultation]
    enjeux: list[Enjeu]


class Version(Schema):
    id: int
    label: str
    kind: str
    state: str
    date: datetime.date | None
    deliberation_date: datetime.date | None
    deliberation_reference: str
    deliberation_body: str


class Campaign(Schema):
    key: str
    title: str
    kind: str
    first_year: int
    last_year: int
    due_date: datetime.date
    state: str
    scope: str


def page_of(item):
    """The paginated list of ``item``: ``count`` items in all, ``pages`` pages of ``page_size``."""
    return create_model(
        f"{item.__name__}Page",
        __base__=Schema,
        count=(int, ...),
        page=(int, ...),
        pages=(int, ...),
        page_size=(int, ...),
        results=(list[item], ...),
    )


ProjectPage = page_of(Project)
ActionPage = page_of(ActionSummary)
OrganisationPage = page_of(Organisation)
MeetingPage = page_of(Meeting)


# --- what clients send -------------------------------------------------------------------------


class ActionPatch(Schema, extra="forbid"):
    """The fields a PATCH changes; the others stay as they are. ``If-Match`` carries the version read."""

    status: Status | None = None
    title: str | None = Field(None, min_length=1, max_length=500)
    context: str | None = None
    general_objective: str | None = None
    operational_objectives: str | None = None
    target_public: str | None = None
    description: str | None = None
    schedule: str | None = None
    human_means: str | None = None
    material_means: str | None = None
    financial_means: str | None = None
    partnership: str | None = None
    expected_results: str | None = None
    obstacles: str | None = None


class NoteIn(Schema, extra="forbid"):
    date: datetime.date | None = Field(None, description="Par défaut : aujourd'hui.")
    text: str = Field(min_length=1, max_length=20000)


class ValueIn(Schema, extra="forbid"):
    """A measured value: replaces the indicator's value of the same period, or is added."""

    period: str = Field(min_length=1, max_length=255, description="« 2024 », « fin 2024 », « juin 2025 »…")
    date: datetime.date | None = None
    value: float | None = Field(None, ge=-1e12, le=1e12)
    assessment: str = Field("", max_length=20000)
    comment: str = Field("", max_length=20000)
    source: str = Field("", max_length=255)


class Replaced(Schema):
    slug: str
    actions: int
