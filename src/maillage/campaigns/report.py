"""The evaluation report of a campaign: DOCX / ODT / PDF from the annex's neutral document model, and
the answers as a workbook (XLSX).

- ``load`` reads what the report needs in a fixed number of queries (the accepted answers with their
  actions, leads, indicators and values; the counts grouped in the database).
- ``report_document`` builds the ``annex.model.Document``: a synthesis (answers by state, actions by
  status and accepted proposals by kind, per top-level node, the actions without an accepted answer),
  then per top-level node each accepted answer with its indicators (chart image + table).
- ``workbook`` writes the three sheets; every text cell is written as text, so that an answer starting
  with = + - @ is never read as a formula by a spreadsheet.

Only *accepted* answers are reproduced: the report is the reviewed result that readers and the
steering committee receive; drafts and answers under review stay on the coordinators' screens.
The documents are registered as ``--what evaluation[:CAMPAIGN]`` (id or key; the latest opened
campaign without one) and run as background exports with progress, like the annex.
"""

import io
from collections import defaultdict
from copy import copy
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from maillage.actions.models import ActionNode
from maillage.actions.progress import STATUS_ORDER
from maillage.documents.annex import docx, odt, pdf
from maillage.documents.annex.building import _node_title, action_label, french_date, node_label
from maillage.documents.annex.loading import labels_of
from maillage.documents.annex.model import Document, Image, Paragraph, Section, Table, cell
from maillage.documents.registry import ExportError, What, register, register_what
from maillage.evaluation.models import Indicator, IndicatorValue
from maillage.partners.models import Person
from maillage.projects.dashboard import _root_of
from maillage.projects.models import Node

from . import charts
from . import progress as tally
from .models import Answer, AnswerIndicator, Campaign, Proposal, Question
from .reading import answer_items, french_number, value_text

KIND = "evaluation"
RENDERERS = {"docx": docx.render, "pdf": pdf.render, "odt": odt.render}
STATE_LABELS = [
    (Answer.State.ACCEPTED, "Acceptées"),
    (Answer.State.SUBMITTED, "Envoyées, à examiner"),
    (Answer.State.RETURNED, "Renvoyées aux pilotes"),
    (Answer.State.DRAFT, "En brouillon"),
    (Answer.State.PENDING, "Non commencées"),
]


# --- which campaign ------------------------------------------------------------------------------------


def campaign_what(project, ref: str) -> What:
    """``evaluation`` (the campaign opened last), ``evaluation:12`` (its id) or ``evaluation:bilan-annuel-2024``."""
    campaigns = Campaign.objects.filter(project=project)
    if not ref:
        campaign = campaigns.exclude(state=Campaign.State.DRAFT).order_by("-opened_at", "-pk").first()
        if campaign is None:
            raise ExportError(f"Le projet « {project.slug} » n'a aucune campagne d'évaluation ouverte.")
    else:
        campaign = campaigns.filter(pk=int(ref)).first() if ref.isdigit() else campaigns.filter(key=ref).first()
        if campaign is None:
            raise ExportError(
                f"Campagne « {ref} » introuvable dans le projet « {project.slug} » : "
                "donnez son numéro ou son identifiant (« maillage campaigns SLUG » les liste)."
            )
        if campaign.is_draft:
            raise ExportError(f"La campagne « {campaign.title} » est en préparation : elle n'a pas encore de réponses.")
    campaign.project = project
    return What(KIND, subject=campaign)


register_what(KIND, campaign_what, title="Rapport d'évaluation")


# --- what the report reads ------------------------------------------------------------------------------


@dataclass
class ReportData:
    campaign: Campaign
    labels: object
    questions: list
    asks_indicators: bool
    figures: tally.Counts
    rows: list
    total: tally.RootRow
    nodes: list
    root_of: dict
    answers: list  # accepted, with everything the report shows
    missing: list  # (ref, title, state) of the expected actions without an accepted answer
    levels: dict = field(default_factory=dict)

    @property
    def project(self):
        return self.campaign.project

    @property
    def nodes_by_id(self) -> dict:
        return {node.pk: node for node in self.nodes}


