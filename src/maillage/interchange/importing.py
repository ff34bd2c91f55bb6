"""Reading a ``maillage/project@1`` document into the database, in one transaction.

The document is checked completely first (``validation.check``); a document with problems writes
nothing. Territories with an official code are shared reference data: they are looked up, and
created only when missing. Everything else belongs to the imported project.
"""

from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction

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
from maillage.governance.models import Attendance, Body, BodyMember, Decision, DecisionChange, Meeting
from maillage.partners.models import Domain, Organisation, Person
from maillage.projects.models import Acronym, Level, Node, Period, Project, Theme, VocabularyLabel
from maillage.territories.models import Territory

from .validation import InvalidDocument, Problem, check


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
    exists = Project.objects.filter(slug=project["slug"]).exists()
    if exists and not replace:
        problems.append(
            Problem(
                "$.project.slug",
                f"un projet « {project['slug']} » existe déjà ; importez avec --replace pour le remplacer.",
            )
        )
    parent = project.get("parent")
    if parent and not Project.objects.filter(slug=parent).exists():
        problems.append(Problem("$.project.parent", f"projet parent « {parent} » introuvable : importez-le d'abord."))
    return problems


def import_document(document, *, replace=False) -> Project:
    """Create the project a document describes (or replace the one with the same slug) and return it.

    Raises InvalidDocument, listing every problem, when the document cannot be imported; then the
    database is left exactly as it was.
    """
    problems = validate_for_import(document, replace=replace)
    if problems:
        raise InvalidDocument(problems)
    with transaction.atomic():
        children = []
        calendar_token = None
        if replace:
            old = Project.objects.filter(slug=document["project"]["slug"]).first()
            if old is not None:
                children = list(old.children.values_list("pk", flat=True))
                calendar_token = old.calendar_token
                old.delete()
        project = _Importer(document).run()
        if children:
            Project.objects.filter(pk__in=children).update(parent=project)
        if calendar_token:
            # Calendar subscriptions keep working after a replace.
            project.calendar_token = calendar_token
            project.save(update_fields=["calendar_token"])
    return project


