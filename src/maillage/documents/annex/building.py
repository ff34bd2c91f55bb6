"""From the project to the document representation: one function per document kind.

The fiche follows the Clermont-Ferrand seed's sheets, the panorama the Genas seed, the calendar the
Pays du Gier and Clermont seeds. Empty sections are left out: a printed sheet has no empty boxes.
"""

import re
from collections import defaultdict
from decimal import Decimal

from django.utils import formats

from maillage.actions import panorama
from maillage.actions.vocabulary import Role, Scale, Status
from maillage.french import normalise

from .model import BulletList, Cell, Document, Image, Paragraph, Section, Table, cell, walk_texts

ORIGIN_MARKERS = {"new": "NA", "evolution": "E", "existing": "AE"}
MARK = "●"


def french_date(value) -> str:
    return formats.date_format(value, "j F Y") if value else ""


def amount(value: Decimal, unit: str = "eur") -> str:
    text = formats.number_format(value, decimal_pos=0 if value == value.to_integral() else 2, force_grouping=True)
    text = text.replace("\xa0", " ").replace(" ", "\u202f")
    return f"{text} €" if unit == "eur" else f"{text} ETP"


def _node_title(data, node) -> str:
    """ "Objectif 1.1 — …" with the project's level name, unless the code already says it ("Visée 1")."""
    return panorama.node_heading(node)


def node_label(node) -> str:
    return f"{node.code} — {node.title}" if node.code else node.title


def action_label(action) -> str:
    return f"{action.code or action.ref} — {action.title}"


def _years_of(action, first_year, last_year) -> set[int]:
    years = set()
    for period in action.periods.all():
        years.update(range(period.first_year, period.last_year + 1))
    if not years and (action.start_date or action.end_date):
        start = (action.start_date or action.end_date).year
        end = (action.end_date or action.start_date).year
        years.update(range(max(start, first_year), min(end, last_year) + 1))
    return years


def schedule_text(action, data) -> str:
    periods = [period.label for period in action.periods.all()]
    if periods:
        return ", ".join(periods)
    project = data.project
    years = sorted(_years_of(action, project.first_year, project.last_year))
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


# --- the fiche action -------------------------------------------------------------------------------


def _boxes(pairs: list[tuple[str, Cell]], widths: list[float]) -> Table | None:
    """A fiche table of the boxes that have content; None when every box is empty."""
    kept = [(title, content, width) for (title, content), width in zip(pairs, widths, strict=True) if content.blocks]
    if not kept:
        return None
    total = sum(width for _title, _content, width in kept)
    return Table(
        header=[title for title, _content, _width in kept],
        rows=[[content for _title, content, _width in kept]],
        widths=[width / total for _title, _content, width in kept],
        fiche=True,
    )


def _labelled(*parts: tuple[str, str | list]) -> Cell:
    """A box holding several labelled parts ("Objectif général", "Humains"…); empty parts are dropped."""
    labelled = [(label, content) for label, content in parts if content]
    blocks = []
    for label, content in labelled:
        if len(labelled) > 1 or label:
            blocks.append(Paragraph(label, "label"))
        if isinstance(content, list):
            blocks.append(BulletList(content))
        else:
            blocks.extend(cell(content).blocks)
    return Cell(blocks)


def _partners_cell(action, data) -> Cell:
    by_role = defaultdict(list)
    for partner in action.partner_roles.all():
        name = partner.organisation.name
        if partner.organisation.acronym and partner.organisation.acronym not in name:
            name = f"{name} ({partner.organisation.acronym})"
        by_role[partner.role].append(f"{name} : {partner.detail}" if partner.detail else name)
    parts = [(data.labels("role", role), by_role[role]) for role in Role.values if by_role[role]]
    if action.partnership.strip():
        parts.append(("Autres partenariats" if parts else "", action.partnership))
    return _labelled(*parts)


