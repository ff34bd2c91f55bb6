"""Writing a project as a ``maillage/project@1`` document.

The output is canonical: fields keep the schema's order, empty optional fields are left out, numbers
are normalised. So export → import → export gives the same document, byte for byte.
"""

import json
from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.text import slugify

from maillage.actions.models import SECTIONS, Action, Programme, ProgrammeObjective
from maillage.diagnostic.models import KeyFigureTable
from maillage.frameworks.models import FrameworkIndicator
from maillage.frameworks.references import framework_links, own_reference
from maillage.governance.models import Body, DecisionChange, Meeting
from maillage.territories.models import Territory

from .validation import SCHEMA_ID


def _empty(value) -> bool:
    return value is None or value is False or (isinstance(value, str | list | dict) and not value)


def _compact(pairs, required=()):
    """A dict of the pairs whose value is not empty (None, "", [], {}, False), plus the required keys."""
    return {key: value for key, value in pairs if key in required or not _empty(value)}


def plain_number(value: Decimal | None):
    """A Decimal as the int or float JSON and spreadsheets type as a number (12.50 → 12.5, 72.0000 → 72)."""
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value):
    return value.isoformat() if value else None


def _time(value):
    return value.strftime("%H:%M") if value else None


def to_json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _structure_facts(structure):
    """What the shared record says of an entry (``partners.Structure``), as the interchange writes it."""
    if structure is None:
        return []
    location = None
    if structure.located:
        location = _compact(
            [
                ("latitude", structure.latitude),
                ("longitude", structure.longitude),
                ("source", structure.geo_source),
                ("score", structure.geo_score),
                ("label", structure.geo_label),
            ]
        )
    return [
        ("siret", structure.siret),
        ("insee_code", structure.insee_code),
        ("location", location),
        ("thematiques", list(structure.thematiques)),
        ("publics", list(structure.publics)),
    ]


