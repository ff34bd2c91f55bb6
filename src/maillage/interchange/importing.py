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

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import signals

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
from maillage.frameworks.models import ActionContribution, FrameworkIndicator, IndicatorReport, NodeContribution
from maillage.frameworks.references import FrameworkResolver, NodeIndex
from maillage.frameworks.references import incoming as incoming_framework_links
from maillage.frameworks.references import problems as framework_problems
from maillage.frameworks.references import restore as restore_framework_links
from maillage.governance.models import Attendance, Body, BodyMember, Decision, DecisionChange, Meeting
from maillage.partners import identity
from maillage.partners.models import Domain, Organisation, Person
from maillage.projects.models import Acronym, Level, Node, Period, Project, Theme, VocabularyLabel
from maillage.search.indexing import reindex_project
from maillage.territories.models import Territory

from .bulk import insert, update
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
    if not problems:
        problems += [Problem(path, reason) for path, reason in framework_problems(document)]
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
    with transaction.atomic():
        children = []
        kept_links = None
        calendar_token = None
        if replace:
            old = Project.objects.filter(slug=document["project"]["slug"]).first()
            if old is not None:
                children = list(old.children.values_list("pk", flat=True))
                kept_links = incoming_framework_links(old)
                calendar_token = old.calendar_token
                _delete_in_bulk(old)
                old.delete()
        project = _Importer(document, progress).run()
        if children:
            Project.objects.filter(pk__in=children).update(parent=project)
        if kept_links:
            restore_framework_links(kept_links, project)  # the children's links, to the new tree's nodes
        if calendar_token:
            # Calendar subscriptions keep working after a replace.
            project.calendar_token = calendar_token
            project.save(update_fields=["calendar_token"])
        reindex_project(project)  # the rows went in by bulk insert, which the index's signals do not see
    return project


def _bulk_deletions():
    """The largest tables of a project, children before parents, with the lookup from each to it."""
    from maillage.actions.models import ActionChange, Comment
    from maillage.search.models import SearchEntry

    through = [Action.periods.through, Action.themes.through, Action.leads.through, Decision.actions.through]
    return [
        (SearchEntry, "project"),  # rebuilt after the import; it points to actions, nodes, meetings…
        (DecisionChange, "decision__meeting__project"),
        (IndicatorValue, "indicator__action__project"),
        (IndicatorTarget, "indicator__action__project"),
        (IndicatorReport, "indicator__action__project"),
        (Indicator, "action__project"),
        (ActionContribution, "action__project"),
        *((model, "action__project") for model in (ActionNode, ActionPartner, BudgetLine, FollowUpNote)),
        *((model, "action__project") for model in (ProgrammeAction, ProgrammeObjectiveAction, ActionChange, Comment)),
        *((model, "action__project") for model in through),
        (Action, "project"),
    ]


def _delete_in_bulk(project: Project) -> None:
    """Delete the project's actions and what hangs on them with one statement per table.

    ``project.delete()`` collects every action and indicator and deletes their rows 500 ids at a
    time: most of a replace's time. A table is deleted here only when nothing else can point to its
    rows (every model with a key to it is one deleted before) and no delete signal listens to it;
    anything else (a model another app adds, say) is left to ``project.delete()``, which follows
    after and handles the rest as usual.
    """
    deleted = set()
    for model, lookup in _bulk_deletions():
        dependents = {rel.through if rel.many_to_many else rel.related_model for rel in model._meta.related_objects}
        dependents |= {field.remote_field.through for field in model._meta.many_to_many}
        if (dependents - deleted - {model}) or any(
            signal.has_listeners(model) for signal in (signals.pre_delete, signals.post_delete)
        ):
            continue
        model.objects.filter(**{lookup: project})._raw_delete(connection.alias)
        deleted.add(model)


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


