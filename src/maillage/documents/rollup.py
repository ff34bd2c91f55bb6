"""The roll-up of a network as documents: ``--what rollup`` in XLSX (a workbook) and PDF.

One neutral table (``rollup_table``: headers and rows of values, read from ``projects.rollup``) and
two renderers: the workbook keeps numbers and dates as such, the PDF lays the same rows out through the
annex's document model. Members only (not in the public documents): the figures of private projects
of the network are in it, as on the roll-up page (``accounts.access.may_read_network``).
"""

import datetime

from django.utils import timezone, translation

from maillage.actions.progress import STATUS_ORDER
from maillage.actions.vocabulary import project_labels
from maillage.projects.rollup import Figures, rollup

from .annex import pdf
from .annex.building import french_date
from .annex.model import Document, Paragraph, Section, Table, cell
from .registry import ExportError, What, register, register_what
from .tabular import Column, workbook_bytes
from .tabular import Table as Sheet

KIND = "rollup"


def rollup_what(project, argument: str) -> What:
    if argument:
        raise ExportError(f"« rollup:{argument} » : ce document ne se précise pas avec « : ».")
    if not project.children.exists():
        raise ExportError(
            f"Aucun projet n'est décliné de « {project.slug} » : il n'a pas de tableau de réseau (--what rollup)."
        )
    return What(KIND)


register_what(KIND, rollup_what, title="Tableau du réseau")


def rollup_table(project, today: datetime.date | None = None) -> tuple[list[str], list[list], list[str]]:
    """(headers, rows, statuses shown): one row per declined project, then the three total lines."""
    network = rollup(project, today=today)
    labels = project_labels(project)
    shown = [code for code in STATUS_ORDER if network.total.counts.get(code)]
    headers = (
        ["Projet", "Projets déclinés", "Actions"]
        + [labels["status"][code] for code in shown]
        + ["Part terminée (%)", "En retard", "Part en retard (%)", "Dernière modification"]
        + ["Réponses envoyées (dernière campagne)", "Actions interrogées", "Indicateurs rapportés au cadre"]
    )

    def values(name: str, below, figures: Figures) -> list:
        changed = timezone.localtime(figures.last_change).date() if figures.last_change else None
        return (
            [name, below, figures.total]
            + [figures.counts.get(code, 0) for code in shown]
            + [figures.done_share, figures.late, figures.late_share, changed, figures.answered, figures.expected]
            + [figures.reporting]
        )

    rows = [values(row.project.title, row.below, row.figures) for row in network.sorted("titre")]
    rows.append(values("Total des projets déclinés", network.projects, network.children))
    rows.append(values("Le cadre lui-même", "", network.own))
    rows.append(values("Tout le réseau", network.projects, network.total))
    return headers, rows, shown


def _text(value) -> str:
    if value is None or value == "":
        return "—" if value is None else ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def rollup_document(project, today: datetime.date | None = None) -> Document:
    headers, rows, _shown = rollup_table(project, today)
    first = 0.22
    width = (1 - first) / (len(headers) - 1)
    table = Table(
        headers,
        [
            [cell(Paragraph(_text(v), "label" if index >= len(rows) - 3 else "")) for v in row]
            for index, row in enumerate(rows)
        ],
        [first] + [width] * (len(headers) - 1),
    )
    intro = Paragraph(
        "Chaque ligne compte un projet décliné directement de ce cadre et tous les projets qui en sont "
        "déclinés à leur tour. Les actions comptées sont les actions de premier niveau ; une action est en "
        "retard quand elle reste ouverte après sa date de fin (ou, sans date, après sa dernière période). "
        "Les réponses sont celles de la dernière campagne ouverte de chaque projet."
    )
    return Document(
        title=f"Tableau du réseau — {project.title}",
        subtitle=project.get_kind_display(),
        cover=[("Projet cadre", project.title), ("Établi le", french_date(timezone.localdate()))],
        landscape=True,
        body=[Section("Les projets déclinés", 1, [intro, table])],
    )


@register("pdf", KIND)
def write_pdf(project, what: What, progress=None) -> bytes:
    with translation.override("fr"):
        return pdf.render(rollup_document(project), progress=progress)


@register("xlsx", KIND)
def write_xlsx(project, what: What, progress=None) -> bytes:
    with translation.override("fr"):
        headers, rows, _shown = rollup_table(project)
        columns = [Column(header) for header in headers]
        sheet = Sheet("Réseau", columns, rows)
        content = workbook_bytes([sheet], project)
    if progress:
        progress(1, 1)
    return content
