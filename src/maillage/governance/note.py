"""The note of a meeting (the COPIL note): its agenda, the steering view, and the decisions to take.

Built once as the neutral document of ``documents.annex.model`` and rendered in DOCX, PDF and ODT by
the annex's renderers: ``maillage export SLUG --format pdf --what copil:ID``, or the download menu of
the meeting page. It names people (leads, members): members of the project only.
"""

import datetime

from django.db.models import Prefetch
from django.utils import translation

from maillage.actions.vocabulary import project_labels
from maillage.documents.annex.building import amount, french_date
from maillage.documents.annex.model import BulletList, Document, Paragraph, Section, Table, cell, text_blocks
from maillage.documents.annex.writers import RENDERERS
from maillage.documents.registry import ExportError, What, register, register_what

from .changes import describe
from .models import Attendance, BodyMember, Decision, Meeting
from .steering import changes_prefetch, indicator_rows, steering

# A printed note lists every late action up to this many (the screen shows the worst ones).
LATE_PRINTED = 100


def _meeting(meeting_id) -> Meeting:
    return (
        Meeting.objects.select_related("project", "body__chair")
        .prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.select_related("person", "organisation")),
            Prefetch(
                "body__members",
                queryset=BodyMember.objects.select_related("person", "organisation").order_by("position"),
            ),
            Prefetch(
                "decisions", queryset=Decision.objects.prefetch_related(changes_prefetch()).order_by("position", "pk")
            ),
        )
        .get(pk=meeting_id)
    )


def _who(person, organisation) -> str:
    return " — ".join(
        part for part in (person.name if person else "", organisation.name if organisation else "") if part
    )


def _money(value) -> str:
    return amount(value) if value is not None else ""


def _when(meeting) -> str:
    text = french_date(meeting.date)
    if meeting.start_time:
        text += f", {meeting.start_time:%H:%M}".replace(":", " h ")
        if meeting.end_time:
            text += f" – {meeting.end_time:%H:%M}".replace(":", " h ")
    return text


def _change_line(change, labels) -> str:
    state = f"appliqué le {french_date(change.applied_at.date())}" if change.applied else "à appliquer"
    return f"{describe(change, labels)} ({state})"


def _participants(meeting) -> Section | None:
    if meeting.attendance.all():
        words = dict(Attendance.Status.choices)
        items = [f"{_who(row.person, row.organisation)} : {words[row.status]}" for row in meeting.attendance.all()]
        return Section("Présences", 1, [BulletList(items)])
    if meeting.body_id and meeting.body.members.all():
        items = [
            f"{_who(seat.person, seat.organisation)} ({seat.role})"
            if seat.role
            else _who(seat.person, seat.organisation)
            for seat in meeting.body.members.all()
        ]
        return Section("Membres de l'instance", 1, [BulletList(items)])
    return None