class _Exporter:
    def __init__(self, project):
        self.project = project
        self.territory_keys: dict[int, str] = {}
        # Links to actions and organisations are written from these maps rather than prefetched: a
        # forward foreign-key prefetch of more than 1,000 objects fails on SQLite with Django 5.2
        # ("Expression tree is too large"), and the maps build no model instances.
        self.refs = dict(project.actions.values_list("pk", "ref"))
        self.organisation_keys = dict(project.organisations.values_list("pk", "key"))
        self.node_serves, self.action_serves, self.reports = framework_links(project)

    def run(self) -> dict:
        project = self.project
        territories = self.territories()
        nodes = list(project.nodes.select_related("level", "referent").prefetch_related("placements"))
        actions = list(
            Action.objects.filter(project=project)
            .select_related("territory", "lead_organisation", "elected_referent")
            .prefetch_related(
                "periods",
                "themes",
                "leads",
                "partner_roles",
                "budget_lines",
                "indicators__targets",
                "indicators__values",
                "notes",
            )
        )
        return _compact(
            [
                ("schema", SCHEMA_ID),
                ("project", self.project_header()),
                ("levels", [level.name for level in project.levels.all()]),
                (
                    "periods",
                    [{"label": p.label, "start": p.first_year, "end": p.last_year} for p in project.periods.all()],
                ),
                ("labels", self.labels()),
                ("territories", territories),
                ("partners", self.partners()),
                (
                    "people",
                    [
                        _compact(
                            [
                                ("key", person.key),
                                ("name", person.name),
                                ("function", person.function),
                                ("organisation", person.organisation.key if person.organisation else None),
                                ("elected", person.elected),
                                ("email", person.email),
                                ("phone", person.phone),
                            ]
                        )
                        for person in project.people.select_related("organisation")
                    ],
                ),
                ("themes", [theme.name for theme in project.themes.all()]),
                (
                    "acronyms",
                    [_compact([("acronym", a.acronym), ("expansion", a.expansion)]) for a in project.acronyms.all()],
                ),
                ("nodes", self.tree(nodes)),
                ("programmes", self.programmes()),
                ("framework_indicators", self.framework_indicators()),
                ("actions", [self.action(action) for action in actions]),
                ("bodies", self.bodies()),
                ("meetings", self.meetings()),
                ("diagnostic", self.diagnostic()),
            ],
            required=("schema", "project", "levels", "nodes", "actions"),
        )

    def project_header(self):
        p = self.project
        deliberation = _compact(
            [
                ("date", _date(p.deliberation_date)),
                ("reference", p.deliberation_reference),
                ("body", p.deliberation_body),
            ]
        )
        return _compact(
            [
                ("slug", p.slug),
                ("title", p.title),
                ("subtitle", p.subtitle),
                ("kind", p.kind),
                ("period", {"start": p.first_year, "end": p.last_year}),
                ("state", p.state),
                ("deliberation", deliberation),
                ("version", p.version),
                ("updated_on", _date(p.updated_on)),
                ("territory", self.territory_keys.get(p.territory_id)),
                ("owner", p.owner.key if p.owner else None),
                ("parent", p.parent.slug if p.parent else None),
                ("description", p.description),
                ("published", p.published),
            ],
            required=("slug", "title", "kind", "period"),
        )

    def labels(self):
        labels = defaultdict(dict)
        for label in self.project.labels.all():
            labels[label.vocabulary][label.code] = label.label
        return dict(labels)

    def territories(self):
        """The project's own territories and every shared one it refers to, with document-local keys."""
        project = self.project
        ids = set(project.own_territories.values_list("pk", flat=True))
        if project.territory_id:
            ids.add(project.territory_id)
        ids.update(project.actions.exclude(territory=None).values_list("territory_id", flat=True))
        ids.update(KeyFigureTable.objects.filter(project=project).values_list("columns__territory_id", flat=True))
        ids.discard(None)
        found: dict[int, Territory] = {}
        while ids:  # members of perimeters, recursively
            batch = Territory.objects.filter(pk__in=ids - set(found)).prefetch_related("members")
            ids = set()
            for territory in batch:
                found[territory.pk] = territory
                ids.update(member.pk for member in territory.members.all() if member.pk not in found)
        kinds = list(Territory.Kind.values)
        ordered = sorted(found.values(), key=lambda t: (kinds.index(t.kind), t.name, t.code, t.pk))
        used = set()
        for territory in ordered:
            key = slugify(territory.name)[:90] or territory.kind
            base, suffix = key, 2
            while key in used:
                key, suffix = f"{base}-{suffix}", suffix + 1
            used.add(key)
            self.territory_keys[territory.pk] = key
        return [
            _compact(
                [
                    ("key", self.territory_keys[t.pk]),
                    ("kind", t.kind),
                    ("name", t.name),
                    ("code", t.code),
                    ("members", sorted(self.territory_keys[m.pk] for m in t.members.all())),
                ]
            )
            for t in ordered
        ]

    def partners(self):
        organisations = self.project.organisations.select_related("structure").prefetch_related("domains")
        return [
            _compact(
                [
                    ("key", o.key),
                    ("name", o.name),
                    ("acronym", o.acronym),
                    ("kind", o.kind),
                    ("domains", sorted(d.name for d in o.domains.all())),
                    ("description", o.description),
                    ("address", o.address),
                    ("postal_code", o.postal_code),
                    ("city", o.city),
                    ("website", o.website),
                    ("email", o.email),
                    ("phone", o.phone),
                    *_structure_facts(o.structure),
                ]
            )
            for o in organisations
        ]

    def tree(self, nodes):
        children = defaultdict(list)
        for node in nodes:
            children[node.parent_id].append(node)

        def build(node):
            placements = sorted(node.placements.all(), key=lambda p: (p.position, p.pk))
            return _compact(
                [
                    ("key", node.key),
                    ("code", node.code),
                    ("title", node.title),
                    ("level", node.level.name),
                    ("description", node.description),
                    ("referent", node.referent.key if node.referent else None),
                    ("actions", [self.refs[placement.action_id] for placement in placements]),
                    ("children", [build(child) for child in children[node.pk]]),
                    ("serves", self.node_serves.get(node.pk, [])),
                ],
                required=("code", "title", "level", "children", "actions"),
            )

        return [build(node) for node in children[None]]

    def action(self, a: Action):
        sections = [(name, getattr(a, name)) for name in SECTIONS]
        head = [
            ("ref", a.ref),
            ("code", a.code),
            ("title", a.title),
            ("status", a.status),
            ("origin", a.origin or None),
            ("priority", a.priority or None),
            ("participation", a.participation or None),
            ("parent", self.refs.get(a.parent_id)),
            ("scale", a.scale or None),
            ("territory", self.territory_keys.get(a.territory_id)),
            ("periods", [p.label for p in sorted(a.periods.all(), key=lambda p: (p.position, p.first_year))]),
            ("start_date", _date(a.start_date)),
            ("end_date", _date(a.end_date)),
        ]
        tail = [
            ("leads", sorted(p.key for p in a.leads.all())),
            ("lead_organisation", a.lead_organisation.key if a.lead_organisation else None),
            ("elected_referent", a.elected_referent.key if a.elected_referent else None),
            ("themes", [t.name for t in sorted(a.themes.all(), key=lambda t: t.position)]),
            (
                "partners",
                [
                    _compact(
                        [("partner", self.organisation_keys[r.organisation_id]), ("role", r.role), ("detail", r.detail)]
                    )
                    for r in a.partner_roles.all()
                ],
            ),
            (
                "budget",
                [
                    _compact(
                        [
                            ("label", line.label),
                            ("nature", line.nature),
                            ("kind", line.kind),
                            ("year", line.year),
                            ("amount", plain_number(line.amount)),
                            ("unit", line.unit),
                            ("funder", self.organisation_keys.get(line.funder_id)),
                        ],
                        required=("amount",),
                    )
                    for line in a.budget_lines.all()
                ],
            ),
            ("indicators", [self.indicator(indicator) for indicator in a.indicators.all()]),
            (
                "notes",
                [_compact([("date", _date(n.date)), ("author", n.author), ("text", n.text)]) for n in a.notes.all()],
            ),
            ("serves", self.action_serves.get(a.pk, [])),
        ]
        return _compact(head + sections + tail, required=("ref", "title", "status"))

    def indicator(self, indicator):
        return _compact(
            [
                ("kind", indicator.kind),
                ("title", indicator.title),
                ("unit", indicator.unit),
                ("baseline", plain_number(indicator.baseline)),
                ("baseline_year", indicator.baseline_year),
                ("targets", [{"year": t.year, "value": plain_number(t.value)} for t in indicator.targets.all()]),
                (
                    "values",
                    [
                        _compact(
                            [
                                ("period", v.period),
                                ("date", _date(v.date)),
                                ("value", plain_number(v.value)),
                                ("assessment", v.assessment),
                                ("comment", v.comment),
                                ("source", v.source),
                            ]
                        )
                        for v in indicator.values.all()
                    ],
                ),
                ("reports_to", self.reports.get(indicator.pk)),
            ]
        )

    def framework_indicators(self):
        return [
            _compact(
                [
                    ("key", common.key),
                    ("title", common.title),
                    ("unit", common.unit),
                    ("aggregation", common.aggregation if common.aggregation != "sum" else None),
                    ("node", own_reference(common.node) if common.node else None),
                    ("description", common.description),
                ]
            )
            for common in FrameworkIndicator.objects.filter(project=self.project).select_related("node")
        ]

    def programmes(self):
        programmes = Programme.objects.filter(project=self.project).prefetch_related(
            "programmeaction_set",
            Prefetch(
                "objectives",
                queryset=ProgrammeObjective.objects.prefetch_related("programmeobjectiveaction_set"),
            ),
        )
        result = []
        for programme in programmes:
            children = defaultdict(list)
            for objective in programme.objectives.all():
                children[objective.parent_id].append(objective)

            def build(objective, children=children):
                return _compact(
                    [
                        ("title", objective.title),
                        (
                            "actions",
                            [self.refs[link.action_id] for link in objective.programmeobjectiveaction_set.all()],
                        ),
                        ("children", [build(child) for child in children[objective.pk]]),
                    ]
                )

            result.append(
                _compact(
                    [
                        ("key", programme.key),
                        ("title", programme.title),
                        ("description", programme.description),
                        ("actions", [self.refs[link.action_id] for link in programme.programmeaction_set.all()]),
                        ("objectives", [build(objective) for objective in children[None]]),
                    ]
                )
            )
        return result

    def bodies(self):
        bodies = (
            Body.objects.filter(project=self.project)
            .select_related("chair", "node")
            .prefetch_related("members__person", "members__organisation")
        )
        return [
            _compact(
                [
                    ("key", b.key),
                    ("kind", b.kind),
                    ("name", b.name),
                    ("description", b.description),
                    ("frequency", b.frequency),
                    ("chair", b.chair.key if b.chair else None),
                    ("node", b.node.key if b.node and b.node.key else None),
                    (
                        "members",
                        [
                            _compact(
                                [
                                    ("person", m.person.key if m.person else None),
                                    ("organisation", m.organisation.key if m.organisation else None),
                                    ("role", m.role),
                                ]
                            )
                            for m in b.members.all()
                        ],
                    ),
                ]
            )
            for b in bodies
        ]

    def meetings(self):
        meetings = (
            Meeting.objects.filter(project=self.project)
            .select_related("body")
            .prefetch_related(
                "attendance__person",
                "attendance__organisation",
                "decisions__actions",
                Prefetch(
                    "decisions__changes",
                    queryset=DecisionChange.objects.select_related("node", "node_change", "level", "period").order_by(
                        "position", "pk"
                    ),
                ),
            )
        )
        return [
            _compact(
                [
                    ("body", m.body.key if m.body else None),
                    ("title", m.title),
                    ("date", _date(m.date)),
                    ("start_time", _time(m.start_time)),
                    ("end_time", _time(m.end_time)),
                    ("place", m.place),
                    ("agenda", m.agenda),
                    ("minutes", m.minutes),
                    (
                        "attendance",
                        [
                            _compact(
                                [
                                    ("person", s.person.key if s.person else None),
                                    ("organisation", s.organisation.key if s.organisation else None),
                                    ("status", s.status),
                                ]
                            )
                            for s in m.attendance.all()
                        ],
                    ),
                    (
                        "decisions",
                        [
                            _compact(
                                [
                                    ("text", d.text),
                                    ("actions", sorted(a.ref for a in d.actions.all())),
                                    ("changes", [self.decision_change(c) for c in d.changes.all()]),
                                ]
                            )
                            for d in m.decisions.all()
                        ],
                    ),
                ]
            )
            for m in meetings
        ]

    def decision_change(self, change):
        """A change a decision orders; nodes by key (the key of an earlier new-node change for one to come)."""
        if change.node_id:
            node = change.node.key
        elif change.node_change_id:
            node = change.node_change.key
        else:
            node = None
        applied = (
            _compact([("at", change.applied_at.isoformat()), ("by", change.applied_by_name)], required=("at",))
            if change.applied_at
            else None
        )
        return _compact(
            [
                ("kind", change.kind),
                ("ref", change.ref),
                ("title", change.title),
                ("from_status", change.from_status or None),
                ("status", change.status or None),
                ("period", change.period.label if change.period_id else None),
                ("end_date", _date(change.end_date)),
                ("node", node or None),
                ("level", change.level.name if change.level_id else None),
                ("code", change.code),
                ("key", change.key),
                ("applied", applied),
            ],
            required=("kind",),
        )

    def diagnostic(self):
        project = self.project
        tables = []
        for table in project.key_figure_tables.prefetch_related("columns", "rows__values"):
            columns = list(table.columns.all())
            rows = []
            for row in table.rows.all():
                by_column = {value.column_id: value.value for value in row.values.all()}
                rows.append(
                    _compact(
                        [
                            ("indicator", row.indicator),
                            ("unit", row.unit),
                            ("values", [by_column.get(column.pk, "") for column in columns]),
                        ],
                        required=("values",),
                    )
                )
            tables.append(
                _compact(
                    [
                        ("title", table.title),
                        ("source", table.source),
                        ("year", table.year),
                        ("columns", [self.territory_keys[column.territory_id] for column in columns]),
                        ("rows", rows),
                    ],
                    required=("rows",),
                )
            )
        return _compact(
            [
                ("tables", tables),
                (
                    "findings",
                    [
                        _compact([("theme", f.theme), ("title", f.title), ("text", f.text), ("source", f.source)])
                        for f in project.findings.all()
                    ],
                ),
                (
                    "consultations",
                    [
                        _compact(
                            [
                                ("title", c.title),
                                ("method", c.method),
                                ("start_date", _date(c.start_date)),
                                ("end_date", _date(c.end_date)),
                                ("residents", c.residents),
                                ("young", c.young),
                                ("partners", c.partners),
                                ("invited", c.invited),
                                ("meetings", c.meetings),
                                ("responses", c.responses),
                                ("actions_evaluated", c.actions_evaluated),
                                ("description", c.description),
                            ]
                        )
                        for c in project.consultations.all()
                    ],
                ),
                (
                    "enjeux",
                    [
                        _compact(
                            [
                                ("code", e.code),
                                ("title", e.title),
                                ("description", e.description),
                                ("theme", e.theme),
                                ("validated_on", _date(e.validated_on)),
                                ("nodes", [node.key for node in e.nodes.all() if node.key]),
                            ]
                        )
                        for e in project.enjeux.prefetch_related("nodes")
                    ],
                ),
            ]
        )


def export_project(project) -> dict:
    """The whole project as an interchange document (a dict ready for ``json.dumps``)."""
    return _Exporter(project).run()
