"""The project as tables: one workbook (XLSX) with a sheet per entity, and the actions or meetings as CSV.

The tables are built once (``project_tables``) and written by both formats, so that the CSV is exactly
the "Actions" sheet. The "Actions" sheet is meant to be read back by a spreadsheet import: its headers
are stable, there is one row per action, lists are joined with `` ; `` and the tree is spelled out as
one column per level of the project ("Niveau 1 : Visée" → "1 Notre territoire…").

Every query is made up front with prefetching, so the number of queries does not grow with the number
of actions.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, time

from django.db.models import Prefetch
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from maillage.actions.models import SECTIONS, Action, ActionNode, ActionPartner, BudgetLine
from maillage.actions.vocabulary import project_labels
from maillage.evaluation.models import Indicator, IndicatorValue
from maillage.governance.models import Meeting
from maillage.interchange.exporting import plain_number as number
from maillage.partners.models import Organisation, Person
from maillage.projects.models import Node

from .cells import csv_text, keep_as_text
from .registry import register

LIST_SEPARATOR = " ; "
DATE_FORMAT = "DD/MM/YYYY"
TIME_FORMAT = "HH:MM"
EURO_FORMAT = '#,##0.00 "€"'
WIDEST_COLUMN = 60  # characters; longer texts wrap inside this width


@dataclass
class Column:
    header: str
    number_format: str | None = None


@dataclass
class Table:
    """A sheet: French name, columns, rows of Python values (dates, numbers, text)."""

    name: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    frozen: str = "A2"

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


def joined(values) -> str:
    return LIST_SEPARATOR.join(str(value) for value in values if value)


def node_label(node) -> str:
    return f"{node.code} {node.title}".strip()


def person_label(person) -> str:
    return person.name if person else ""


class ProjectData:
    """Everything the tables need, fetched in a fixed number of queries."""

    def __init__(self, project, actions=None):
        """``actions``: the QuerySet of a filtered list of actions; None for all of them."""
        self.project = project
        self.labels = project_labels(project)
        self.levels = list(project.levels.all())
        self.nodes = list(
            Node.objects.filter(project=project).select_related("level", "referent", "parent").order_by("position")
        )
        selected = Action.objects.filter(project=project)
        if actions is not None:
            selected = selected.filter(pk__in=actions.values("pk"))
        self.actions = list(
            selected.select_related("territory", "lead_organisation", "elected_referent", "parent")
            .prefetch_related(
                Prefetch("placements", queryset=ActionNode.objects.select_related("node").order_by("position", "pk")),
                "periods",
                "leads",
                "themes",
                Prefetch(
                    "partner_roles",
                    queryset=ActionPartner.objects.select_related("organisation").order_by("position", "pk"),
                ),
                Prefetch(
                    "budget_lines", queryset=BudgetLine.objects.select_related("funder").order_by("position", "pk")
                ),
                Prefetch(
                    "indicators",
                    queryset=Indicator.objects.prefetch_related(
                        "targets",
                        Prefetch("values", queryset=IndicatorValue.objects.order_by("position", "date", "pk")),
                    ).order_by("position", "pk"),
                ),
            )
            .order_by("position", "pk")
        )
        self.organisations = list(
            Organisation.objects.filter(project=project).prefetch_related("domains").order_by("position", "name")
        )
        self.people = list(
            Person.objects.filter(project=project).select_related("organisation").order_by("position", "name")
        )
        self.meetings = list(
            Meeting.objects.filter(project=project)
            .select_related("body")
            .prefetch_related("decisions__actions")
            .order_by("date", "position", "pk")
        )
        self.by_id = {node.pk: node for node in self.nodes}
        self.children: dict[int | None, list] = {}
        for node in self.nodes:
            self.children.setdefault(node.parent_id, []).append(node)

    def label(self, vocabulary: str, code: str) -> str:
        return self.labels.get(vocabulary, {}).get(code, code) if code else ""

    def tree_order(self) -> list:
        """The nodes depth first, each under its parent, siblings by position."""
        ordered = []

        def visit(parent_id):
            for node in self.children.get(parent_id, []):
                ordered.append(node)
                visit(node.pk)

        visit(None)
        return ordered

    def ancestors(self, node) -> list:
        """The node and its ancestors, from the root down."""
        chain = []
        while node is not None:
            chain.append(node)
            node = self.by_id.get(node.parent_id)
        return chain[::-1]


def tree_table(data: ProjectData) -> Table:
    direct = {node.pk: set() for node in data.nodes}
    for action in data.actions:
        for placement in action.placements.all():
            direct[placement.node_id].add(action.pk)

    def subtree(node) -> set:
        found = set(direct[node.pk])
        for child in data.children.get(node.pk, []):
            found |= subtree(child)
        return found

    table = Table(
        "Arborescence",
        [
            Column("Niveau"),
            Column("Profondeur"),
            Column("Code"),
            Column("Intitulé"),
            Column("Parent"),
            Column("Élu·e référent·e"),
            Column("Actions rattachées"),
            Column("Actions avec les sous-niveaux"),
        ],
    )
    for node in data.tree_order():
        parent = data.by_id.get(node.parent_id)
        table.rows.append(
            [
                node.level.name,
                node.level.depth,
                node.code,
                node.title,
                node_label(parent) if parent else "",
                person_label(node.referent),
                len(direct[node.pk]),
                len(subtree(node)),
            ]
        )
    return table


ACTION_HEADERS = [
    "Référence",
    "Code",
    "Intitulé",
    "Statut",
    "Origine",
    "Priorité",
    "Participation des habitants",
    "Échelon",
    "Territoire",
    "Périodes",
    "Date de début",
    "Date de fin",
]


def section_header(name: str) -> str:
    label = str(Action._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def level_header(level) -> str:
    return f"Niveau {level.depth} : {level.name}"


def actions_table(data: ProjectData) -> Table:
    columns = [Column(header) for header in ACTION_HEADERS]
    columns[10].number_format = columns[11].number_format = DATE_FORMAT
    columns += [Column(level_header(level)) for level in data.levels]
    columns.append(Column("Nœuds"))
    columns += [Column(section_header(name)) for name in SECTIONS]
    columns += [
        Column(header)
        for header in ("Pilotes", "Structure pilote", "Élu·e référent·e", "Thèmes", "Partenaires", "Action parente")
    ]
    table = Table("Actions", columns, frozen="B2")
    for action in data.actions:
        nodes = [placement.node for placement in action.placements.all()]
        per_depth: dict[int, list] = {}
        for node in nodes:
            for ancestor in data.ancestors(node):
                labels = per_depth.setdefault(data.by_id[ancestor.pk].level.depth, [])
                if node_label(ancestor) not in labels:
                    labels.append(node_label(ancestor))
        table.rows.append(
            [
                action.ref,
                action.code,
                action.title,
                data.label("status", action.status),
                data.label("origin", action.origin),
                data.label("priority", action.priority),
                data.label("participation", action.participation),
                action.get_scale_display() if action.scale else "",
                action.territory.name if action.territory else "",
                joined(period.label for period in action.periods.all()),
                action.start_date,
                action.end_date,
                *(joined(per_depth.get(level.depth, [])) for level in data.levels),
                joined(node.code or node.title for node in nodes),
                *(getattr(action, name) for name in SECTIONS),
                joined(person.name for person in action.leads.all()),
                action.lead_organisation.name if action.lead_organisation else "",
                person_label(action.elected_referent),
                joined(theme.name for theme in action.themes.all()),
                joined(
                    f"{role.organisation.name} ({data.label('role', role.role)})" for role in action.partner_roles.all()
                ),
                action.parent.ref if action.parent else "",
            ]
        )
    return table


def partners_table(data: ProjectData) -> Table:
    table = Table(
        "Partenaires",
        [
            Column(header)
            for header in (
                "Clé",
                "Nom",
                "Sigle",
                "Type",
                "Domaines d'intervention",
                "Adresse",
                "Code postal",
                "Commune",
                "Site internet",
                "Courriel",
                "Téléphone",
                "Présentation",
            )
        ],
    )
    for org in data.organisations:
        table.rows.append(
            [
                org.key,
                org.name,
                org.acronym,
                org.get_kind_display() if org.kind else "",
                joined(domain.name for domain in org.domains.all()),
                org.address,
                org.postal_code,
                org.city,
                org.website,
                org.email,
                org.phone,
                org.description,
            ]
        )
    return table


def people_table(data: ProjectData) -> Table:
    table = Table(
        "Personnes",
        [Column(header) for header in ("Clé", "Nom", "Fonction", "Organisation", "Élu·e", "Courriel", "Téléphone")],
    )
    for person in data.people:
        table.rows.append(
            [
                person.key,
                person.name,
                person.function,
                person.organisation.name if person.organisation else "",
                "oui" if person.elected else "non",
                person.email,
                person.phone,
            ]
        )
    return table


def roles_table(data: ProjectData) -> Table:
    table = Table(
        "Rôles",
        [Column(header) for header in ("Référence", "Action", "Partenaire", "Rôle", "Précision")],
    )
    for action in data.actions:
        for role in action.partner_roles.all():
            table.rows.append(
                [action.ref, action.title, role.organisation.name, data.label("role", role.role), role.detail]
            )
    return table


def indicators_tables(data: ProjectData) -> tuple[Table, Table]:
    indicators = Table(
        "Indicateurs",
        [
            Column(header)
            for header in (
                "Référence",
                "Action",
                "Indicateur",
                "Type",
                "Unité",
                "Valeur de départ",
                "Année de départ",
                "Cibles",
                "Mesures",
            )
        ],
    )
    values = Table(
        "Valeurs",
        [
            Column("Référence"),
            Column("Indicateur"),
            Column("Nature"),
            Column("Période"),
            Column("Date", DATE_FORMAT),
            Column("Valeur"),
            Column("Unité"),
            Column("Appréciation"),
            Column("Commentaire"),
            Column("Source"),
        ],
    )
    for action in data.actions:
        for indicator in action.indicators.all():
            targets = list(indicator.targets.all())
            measures = list(indicator.values.all())
            indicators.rows.append(
                [
                    action.ref,
                    action.title,
                    indicator.title,
                    indicator.get_kind_display(),
                    indicator.unit,
                    number(indicator.baseline),
                    indicator.baseline_year,
                    len(targets),
                    len(measures),
                ]
            )
            for target in targets:
                values.rows.append(
                    [action.ref, indicator.title, "Cible", str(target.year), None, number(target.value), indicator.unit]
                    + [""] * 3
                )
            for measure in measures:
                values.rows.append(
                    [
                        action.ref,
                        indicator.title,
                        "Mesure",
                        measure.period,
                        measure.date,
                        number(measure.value),
                        indicator.unit,
                        measure.assessment,
                        measure.comment,
                        measure.source,
                    ]
                )
    return indicators, values


def budget_table(data: ProjectData) -> Table:
    table = Table(
        "Budget",
        [
            Column("Référence"),
            Column("Action"),
            Column("Libellé"),
            Column("Financeur"),
            Column("Année"),
            Column("Nature"),
            Column("Prévu ou réalisé"),
            Column("Montant", EURO_FORMAT),
            Column("Unité"),
        ],
    )
    for action in data.actions:
        for line in action.budget_lines.all():
            table.rows.append(
                [
                    action.ref,
                    action.title,
                    line.label,
                    line.funder.name if line.funder else "",
                    line.year,
                    line.get_nature_display(),
                    line.get_kind_display(),
                    number(line.amount),
                    line.get_unit_display(),
                ]
            )
    return table


def meetings_table(data: ProjectData) -> Table:
    table = Table(
        "Réunions",
        [
            Column("Date", DATE_FORMAT),
            Column("Heure de début", TIME_FORMAT),
            Column("Heure de fin", TIME_FORMAT),
            Column("Instance"),
            Column("Intitulé"),
            Column("Lieu"),
            Column("Ordre du jour"),
            Column("Décisions"),
            Column("Actions concernées"),
            Column("Compte rendu"),
        ],
    )
    for meeting in data.meetings:
        decisions = list(meeting.decisions.all())
        table.rows.append(
            [
                meeting.date,
                meeting.start_time,
                meeting.end_time,
                meeting.body.name if meeting.body else "",
                meeting.title,
                meeting.place,
                meeting.agenda,
                "\n".join(f"– {decision.text}" for decision in decisions),
                joined(dict.fromkeys(action.ref for decision in decisions for action in decision.actions.all())),
                meeting.minutes,
            ]
        )
    return table


def project_tables(project, actions=None) -> list[Table]:
    with translation.override("fr"):
        data = ProjectData(project, actions)
        return [
            tree_table(data),
            actions_table(data),
            partners_table(data),
            people_table(data),
            roles_table(data),
            *indicators_tables(data),
            budget_table(data),
            meetings_table(data),
        ]


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, date | time):
        return 10
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def write_sheet(sheet, table: Table) -> None:
    sheet.title = table.name
    sheet.append(table.headers)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in table.rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=1):
        for cell in cells:
            keep_as_text(cell)
    wrap = Alignment(vertical="top", wrap_text=True)
    top = Alignment(vertical="top")
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        values = [row[index - 1] for row in table.rows]
        widest = max([_width(value) for value in values] + [min(len(column.header), 30), 8])
        long_text = widest > WIDEST_COLUMN or any(isinstance(v, str) and "\n" in v for v in values)
        sheet.column_dimensions[letter].width = min(widest, WIDEST_COLUMN) + 2
        for cells in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell = cells[0]
            cell.alignment = wrap if long_text else top
            if column.number_format and cell.value is not None:
                cell.number_format = column.number_format
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = table.frozen
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"


def workbook_bytes(tables: list[Table], project) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        write_sheet(workbook.create_sheet(), table)
    workbook.properties.title = project.title
    workbook.properties.creator = "Maillage"
    workbook.properties.language = "fr-FR"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@register("xlsx", "project", "tables")
def write_xlsx(project, what, progress=None) -> bytes:
    return workbook_bytes(project_tables(project, what.actions), project)


@register("xlsx", "meetings")
def write_xlsx_meetings(project, what, progress=None) -> bytes:
    with translation.override("fr"):
        return workbook_bytes([meetings_table(ProjectData(project))], project)


def csv_cell(value) -> str:
    """French spreadsheet conventions: dates dd/mm/yyyy, times hh:mm, decimal comma."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, str):
        return csv_text(value)
    return str(value)


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with BOM, ``;`` between fields, CRLF line ends: what French Excel opens without a wizard."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([csv_text(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


@register("csv", "project", "meetings")
def write_csv(project, what, progress=None) -> bytes:
    with translation.override("fr"):
        data = ProjectData(project, what.actions)
        return csv_bytes(meetings_table(data) if what.kind == "meetings" else actions_table(data))