def accepted_answers(campaign: Campaign) -> list[Answer]:
    return list(
        Answer.objects.filter(campaign=campaign, state=Answer.State.ACCEPTED)
        .select_related("action__parent", "submitted_by", "reviewed_by")
        .prefetch_related(
            Prefetch("respondents", queryset=Person.objects.only("pk", "name")),
            Prefetch("indicator_values", queryset=AnswerIndicator.objects.all()),
            Prefetch("action__placements", queryset=ActionNode.objects.order_by("node__position", "node_id")),
            Prefetch("action__parent__placements", queryset=ActionNode.objects.order_by("node__position", "node_id")),
            Prefetch(
                "action__indicators",
                queryset=Indicator.objects.order_by("position", "pk").prefetch_related(
                    "targets", Prefetch("values", queryset=IndicatorValue.objects.order_by("position", "date", "pk"))
                ),
            ),
        )
        .order_by("position", "pk")
    )


def load(campaign: Campaign) -> ReportData:
    project = campaign.project
    figures = tally.counts(campaign)
    rows = tally.synthesis(campaign)
    questions = list(campaign.questions.order_by("position", "pk"))
    nodes = list(Node.objects.filter(project=project).select_related("level").order_by("position", "pk"))
    missing = list(
        Answer.objects.filter(campaign=campaign)
        .exclude(state=Answer.State.ACCEPTED)
        .order_by("position", "pk")
        .values_list("action__ref", "action__title", "state")
    )
    return ReportData(
        campaign=campaign,
        labels=labels_of(project),
        questions=questions,
        asks_indicators=any(q.kind == Question.Kind.INDICATORS and q.removed_at is None for q in questions),
        figures=figures,
        rows=rows,
        total=tally.totals(campaign, figures),
        nodes=nodes,
        root_of=_root_of([(node.pk, node.parent_id) for node in nodes]),
        answers=accepted_answers(campaign),
        missing=missing,
        levels=dict(project.levels.values_list("depth", "name")),
    )


def roots_of(answer: Answer, data: ReportData) -> list[int]:
    """The top-level nodes the action sits under (its parent's for a sub-action placed nowhere)."""
    placements = list(answer.action.placements.all())
    if not placements and answer.action.parent_id:
        placements = list(answer.action.parent.placements.all())
    roots = []
    for placement in placements:
        root = data.root_of.get(placement.node_id)
        if root is not None and root not in roots:
            roots.append(root)
    return roots


# --- the document ---------------------------------------------------------------------------------------


def _count_table(first: str, columns: list[tuple[str, str]], rows, values, total_values, total_label: str) -> Table:
    """Rows per top-level node, one column per code, and a last "Toute la campagne" line."""
    body = []
    for row in rows:
        name = node_label(row.node) if row.node else "Hors arborescence"
        counts = values(row)
        body.append(
            [cell(name)]
            + [cell(str(counts.get(code, 0))) for code, _label in columns]
            + [cell(str(sum(counts.get(code, 0) for code, _l in columns)))]
        )
    counts = total_values
    body.append(
        [cell(Paragraph("Toute la campagne", "label"))]
        + [cell(Paragraph(str(counts.get(code, 0)), "label")) for code, _label in columns]
        + [cell(Paragraph(str(sum(counts.get(code, 0) for code, _l in columns)), "label"))]
    )
    width = 0.65 / (len(columns) + 1)
    return Table(
        [first] + [label for _code, label in columns] + [total_label], body, [0.35] + [width] * (len(columns) + 1)
    )


def _counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n <= 1 else many}"


