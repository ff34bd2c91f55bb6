"""Merging a draft into an existing project: matched actions are updated, new ones created, nothing deleted.

An action of the draft matches the project's action with the same reference, else the one with the
same title (accents, case and punctuation ignored). Only what the draft says is written: an empty
cell never erases a value. Everything happens in one transaction.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Max

from maillage.actions.models import SECTIONS, Action, ActionNode, ActionPartner, BudgetLine
from maillage.partners.directory import free_key
from maillage.partners.models import Organisation, Person
from maillage.projects.models import Level, Node, Period, Theme

from .words import normalise

SCALARS = ("code", "status", "origin", "priority", "participation", "scale", *SECTIONS)


@dataclass
class MergeResult:
    updated: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    nodes_created: int = 0


def merge_draft(project, document: dict) -> MergeResult:
    with transaction.atomic():
        return _Merger(project, document).run()


class _Merger:
    def __init__(self, project, document):
        self.project = project
        self.doc = document
        self.result = MergeResult()
        self.by_ref = {a.ref: a for a in project.actions.all()}
        self.by_title = {}
        for action in self.by_ref.values():
            self.by_title.setdefault(normalise(action.title), action)
        self.draft_partners = {p["key"]: p for p in document.get("partners", [])}
        self.draft_people = {p["key"]: p for p in document.get("people", [])}
        self.organisations = {normalise(o.name): o for o in Organisation.objects.filter(project=project)}
        self.people = {normalise(p.name): p for p in Person.objects.filter(project=project)}
        self.periods = {p.label: p for p in project.periods.all()}
        self.themes = {normalise(t.name): t for t in project.themes.all()}
        self.levels = list(project.levels.order_by("depth"))
        self.position = (project.actions.aggregate(top=Max("position"))["top"] or 0) + 1

    def run(self) -> MergeResult:
        actions = {}
        for entry in self.doc["actions"]:
            action = self.by_ref.get(entry["ref"]) or self.by_title.get(normalise(entry["title"]))
            if action is None:
                action = self.create(entry)
                self.result.created.append(action.ref)
            else:
                self.update(action, entry)
                self.result.updated.append(action.ref)
            actions[entry["ref"]] = action
        for entry in self.doc["actions"]:
            if entry.get("parent") and entry["parent"] in actions:
                action = actions[entry["ref"]]
                action.parent = actions[entry["parent"]]
                action.save(update_fields=["parent"])
        for entry in self.doc["nodes"]:
            self.place(entry, None, 0, actions)
        return self.result

    def organisation(self, key):
        entry = self.draft_partners[key]
        found = self.organisations.get(normalise(entry["name"]))
        if found is None:
            found = Organisation.objects.create(
                project=self.project, key=free_key(Organisation, self.project, key), name=entry["name"], position=999
            )
            self.organisations[normalise(entry["name"])] = found
        return found

    def person(self, key):
        entry = self.draft_people[key]
        found = self.people.get(normalise(entry["name"]))
        if found is None:
            found = Person.objects.create(
                project=self.project,
                key=free_key(Person, self.project, key),
                name=entry["name"],
                elected=entry.get("elected", False),
                position=999,
            )
            self.people[normalise(entry["name"])] = found
        return found

    def period(self, label):
        if label not in self.periods:
            data = next(p for p in self.doc.get("periods", []) if p["label"] == label)
            self.periods[label] = Period.objects.create(
                project=self.project, label=label, first_year=data["start"], last_year=data["end"], position=999
            )
        return self.periods[label]

    def theme(self, name):
        if normalise(name) not in self.themes:
            self.themes[normalise(name)] = Theme.objects.create(project=self.project, name=name, position=999)
        return self.themes[normalise(name)]

    def create(self, entry) -> Action:
        ref, number = entry["ref"], 2
        while ref in self.by_ref:
            ref, number = f"{entry['ref']}-{number}", number + 1
        action = Action(project=self.project, ref=ref, title=entry["title"], position=self.position)
        self.position += 1
        self.by_ref[ref] = action
        self.update(action, entry)
        return action

    def update(self, action: Action, entry: dict) -> None:
        action.title = entry["title"]
        for name in SCALARS:
            if entry.get(name):
                setattr(action, name, entry[name])
        for name in ("start_date", "end_date"):
            if entry.get(name):
                setattr(action, name, date.fromisoformat(entry[name]))
        if entry.get("lead_organisation"):
            action.lead_organisation = self.organisation(entry["lead_organisation"])
        if entry.get("elected_referent"):
            action.elected_referent = self.person(entry["elected_referent"])
        action.save()
        if entry.get("periods"):
            action.periods.add(*(self.period(label) for label in entry["periods"]))
        if entry.get("themes"):
            action.themes.add(*(self.theme(name) for name in entry["themes"]))
        if entry.get("leads"):
            action.leads.add(*(self.person(key) for key in entry["leads"]))
        existing = {(role.organisation_id, role.role) for role in action.partner_roles.all()}
        for number, item in enumerate(entry.get("partners", []), start=len(existing)):
            organisation = self.organisation(item["partner"])
            if (organisation.pk, item["role"]) not in existing:
                ActionPartner.objects.create(
                    action=action, organisation=organisation, role=item["role"], position=number
                )
                existing.add((organisation.pk, item["role"]))
        if entry.get("budget") and not action.budget_lines.exists():
            for number, line in enumerate(entry["budget"]):
                BudgetLine.objects.create(
                    action=action, nature=line["nature"], kind=line["kind"], amount=line["amount"], position=number
                )

    def level(self, depth: int, name: str) -> Level:
        """The project's level at this depth; a deeper draft adds levels under the existing ones."""
        while len(self.levels) < depth:
            self.levels.append(Level.objects.create(project=self.project, depth=len(self.levels) + 1, name=name))
        return self.levels[depth - 1]

    def place(self, entry: dict, parent, depth: int, actions: dict) -> None:
        """Find the draft node under the same parent (same code and title, else same code, else same title)
        or create it. The spreadsheet spells a node "code title", so the whole label is compared first."""
        siblings = list(Node.objects.filter(project=self.project, parent=parent))
        label = normalise(f"{entry['code']} {entry['title']}")
        node = next((n for n in siblings if normalise(f"{n.code} {n.title}") == label), None)
        if node is None and entry["code"]:
            node = next((n for n in siblings if n.code == entry["code"]), None)
        if node is None:
            folded = normalise(entry["title"])
            node = next((n for n in siblings if normalise(n.title) == folded), None)
        if node is None:
            code = entry["code"] if not Node.objects.filter(project=self.project, code=entry["code"]).exists() else ""
            node = Node.objects.create(
                project=self.project,
                parent=parent,
                level=self.level(depth + 1, entry["level"]),
                code=code,
                title=entry["title"],
                position=(Node.objects.filter(project=self.project).aggregate(top=Max("position"))["top"] or 0) + 1,
            )
            self.result.nodes_created += 1
        placed = set(node.placements.values_list("action_id", flat=True))
        top = node.placements.aggregate(top=Max("position"))["top"] or 0
        for ref in entry["actions"]:
            action = actions.get(ref)
            if action is not None and action.pk not in placed:
                top += 1
                ActionNode.objects.create(action=action, node=node, position=top)
                placed.add(action.pk)
        for child in entry["children"]:
            self.place(child, node, depth + 1, actions)