def _info_rows(action, data) -> list[tuple[str, str]]:
    labels = data.labels
    nodes_by_id = data.nodes_by_id
    rows = [
        ("Statut", labels("status", action.status)),
        ("Origine", labels("origin", action.origin)),
        ("Périodes" if data.periods else "Années", schedule_text(action, data)),
        ("Échelon", str(Scale(action.scale).label) if action.scale else ""),
        ("Territoire", str(action.territory) if action.territory else ""),
        ("Pilotes", "" if data.public else ", ".join(_person(person) for person in action.leads.all())),
        ("Structure pilote", action.lead_organisation.name if action.lead_organisation else ""),
        ("Élu·e référent·e", _person(action.elected_referent) if action.elected_referent and not data.public else ""),
        ("Priorité", labels("priority", action.priority)),
        ("Participation des habitants", labels("participation", action.participation)),
        ("Thèmes", ", ".join(theme.name for theme in action.themes.all())),
        ("Action parente", action_label(action.parent) if action.parent else ""),
        ("Début", french_date(action.start_date)),
        ("Fin", french_date(action.end_date)),
    ]
    placements = [nodes_by_id.get(placement.node_id) for placement in action.placements.all()]
    if len(placements) > 1:
        rows.append(("Fiche partagée entre", " ; ".join(node_label(node) for node in placements if node)))
    return [(label, value) for label, value in rows if value]


def _person(person) -> str:
    return f"{person.name} ({person.function})" if person.function else person.name


def fiche_section(action, data, level: int = 1, page_break: bool = False) -> Section:
    """One fiche action, laid out like the Clermont-Ferrand seed's sheets; ``action`` comes from
    ``data.with_details`` (its leads, partners, budget and indicators read)."""
    nodes_by_id = data.nodes_by_id
    blocks = []
    served = [
        nodes_by_id[placement.node_id] for placement in action.placements.all() if placement.node_id in nodes_by_id
    ]
    for node in served:
        blocks.append(Paragraph(_node_title(data, node), "note"))
    indicators = list(action.indicators.all())
    quantitative = [indicator.title for indicator in indicators if indicator.kind == "quantitative"]
    qualitative = [indicator.title for indicator in indicators if indicator.kind == "qualitative"]
    tables = [
        _boxes(
            [
                ("Contexte", cell(action.context)),
                (
                    "Objectif général / Objectifs opérationnels",
                    _labelled(
                        ("Objectif général", action.general_objective),
                        ("Objectifs opérationnels", action.operational_objectives),
                    ),
                ),
            ],
            [1, 1],
        ),
        _boxes(
            [("Public cible", cell(action.target_public)), ("Présentation de l'action", cell(action.description))],
            [1, 2],
        ),
        _boxes(
            [
                ("Échéancier", cell(action.schedule)),
                (
                    "Moyens (humains, matériels, financiers)",
                    _labelled(
                        ("Humains", action.human_means),
                        ("Matériels", action.material_means),
                        ("Financiers", action.financial_means),
                    ),
                ),
                ("Partenariat", _partners_cell(action, data)),
            ],
            [1, 1, 1],
        ),
        _boxes(
            [
                ("Résultats attendus", cell(action.expected_results)),
                (
                    "Indicateurs (quantitatifs / qualitatifs)",
                    _labelled(("Quantitatifs", quantitative), ("Qualitatifs", qualitative)),
                ),
            ],
            [1, 1],
        ),
        _boxes([("Freins à lever", cell(action.obstacles))], [1]),
    ]
    blocks.extend(table for table in tables if table)
    info = _info_rows(action, data)
    if info:
        blocks.append(Section("Suivi de l'action", level + 1, [_key_values(info)]))
    budget = list(action.budget_lines.all())
    if budget:
        blocks.append(Section("Budget", level + 1, [_budget_table(budget)]))
    values = [(indicator, value) for indicator in indicators for value in indicator.values.all()]
    if values:
        blocks.append(
            Section(
                "Valeurs des indicateurs",
                level + 1,
                [
                    Table(
                        ["Indicateur", "Période", "Valeur", "Appréciation"],
                        [
                            [
                                cell(indicator.title),
                                cell(value.period),
                                cell(_number(value.value, indicator.unit)),
                                cell(value.assessment, value.comment),
                            ]
                            for indicator, value in values
                        ],
                        [0.35, 0.15, 0.15, 0.35],
                    )
                ],
            )
        )
    subs = data.sub_actions.get(action.pk, [])
    if subs:
        blocks.append(
            Section(
                "Sous-actions",
                level + 1,
                [
                    Table(
                        ["Référence", "Intitulé", "Statut", "Calendrier"],
                        [
                            [
                                cell(sub.code or sub.ref),
                                cell(sub.title),
                                cell(data.labels("status", sub.status)),
                                cell(schedule_text(sub, data)),
                            ]
                            for sub in subs
                        ],
                        [0.15, 0.5, 0.15, 0.2],
                    )
                ],
            )
        )
    # A sheet with boxes starts a new page, as in the seed; a title-and-status sheet (Genas) does not
    # deserve a page of its own.
    page_break = page_break and any(table is not None for table in tables)
    return Section(action_label(action), level, blocks, page_break=page_break)