def synthesis_section(data: ReportData) -> Section:
    campaign, figures = data.campaign, data.figures
    first_level = data.levels.get(1, "Élément de l'arborescence")
    blocks = [
        Paragraph(
            f"{campaign.get_kind_display()} de la période {campaign.period_label} : "
            f"{_counted(figures.expected, 'action interrogée', 'actions interrogées')}, "
            f"{_counted(figures.sent, 'réponse envoyée', 'réponses envoyées')}, "
            f"{_counted(figures.accepted, 'acceptée', 'acceptées')} par la coordination. "
            "Ce rapport reproduit les réponses acceptées."
        ),
        Table(
            ["Réponses", "Nombre"],
            [[cell(label), cell(str(figures.by_state.get(state, 0)))] for state, label in STATE_LABELS]
            + [[cell(Paragraph("Actions interrogées", "label")), cell(Paragraph(str(figures.expected), "label"))]],
            [0.6, 0.4],
        ),
    ]
    statuses = [(code, data.labels("status", code)) for code in STATUS_ORDER if data.total.statuses.get(code)]
    if statuses:
        blocks.append(
            Section(
                "Les actions par statut",
                2,
                [
                    Paragraph(
                        f"Statut actuel des actions de la campagne sous chaque {first_level.lower()} "
                        "(une action placée sous deux éléments compte pour chacun)."
                    ),
                    _count_table(
                        first_level, statuses, data.rows, lambda row: row.statuses, data.total.statuses, "Total"
                    ),
                ],
            )
        )
    proposals = [(code, str(label)) for code, label in Proposal.choices]
    blocks.append(
        Section(
            "Les propositions des pilotes",
            2,
            [
                Paragraph("Ce que proposent les réponses acceptées pour la suite de chaque action."),
                _count_table(
                    first_level,
                    proposals,
                    data.rows,
                    lambda row: row.proposals,
                    data.total.proposals,
                    "Réponses acceptées",
                ),
            ],
        )
    )
    if data.missing:
        states = dict(Answer.State.choices)
        blocks.append(
            Section(
                "Actions sans réponse acceptée",
                2,
                [
                    Table(
                        ["Réf.", "Action", "Réponse"],
                        [
                            [cell(ref), cell(title), cell(str(states.get(state, state)))]
                            for ref, title, state in data.missing
                        ],
                        [0.15, 0.6, 0.25],
                    )
                ],
            )
        )
    return Section("Synthèse", 1, blocks)


def _indicator_table(indicator, given: AnswerIndicator | None) -> Table:
    """Baseline, then each period's measured values and target, in the order of the periods."""
    by_period = defaultdict(list)
    for value in indicator.values.all():
        by_period[value.period].append(value)
    targets = {str(target.year): target.value for target in indicator.targets.all()}
    rows = []
    if indicator.baseline is not None:
        year = f" ({indicator.baseline_year})" if indicator.baseline_year else ""
        rows.append(
            [
                cell(f"Valeur de départ{year}"),
                cell(french_number(indicator.baseline, indicator.unit)),
                cell(""),
                cell(""),
            ]
        )
    for period in sorted(set(by_period) | set(targets), key=charts.period_key):
        values = by_period.get(period) or [None]
        for value in values:
            measured = (
                french_number(value.value, indicator.unit) if value is not None and value.value is not None else ""
            )
            words = " — ".join(part for part in (value.assessment, value.comment) if part) if value is not None else ""
            target = french_number(targets[period], indicator.unit) if period in targets else ""
            rows.append([cell(period), cell(measured), cell(target), cell(words)])
    if not rows:
        rows.append([cell("—"), cell(""), cell(""), cell("Aucune valeur ni cible.")])
    return Table(["Période", "Valeur mesurée", "Cible", "Appréciation, commentaire"], rows, [0.2, 0.2, 0.2, 0.4])


