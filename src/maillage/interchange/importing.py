"""Reading a ``maillage/project@1`` document into the database, in one transaction and in bulk.

The document is checked completely first (``validation.check``, then what the database says); a
document with problems writes nothing. Every rule that ``save()``, ``clean()`` and the m2m signals
enforce on the models (dates in order, years within the project's period, a node deeper than its
parent, no loop of parent actions, links within one project) is one of those checks, so the writing
can skip them: it is ``bulk_create`` by model in dependency order, each entity's rows built from the
document and from the key → primary key maps of the entities written before it. Every id comes from
this document's own rows, so every link stays within the project by construction. Territories with
an official code are shared reference data: they are looked up, and created only when missing.
Everything else belongs to the imported project.

Each entity is one small method of ``_Importer`` listed in ``_Importer.steps`` (the actions and what
hangs on them are written per chunk of ``CHUNK`` actions, which bounds the objects held in memory):
adding an entity to the document means adding one method there.
"""

import contextlib
import sqlite3
from collections.abc import Callable
from datetime import date, time
from decimal import Decimal

from django.db import connection, transaction

from maillage.actions.models import (
    SECTIONS,
    Action,
    ActionNode,
    ActionPartner,
    BudgetLine,
    Programme,
    ProgrammeAction,
    ProgrammeObjective,
    ProgrammeObjectiveAction,
)
from maillage.diagnostic.models import (
    Consultation,
    Enjeu,
    Finding,
    KeyFigureColumn,
    KeyFigureRow,
    KeyFigureTable,
    KeyFigureValue,
)
from maillage.evaluation.models import FollowUpNote, Indicator, IndicatorTarget, IndicatorValue
from maillage.governance.models import Attendance, Body, BodyMember, Decision, Meeting
from maillage.partners.models import Domain, Organisation, Person
from maillage.projects.models import Acronym, Level, Node, Period, Project, Theme, VocabularyLabel
from maillage.territories.models import Territory

from .validation import InvalidDocument, Problem, check

# Actions written per round (with their partners, budget, indicators, values, notes): the model
# instances of one chunk are all that is held at once, and 1,000 or 2,000 actions cost the same queries.
CHUNK = 2000

Progress = Callable[[int, int], None]


def _date(value):
    return date.fromisoformat(value) if value else None


def _time(value):
    return time.fromisoformat(value) if value else None


def _decimal(value):
    return None if value is None else Decimal(str(value))


def validate_for_import(document, *, replace=False) -> list[Problem]:
    """Every reason this document cannot be imported now, including what the database says."""
    problems = check(document)
    if problems:
        return problems
    project = document["project"]
    existing = Project.objects.filter(slug=project["slug"]).first()
    if existing is not None and not replace:
        problems.append(
            Problem(
                "$.project.slug",
                f"un projet « {project['slug']} » existe déjà ; importez avec --replace pour le remplacer.",
            )
        )
    parent_slug = project.get("parent")
    if parent_slug:
        parent = Project.objects.filter(slug=parent_slug).first()
        if parent is None:
            problems.append(
                Problem("$.project.parent", f"projet parent « {parent_slug} » introuvable : importez-le d'abord.")
            )
        elif existing is not None and replace and _descends_from(parent, existing):
            # The replaced project's children are moved under the new one: this parent would close a loop.
            problems.append(
                Problem(
                    "$.project.parent",
                    f"le projet « {parent_slug} » est décliné de « {project['slug']} » : "
                    "il ne peut pas en devenir le parent.",
                )
            )
    return problems


def _descends_from(project: Project, ancestor: Project) -> bool:
    seen = set()
    while project is not None and project.pk not in seen:
        if project.pk == ancestor.pk:
            return True
        seen.add(project.pk)
        project = project.parent
    return False