def _structure_fields(entry) -> dict:
    """The shared record's facts an entry of the document carries (siret aside), as model fields."""
    fields = {
        "insee_code": entry.get("insee_code", ""),
        "thematiques": entry.get("thematiques", []),
        "publics": entry.get("publics", []),
    }
    location = entry.get("location")
    if location:
        fields |= {
            "latitude": location["latitude"],
            "longitude": location["longitude"],
            "geo_source": location.get("source", ""),
            "geo_score": location.get("score"),
            "geo_label": location.get("label", ""),
        }
    return fields


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
        self.node_names: list[tuple] = []  # (id, slug, code, key, title) of every node written
        self.node_serves: list[tuple[int, list]] = []  # nodes that serve a framework, with its names
        self.reports: list[tuple[int, dict]] = []  # indicators that report against a common indicator

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
            self.write_framework,
            self.write_programmes,
            self.write_bodies,
            self.write_meetings,
            self.write_decisions,
            self.write_decision_changes,
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
        new = []
        for entry in entries:
            code = entry.get("code", "")
            if code and (entry["kind"], code) in shared:
                self.territories[entry["key"]] = shared[(entry["kind"], code)]
            else:
                new.append(entry)
        ids = insert(
            Territory,
            ("kind", "name", "code", "project_id"),
            [(e["kind"], e["name"], e.get("code", ""), None if e.get("code") else self.project.pk) for e in new],
        )
        self.territories.update(zip((entry["key"] for entry in new), ids, strict=True))
        links = {
            (self.territories[entry["key"]], self.territories[member])
            for entry in entries
            for member in entry.get("members", [])
        }
        # A shared perimeter may have these members already: adding them again changes nothing, as with add().
        through = Territory.members.through
        existing = set()
        if shared and links:
            existing = set(
                through.objects.filter(from_territory_id__in={a for a, _b in links}).values_list(
                    "from_territory_id", "to_territory_id"
                )
            )
        insert(through, ("from_territory_id", "to_territory_id"), sorted(links - existing))

    def write_directory(self):
        entries = self.doc.get("partners", [])
        ids = insert(
            Organisation,
            (
                "project_id",
                "key",
                "name",
                "acronym",
                "kind",
                "description",
                "address",
                "postal_code",
                "city",
                "website",
                "email",
                "phone",
                "position",
            ),
            [
                (
                    self.project.pk,
                    entry["key"],
                    entry["name"],
                    entry.get("acronym", ""),
                    entry.get("kind", ""),
                    entry.get("description", ""),
                    entry.get("address", ""),
                    entry.get("postal_code", ""),
                    entry.get("city", ""),
                    entry.get("website", ""),
                    entry.get("email", ""),
                    entry.get("phone", ""),
                    position,
                )
                for position, entry in enumerate(entries)
            ],
        )
        self.organisations = dict(zip((entry["key"] for entry in entries), ids, strict=True))
        identity.attach_many(
            self.project.pk,
            [
                (pk, entry["name"], entry.get("city", ""), entry.get("siret", ""), _structure_fields(entry))
                for pk, entry in zip(ids, entries, strict=True)
            ],
        )
        domains = self.domains({name for entry in entries for name in entry.get("domains", [])})
        insert(
            Organisation.domains.through,
            ("organisation_id", "domain_id"),
            [
                (organisation, domains[name])
                for organisation, entry in zip(ids, entries, strict=True)
                for name in dict.fromkeys(entry.get("domains", []))
            ],
        )
        people = self.doc.get("people", [])
        ids = insert(
            Person,
            ("project_id", "key", "name", "function", "organisation_id", "elected", "email", "phone", "position"),
            [
                (
                    self.project.pk,
                    entry["key"],
                    entry["name"],
                    entry.get("function", ""),
                    self.organisations.get(entry.get("organisation")),
                    entry.get("elected", False),
                    entry.get("email", ""),
                    entry.get("phone", ""),
                    position,
                )
                for position, entry in enumerate(people)
            ],
        )
        self.people = dict(zip((entry["key"] for entry in people), ids, strict=True))

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
        names = self.doc["levels"]
        ids = insert(
            Level,
            ("project_id", "depth", "name"),
            [(self.project.pk, depth, name) for depth, name in enumerate(names, start=1)],
        )
        self.levels = dict(zip(names, ids, strict=True))

    def write_periods(self):
        periods = self.doc.get("periods", [])
        ids = insert(
            Period,
            ("project_id", "label", "first_year", "last_year", "position"),
            [(self.project.pk, p["label"], p["start"], p["end"], position) for position, p in enumerate(periods)],
        )
        self.periods = dict(zip((period["label"] for period in periods), ids, strict=True))

    def write_themes(self):
        names = self.doc.get("themes", [])
        ids = insert(
            Theme,
            ("project_id", "name", "position"),
            [(self.project.pk, name, position) for position, name in enumerate(names)],
        )
        self.themes = dict(zip(names, ids, strict=True))

    def write_acronyms(self):
        insert(
            Acronym,
            ("project_id", "acronym", "expansion", "position"),
            [
                (self.project.pk, a["acronym"], a.get("expansion", ""), position)
                for position, a in enumerate(self.doc.get("acronyms", []))
            ],
        )

    def write_labels(self):
        insert(
            VocabularyLabel,
            ("project_id", "vocabulary", "code", "label"),
            [
                (self.project.pk, vocabulary, code, label)
                for vocabulary, labels in self.doc.get("labels", {}).items()
                for code, label in labels.items()
            ],
        )

    # --- actions, per chunk -----------------------------------------------------------------------------

    def write_actions(self, entries: list[dict]):
        """A chunk of actions, then their links, partners, budget lines, indicators and notes."""
        offset = len(self.actions)
        rows = []
        for position, entry in enumerate(entries, start=offset):
            sections = tuple(entry.get(name, "") for name in SECTIONS)
            rows.append(
                (
                    self.project.pk,
                    entry["ref"],
                    entry.get("code", ""),
                    entry["title"],
                    entry["status"],
                    entry.get("origin") or "",
                    entry.get("priority") or "",
                    entry.get("participation") or "",
                    entry.get("scale") or "",
                    self.territories.get(entry.get("territory")),
                    _date(entry.get("start_date")),
                    _date(entry.get("end_date")),
                    self.organisations.get(entry.get("lead_organisation")),
                    self.people.get(entry.get("elected_referent")),
                    position,
                    *sections,
                    *Action.computed_columns(entry),  # what save() writes
                )
            )
        ids = insert(
            Action,
            (
                "project_id",
                "ref",
                "code",
                "title",
                "status",
                "origin",
                "priority",
                "participation",
                "scale",
                "territory_id",
                "start_date",
                "end_date",
                "lead_organisation_id",
                "elected_referent_id",
                "position",
                *SECTIONS,
                "search_text",
                "title_key",
            ),
            rows,
        )
        self.actions.update(zip((entry["ref"] for entry in entries), ids, strict=True))
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
            insert(
                through,
                ("action_id", column),
                [(action, source[key]) for action, entry in pairs for key in dict.fromkeys(entry.get(field, []))],
            )

    def write_action_partners(self, pairs):
        insert(
            ActionPartner,
            ("action_id", "organisation_id", "role", "detail", "position"),
            [
                (action, self.organisations[p["partner"]], p["role"], p.get("detail", ""), number)
                for action, entry in pairs
                for number, p in enumerate(entry.get("partners", []))
            ],
        )

    def write_budget_lines(self, pairs):
        insert(
            BudgetLine,
            ("action_id", "label", "nature", "kind", "year", "amount", "unit", "funder_id", "position"),
            [
                (
                    action,
                    line.get("label", ""),
                    line["nature"],
                    line["kind"],
                    line.get("year"),
                    _decimal(line["amount"]),
                    line.get("unit", "eur"),
                    self.organisations.get(line.get("funder")),
                    number,
                )
                for action, entry in pairs
                for number, line in enumerate(entry.get("budget", []))
            ],
        )

    def write_indicators(self, pairs):
        entries = [data for _action, entry in pairs for data in entry.get("indicators", [])]
        ids = insert(
            Indicator,
            ("action_id", "kind", "title", "unit", "baseline", "baseline_year", "position"),
            [
                (
                    action,
                    data["kind"],
                    data["title"],
                    data.get("unit", ""),
                    _decimal(data.get("baseline")),
                    data.get("baseline_year"),
                    number,
                )
                for action, entry in pairs
                for number, data in enumerate(entry.get("indicators", []))
            ],
        )
        indicators = list(zip(ids, entries, strict=True))
        self.reports += [(indicator, data) for indicator, data in indicators if "reports_to" in data]
        insert(
            IndicatorTarget,
            ("indicator_id", "year", "value"),
            [
                (indicator, t["year"], _decimal(t["value"]))
                for indicator, data in indicators
                for t in data.get("targets", [])
            ],
        )
        insert(
            IndicatorValue,
            (
                "indicator_id",
                "period",
                "date",
                "value",
                "assessment",
                "comment",
                "source",
                "position",
                "year",
                "sort_date",
            ),
            [
                (
                    indicator,
                    v["period"],
                    _date(v.get("date")),
                    _decimal(v.get("value")),
                    v.get("assessment", ""),
                    v.get("comment", ""),
                    v.get("source", ""),
                    order,
                    *IndicatorValue.placed_columns(v["period"], _date(v.get("date"))),
                )
                for indicator, data in indicators
                for order, v in enumerate(data.get("values", []))
            ],
        )

    def write_notes(self, pairs):
        insert(
            FollowUpNote,
            ("action_id", "date", "author", "text", "position"),
            [
                (action, _date(n["date"]), n.get("author", ""), n["text"], order)
                for action, entry in pairs
                for order, n in enumerate(entry.get("notes", []))
            ],
        )

    def write_action_parents(self):
        """Sub-actions point to their parent, written once every action has its id."""
        update(
            Action,
            "parent_id",
            [
                (self.actions[entry["ref"]], self.actions[entry["parent"]])
                for entry in self.doc.get("actions", [])
                if entry.get("parent")
            ],
        )

    # --- the tree and the programmes --------------------------------------------------------------------

    def write_tree(self):
        """Nodes level by level (a parent is written before its children), numbered in reading order."""
        waves, positions = _tree_waves(self.doc["nodes"], lambda entry: entry["children"])
        written = {}
        placements = []
        for wave in waves:
            ids = insert(
                Node,
                (
                    "project_id",
                    "parent_id",
                    "level_id",
                    "key",
                    "code",
                    "title",
                    "description",
                    "referent_id",
                    "position",
                ),
                [
                    (
                        self.project.pk,
                        written[id(parent)] if parent is not None else None,
                        self.levels[entry["level"]],
                        entry.get("key", ""),
                        entry["code"],
                        entry["title"],
                        entry.get("description", ""),
                        self.people.get(entry.get("referent")),
                        positions[id(entry)],
                    )
                    for entry, parent in wave
                ],
            )
            for node, (entry, _parent) in zip(ids, wave, strict=True):
                written[id(entry)] = node
                self.node_names.append((node, self.project.slug, entry["code"], entry.get("key", ""), entry["title"]))
                if entry.get("serves"):
                    self.node_serves.append((node, entry["serves"]))
                if entry.get("key"):
                    self.nodes[entry["key"]] = node
                placements += [(self.actions[ref], node, position) for position, ref in enumerate(entry["actions"])]
        insert(ActionNode, ("action_id", "node_id", "position"), placements)

    def write_framework(self):
        """The common indicators this plan defines, then what its nodes, actions and indicators serve in
        the plans it is declined from (names checked by ``validate_for_import``, resolved again here)."""
        commons = self.doc.get("framework_indicators", [])
        if commons:
            own = NodeIndex(self.node_names)
            insert(
                FrameworkIndicator,
                ("project_id", "key", "title", "unit", "aggregation", "node_id", "description", "position"),
                [
                    (
                        self.project.pk,
                        entry["key"],
                        entry["title"],
                        entry["unit"],
                        entry.get("aggregation", FrameworkIndicator.Aggregation.SUM),
                        own.find(self.project.slug, entry["node"])[0] if entry.get("node") else None,
                        entry.get("description", ""),
                        position,
                    )
                    for position, entry in enumerate(commons)
                ],
            )
        actions = [
            (self.actions[entry["ref"]], entry["serves"])
            for entry in self.doc.get("actions", [])
            if entry.get("serves")
        ]
        if not (self.node_serves or actions or self.reports):
            return
        resolver = FrameworkResolver(self.doc["project"].get("parent"))

        def links(owners):
            return sorted(
                {(owner, resolver.node(reference)[0]) for owner, references in owners for reference in references}
            )

        insert(NodeContribution, ("node_id", "framework_node_id"), links(self.node_serves))
        insert(ActionContribution, ("action_id", "framework_node_id"), links(actions))
        insert(
            IndicatorReport,
            ("indicator_id", "framework_indicator_id"),
            [(indicator, resolver.indicator(data["reports_to"], data)[0]) for indicator, data in self.reports],
        )

    def write_programmes(self):
        entries = self.doc.get("programmes", [])
        ids = insert(
            Programme,
            ("project_id", "key", "title", "description", "position"),
            [
                (self.project.pk, entry["key"], entry["title"], entry.get("description", ""), position)
                for position, entry in enumerate(entries)
            ],
        )
        insert(
            ProgrammeAction,
            ("programme_id", "action_id", "position"),
            [
                (programme, self.actions[ref], number)
                for programme, entry in zip(ids, entries, strict=True)
                for number, ref in enumerate(entry.get("actions", []))
            ],
        )
        links = []
        for programme, entry in zip(ids, entries, strict=True):
            waves, positions = _tree_waves(entry.get("objectives", []), lambda item: item.get("children", []))
            written = {}
            for wave in waves:
                objectives = insert(
                    ProgrammeObjective,
                    ("programme_id", "parent_id", "title", "position"),
                    [
                        (
                            programme,
                            written[id(parent)] if parent is not None else None,
                            item["title"],
                            positions[id(item)],
                        )
                        for item, parent in wave
                    ],
                )
                for objective, (item, _parent) in zip(objectives, wave, strict=True):
                    written[id(item)] = objective
                    links += [(objective, self.actions[ref], n) for n, ref in enumerate(item.get("actions", []))]
        insert(ProgrammeObjectiveAction, ("objective_id", "action_id", "position"), links)

    # --- governance -------------------------------------------------------------------------------------

    def write_bodies(self):
        entries = self.doc.get("bodies", [])
        ids = insert(
            Body,
            ("project_id", "key", "kind", "name", "description", "frequency", "chair_id", "node_id", "position"),
            [
                (
                    self.project.pk,
                    entry["key"],
                    entry["kind"],
                    entry["name"],
                    entry.get("description", ""),
                    entry.get("frequency", ""),
                    self.people.get(entry.get("chair")),
                    self.nodes.get(entry.get("node")),
                    position,
                )
                for position, entry in enumerate(entries)
            ],
        )
        self.bodies = dict(zip((entry["key"] for entry in entries), ids, strict=True))
        insert(
            BodyMember,
            ("body_id", "person_id", "organisation_id", "role", "position"),
            [
                (
                    body,
                    self.people.get(m.get("person")),
                    self.organisations.get(m.get("organisation")),
                    m.get("role", ""),
                    number,
                )
                for body, entry in zip(ids, entries, strict=True)
                for number, m in enumerate(entry.get("members", []))
            ],
        )

    def write_meetings(self):
        entries = self.doc.get("meetings", [])
        self.meetings = insert(
            Meeting,
            (
                "project_id",
                "body_id",
                "title",
                "date",
                "start_time",
                "end_time",
                "place",
                "agenda",
                "minutes",
                "position",
            ),
            [
                (
                    self.project.pk,
                    self.bodies.get(entry.get("body")),
                    entry["title"],
                    _date(entry["date"]),
                    _time(entry.get("start_time")),
                    _time(entry.get("end_time")),
                    entry.get("place", ""),
                    entry.get("agenda", ""),
                    entry.get("minutes", ""),
                    position,
                )
                for position, entry in enumerate(entries)
            ],
        )
        insert(
            Attendance,
            ("meeting_id", "person_id", "organisation_id", "status", "position"),
            [
                (
                    meeting,
                    self.people.get(s.get("person")),
                    self.organisations.get(s.get("organisation")),
                    s.get("status", Attendance.Status.PRESENT),
                    number,
                )
                for meeting, entry in zip(self.meetings, entries, strict=True)
                for number, s in enumerate(entry.get("attendance", []))
            ],
        )

    def write_decisions(self):
        entries = self.doc.get("meetings", [])
        ids = insert(
            Decision,
            ("meeting_id", "text", "position"),
            [
                (meeting, data["text"], number)
                for meeting, entry in zip(self.meetings, entries, strict=True)
                for number, data in enumerate(entry.get("decisions", []))
            ],
        )
        items = [data for entry in entries for data in entry.get("decisions", [])]
        insert(
            Decision.actions.through,
            ("decision_id", "action_id"),
            [
                (decision, self.actions[ref])
                for decision, data in zip(ids, items, strict=True)
                for ref in dict.fromkeys(data.get("actions", []))
            ],
        )
        numbers = iter(ids)
        self.decisions = [[next(numbers) for _data in entry.get("decisions", [])] for entry in entries]

    def write_decision_changes(self):
        """The changes of the plan decisions order. They are few, and a pending new-node change may be named
        by a later change of the same decision (``node_change``): written one by one, in document order."""
        for entry, decision_ids in zip(self.doc.get("meetings", []), self.decisions, strict=True):
            for data_decision, decision_id in zip(entry.get("decisions", []), decision_ids, strict=True):
                new_nodes: dict[str, DecisionChange] = {}
                for position, data in enumerate(data_decision.get("changes", [])):
                    applied = data.get("applied")
                    kind = data["kind"]
                    change = DecisionChange(
                        decision_id=decision_id,
                        kind=kind,
                        position=position,
                        ref=data.get("ref", ""),
                        title=data.get("title", ""),
                        from_status=data.get("from_status", ""),
                        status=data.get("status", ""),
                        period_id=self.periods.get(data.get("period")),
                        end_date=_date(data.get("end_date")),
                        level_id=self.levels.get(data.get("level")),
                        code=data.get("code", ""),
                        key=data.get("key", ""),
                        applied_at=datetime.fromisoformat(applied["at"]) if applied else None,
                        applied_by_name=applied.get("by", "") if applied else "",
                    )
                    if kind != DecisionChange.Kind.NEW_ACTION or applied:
                        change.action_id = self.actions.get(change.ref)
                    if kind == DecisionChange.Kind.NEW_NODE and applied:
                        change.created_node_id = self.nodes.get(change.key)
                    node = data.get("node")
                    if node and node in new_nodes and not new_nodes[node].applied:
                        change.node_change = new_nodes[node]
                    elif node:
                        change.node_id = self.nodes.get(node)
                    change.save()
                    if kind == DecisionChange.Kind.NEW_NODE:
                        new_nodes[change.key] = change

    # --- diagnostic -------------------------------------------------------------------------------------

    def write_diagnostic_tables(self):
        entries = self.doc.get("diagnostic", {}).get("tables", [])
        tables = insert(
            KeyFigureTable,
            ("project_id", "title", "source", "year", "position"),
            [
                (self.project.pk, entry["title"], entry.get("source", ""), entry.get("year"), position)
                for position, entry in enumerate(entries)
            ],
        )
        columns = [
            (table, self.territories[key], number)
            for table, entry in zip(tables, entries, strict=True)
            for number, key in enumerate(entry["columns"])
        ]
        column_ids = insert(KeyFigureColumn, ("table_id", "territory_id", "position"), columns)
        by_table = {}
        for (table, _territory, _number), column in zip(columns, column_ids, strict=True):
            by_table.setdefault(table, []).append(column)
        rows = [(table, data) for table, entry in zip(tables, entries, strict=True) for data in entry["rows"]]
        row_ids = insert(
            KeyFigureRow,
            ("table_id", "indicator", "unit", "position"),
            [
                (table, data["indicator"], data.get("unit", ""), number)
                for table, entry in zip(tables, entries, strict=True)
                for number, data in enumerate(entry["rows"])
            ],
        )
        insert(
            KeyFigureValue,
            ("row_id", "column_id", "value"),
            [
                (row, column, value)
                for row, (table, data) in zip(row_ids, rows, strict=True)
                for column, value in zip(by_table[table], data["values"], strict=True)
            ],
        )

    def write_findings(self):
        insert(
            Finding,
            ("project_id", "theme", "title", "text", "source", "position"),
            [
                (self.project.pk, f.get("theme", ""), f.get("title", ""), f["text"], f.get("source", ""), position)
                for position, f in enumerate(self.doc.get("diagnostic", {}).get("findings", []))
            ],
        )

    def write_consultations(self):
        counts = ("residents", "young", "partners", "invited", "meetings", "responses", "actions_evaluated")
        insert(
            Consultation,
            ("project_id", "title", "method", "start_date", "end_date", "description", "position", *counts),
            [
                (
                    self.project.pk,
                    c["title"],
                    c.get("method", ""),
                    _date(c.get("start_date")),
                    _date(c.get("end_date")),
                    c.get("description", ""),
                    position,
                    *(c.get(name) for name in counts),
                )
                for position, c in enumerate(self.doc.get("diagnostic", {}).get("consultations", []))
            ],
        )

    def write_enjeux(self):
        entries = self.doc.get("diagnostic", {}).get("enjeux", [])
        ids = insert(
            Enjeu,
            ("project_id", "code", "title", "description", "theme", "validated_on", "position"),
            [
                (
                    self.project.pk,
                    entry.get("code", ""),
                    entry["title"],
                    entry.get("description", ""),
                    entry.get("theme", ""),
                    _date(entry.get("validated_on")),
                    position,
                )
                for position, entry in enumerate(entries)
            ],
        )
        insert(
            Enjeu.nodes.through,
            ("enjeu_id", "node_id"),
            [
                (enjeu, self.nodes[key])
                for enjeu, entry in zip(ids, entries, strict=True)
                for key in dict.fromkeys(entry.get("nodes", []))
            ],
        )