def indicators_section(answer: Answer, data: ReportData, pictures: dict) -> Section | None:
    indicators = list(answer.action.indicators.all())
    if not indicators or not data.asks_indicators:
        return None
    given = {row.indicator_id: row for row in answer.indicator_values.all()}
    blocks = []
    for indicator in indicators:
        unit = f", {indicator.unit}" if indicator.unit else ""
        blocks.append(Paragraph(f"{indicator.title} ({indicator.get_kind_display().lower()}{unit})", "label"))
        row = given.get(indicator.pk)
        if row is not None and row.value is None and not row.assessment and row.comment:
            blocks.append(Paragraph(f"Non mesuré pour {data.campaign.value_period} : {row.comment}", "note"))
        series = charts.series_of(indicator)
        if series is not None:
            png = pictures.get(indicator.pk)
            if png:
                blocks.append(
                    Image(
                        png,
                        width_cm=15,
                        alt=charts.chart_alt(indicator, series),
                        caption=f"« {indicator.title} » : valeurs mesurées, cibles et valeur de départ",
                    )
                )
        blocks.append(_indicator_table(indicator, row))
    return Section("Indicateurs", 3, blocks)


def answer_section(answer: Answer, data: ReportData, pictures: dict, page_break: bool) -> Section:
    action = answer.action
    facts = [f"Statut : {data.labels('status', action.status)}"]
    leads = [person.name for person in answer.respondents.all()]
    if leads:
        facts.append(f"Pilotes : {', '.join(leads)}")
    if answer.submitted_at:
        facts.append(f"Réponse envoyée le {french_date(timezone.localtime(answer.submitted_at).date())}")
    if answer.reviewed_at:
        facts.append(f"acceptée le {french_date(timezone.localtime(answer.reviewed_at).date())}")
    blocks = [Paragraph(" · ".join(facts), "note")]
    roots = roots_of(answer, data)
    if len(roots) > 1:
        names = [node_label(data.nodes_by_id[pk]) for pk in roots[1:] if pk in data.nodes_by_id]
        blocks.append(Paragraph(f"Fiche partagée : aussi sous {' ; '.join(names)}.", "note"))
    labels = data.labels.words
    for item in answer_items(answer, data.questions, labels):
        blocks.append(Paragraph(item.label + (" (question retirée)" if item.withdrawn else ""), "label"))
        blocks.extend(cell(item.text).blocks if item.text else [Paragraph("Non renseigné.", "note")])
    if answer.review_comment:
        blocks.append(Paragraph("Commentaire de la coordination", "label"))
        blocks.extend(cell(answer.review_comment).blocks)
    section = indicators_section(answer, data, pictures)
    if section:
        blocks.append(section)
    return Section(action_label(action), 2, blocks, page_break=page_break)


def chart_jobs(data: ReportData) -> list:
    """(indicator id, series, unit) of every chart the report shows (an indicator is in one answer only)."""
    if not data.asks_indicators:
        return []
    jobs = []
    for answer in data.answers:
        for indicator in answer.action.indicators.all():
            series = charts.series_of(indicator)
            if series is not None:
                jobs.append((indicator.pk, series, indicator.unit))
    return jobs


def report_document(data: ReportData, report=None) -> Document:
    """The report; ``report(done, total)`` is called as the charts are drawn (the slow part of building)."""
    campaign, project = data.campaign, data.project
    pictures = charts.draw_many(chart_jobs(data), progress=report)
    by_root: dict[int, list[Answer]] = defaultdict(list)
    for answer in data.answers:
        roots = roots_of(answer, data)
        by_root[roots[0] if roots else tally.UNPLACED].append(answer)
    body = [synthesis_section(data)]
    tops = [node for node in data.nodes if node.parent_id is None]
    groups = [(_node_title(data, node), by_root.get(node.pk, [])) for node in tops]
    groups.append(("Actions hors arborescence", by_root.get(tally.UNPLACED, [])))
    for title, answers in groups:
        if not answers:
            continue
        sections = [
            answer_section(answer, data, pictures, page_break=index > 0) for index, answer in enumerate(answers)
        ]
        body.append(Section(title, 1, sections, page_break=True))
    if not data.answers:
        body.append(Section("Réponses", 1, [Paragraph("Aucune réponse n'a encore été acceptée.")], page_break=True))
    cover = [
        ("Projet", project.title),
        ("Type de campagne", campaign.get_kind_display()),
        ("Période évaluée", campaign.period_label),
        ("Date limite de réponse", french_date(campaign.due_date)),
        ("Périmètre", campaign.scope_label),
        ("Ouverte le", french_date(timezone.localtime(campaign.opened_at).date()) if campaign.opened_at else ""),
        ("Réponses acceptées", f"{data.figures.accepted} sur {data.figures.expected}"),
        ("Rapport établi le", french_date(timezone.localdate())),
    ]
    return Document(
        title=f"Rapport d'évaluation — {campaign.title}",
        subtitle=project.title,
        cover=[(label, value) for label, value in cover if value],
        toc=True,
        body=body,
    )