class _Importer:
    def __init__(self, document):
        self.doc = document
        self.territories: dict[str, Territory] = {}
        self.organisations: dict[str, Organisation] = {}
        self.people: dict[str, Person] = {}
        self.levels: dict[str, Level] = {}
        self.periods: dict[str, Period] = {}
        self.themes: dict[str, Theme] = {}
        self.nodes: dict[str, Node] = {}
        self.actions: dict[str, Action] = {}
        self.bodies: dict[str, Body] = {}

    def run(self) -> Project:
        doc = self.doc
        data = doc["project"]
        deliberation = data.get("deliberation", {})
        project = Project.objects.create(
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
            parent=Project.objects.get(slug=data["parent"]) if data.get("parent") else None,
            description=data.get("description", ""),
            published=data.get("published", False),
        )
        self.project = project
        self.import_territories()
        self.import_directory()
        project.territory = self.territories.get(data.get("territory"))
        project.owner = self.organisations.get(data.get("owner"))
        project.save(update_fields=["territory", "owner"])

        for depth, name in enumerate(doc["levels"], start=1):
            self.levels[name] = Level.objects.create(project=project, depth=depth, name=name)
        for position, period in enumerate(doc.get("periods", [])):
            self.periods[period["label"]] = Period.objects.create(
                project=project,
                label=period["label"],
                first_year=period["start"],
                last_year=period["end"],
                position=position,
            )
        for position, name in enumerate(doc.get("themes", [])):
            self.themes[name] = Theme.objects.create(project=project, name=name, position=position)
        Acronym.objects.bulk_create(
            Acronym(project=project, acronym=a["acronym"], expansion=a.get("expansion", ""), position=position)
            for position, a in enumerate(doc.get("acronyms", []))
        )
        VocabularyLabel.objects.bulk_create(
            VocabularyLabel(project=project, vocabulary=vocabulary, code=code, label=label)
            for vocabulary, labels in doc.get("labels", {}).items()
            for code, label in labels.items()
        )
        self.import_actions()
        self.import_tree()
        self.import_programmes()
        self.import_governance()
        self.import_diagnostic()
        return project

    def import_territories(self):
        """Shared territories (with a code) are looked up; the others belong to this project."""
        entries = self.doc.get("territories", [])
        for entry in entries:
            territory = None
            if entry.get("code"):
                territory = Territory.objects.filter(kind=entry["kind"], code=entry["code"]).first()
            if territory is None:
                territory = Territory.objects.create(
                    kind=entry["kind"],
                    name=entry["name"],
                    code=entry.get("code", ""),
                    project=None if entry.get("code") else self.project,
                )
            self.territories[entry["key"]] = territory
        for entry in entries:
            members = [self.territories[key] for key in entry.get("members", [])]
            if members:
                self.territories[entry["key"]].members.add(*members)

    def import_directory(self):
        project = self.project
        domains = {}
        for position, entry in enumerate(self.doc.get("partners", [])):
            organisation = Organisation.objects.create(
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
            for name in entry.get("domains", []):
                if name not in domains:
                    domains[name], _ = Domain.objects.get_or_create(name=name)
                organisation.domains.add(domains[name])
            self.organisations[entry["key"]] = organisation
        for position, entry in enumerate(self.doc.get("people", [])):
            self.people[entry["key"]] = Person.objects.create(
                project=project,
                key=entry["key"],
                name=entry["name"],
                function=entry.get("function", ""),
                organisation=self.organisations.get(entry.get("organisation")),
                elected=entry.get("elected", False),
                email=entry.get("email", ""),
                phone=entry.get("phone", ""),
                position=position,
            )

    def import_actions(self):
        project = self.project
        entries = self.doc.get("actions", [])
        for position, entry in enumerate(entries):
            action = Action.objects.create(
                project=project,
                ref=entry["ref"],
                code=entry.get("code", ""),
                title=entry["title"],
                status=entry["status"],
                origin=entry.get("origin") or "",
                priority=entry.get("priority") or "",
                participation=entry.get("participation") or "",
                scale=entry.get("scale") or "",
                territory=self.territories.get(entry.get("territory")),
                start_date=_date(entry.get("start_date")),
                end_date=_date(entry.get("end_date")),
                lead_organisation=self.organisations.get(entry.get("lead_organisation")),
                elected_referent=self.people.get(entry.get("elected_referent")),
                position=position,
                **{name: entry.get(name, "") for name in SECTIONS},
            )
            self.actions[entry["ref"]] = action
            if entry.get("periods"):
                action.periods.add(*(self.periods[label] for label in entry["periods"]))
            if entry.get("themes"):
                action.themes.add(*(self.themes[name] for name in entry["themes"]))
            if entry.get("leads"):
                action.leads.add(*(self.people[key] for key in entry["leads"]))
            ActionPartner.objects.bulk_create(
                ActionPartner(
                    action=action,
                    organisation=self.organisations[p["partner"]],
                    role=p["role"],
                    detail=p.get("detail", ""),
                    position=number,
                )
                for number, p in enumerate(entry.get("partners", []))
            )
            BudgetLine.objects.bulk_create(
                BudgetLine(
                    action=action,
                    label=line.get("label", ""),
                    nature=line["nature"],
                    kind=line["kind"],
                    year=line.get("year"),
                    amount=_decimal(line["amount"]),
                    unit=line.get("unit", "eur"),
                    funder=self.organisations.get(line.get("funder")),
                    position=number,
                )
                for number, line in enumerate(entry.get("budget", []))
            )
            for number, data in enumerate(entry.get("indicators", [])):
                indicator = Indicator.objects.create(
                    action=action,
                    kind=data["kind"],
                    title=data["title"],
                    unit=data.get("unit", ""),
                    baseline=_decimal(data.get("baseline")),
                    baseline_year=data.get("baseline_year"),
                    position=number,
                )
                IndicatorTarget.objects.bulk_create(
                    IndicatorTarget(indicator=indicator, year=t["year"], value=_decimal(t["value"]))
                    for t in data.get("targets", [])
                )
                IndicatorValue.objects.bulk_create(
                    IndicatorValue(
                        indicator=indicator,
                        period=v["period"],
                        date=_date(v.get("date")),
                        value=_decimal(v.get("value")),
                        assessment=v.get("assessment", ""),
                        comment=v.get("comment", ""),
                        source=v.get("source", ""),
                        position=order,
                    )
                    for order, v in enumerate(data.get("values", []))
                )
            FollowUpNote.objects.bulk_create(
                FollowUpNote(
                    action=action,
                    date=_date(n["date"]),
                    author=n.get("author", ""),
                    text=n["text"],
                    position=order,
                )
                for order, n in enumerate(entry.get("notes", []))
            )
        for entry in entries:
            if entry.get("parent"):
                action = self.actions[entry["ref"]]
                action.parent = self.actions[entry["parent"]]
                action.save(update_fields=["parent"])

    def import_tree(self):
        counter = iter(range(1_000_000))

        def create(entry, parent):
            node = Node.objects.create(
                project=self.project,
                parent=parent,
                level=self.levels[entry["level"]],
                key=entry.get("key", ""),
                code=entry["code"],
                title=entry["title"],
                description=entry.get("description", ""),
                referent=self.people.get(entry.get("referent")),
                position=next(counter),
            )
            if node.key:
                self.nodes[node.key] = node
            ActionNode.objects.bulk_create(
                ActionNode(action=self.actions[ref], node=node, position=position)
                for position, ref in enumerate(entry["actions"])
            )
            for child in entry["children"]:
                create(child, node)

        for entry in self.doc["nodes"]:
            create(entry, None)

    def import_programmes(self):
        for position, entry in enumerate(self.doc.get("programmes", [])):
            programme = Programme.objects.create(
                project=self.project,
                key=entry["key"],
                title=entry["title"],
                description=entry.get("description", ""),
                position=position,
            )
            ProgrammeAction.objects.bulk_create(
                ProgrammeAction(programme=programme, action=self.actions[ref], position=number)
                for number, ref in enumerate(entry.get("actions", []))
            )
            counter = iter(range(1_000_000))

            def create(item, parent, programme=programme, counter=counter):
                objective = ProgrammeObjective.objects.create(
                    programme=programme, parent=parent, title=item["title"], position=next(counter)
                )
                ProgrammeObjectiveAction.objects.bulk_create(
                    ProgrammeObjectiveAction(objective=objective, action=self.actions[ref], position=number)
                    for number, ref in enumerate(item.get("actions", []))
                )
                for child in item.get("children", []):
                    create(child, objective)

            for item in entry.get("objectives", []):
                create(item, None)

    def import_governance(self):
        project = self.project
        for position, entry in enumerate(self.doc.get("bodies", [])):
            body = Body.objects.create(
                project=project,
                key=entry["key"],
                kind=entry["kind"],
                name=entry["name"],
                description=entry.get("description", ""),
                frequency=entry.get("frequency", ""),
                chair=self.people.get(entry.get("chair")),
                node=self.nodes.get(entry.get("node")),
                position=position,
            )
            self.bodies[entry["key"]] = body
            BodyMember.objects.bulk_create(
                BodyMember(
                    body=body,
                    person=self.people.get(m.get("person")),
                    organisation=self.organisations.get(m.get("organisation")),
                    role=m.get("role", ""),
                    position=number,
                )
                for number, m in enumerate(entry.get("members", []))
            )
        for position, entry in enumerate(self.doc.get("meetings", [])):
            meeting = Meeting.objects.create(
                project=project,
                body=self.bodies.get(entry.get("body")),
                title=entry["title"],
                date=_date(entry["date"]),
                start_time=_time(entry.get("start_time")),
                end_time=_time(entry.get("end_time")),
                place=entry.get("place", ""),
                agenda=entry.get("agenda", ""),
                minutes=entry.get("minutes", ""),
                position=position,
            )
            Attendance.objects.bulk_create(
                Attendance(
                    meeting=meeting,
                    person=self.people.get(s.get("person")),
                    organisation=self.organisations.get(s.get("organisation")),
                    status=s.get("status", Attendance.Status.PRESENT),
                    position=number,
                )
                for number, s in enumerate(entry.get("attendance", []))
            )
            for number, data in enumerate(entry.get("decisions", [])):
                decision = Decision.objects.create(meeting=meeting, text=data["text"], position=number)
                if data.get("actions"):
                    decision.actions.add(*(self.actions[ref] for ref in data["actions"]))
                self.import_changes(decision, data.get("changes", []))

    def import_changes(self, decision, entries):
        """A decision's changes; a node named by the key of an earlier pending new-node change is that change's."""
        new_nodes: dict[str, DecisionChange] = {}
        for position, data in enumerate(entries):
            applied = data.get("applied")
            kind = data["kind"]
            change = DecisionChange(
                decision=decision,
                kind=kind,
                position=position,
                ref=data.get("ref", ""),
                title=data.get("title", ""),
                from_status=data.get("from_status", ""),
                status=data.get("status", ""),
                period=self.periods.get(data.get("period")),
                end_date=_date(data.get("end_date")),
                level=self.levels.get(data.get("level")),
                code=data.get("code", ""),
                key=data.get("key", ""),
                applied_at=datetime.fromisoformat(applied["at"]) if applied else None,
                applied_by_name=applied.get("by", "") if applied else "",
            )
            if kind != DecisionChange.Kind.NEW_ACTION or applied:
                change.action = self.actions.get(change.ref)
            if kind == DecisionChange.Kind.NEW_NODE and applied:
                change.created_node = self.nodes.get(change.key)
            node = data.get("node")
            if node and node in new_nodes and not new_nodes[node].applied:
                change.node_change = new_nodes[node]
            elif node:
                change.node = self.nodes.get(node)
            change.save()
            if kind == DecisionChange.Kind.NEW_NODE:
                new_nodes[change.key] = change

    def import_diagnostic(self):
        project = self.project
        diagnostic = self.doc.get("diagnostic", {})
        for position, entry in enumerate(diagnostic.get("tables", [])):
            table = KeyFigureTable.objects.create(
                project=project,
                title=entry["title"],
                source=entry.get("source", ""),
                year=entry.get("year"),
                position=position,
            )
            columns = [
                KeyFigureColumn.objects.create(table=table, territory=self.territories[key], position=number)
                for number, key in enumerate(entry["columns"])
            ]
            for number, data in enumerate(entry["rows"]):
                row = KeyFigureRow.objects.create(
                    table=table, indicator=data["indicator"], unit=data.get("unit", ""), position=number
                )
                KeyFigureValue.objects.bulk_create(
                    KeyFigureValue(row=row, column=column, value=value)
                    for column, value in zip(columns, data["values"], strict=True)
                )
        Finding.objects.bulk_create(
            Finding(
                project=project,
                theme=f.get("theme", ""),
                title=f.get("title", ""),
                text=f["text"],
                source=f.get("source", ""),
                position=position,
            )
            for position, f in enumerate(diagnostic.get("findings", []))
        )
        counts = ["residents", "young", "partners", "invited", "meetings", "responses", "actions_evaluated"]
        Consultation.objects.bulk_create(
            Consultation(
                project=project,
                title=c["title"],
                method=c.get("method", ""),
                start_date=_date(c.get("start_date")),
                end_date=_date(c.get("end_date")),
                description=c.get("description", ""),
                position=position,
                **{name: c.get(name) for name in counts},
            )
            for position, c in enumerate(diagnostic.get("consultations", []))
        )
        for position, entry in enumerate(diagnostic.get("enjeux", [])):
            enjeu = Enjeu.objects.create(
                project=project,
                code=entry.get("code", ""),
                title=entry["title"],
                description=entry.get("description", ""),
                theme=entry.get("theme", ""),
                validated_on=_date(entry.get("validated_on")),
                position=position,
            )
            if entry.get("nodes"):
                enjeu.nodes.add(*(self.nodes[key] for key in entry["nodes"]))