def import_document(document, *, replace=False, progress: Progress | None = None) -> Project:
    """Create the project a document describes (or replace the one with the same slug) and return it.

    Raises InvalidDocument, listing every problem, when the document cannot be imported; then the
    database is left exactly as it was. ``progress(done, total)`` is called after each step of the
    writing (an entity, or a chunk of actions).
    """
    problems = validate_for_import(document, replace=replace)
    if problems:
        raise InvalidDocument(problems)
    with transaction.atomic(), _whole_batches():
        children = []
        calendar_token = None
        if replace:
            old = Project.objects.filter(slug=document["project"]["slug"]).first()
            if old is not None:
                children = list(old.children.values_list("pk", flat=True))
                calendar_token = old.calendar_token
                old.delete()
        project = _Importer(document, progress).run()
        if children:
            Project.objects.filter(pk__in=children).update(parent=project)
        if calendar_token:
            # Calendar subscriptions keep working after a replace.
            project.calendar_token = calendar_token
            project.save(update_fields=["calendar_token"])
    return project


@contextlib.contextmanager
def _whole_batches():
    """On SQLite, let one INSERT carry as many values as this SQLite accepts.

    Django 5.2 assumes the historical limit of 999 variables per statement and cuts a bulk insert of
    36 columns into rows of 27; SQLite 3.32 and later accept 32,766 (Debian's build 250,000), which
    ``getlimit`` tells. Django 6.0 reads the limit the same way. PostgreSQL inserts each batch as
    arrays (``UNNEST``) and needs nothing.
    """
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    features = connection.features
    features.max_query_params = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    try:
        yield
    finally:
        del features.max_query_params


def _create(model, objects: list) -> list:
    """Insert the objects in as few statements as the database takes; their primary keys are set."""
    if objects:
        model.objects.bulk_create(objects)
    return objects


def _tree_waves(roots, children_of):
    """The items of a tree by depth (roots first), each with its parent and its pre-order position."""
    positions, waves = {}, []

    def visit(item, parent, depth):
        positions[id(item)] = len(positions)
        if len(waves) <= depth:
            waves.append([])
        waves[depth].append((item, parent))
        for child in children_of(item):
            visit(child, item, depth + 1)

    for root in roots:
        visit(root, None, 0)
    return waves, positions


