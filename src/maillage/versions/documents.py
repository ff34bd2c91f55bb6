"""The versions' documents in DOCX, ODT and PDF, through the neutral document model of the annex:

- ``comparison:FROM:TO`` — what changed between two versions (or a version and ``current``);
- ``update-panorama:FROM:TO`` — the panorama of an update, in the Genas seed's columns;
- ``renewal:FROM:TO`` — the renewal bilan: every action of version N and what became of it in N+1.

Built from the two stored documents (never the live tables, except for ``current``), registered in
the export registry so that the command line (``maillage export SLUG --what comparison:3:current``)
and the documents' download view write them like any other document.
"""

from django.utils import translation
from django.utils.formats import date_format

from maillage.documents.annex.model import BulletList, Document, Paragraph, Section, Table, cell
from maillage.documents.annex.writers import RENDERERS
from maillage.documents.registry import ExportError, What, register, register_what

from .comparing import KIND_LABELS, Bilan, Comparison, Panorama, renewal_bilan, update_panorama
from .models import Version
from .taking import CURRENT, comparison_of

KINDS = ["comparison", "update-panorama", "renewal"]


def _kind_label(kind: str) -> str:
    return str(KIND_LABELS[kind])


def _side_text(side) -> str:
    when = date_format(side.date, "j F Y") if side.date else ""
    return f"{side.label} ({when})" if when else side.label


def _cover(comparison: Comparison) -> list[tuple[str, str]]:
    return [
        ("Projet", comparison.new.plan.title or comparison.old.plan.title),
        ("Version de départ", _side_text(comparison.old)),
        ("Version d'arrivée", _side_text(comparison.new)),
    ]


def _table(header, rows, widths):
    return Table(header, [[cell(str(value)) for value in row] for row in rows], widths)


def _lines(entries, columns, widths, header):
    return _table(
        header, [[entry.get(c, "") if isinstance(c, str) else c(entry) for c in columns] for entry in entries], widths
    )


def _joined(key):
    return lambda entry: "\n".join(f"- {item}" for item in entry.get(key, [])) or "—"


def _action_name(entry) -> str:
    return f"{entry.get('code') or entry['ref']} — {entry['title']}"


def _node_name(entry) -> str:
    return f"{entry['code']} — {entry['title']}" if entry.get("code") else entry["title"]


def panorama_sections(panorama: Panorama, level: int = 1) -> list:
    """The synthesis of the columns, then one section per node with its actions in columns."""
    columns = panorama.columns
    summary = _table(
        ["Colonne", "Nombre d'actions"],
        [[heading, count] for _code, heading, count in columns]
        + [["Total", sum(count for _c, _h, count in columns if _c != "dropped")]],
        [0.6, 0.4],
    )
    blocks = [Section("Synthèse de la mise à jour", level + 1, [summary])]
    for group in panorama.groups:
        used = [(code, heading) for code, heading, _n in columns if group.columns.get(code)]
        content = []
        if used:
            content.append(
                Table(
                    [f"{heading} ({len(group.columns[code])})" for code, heading in used],
                    [[cell(BulletList([item["title"] for item in group.columns[code]])) for code, _h in used]],
                    [1 / len(used)] * len(used),
                )
            )
        title = group.node.heading if group.node else "Actions hors arborescence"
        depth = group.depth if group.node else 1
        blocks.append(Section(title, min(level + depth, 4), content))
    return blocks