# --- the workbook ---------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def put(sheet, row: int, column: int, value):
    """Write one cell; a text is always stored as text (never a formula, whatever it starts with)."""
    target = sheet.cell(row=row, column=column)
    if value == "":
        return target  # an empty cell, not an empty text
    if isinstance(value, str):
        target.value = value
        target.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            target.quotePrefix = True
    else:
        target.value = value
    return target


def write_sheet(sheet, title: str, headers: list[str], rows: list[list]):
    sheet.title = title
    bold = Font(bold=True)
    for column, header in enumerate(headers, start=1):
        put(sheet, 1, column, header).font = bold
    # One wrapped style, shared by every text cell (setting a style cell by cell costs more than the text).
    prototype = sheet.cell(row=1, column=len(headers) + 1)
    prototype.alignment = Alignment(vertical="top", wrap_text=True)
    wrapped = prototype._style
    sheet._cells.pop((1, len(headers) + 1), None)
    widths = [min(max(len(header), 8), 40) for header in headers]
    for number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            target = put(sheet, number, column, value)
            if isinstance(value, str) and value:
                quoted = target.quotePrefix
                target._style = copy(wrapped)
                if quoted:
                    target.quotePrefix = True
                widths[column - 1] = min(max(widths[column - 1], len(value.split("\n")[0])), 60)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width + 2
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"


def _date(value):
    return timezone.localtime(value).date() if value else None