class _Importer:
    def __init__(self, document, progress: Progress | None = None):
        self.doc = document
        self.progress = progress
        self.project: Project | None = None
        # keys of the document → primary keys of the rows written
        self.territories: dict[str, int] = {}
        self.organisations: dict[str, int] = {}
        self.people: dict[str, int] = {}
        self.levels: dict[str, int] = {}
        self.periods: dict[str, int] = {}
        self.themes: dict[str, int] = {}
        self.actions: dict[str, int] = {}
        self.nodes: dict[str, int] = {}  # node keys
        self.bodies: dict[str, int] = {}
        self.meetings: list[int] = []  # in document order
        self.decisions: list[list[int]] = []  # per meeting, in document order

    def steps(self) -> list[Callable[[], None]]:
        entries = self.doc.get("actions", [])
        chunks = [
            (lambda start=start: self.write_actions(entries[start : start + CHUNK]))
            for start in range(0, len(entries), CHUNK)
        ]
        return [
            self.write_project,
            self.write_territories,
            self.write_directory,
            self.write_project_links,
            self.write_levels,
            self.write_periods,
            self.write_themes,
            self.write_acronyms,
            self.write_labels,
            *chunks,
            self.write_action_parents,
            self.write_tree,
            self.write_programmes,
            self.write_bodies,
            self.write_meetings,
            self.write_decisions,
            self.write_diagnostic_tables,
            self.write_findings,
            self.write_consultations,
            self.write_enjeux,
        ]

    def run(self) -> Project:
        steps = self.steps()
        for done, step in enumerate(steps, start=1):
            step()
            if self.progress is not None:
                self.progress(done, len(steps))
        return self.project

    # --- the project and its directory ----------------------------------------------------------------

    def write_project(self):
        data = self.doc["project"]
        deliberation = data.get("deliberation", {})
        parent = Project.objects.only("pk").get(slug=data["parent"]) if data.get("parent") else None
        self.project = Project.objects.create(
            slug=data["slug"],
            title=data["title"],
            subtitle=data.get("subtitle", ""),
            kind=data["kind"],
            first_year=data["period"]["start"],
            last_year=data["period"]["end"],
            state=data.get("state", Project.State.DRAFTING),
            deliberation_date=_date(deliberation.get("date")),
            deliberation_reference=deliberation.get("reference", ""),
            deliberation_body=deliberation.get("body", ""),
            version=data.get("version", ""),
            updated_on=_date(data.get("updated_on")),
            parent=parent,
            description=data.get("description", ""),
            published=data.get("published", False),
        )

    def write_territories(self):
        """Shared territories (with a code) are looked up; the others belong to this project."""
        entries = self.doc.get("territories", [])
        codes = {entry["code"] for entry in entries if entry.get("code")}
        shared = {(t.kind, t.code): t.pk for t in Territory.objects.filter(code__in=codes).only("kind", "code")}
        new = {}
        for entry in entries:
            code = entry.get("code", "")
            if code and (entry["kind"], code) in shared:
                self.territories[entry["key"]] = shared[(entry["kind"], code)]
            else:
                new[entry["key"]] = Territory(
                    kind=entry["kind"], name=entry["name"], code=code, project=None if code else self.project
                )
        _create(Territory, list(new.values()))
        self.territories.update((key, territory.pk) for key, territory in new.items())
        links = {
            (self.territories[entry["key"]], self.territories[member])
            for entry in entries
            for member in entry.get("members", [])
        }
        # A shared perimeter may already have these members: adding is idempotent, as members.add() is.
        Territory.members.through.objects.bulk_create(
            [Territory.members.through(from_territory_id=a, to_territory_id=b) for a, b in sorted(links)],
            ignore_conflicts=True,
        )

    def write_directory(self):
        project = self.project
        entries = self.doc.get("partners", [])
        organisations = _create(
            Organisation,
            [
                Organisation(
                    project=project,
                    key=entry["key"],
                    name=entry["name"],
                    acronym=entry.get("acronym", ""),
                    kind=entry.get("kind", ""),
                    description=entry.get("description", ""),
                    address=entry.get("address", ""),
                    postal_code=entry.get("postal_code", ""),
                    city=entry.get("city", ""),
                    website=entry.get("website", ""),
                    email=entry.get("email", ""),
                    phone=entry.get("phone", ""),
                    position=position,
                )
                for position, entry in enumerate(entries)
            ],
        )
        self.organisations = {o.key: o.pk for o in organisations}
        domains = self.domains({name for entry in entries for name in entry.get("domains", [])})
        Organisation.domains.through.objects.bulk_create(
            Organisation.domains.through(organisation_id=organisation.pk, domain_id=domains[name])
            for organisation, entry in zip(organisations, entries, strict=True)
            for name in dict.fromkeys(entry.get("domains", []))
        )
        people = _create(
            Person,
            [
                Person(
                    project=project,
                    key=entry["key"],
                    name=entry["name"],
                    function=entry.get("function", ""),
                    organisation_id=self.organisations.get(entry.get("organisation")),
                    elected=entry.get("elected", False),
                    email=entry.get("email", ""),
                    phone=entry.get("phone", ""),
                    position=position,
                )
                for position, entry in enumerate(self.doc.get("people", []))
            ],
        )
        self.people = {p.key: p.pk for p in people}

    @staticmethod
    def domains(names: set[str]) -> dict[str, int]:
        """The shared domains of these names, created when missing (another import may create them too)."""
        if not names:
            return {}
        found = dict(Domain.objects.filter(name__in=names).values_list("name", "pk"))
        missing = sorted(names - set(found))
        if missing:
            Domain.objects.bulk_create([Domain(name=name) for name in missing], ignore_conflicts=True)
            found.update(Domain.objects.filter(name__in=missing).values_list("name", "pk"))
        return found

    def write_project_links(self):
        data = self.doc["project"]
        self.project.territory_id = self.territories.get(data.get("territory"))
        self.project.owner_id = self.organisations.get(data.get("owner"))
        if self.project.territory_id or self.project.owner_id:
            self.project.save(update_fields=["territory", "owner"])

    def write_levels(self):
        levels = _create(
            Level,
            [
                Level(project=self.project, depth=depth, name=name)
                for depth, name in enumerate(self.doc["levels"], start=1)
            ],
        )
        self.levels = {level.name: level.pk for level in levels}

    def write_periods(self):
        periods = _create(
            Period,
            [
                Period(
                    project=self.project,
                    label=period["label"],
                    first_year=period["start"],
                    last_year=period["end"],
                    position=position,
                )
                for position, period in enumerate(self.doc.get("periods", []))
            ],
        )
        self.periods = {period.label: period.pk for period in periods}

    def write_themes(self):
        themes = _create(
            Theme,
            [
                Theme(project=self.project, name=name, position=position)
                for position, name in enumerate(self.doc.get("themes", []))
            ],
        )
        self.themes = {theme.name: theme.pk for theme in themes}

    def write_acronyms(self):
        _create(
            Acronym,
            [
                Acronym(project=self.project, acronym=a["acronym"], expansion=a.get("expansion", ""), position=position)
                for position, a in enumerate(self.doc.get("acronyms", []))
            ],
        )

    def write_labels(self):
        _create(
            VocabularyLabel,
            [
                VocabularyLabel(project=self.project, vocabulary=vocabulary, code=code, label=label)
                for vocabulary, labels in self.doc.get("labels", {}).items()
                for code, label in labels.items()
            ],
        )

    # --- actions, per chunk -----------------------------------------------------------------------------

    def write_actions(self, entries: list[dict]):
        """A chunk of actions, then their links, partners, budget lines, indicators and notes."""
        offset = len(self.actions)
        actions = []
        for position, entry in enumerate(entries, start=offset):
            action = Action(
                project=self.project,
                ref=entry["ref"],
                code=entry.get("code", ""),
                title=entry["title"],
                status=entry["status"],
                origin=entry.get("origin") or "",
                priority=entry.get("priority") or "",
                participation=entry.get("participation") or "",
                scale=entry.get("scale") or "",
                territory_id=self.territories.get(entry.get("territory")),
                start_date=_date(entry.get("start_date")),
                end_date=_date(entry.get("end_date")),
                lead_organisation_id=self.organisations.get(entry.get("lead_organisation")),
                elected_referent_id=self.people.get(entry.get("elected_referent")),
                position=position,
                **{name: entry.get(name, "") for name in SECTIONS},
            )
            action.fill_computed()  # what save() would have written
            actions.append(action)
        _create(Action, actions)
        ids = [action.pk for action in actions]
        self.actions.update((action.ref, action.pk) for action in actions)
        pairs = list(zip(ids, entries, strict=True))
        self.write_action_links(pairs)
        self.write_action_partners(pairs)
        self.write_budget_lines(pairs)
        self.write_indicators(pairs)
        self.write_notes(pairs)

    def write_action_links(self, pairs):
        """Periods, themes and leads: the m2m rows ``add()`` would write, once each."""
        for through, source, column, field in (
            (Action.periods.through, self.periods, "period_id", "periods"),
            (Action.themes.through, self.themes, "theme_id", "themes"),
            (Action.leads.through, self.people, "person_id", "leads"),
        ):
            through.objects.bulk_create(
                through(action_id=action_id, **{column: source[key]})
                for action_id, entry in pairs
                for key in dict.fromkeys(entry.get(field, []))
            )

    def write_action_partners(self, pairs):
        _create(
            ActionPartner,
            [
                ActionPartner(
                    action_id=action_id,
                    organisation_id=self.organisations[p["partner"]],
                    role=p["role"],
                    detail=p.get("detail", ""),
                    position=number,
                )
                for action_id, entry in pairs
                for number, p in enumerate(entry.get("partners", []))
            ],
        )

    def write_budget_lines(self, pairs):
        _create(
            BudgetLine,
            [
                BudgetLine(
                    action_id=action_id,
                    label=line.get("label", ""),
                    nature=line["nature"],
                    kind=line["kind"],
                    year=line.get("year"),
                    amount=_decimal(line["amount"]),
                    unit=line.get("unit", "eur"),
                    funder_id=self.organisations.get(line.get("funder")),
                    position=number,
                )
                for action_id, entry in pairs
                for number, line in enumerate(entry.get("budget", []))
            ],
        )

    def write_indicators(self, pairs):
        entries = [data for _action_id, entry in pairs for data in entry.get("indicators", [])]
        indicators = _create(
            Indicator,
            [
                Indicator(
                    action_id=action_id,
                    kind=data["kind"],
                    title=data["title"],
                    unit=data.get("unit", ""),
                    baseline=_decimal(data.get("baseline")),
                    baseline_year=data.get("baseline_year"),
                    position=number,
                )
                for action_id, entry in pairs
                for number, data in enumerate(entry.get("indicators", []))
            ],
        )
        _create(
            IndicatorTarget,
            [
                IndicatorTarget(indicator_id=indicator.pk, year=t["year"], value=_decimal(t["value"]))
                for indicator, data in zip(indicators, entries, strict=True)
                for t in data.get("targets", [])
            ],
        )
        _create(
            IndicatorValue,
            [
                IndicatorValue(
                    indicator_id=indicator.pk,
                    period=v["period"],
                    date=_date(v.get("date")),
                    value=_decimal(v.get("value")),
                    assessment=v.get("assessment", ""),
                    comment=v.get("comment", ""),
                    source=v.get("source", ""),
                    position=order,
                )
                for indicator, data in zip(indicators, entries, strict=True)
                for order, v in enumerate(data.get("values", []))
            ],
        )

    def write_notes(self, pairs):
        _create(
            FollowUpNote,
            [
                FollowUpNote(
                    action_id=action_id,
                    date=_date(n["date"]),
                    author=n.get("author", ""),
                    text=n["text"],
                    position=order,
                )
                for action_id, entry in pairs
                for order, n in enumerate(entry.get("notes", []))
            ],
        )

    def write_action_parents(self):
        """Sub-actions point to their parent, written once every action has its id."""
        children = [
            Action(pk=self.actions[entry["ref"]], parent_id=self.actions[entry["parent"]])
            for entry in self.doc.get("actions", [])
            if entry.get("parent")
        ]
        if children:
            Action.objects.bulk_update(children, ["parent"])

    # --- the tree and the programmes --------------------------------------------------------------------

    def write_tree(self):
        """Nodes level by level (a parent is written before its children), numbered in reading order."""
        waves, positions = _tree_waves(self.doc["nodes"], lambda entry: entry["children"])
        written = {}
        placements = []
        for wave in waves:
            nodes = _create(
                Node,
                [
                    Node(
                        project=self.project,
                        parent_id=written[id(parent)] if parent is not None else None,
                        level_id=self.levels[entry["level"]],
                        key=entry.get("key", ""),
                        code=entry["code"],
                        title=entry["title"],
                        description=entry.get("description", ""),
                        referent_id=self.people.get(entry.get("referent")),
                        position=positions[id(entry)],
                    )
                    for entry, parent in wave
                ],
            )
            for node, (entry, _parent) in zip(nodes, wave, strict=True):
                written[id(entry)] = node.pk
                if node.key:
                    self.nodes[node.key] = node.pk
                placements += [
                    ActionNode(action_id=self.actions[ref], node_id=node.pk, position=position)
                    for position, ref in enumerate(entry["actions"])
                ]
        _create(ActionNode, placements)

    def write_programmes(self):
        entries = self.doc.get("programmes", [])
        programmes = _create(
            Programme,
            [
                Programme(
                    project=self.project,
                    key=entry["key"],
                    title=entry["title"],
                    description=entry.get("description", ""),
                    position=position,
                )
                for position, entry in enumerate(entries)
            ],
        )
        _create(
            ProgrammeAction,
            [
                ProgrammeAction(programme_id=programme.pk, action_id=self.actions[ref], position=number)
                for programme, entry in zip(programmes, entries, strict=True)
                for number, ref in enumerate(entry.get("actions", []))
            ],
        )
        links = []
        for programme, entry in zip(programmes, entries, strict=True):
            waves, positions = _tree_waves(entry.get("objectives", []), lambda item: item.get("children", []))
            written = {}
            for wave in waves:
                objectives = _create(
                    ProgrammeObjective,
                    [
                        ProgrammeObjective(
                            programme_id=programme.pk,
                            parent_id=written[id(parent)] if parent is not None else None,
                            title=item["title"],
                            position=positions[id(item)],
                        )
                        for item, parent in wave
                    ],
                )
                for objective, (item, _parent) in zip(objectives, wave, strict=True):
                    written[id(item)] = objective.pk
                    links += [
                        ProgrammeObjectiveAction(objective_id=objective.pk, action_id=self.actions[ref], position=n)
                        for n, ref in enumerate(item.get("actions", []))
                    ]
        _create(ProgrammeObjectiveAction, links)

    # --- governance -------------------------------------------------------------------------------------

    def write_bodies(self):
        entries = self.doc.get("bodies", [])
        bodies = _create(
            Body,
            [
                Body(
                    project=self.project,
                    key=entry["key"],
                    kind=entry["kind"],
                    name=entry["name"],
                    description=entry.get("description", ""),
                    frequency=entry.get("frequency", ""),
                    chair_id=self.people.get(entry.get("chair")),
                    node_id=self.nodes.get(entry.get("node")),
                    position=position,
                )
                for position, entry in enumerate(entries)
            ],
        )
        self.bodies = {body.key: body.pk for body in bodies}
        _create(
            BodyMember,
            [
                BodyMember(
                    body_id=body.pk,
                    person_id=self.people.get(m.get("person")),
                    organisation_id=self.organisations.get(m.get("organisation")),
                    role=m.get("role", ""),
                    position=number,
                )
                for body, entry in zip(bodies, entries, strict=True)
                for number, m in enumerate(entry.get("members", []))
            ],
        )

    def write_meetings(self):
        entries = self.doc.get("meetings", [])
        meetings = _create(
            Meeting,
            [
                Meeting(
                    project=self.project,
                    body_id=self.bodies.get(entry.get("body")),
                    title=entry["title"],
                    date=_date(entry["date"]),
                    start_time=_time(entry.get("start_time")),
                    end_time=_time(entry.get("end_time")),
                    place=entry.get("place", ""),
                    agenda=entry.get("agenda", ""),
                    minutes=entry.get("minutes", ""),
                    position=position,
                )
                for position, entry in enumerate(entries)
            ],
        )
        self.meetings = [meeting.pk for meeting in meetings]
        _create(
            Attendance,
            [
                Attendance(
                    meeting_id=meeting.pk,
                    person_id=self.people.get(s.get("person")),
                    organisation_id=self.organisations.get(s.get("organisation")),
                    status=s.get("status", Attendance.Status.PRESENT),
                    position=number,
                )
                for meeting, entry in zip(meetings, entries, strict=True)
                for number, s in enumerate(entry.get("attendance", []))
            ],
        )

    def write_decisions(self):
        entries = self.doc.get("meetings", [])
        decisions = _create(
            Decision,
            [
                Decision(meeting_id=meeting_id, text=data["text"], position=number)
                for meeting_id, entry in zip(self.meetings, entries, strict=True)
                for number, data in enumerate(entry.get("decisions", []))
            ],
        )
        items = [data for entry in entries for data in entry.get("decisions", [])]
        Decision.actions.through.objects.bulk_create(
            Decision.actions.through(decision_id=decision.pk, action_id=self.actions[ref])
            for decision, data in zip(decisions, items, strict=True)
            for ref in dict.fromkeys(data.get("actions", []))
        )
        ids = iter(decision.pk for decision in decisions)
        self.decisions = [[next(ids) for _data in entry.get("decisions", [])] for entry in entries]

    # --- diagnostic -------------------------------------------------------------------------------------

    def write_diagnostic_tables(self):
        entries = self.doc.get("diagnostic", {}).get("tables", [])
        tables = _create(
            KeyFigureTable,
            [
                KeyFigureTable(
                    project=self.project,
                    title=entry["title"],
                    source=entry.get("source", ""),
                    year=entry.get("year"),
                    position=position,
                )
                for position, entry in enumerate(entries)
            ],
        )
        columns = _create(
            KeyFigureColumn,
            [
                KeyFigureColumn(table_id=table.pk, territory_id=self.territories[key], position=number)
                for table, entry in zip(tables, entries, strict=True)
                for number, key in enumerate(entry["columns"])
            ],
        )
        rows = _create(
            KeyFigureRow,
            [
                KeyFigureRow(table_id=table.pk, indicator=data["indicator"], unit=data.get("unit", ""), position=n)
                for table, entry in zip(tables, entries, strict=True)
                for n, data in enumerate(entry["rows"])
            ],
        )
        table_columns = {}
        for column in columns:
            table_columns.setdefault(column.table_id, []).append(column.pk)
        row_data = [data for entry in entries for data in entry["rows"]]
        _create(
            KeyFigureValue,
            [
                KeyFigureValue(row_id=row.pk, column_id=column_id, value=value)
                for row, data in zip(rows, row_data, strict=True)
                for column_id, value in zip(table_columns.get(row.table_id, []), data["values"], strict=True)
            ],
        )

    def write_findings(self):
        _create(
            Finding,
            [
                Finding(
                    project=self.project,
                    theme=f.get("theme", ""),
                    title=f.get("title", ""),
                    text=f["text"],
                    source=f.get("source", ""),
                    position=position,
                )
                for position, f in enumerate(self.doc.get("diagnostic", {}).get("findings", []))
            ],
        )

    def write_consultations(self):
        counts = ["residents", "young", "partners", "invited", "meetings", "responses", "actions_evaluated"]
        _create(
            Consultation,
            [
                Consultation(
                    project=self.project,
                    title=c["title"],
                    method=c.get("method", ""),
                    start_date=_date(c.get("start_date")),
                    end_date=_date(c.get("end_date")),
                    description=c.get("description", ""),
                    position=position,
                    **{name: c.get(name) for name in counts},
                )
                for position, c in enumerate(self.doc.get("diagnostic", {}).get("consultations", []))
            ],
        )

    def write_enjeux(self):
        entries = self.doc.get("diagnostic", {}).get("enjeux", [])
        enjeux = _create(
            Enjeu,
            [
                Enjeu(
                    project=self.project,
                    code=entry.get("code", ""),
                    title=entry["title"],
                    description=entry.get("description", ""),
                    theme=entry.get("theme", ""),
                    validated_on=_date(entry.get("validated_on")),
                    position=position,
                )
                for position, entry in enumerate(entries)
            ],
        )
        Enjeu.nodes.through.objects.bulk_create(
            Enjeu.nodes.through(enjeu_id=enjeu.pk, node_id=self.nodes[key])
            for enjeu, entry in zip(enjeux, entries, strict=True)
            for key in dict.fromkeys(entry.get("nodes", []))
        )
