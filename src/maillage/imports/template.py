"""The import template: the canonical headers of the action sheet, an "Aide" sheet, drop-down lists.

The headers are the ones the XLSX export writes, so a filled template and an export read the same way.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from maillage.actions.models import SECTIONS
from maillage.actions.vocabulary import Origin, Participation, Priority, Role, Scale, Status
from maillage.documents.tabular import section_header

SECTION_HELP = {
    "context": "Les constats qui justifient l'action.",
    "general_objective": "Ce que l'action cherche à changer.",
    "operational_objectives": "Les objectifs concrets, un par ligne.",
    "target_public": "Les personnes visées.",
    "description": "Le contenu de l'action (aussi : « Description »).",
    "schedule": "Les grandes étapes et leurs dates.",
    "human_means": "Les personnes mobilisées.",
    "material_means": "Locaux, véhicules, matériel.",
    "financial_means": "Les financements (le montant chiffré va dans « Budget »).",
    "partnership": "Ce que disent les partenaires au-delà de la colonne « Partenaires ».",
    "expected_results": "Les effets attendus.",
    "obstacles": "Les freins à lever, les points de vigilance.",
}


def _labels(choices) -> str:
    return ", ".join(f"« {label} »" for label in choices.labels)


def columns() -> list[tuple[str, str]]:
    """(header, help) for every column of the template, in order."""
    return [
        (
            "Référence",
            "Identifiant unique de l'action (« 01 », « A2-05 ») ; sert à retrouver l'action lors d'une fusion.",
        ),
        ("Code", "Code libre tel qu'écrit dans le document (« AXE 2 – 05 »)."),
        ("Intitulé", "Obligatoire. Le titre de l'action (aussi : « Titre », « Action », « Nom de l'action »)."),
        (
            "Statut",
            f"{_labels(Status)} ; aussi « réalisé », « fait », « en pause », « nouvelle », « prévue »… "
            "(aussi : « État », « Avancement »).",
        ),
        ("Origine", f"{_labels(Origin)} ; les sigles NA, E, AE suffisent."),
        ("Priorité", _labels(Priority)),
        ("Participation des habitants", _labels(Participation)),
        ("Échelon", f"{_labels(Scale)} (aussi : « Niveau d'intervention »)."),
        (
            "Périodes",
            "Années ou périodes séparées par « ; » : « 2024 ; 2025-2026 » (aussi : « Années », « Calendrier »).",
        ),
        ("Date de début", "JJ/MM/AAAA, une vraie date du tableur, ou une année (1er janvier)."),
        ("Date de fin", "JJ/MM/AAAA, une vraie date du tableur, ou une année (31 décembre)."),
        (
            "Niveau 1 : Axe",
            "Le nœud de premier niveau de l'arborescence, code compris (« 1 Accès aux droits »). Renommez le niveau "
            "après les deux-points (« Niveau 1 : Visée ») ; une colonne nommée « Axe », « Enjeu » ou « Objectif » "
            "convient aussi.",
        ),
        (
            "Niveau 2 : Objectif",
            "Le nœud de deuxième niveau (« 1.2 Faciliter… ») ; ajoutez « Niveau 3 : … » au besoin.",
        ),
        *((section_header(name), SECTION_HELP[name]) for name in SECTIONS),
        ("Pilotes", "Les personnes pilotes, séparées par « ; » (aussi : « Référent », « Responsable »)."),
        ("Structure pilote", "L'organisation qui porte l'action."),
        ("Élu·e référent·e", "L'élu·e référent·e de l'action."),
        ("Thèmes", "Thèmes séparés par « ; »."),
        (
            "Partenaires",
            "« Nom (rôle) » séparés par « ; » : « CAF (Financeur) ; Mission locale (Relais) ». "
            f"Rôles : {_labels(Role)} ; "
            "« opérationnel », « relais », « intervenant », « à solliciter » suffisent.",
        ),
        ("Budget", "Montant prévu en euros (« 12 500 » ou « 12 500 € »)."),
        ("Action parente", "Référence de l'action dont celle-ci est une sous-action."),
    ]


def _validation(sheet, header_index: int, labels: list[str]) -> None:
    letter = sheet.cell(row=1, column=header_index + 1).column_letter
    formula = '"' + ",".join(label.replace('"', "") for label in labels) + '"'
    if len(formula) > 255:  # Excel's limit for an inline list
        return
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
    validation.add(f"{letter}2:{letter}1000")
    sheet.add_data_validation(validation)


def template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    headers = [header for header, _ in columns()]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(14, min(len(str(cell.value)) + 4, 40))
    sheet.freeze_panes = "A2"
    for header, choices in (("Statut", Status), ("Origine", Origin), ("Priorité", Priority), ("Échelon", Scale)):
        _validation(sheet, headers.index(header), [str(label) for label in choices.labels])
    help_sheet = workbook.create_sheet("Aide")
    help_sheet.append(["Colonne", "Contenu et mots acceptés"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for header, text in columns():
        help_sheet.append([header, text])
    help_sheet.append([])
    help_sheet.append(
        [
            "À savoir",
            "Une ligne par action. Les en-têtes sont reconnus sans tenir compte des accents, des majuscules ni de la "
            "ponctuation ; les colonnes inconnues sont signalées dans le rapport d'import et ignorées. "
            "Vérifiez le résultat avec « maillage import FICHIER --dry-run » avant d'importer.",
        ]
    )
    help_sheet.column_dimensions["A"].width = 28
    help_sheet.column_dimensions["B"].width = 110
    for row in help_sheet.iter_rows(min_row=2):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")
    workbook.properties.title = "Modèle d'import Maillage"
    workbook.properties.creator = "Maillage"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv() -> bytes:
    """The headers alone, in the CSV conventions of French Excel (UTF-8 with BOM, « ; »)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow([header for header, _ in columns()])
    return buffer.getvalue().encode("utf-8-sig")