def workbook(data: ReportData, progress=None) -> bytes:
    """Three sheets: the synthesis per top-level node, one row per expected action (the content of
    accepted answers only), and the indicator values of the accepted answers."""
    campaign = data.campaign
    book = Workbook()
    book.remove(book.active)
    statuses = [code for code in STATUS_ORDER if data.total.statuses.get(code)]
    proposals = list(Proposal.values)
    synthesis_rows = []
    for row in [*data.rows, None]:
        source = row if row is not None else data.total
        name = "Toute la campagne" if row is None else (node_label(row.node) if row.node else "Hors arborescence")
        synthesis_rows.append(
            [name]
            + [source.statuses.get(code, 0) for code in statuses]
            + [source.proposals.get(code, 0) for code in proposals]
            + [source.states.get(Answer.State.ACCEPTED, 0), sum(source.states.values())]
        )
    write_sheet(
        book.create_sheet(),
        "Synthèse",
        [data.levels.get(1, "Élément de l'arborescence")]
        + [f"Statut : {data.labels('status', code)}" for code in statuses]
        + [f"Proposition : {label}" for _code, label in Proposal.choices]
        + ["Réponses acceptées", "Actions interrogées"],
        synthesis_rows,
    )
    asked = [q for q in data.questions if q.kind != Question.Kind.INDICATORS]
    accepted = {answer.action.ref: answer for answer in data.answers}
    states = dict(Answer.State.choices)
    everyone = list(
        Answer.objects.filter(campaign=campaign)
        .order_by("position", "pk")
        .values_list("action__ref", "action__title", "action__status", "state", "submitted_at", "reviewed_at")
    )
    leads = defaultdict(list)
    for ref, name in (
        Answer.respondents.through.objects.filter(answer__campaign=campaign)
        .order_by("answer__position", "person__name")
        .values_list("answer__action__ref", "person__name")
    ):
        leads[ref].append(name)
    answer_rows = []
    for ref, title, status, state, submitted, reviewed in everyone:
        answer = accepted.get(ref)
        base = [
            ref,
            title,
            ", ".join(leads.get(ref, [])),
            str(states.get(state, state)),
            data.labels("status", status),
            _date(submitted),
            _date(reviewed) if answer else None,
        ]
        contents = []
        for question in asked:
            if question.kind == Question.Kind.PROPOSAL:
                contents.append(str(Proposal(answer.proposal).label) if answer and answer.proposal else "")
                contents.append(answer.proposal_comment if answer else "")
            else:
                contents.append(value_text(question, answer, data.labels.words) if answer else "")
        answer_rows.append(base + contents)
    headers = ["Réf.", "Action", "Pilotes attendus", "État de la réponse", "Statut actuel", "Envoyée le", "Acceptée le"]
    for question in asked:
        headers.append(question.label + (" (question retirée)" if question.removed_at else ""))
        if question.kind == Question.Kind.PROPOSAL:
            headers.append("Commentaire de la proposition")
    write_sheet(book.create_sheet(), "Réponses", headers, answer_rows)
    sheet = book["Réponses"]
    for column, header in enumerate(headers, start=1):
        if header in ("Envoyée le", "Acceptée le"):
            for cells in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                cells[0].number_format = "DD/MM/YYYY"
    indicator_rows = []
    for answer in data.answers:
        targets_year = str(campaign.last_year)
        for indicator in answer.action.indicators.all():
            row = next((one for one in answer.indicator_values.all() if one.indicator_id == indicator.pk), None)
            target = next((t.value for t in indicator.targets.all() if str(t.year) == targets_year), None)
            indicator_rows.append(
                [
                    answer.action.ref,
                    answer.action.title,
                    indicator.title,
                    indicator.get_kind_display(),
                    indicator.unit,
                    campaign.value_period,
                    float(row.value) if row is not None and row.value is not None else None,
                    row.assessment if row else "",
                    row.comment if row else "",
                    float(target) if target is not None else None,
                ]
            )
    write_sheet(
        book.create_sheet(),
        "Indicateurs",
        [
            "Réf.",
            "Action",
            "Indicateur",
            "Type",
            "Unité",
            "Période",
            "Valeur",
            "Appréciation",
            "Commentaire",
            "Cible de l'année",
        ],
        indicator_rows,
    )
    book.properties.title = f"Réponses — {campaign.title}"
    book.properties.creator = "Maillage"
    book.properties.language = "fr-FR"
    output = io.BytesIO()
    book.save(output)
    if progress:
        progress(1, 1)
    return output.getvalue()


# --- the writers ----------------------------------------------------------------------------------------


def _document_writer(format: str):
    def write(project, what: What, progress=None) -> bytes:
        with translation.override("fr"):
            data = load(what.subject)
            building = progress_part(progress, 0)
            document = report_document(data, report=building)
            rendering = progress_part(progress, 1)
            return RENDERERS[format](document, progress=rendering)

    write.__name__ = f"write_evaluation_{format}"
    return write


def progress_part(progress, index: int, parts: int = 2):
    """Report a phase's ``(done, total)`` as its share of the whole: drawing the charts, then laying out."""
    if progress is None:
        return None

    def report(done, total):
        share = (index + (done / total if total else 1)) / parts
        progress(int(share * 1000), 1000)

    return report


for _format in RENDERERS:
    register(_format, KIND)(_document_writer(_format))


@register("xlsx", KIND)
def write_xlsx(project, what: What, progress=None) -> bytes:
    with translation.override("fr"):
        return workbook(load(what.subject), progress=progress)