def _steering_section(view, labels) -> Section:
    status_rows = [[cell(labels["status"][code]), cell(str(n))] for code, n in view.counts.items() if n]
    status_rows.append([cell(Paragraph("Total", "label")), cell(Paragraph(str(view.total), "label"))])
    blocks = [
        Section(
            "Où en est le plan",
            2,
            [
                Table(["Statut", "Actions"], status_rows, [0.7, 0.3]),
                Paragraph(f"Actions en retard : {view.late_total} ({view.late_share} %)."),
            ],
        )
    ]
    if view.late:
        rows = [
            [
                cell(row.action.code or row.action.ref),
                cell(row.action.title),
                cell(", ".join(row.leads) or "Aucun pilote"),
                cell(french_date(row.due)),
                cell(row.delay),
            ]
            for row in view.late
        ]
        late = [Table(["Réf.", "Action", "Pilote", "Échéance", "Retard"], rows, [0.1, 0.42, 0.2, 0.15, 0.13])]
        if view.more_late:
            late.append(
                Paragraph(f"… et {view.more_late} autres actions en retard, dans la liste des actions.", "note")
            )
    else:
        late = [Paragraph("Aucune action n'est en retard.")]
    blocks.append(Section("Actions en retard, les plus en retard d'abord", 2, late))
    if view.indicators:
        indicators = [
            Table(
                ["Action", "Indicateur", "Dernière valeur", "Cible suivante", "Atteinte", "Tendance", "À relever"],
                [[cell(text) for text in row] for row in indicator_rows(view.indicators)],
                [0.1, 0.3, 0.16, 0.14, 0.09, 0.1, 0.11],
            )
        ]
        if view.indicators_total > len(view.indicators):
            indicators.append(Paragraph(f"{len(view.indicators)} indicateurs sur {view.indicators_total}.", "note"))
    else:
        indicators = [Paragraph("Aucune action n'a encore d'indicateur.")]
    blocks.append(Section("Avancement des indicateurs", 2, indicators))
    budget = view.budget
    if budget.amounts:
        rows = [
            [
                cell(row["funder"]),
                cell(str(row["year"]) if row["year"] else "Toute la période"),
                cell(_money(row["planned"])),
                cell(_money(row["actual"])),
                cell(f"{row['share']} %" if row["share"] is not None else ""),
            ]
            for row in budget.rows()
        ]
        total = budget.total()
        rows.append(
            [
                cell(Paragraph("Total", "label")),
                cell(""),
                cell(Paragraph(_money(total["planned"]), "label")),
                cell(Paragraph(_money(total["actual"]), "label")),
                cell(f"{total['share']} %" if total["share"] is not None else ""),
            ]
        )
        money = [
            Table(["Financeur", "Année", "Prévu", "Réalisé", "Réalisé / prévu"], rows, [0.32, 0.16, 0.18, 0.18, 0.16])
        ]
    else:
        money = [Paragraph("Aucune ligne budgétaire en euros.")]
    blocks.append(Section("Budget prévu et réalisé, par financeur et par année", 2, money))
    decisions = []
    for decision in view.decisions:
        decisions.append(Paragraph(f"{french_date(decision.meeting.date)} — {decision.meeting.title}", "label"))
        decisions.extend(text_blocks(decision.text))
        changes = [_change_line(change, labels) for change in decision.changes.all()]
        if changes:
            decisions.append(BulletList(changes))
    blocks.append(Section("Dernières décisions", 2, decisions or [Paragraph("Aucune décision antérieure.")]))
    meetings = [
        f"{_when(m)} — {m.title}" + (f" ({m.body.name})" if m.body_id else "") + (f", {m.place}" if m.place else "")
        for m in view.meetings
    ]
    blocks.append(
        Section(
            "Prochaines réunions", 2, [BulletList(meetings)] if meetings else [Paragraph("Aucune réunion programmée.")]
        )
    )
    return Section(f"Tableau de pilotage au {french_date(view.today)}", 1, blocks)


def _decisions_section(meeting, labels) -> Section:
    blocks = []
    for number, decision in enumerate(meeting.decisions.all(), start=1):
        content = list(text_blocks(decision.text))
        changes = [_change_line(change, labels) for change in decision.changes.all()]
        if changes:
            content.append(Paragraph("Changements du plan", "label"))
            content.append(BulletList(changes))
        blocks.append(Section(f"Décision n° {number}", 2, content))
    if not blocks:
        blocks = [Paragraph("Aucune décision n'est encore inscrite pour cette réunion.")]
    return Section("Décisions à prendre", 1, blocks)


def note_document(meeting: Meeting, today: datetime.date | None = None) -> Document:
    """The note of ``meeting`` as the neutral document (French: it is an official paper)."""
    meeting = _meeting(meeting.pk)
    project = meeting.project
    labels = project_labels(project)
    view = steering(project, today, meeting=meeting, late_limit=LATE_PRINTED)
    cover = [
        ("Date", _when(meeting)),
        ("Lieu", meeting.place),
        ("Instance", meeting.body.name if meeting.body_id else ""),
        ("Présidence", meeting.body.chair.name if meeting.body_id and meeting.body.chair_id else ""),
        ("Projet", project.title),
        ("Situation du plan au", french_date(view.today)),
    ]
    body = [Section("Ordre du jour", 1, text_blocks(meeting.agenda) or [Paragraph("Pas d'ordre du jour enregistré.")])]
    participants = _participants(meeting)
    if participants:
        body.append(participants)
    body.append(_steering_section(view, labels))
    body.append(_decisions_section(meeting, labels))
    return Document(
        title=f"Note de séance — {meeting.title}",
        subtitle=project.title,
        cover=[(label, value) for label, value in cover if value],
        body=body,
    )


def _writer(format: str):
    def write(project, what: What, progress=None) -> bytes:
        with translation.override("fr"):
            return RENDERERS[format](note_document(what.subject), progress=progress)

    write.__name__ = f"write_copil_{format}"
    return write


def parse(project, ref: str) -> What:
    """``copil:ID``: the note of the project's meeting ``ID``."""
    if not ref:
        raise ExportError("Précisez la réunion : --what copil:ID (l'identifiant est dans l'adresse de sa page).")
    meeting = Meeting.objects.filter(project=project, pk=ref).first() if ref.isdigit() else None
    if meeting is None:
        raise ExportError(f"Réunion « {ref} » introuvable dans le projet « {project.slug} ».")
    return What("copil", subject=meeting)


register_what("copil", parse)
for _format in RENDERERS:
    register(_format, "copil")(_writer(_format))