def comparison_document(comparison: Comparison) -> Document:
    body = [
        Section(
            "Synthèse",
            1,
            [_table(["Différence", "Nombre"], [[label, n] for _kind, label, n in comparison.counts()], [0.7, 0.3])],
        ),
        Section("Panorama de la mise à jour", 1, panorama_sections(update_panorama(comparison)), page_break=True),
    ]
    tree = []
    if comparison.nodes_added:
        tree.append(
            Section(
                _kind_label("nodes_added"),
                2,
                [
                    _lines(
                        comparison.nodes_added,
                        ["level", _node_name, "parent"],
                        [0.2, 0.5, 0.3],
                        ["Niveau", "Nœud", "Sous"],
                    )
                ],
            )
        )
    if comparison.nodes_removed:
        tree.append(
            Section(
                _kind_label("nodes_removed"),
                2,
                [
                    _lines(
                        comparison.nodes_removed,
                        ["level", _node_name, "parent"],
                        [0.2, 0.5, 0.3],
                        ["Niveau", "Nœud", "Sous"],
                    )
                ],
            )
        )
    if comparison.nodes_renamed:
        before = lambda e: f"{e['old_code']} — {e['old_title']}" if e.get("old_code") else e["old_title"]  # noqa: E731
        tree.append(
            Section(
                _kind_label("nodes_renamed"),
                2,
                [_lines(comparison.nodes_renamed, [before, _node_name], [0.5, 0.5], ["Avant", "Après"])],
            )
        )
    if comparison.nodes_moved:
        tree.append(
            Section(
                _kind_label("nodes_moved"),
                2,
                [
                    _lines(
                        comparison.nodes_moved,
                        [_node_name, "from", "to"],
                        [0.4, 0.3, 0.3],
                        ["Nœud", "Était sous", "Est sous"],
                    )
                ],
            )
        )
    body.append(
        Section("L'arborescence", 1, tree or [Paragraph("Aucun changement de l'arborescence.")], page_break=True)
    )
    actions = []
    if comparison.actions_added:
        actions.append(
            Section(
                _kind_label("actions_added"),
                2,
                [
                    _lines(
                        comparison.actions_added,
                        [_action_name, "status_label", _joined("nodes")],
                        [0.5, 0.15, 0.35],
                        ["Action", "Statut", "Dans"],
                    )
                ],
            )
        )
    if comparison.actions_removed:
        actions.append(
            Section(
                _kind_label("actions_removed"),
                2,
                [
                    _lines(
                        comparison.actions_removed,
                        [_action_name, "status_label", _joined("nodes")],
                        [0.5, 0.15, 0.35],
                        ["Action", "Statut", "Était dans"],
                    )
                ],
            )
        )
    if comparison.actions_moved:
        actions.append(
            Section(
                _kind_label("actions_moved"),
                2,
                [
                    _lines(
                        comparison.actions_moved,
                        [_action_name, _joined("from"), _joined("to")],
                        [0.4, 0.3, 0.3],
                        ["Action", "Était dans", "Est dans"],
                    )
                ],
            )
        )
    if comparison.refs_changed:
        actions.append(
            Section(
                _kind_label("refs_changed"),
                2,
                [
                    _lines(
                        comparison.refs_changed,
                        ["old_ref", "ref", "title"],
                        [0.2, 0.2, 0.6],
                        ["Ancienne référence", "Nouvelle", "Action"],
                    )
                ],
            )
        )
    if comparison.status_changes:
        actions.append(
            Section(
                _kind_label("status_changes"),
                2,
                [
                    _lines(
                        comparison.status_changes,
                        [_action_name, "from_label", "to_label"],
                        [0.6, 0.2, 0.2],
                        ["Action", "Avant", "Après"],
                    )
                ],
            )
        )
    body.append(
        Section(
            "Les actions", 1, actions or [Paragraph("Aucune action ajoutée, retirée ou déplacée.")], page_break=True
        )
    )
    fiches = [
        Section(
            _action_name(entry),
            2,
            [_lines(changes, ["label", "before", "after"], [0.2, 0.4, 0.4], ["Champ", "Avant", "Après"])],
        )
        for entry, changes in comparison.fields_by_action()
    ]
    body.append(
        Section(_kind_label("fields_changed"), 1, fiches or [Paragraph("Aucune fiche modifiée.")], page_break=True)
    )
    return Document(
        title=f"Comparaison de deux versions du plan — {comparison.new.plan.title}",
        subtitle=f"{_side_text(comparison.old)} → {_side_text(comparison.new)}",
        cover=_cover(comparison),
        toc=True,
        body=body,
    )


