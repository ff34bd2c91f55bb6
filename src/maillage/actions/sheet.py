"""The layout of a fiche action, as the seed's sheets draw it, shared by every page that shows one.

Rows of boxes: Contexte | Objectifs; Public | Présentation; Échéancier | Moyens | Partenariat;
Résultats attendus | Indicateurs; Freins à lever. Each box lists the sections (model fields) it holds.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Box:
    key: str
    title: str
    fields: tuple[str, ...]


ROWS = [
    [
        Box("context", _("Contexte"), ("context",)),
        Box("objectives", _("Objectifs"), ("general_objective", "operational_objectives")),
    ],
    [
        Box("public", _("Public cible"), ("target_public",)),
        Box("description", _("Présentation de l'action"), ("description",)),
    ],
    [
        Box("schedule", _("Échéancier"), ("schedule",)),
        Box("means", _("Moyens"), ("human_means", "material_means", "financial_means")),
        Box("partnership", _("Partenariat"), ("partnership",)),
    ],
    [
        Box("results", _("Résultats attendus"), ("expected_results",)),
        Box("indicators", _("Indicateurs"), ()),
    ],
    [Box("obstacles", _("Freins à lever"), ("obstacles",))],
]


def filled_rows(action):
    """The rows with, in each box, the (label, text) of its non-empty sections; empty rows dropped.

    The partnership and indicators boxes are kept even without text: pages fill them from the
    action's partner roles and indicators.
    """
    rows = []
    for row in ROWS:
        boxes = []
        for box in row:
            parts = []
            for name in box.fields:
                text = getattr(action, name)
                if text:
                    parts.append((action._meta.get_field(name).verbose_name, text))
            boxes.append({"box": box, "parts": parts})
        if any(item["parts"] for item in boxes) or any(
            item["box"].key in ("partnership", "indicators") for item in boxes
        ):
            rows.append(boxes)
    return rows