def _number(value, unit="") -> str:
    if value is None:
        return ""
    value = value.normalize()
    text = formats.number_format(value, force_grouping=True).replace("\xa0", "\u202f")
    return f"{text} {unit}".strip()


def _key_values(rows: list[tuple[str, str]]) -> Table:
    return Table(
        ["Rubrique", "Valeur"], [[cell(Paragraph(label, "label")), cell(value)] for label, value in rows], [0.3, 0.7]
    )


def _budget_table(lines) -> Table:
    return Table(
        ["Libellé", "Nature", "Prévu / réalisé", "Année", "Montant", "Financeur"],
        [
            [
                cell(line.label),
                cell(line.get_nature_display()),
                cell(line.get_kind_display()),
                cell(str(line.year) if line.year else "Toute la période"),
                cell(amount(line.amount, line.unit)),
                cell(line.funder.name if line.funder else ""),
            ]
            for line in lines
        ],
        [0.26, 0.14, 0.13, 0.13, 0.14, 0.2],
    )


def cover_fields(project, extra: list[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    fields = [
        ("Territoire", str(project.territory) if project.territory else ""),
        ("Type de projet", project.get_kind_display()),
        ("Période", f"{project.first_year}-{project.last_year}"),
        ("Porteur", project.owner.name if project.owner else ""),
        ("Version", project.version),
        ("Date de la version", french_date(project.updated_on)),
        ("Délibération", " — ".join(filter(None, [project.deliberation_body, project.deliberation_reference]))),
        ("Date de la délibération", french_date(project.deliberation_date)),
        *extra,
    ]
    return [(label, value) for label, value in fields if value]


def fiche_document(action, data) -> Document:
    project = data.project
    return Document(
        title=f"Fiche action {action.code or action.ref}",
        subtitle=project.title,
        body=[fiche_section(detailed, data, level=1) for detailed in data.with_details([action])],
        cover=[],
    )


# --- the project document (deliberation annex) ------------------------------------------------------


def _diagnostic(data) -> Section | None:
    blocks = []
    for table in data.key_figure_tables:
        columns = list(table.columns.all())
        rows = []
        for row in table.rows.all():
            values = {value.column_id: value.value for value in row.values.all()}
            indicator = f"{row.indicator} ({row.unit})" if row.unit and row.unit != "%" else row.indicator
            rows.append([cell(indicator)] + [cell(values.get(column.pk, "")) for column in columns])
        width = 0.6 / max(len(columns), 1)
        source = " — ".join(filter(None, [table.source, str(table.year) if table.year else ""]))
        content = [
            Table(
                ["Indicateur"] + [str(column.territory.name) for column in columns],
                rows,
                [0.4] + [width] * len(columns),
            )
        ]
        if source:
            content.append(Paragraph(f"Source : {source}", "note"))
        blocks.append(Section(table.title, 3, content))
    key_figures = [Section("Chiffres clés", 2, blocks)] if blocks else []
    themes: dict[str, list] = {}
    for finding in data.findings:
        themes.setdefault(finding.theme or "Constats", []).append(finding)
    finding_sections = []
    for theme, findings in themes.items():
        content = []
        for finding in findings:
            if finding.title:
                content.append(Paragraph(finding.title, "label"))
            content.extend(cell(finding.text).blocks)
            if finding.source:
                content.append(Paragraph(f"Source : {finding.source}", "note"))
        finding_sections.append(Section(theme, 3, content))
    if finding_sections:
        key_figures.append(Section("Constats", 2, finding_sections))
    consultations = []
    for consultation in data.consultations:
        figures = [
            ("Méthode", consultation.method),
            (
                "Période",
                " au ".join(filter(None, [french_date(consultation.start_date), french_date(consultation.end_date)])),
            ),
            ("Habitants interrogés", consultation.residents),
            ("Dont jeunes", consultation.young),
            ("Partenaires impliqués", consultation.partners),
            ("Invitations", consultation.invited),
            ("Réunions ou ateliers", consultation.meetings),
            ("Questionnaires renseignés", consultation.responses),
            ("Actions auto-évaluées", consultation.actions_evaluated),
        ]
        rows = [(label, str(value)) for label, value in figures if value not in (None, "")]
        content = [_key_values(rows)] if rows else []
        content.extend(cell(consultation.description).blocks)
        consultations.append(Section(consultation.title, 3, content))
    if consultations:
        key_figures.append(Section("Concertation des habitants et des partenaires", 2, consultations))
    return Section("Diagnostic partagé", 1, key_figures, page_break=True) if key_figures else None


def _enjeux(data) -> Section | None:
    if not data.enjeux:
        return None
    blocks = []
    for enjeu in data.enjeux:
        content = cell(enjeu.description).blocks
        if enjeu.theme:
            content.insert(0, Paragraph(f"Thème : {enjeu.theme}", "note"))
        if enjeu.validated_on:
            content.append(Paragraph(f"Validé le {french_date(enjeu.validated_on)}", "note"))
        nodes = list(enjeu.nodes.all())
        if nodes:
            content.append(Paragraph("Y répondent :", "label"))
            content.append(BulletList([_node_title(data, data.nodes_by_id.get(node.pk, node)) for node in nodes]))
        blocks.append(Section(f"{enjeu.code} {enjeu.title}".strip(), 2, content))
    return Section("Enjeux", 1, blocks, page_break=True)


def _tree(data) -> Section | None:
    if not data.nodes:
        return None
    levels = " → ".join(data.levels[depth] for depth in sorted(data.levels))

    def node_section(node, depth) -> Section:
        content = []
        title = _node_title(data, node)
        if node.referent and not data.public:
            content.append(Paragraph(f"Élu·e référent·e : {_person(node.referent)}", "note"))
        content.extend(cell(node.description).blocks)
        actions = data.actions_of_node.get(node.pk, [])
        if actions:
            content.append(
                Table(
                    ["Fiche", "Intitulé", "Statut"],
                    [[cell(a.code or a.ref), cell(a.title), cell(data.labels("status", a.status))] for a in actions],
                    [0.16, 0.64, 0.2],
                )
            )
        content.extend(node_section(child, depth + 1) for child in data.children.get(node.pk, []))
        return Section(title, min(depth, 4), content)

    blocks = []
    if data.tree_png:
        blocks.append(
            Image(
                data.tree_png,
                width_cm=17.8,
                alt=f"Schéma de l'arborescence du projet {data.project.title} : pour chaque élément, "
                "le nombre d'actions de sa branche et une barre de leur répartition par statut.",
                caption="Schéma de l'arborescence : nombre d'actions et répartition par statut",
            )
        )
    if levels:
        blocks.append(Paragraph(f"Niveaux de l'arborescence : {levels}."))
    blocks.extend(node_section(root, 2) for root in data.children.get(None, []))
    return Section("Arborescence du projet", 1, blocks, page_break=True)


def _programmes(data) -> Section | None:
    blocks = []
    for programme in data.programmes:
        content = cell(programme.description).blocks
        actions = [link.action for link in sorted(programme.programmeaction_set.all(), key=lambda link: link.position)]
        if actions:
            content.append(Paragraph("Actions du programme", "label"))
            content.append(BulletList([action_label(action) for action in actions]))
        blocks.append(Section(programme.title, 2, content))
    return Section("Programmes transversaux", 1, blocks, page_break=True) if blocks else None


def _governance(data) -> Section | None:
    blocks = []
    for body in data.bodies:
        content = [Paragraph(body.get_kind_display(), "note")]
        if body.chair and not data.public:
            content.append(Paragraph(f"Présidence : {_person(body.chair)}"))
        if body.frequency:
            content.append(Paragraph(f"Fréquence : {body.frequency}"))
        if body.node:
            content.append(Paragraph(f"Suit : {node_label(body.node)}"))
        content.extend(cell(body.description).blocks)
        members = []
        for member in body.members.all():
            person = member.person.name if member.person and not data.public else ""
            who = " pour ".join(filter(None, [person, member.organisation.name if member.organisation else ""]))
            if not who:
                continue  # a person alone, in a visitor's document
            line = f"{who} ({member.role})" if member.role else who
            if line not in members:
                members.append(line)
        if members:
            content.append(Paragraph("Membres", "label"))
            content.append(BulletList(members))
        blocks.append(Section(body.name, 2, content))
    return Section("Gouvernance", 1, blocks, page_break=True) if blocks else None


def _mobilisation(data) -> Section | None:
    """« 70 partenaires ont rejoint sur 70 sollicités », and the same per body: counts of organisations."""
    if data.mobilisation is None:
        return None
    overall, by_body = data.mobilisation
    rows = ([overall] if overall else []) + by_body
    if not rows:
        return None
    headline = data.mobilisation_headline
    blocks = [Paragraph(f"{headline.joined} partenaires ont rejoint sur {headline.approached} sollicités.")]
    blocks.append(
        Table(
            ["Pour", "Sollicitées", "Ont rejoint", "Ont décliné", "Sans réponse"],
            [
                [
                    cell(t.label),
                    cell(str(t.approached)),
                    cell(str(t.joined)),
                    cell(str(t.declined)),
                    cell(str(t.waiting)),
                ]
                for t in rows
            ],
            [0.4, 0.15, 0.15, 0.15, 0.15],
        )
    )
    return Section("Mobilisation des partenaires", 1, blocks)


def _budget_summary(data) -> Section:
    """Planned euros by funder × year, summed by :func:`maillage.actions.budget.funder_year_totals`."""
    totals = data.budget.only("planned")
    if not totals.amounts:
        return Section("Budget prévisionnel", 1, [Paragraph("Aucune ligne budgétaire.")])
    columns = totals.years
    funders = totals.funders
    rows = []
    for funder in funders:
        values = [totals.amount(funder, year, "planned") for year in columns]
        rows.append(
            [cell(funder)]
            + [cell(amount(v) if v else "") for v in values]
            + [cell(amount(sum(v for v in values if v)))]
        )
    by_year = [
        sum((totals.amount(funder, year, "planned") or Decimal(0) for funder in funders), Decimal(0))
        for year in columns
    ]
    rows.append(
        [cell(Paragraph("Total", "label"))]
        + [cell(amount(v)) for v in by_year]
        + [cell(Paragraph(amount(sum(by_year)), "label"))]
    )
    header = ["Financeur"] + [str(year) if year else "Toute la période" for year in columns] + ["Total"]
    width = 0.7 / (len(columns) + 1)
    return Section(
        "Budget prévisionnel",
        1,
        [
            Paragraph(
                "Montants prévisionnels en euros des lignes budgétaires des fiches actions, par financeur et par année."
            ),
            Table(header, rows, [0.3] + [width] * (len(columns) + 1)),
        ],
        page_break=True,
    )


_WORD = re.compile(r"[^\W\d_](?:[\w&]|['’.-](?=\w))*", re.UNICODE)
_CAPS = re.compile(r"^[A-ZÀ-ÖØ-Þ]{2,}$")
_ROMAN = re.compile(r"^[IVXLCDM]+$")
NOT_ACRONYMS = {"AXE", "AXES", "NB", "OK"}


def acronyms_used(texts, known: list) -> list[tuple[str, str]]:
    """Known acronyms appearing as a word, and unknown all-caps words (2+ letters) without expansion.

    Capitals that shout rather than abbreviate are left out: a line written mostly in capitals
    ("SAINT-JACQUES / LA FONTAINE DU BAC", "S'ÉPANOUIR") and runs of two or more unknown capitalised words ("AXE
    TRANSVERSAL", "GRANDIR, S'ÉPANOUIR") only count for the acronyms the project knows.
    """
    known_names = {acronym.acronym for acronym in known}
    tokens, unknown = set(), set()
    for text in texts:
        for line in text.split("\n"):
            words = _WORD.findall(line)
            tokens.update(words)
            parts = [part for word in words for part in re.split(r"['’-]", word) if part]
            tokens.update(parts)
            letters = [char for char in line if char.isalpha()]
            uppercase = sum(char.isupper() for char in letters)
            if (len(words) >= 3 and uppercase > 0.6 * len(letters)) or (len(letters) > 5 and uppercase == len(letters)):
                continue
            loud = [bool(_CAPS.match(part)) and part not in known_names for part in parts]
            for index, part in enumerate(parts):
                if not loud[index]:
                    continue
                if (index and loud[index - 1]) or (index + 1 < len(parts) and loud[index + 1]):
                    continue
                if not _ROMAN.match(part) and part not in NOT_ACRONYMS:
                    unknown.add(part)
    found = [(acronym.acronym, acronym.expansion) for acronym in known if acronym.acronym in tokens]
    found.extend((word, "") for word in unknown)
    return sorted(found, key=lambda pair: _sort_key(pair[0]))


def _sort_key(text: str) -> str:
    return normalise(text)


def project_document(data) -> Document:
    """The deliberation annex: cover, contents, diagnostic, enjeux, tree, fiches, programmes, governance,
    budget, acronyms."""
    project = data.project
    body = []
    if project.description.strip():
        body.append(Section("Présentation", 1, cell(project.description).blocks))
    for section in (_diagnostic(data), _enjeux(data), _tree(data)):
        if section:
            body.append(section)
    fiches = [action for action in data.actions if not action.parent_id]
    if fiches:
        body.append(
            Section(
                "Fiches actions",
                1,
                [
                    fiche_section(action, data, level=2, page_break=index > 0)
                    for index, action in enumerate(data.with_details(fiches))
                ],
                page_break=True,
            )
        )
    for section in (_programmes(data), _governance(data), _mobilisation(data), _budget_summary(data)):
        if section:
            body.append(section)
    document = Document(
        title=project.title,
        subtitle=project.subtitle,
        cover=cover_fields(project),
        toc=True,
        body=body,
    )
    texts = [project.title, project.subtitle, *walk_texts(body)]
    used = acronyms_used(texts, data.acronyms)
    if used:
        body.append(
            Section(
                "Sigles et abréviations",
                1,
                [
                    Table(
                        ["Sigle", "Signification"],
                        [[cell(name), cell(expansion)] for name, expansion in used],
                        [0.25, 0.75],
                    )
                ],
                page_break=True,
            )
        )
    return document


# --- the panorama -----------------------------------------------------------------------------------


def panorama_document(data) -> Document:
    """For each node with actions, its actions in one column per status (the Genas seed's panorama),
    as :func:`maillage.actions.panorama.build` lays it out for the screen too."""
    project = data.project
    view = panorama.build(data.actions, data.children, data.actions_of_node, lambda code: data.labels("status", code))
    summary = Table(
        ["Statut", "Nombre d'actions"],
        [[cell(heading), cell(str(count))] for _status, heading, count in view.summary()]
        + [[cell(Paragraph("Total", "label")), cell(Paragraph(str(view.total), "label"))]],
        [0.6, 0.4],
    )
    body = [Section("Synthèse", 1, [summary])]

    def columns_table(columns) -> Table:
        return Table(
            [column.title for column in columns],
            [[cell(BulletList([a.title for a in column.actions]) if column.actions else None) for column in columns]],
            [1 / len(columns)] * len(columns),
        )

    def node_section(branch) -> Section:
        content = [columns_table(branch.columns)] if branch.columns else []
        content.extend(node_section(child) for child in branch.children)
        return Section(branch.heading, min(branch.depth, 4), content)

    body.extend(node_section(branch) for branch in view.branches)
    if view.unplaced:
        body.append(Section("Actions hors arborescence", 1, [columns_table(view.unplaced)]))
    return Document(
        title=f"Panorama des actions — {project.title}",
        subtitle=f"{project.get_kind_display()} {project.first_year}-{project.last_year}",
        body=body,
    )


# --- the calendar -----------------------------------------------------------------------------------


def calendar_document(data) -> Document:
    """Actions × the project's periods (or years), by top-level node then by scale, with E / NA / AE."""
    project = data.project
    if data.periods:
        columns = [
            (period.label, set(range(period.first_year, period.last_year + 1)), period.pk) for period in data.periods
        ]
    else:
        columns = [(str(year), {year}, None) for year in range(project.first_year, project.last_year + 1)]
    width = min(0.1, 0.5 / len(columns))

    def row(action, indent=""):
        marker = ORIGIN_MARKERS.get(action.origin, "")
        title = f"{indent}{action.code or action.ref} — {action.title}"
        own = {period.pk for period in action.periods.all()}
        years = _years_of(action, project.first_year, project.last_year)
        marks = []
        for _label, column_years, period_id in columns:
            marked = period_id in own if own and period_id else bool(years & column_years)
            marks.append(cell(MARK if marked else ""))
        return [cell(title)] + ([cell(marker)] if with_origin else []) + marks

    with_origin = any(action.origin for action in data.actions)
    origin_width = 0.08 if with_origin else 0

    def table(actions):
        rows = []
        for action in actions:
            rows.append(row(action))
            rows.extend(row(sub, "↳ ") for sub in data.sub_actions.get(action.pk, []))
        return Table(
            ["Action"] + (["Origine"] if with_origin else []) + [label for label, _years, _id in columns],
            rows,
            [1 - origin_width - width * len(columns)]
            + ([origin_width] if with_origin else [])
            + [width] * len(columns),
        )

    def under(node):
        seen, ordered = set(), []
        stack = [node]
        while stack:
            current = stack.pop(0)
            for action in data.actions_of_node.get(current.pk, []):
                if action.pk not in seen and not action.parent_id:
                    seen.add(action.pk)
                    ordered.append(action)
            stack[0:0] = data.children.get(current.pk, [])
        return ordered

    scales = [(code, str(label)) for code, label in Scale.choices] + [("", "Échelon non précisé")]
    body = []
    groups = [(_node_title(data, root), under(root)) for root in data.children.get(None, [])]
    placed = {action.pk for _title, actions in groups for action in actions}
    loose = [action for action in data.actions if not action.parent_id and action.pk not in placed]
    if loose:
        groups.append(("Actions hors arborescence", loose))
    for title, actions in groups:
        if not actions:
            continue
        used_scales = {action.scale for action in actions}
        if used_scales == {""}:
            body.append(Section(title, 1, [table(actions)]))
            continue
        parts = [
            Section(label, 2, [table([action for action in actions if action.scale == code])])
            for code, label in scales
            if code in used_scales
        ]
        body.append(Section(title, 1, parts))
    legend = Paragraph(
        f"{MARK} : période de réalisation prévue. Origine : NA nouvelle action, E évolution d'une action existante, "
        "AE action existante."
    )
    return Document(
        title=f"Calendrier des actions — {project.title}",
        subtitle=f"{project.get_kind_display()} {project.first_year}-{project.last_year}",
        landscape=True,
        body=[legend, *body],
    )


STATUS_CODES = Status.values