def panorama_document(comparison: Comparison) -> Document:
    return Document(
        title=f"Panorama de la mise à jour — {comparison.new.plan.title}",
        subtitle=f"{_side_text(comparison.old)} → {_side_text(comparison.new)}",
        cover=_cover(comparison),
        body=panorama_sections(update_panorama(comparison), level=0),
    )


def bilan_sections(bilan: Bilan) -> list:
    fates = bilan.fates
    summary = _table(
        ["Devenir", "Nombre d'actions"],
        [[label, n] for _code, label, n in fates] + [["Total", bilan.total]],
        [0.6, 0.4],
    )
    per_root = _table(
        ["Nœud", *[label for _c, label, _n in fates]],
        [[root, *counts] for root, counts in bilan.per_root],
        [0.4, *[0.6 / len(fates)] * len(fates)],
    )
    blocks = [
        Section(
            "Synthèse",
            1,
            [
                Paragraph(
                    "Chaque action de la version de départ, et ce qu'elle est devenue dans la version d'arrivée : "
                    "poursuivie, poursuivie avec des changements (fiche modifiée, déplacée ou renumérotée), close "
                    "(terminée ou abandonnée) ou non reprise."
                ),
                summary,
                *([per_root] if bilan.per_root else []),
            ],
        )
    ]
    for node, items in bilan.groups:
        rows = [
            [
                cell(f"{fate.action.get('code') or fate.action['ref']} — {fate.action['title']}"),
                cell(fate.before),
                cell(Paragraph(fate.label, "label")),
                cell(fate.after or "—"),
                cell(fate.detail or "—"),
            ]
            for fate in items
        ]
        blocks.append(
            Section(
                node.heading if node else "Actions hors arborescence",
                2,
                [
                    Table(
                        ["Action", "Statut (départ)", "Devenir", "Statut (arrivée)", "Détail"],
                        rows,
                        [0.32, 0.13, 0.15, 0.13, 0.27],
                    )
                ],
            )
        )
    if bilan.new_actions:
        blocks.append(
            Section(
                "Actions nouvelles de la version d'arrivée",
                1,
                [BulletList([f"{a.get('code') or a['ref']} — {a['title']}" for a in bilan.new_actions])],
            )
        )
    return blocks


def bilan_document(comparison: Comparison) -> Document:
    return Document(
        title=f"Bilan du plan précédent — {comparison.old.plan.title}",
        subtitle=f"Ce que sont devenues les actions : {_side_text(comparison.old)} → {_side_text(comparison.new)}",
        cover=_cover(comparison),
        toc=True,
        landscape=True,
        body=bilan_sections(renewal_bilan(comparison)),
    )


BUILDERS = {
    "comparison": comparison_document,
    "update-panorama": panorama_document,
    "renewal": lambda comparison: bilan_document(comparison),
}


def _parse(kind):
    def parse(project, argument: str) -> What:
        old, _, new = argument.partition(":")
        if not old or not new:
            raise ExportError(
                f"Précisez les deux versions : --what {kind}:DE:À (identifiants de version ou « current »)."
            )
        for ident in (old, new):
            if (
                ident != CURRENT
                and not Version.objects.filter(project=project, pk=int(ident) if ident.isdigit() else -1).exists()
            ):
                raise ExportError(
                    f"Version « {ident} » introuvable dans le projet « {project.slug} » "
                    f"(« maillage versions {project.slug} » les liste)."
                )
        return What(kind, argument=f"{old}:{new}")

    return parse


def build(project, what: What) -> Document:
    old, _, new = what.argument.partition(":")
    with translation.override("fr"):
        return BUILDERS[what.kind](comparison_of(project, old, new))


def _writer(format: str):
    def write(project, what: What, progress=None) -> bytes:
        document = build(project, what)
        with translation.override("fr"):
            return RENDERERS[format](document, progress=progress)

    write.__name__ = f"write_{format}"
    return write


for _kind in KINDS:
    register_what(_kind, _parse(_kind))
for _format in RENDERERS:
    register(_format, *KINDS)(_writer(_format))
