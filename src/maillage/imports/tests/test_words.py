"""Headers, statuses, origins, roles and dates as French spreadsheets write them."""

from datetime import date, datetime

import pytest

from maillage.imports.drafting import split_node_label
from maillage.imports.words import match_header, match_word, normalise, parse_date, years_in


def test_normalise_ignores_accents_case_punctuation_and_ligatures():
    assert normalise("  ÉTAT d'avancement : ") == "etat d avancement"
    assert normalise("Nœuds") == "noeuds"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Intitulé", ("field", "title")),
        ("TITRE", ("field", "title")),
        ("Nom de l'action", ("field", "title")),
        ("Action", ("field", "title")),
        ("État", ("field", "status")),
        ("Avancement", ("field", "status")),
        ("Statut", ("field", "status")),
        ("Niveau d'intervention", ("field", "scale")),
        ("Années", ("field", "periods")),
        ("Calendrier", ("field", "periods")),
        ("Référent", ("field", "leads")),
        ("Responsable", ("field", "leads")),
        ("Objectif général", ("field", "general_objective")),
        ("Objectifs opérationnels", ("field", "operational_objectives")),
        ("Description", ("field", "description")),
        ("Présentation de l'action", ("field", "description")),
        ("Freins à lever", ("field", "obstacles")),
        ("Moyens matériels", ("field", "material_means")),
        ("Échéancier", ("field", "schedule")),
        ("Niveau 1 : Visée", ("level", (1, "Visée"))),
        ("Niveau 3 : Objectif opérationnel", ("level", (3, "Objectif opérationnel"))),
        ("Axe", ("level", (None, "Axe"))),
        ("Enjeu", ("level", (None, "Enjeu"))),
        ("Couleur préférée", None),
        ("", None),
    ],
)
def test_headers_are_matched_by_meaning(header, expected):
    assert match_header(header) == expected


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("Terminée", "done"),
        ("réalisé", "done"),
        ("FAIT", "done"),
        ("en cours", "in_progress"),
        ("En continu", "continuous"),
        ("reportée", "postponed"),
        ("en pause", "postponed"),
        ("Bloquée", "blocked"),
        ("abandonnée", "abandoned"),
        ("à venir", "planned"),
        ("Nouvelle", "planned"),
        ("prévue", "planned"),
        ("Terminée en 2023", "done"),
    ],
)
def test_status_words(word, code):
    assert match_word("status", word) == code


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("NA", "new"),
        ("E", "evolution"),
        ("AE", "existing"),
        ("nouvelle action", "new"),
        ("Nouvelle action (NA)", "new"),
        ("Évolution", "evolution"),
        ("Évolution d'une action existante (E)", "evolution"),
        ("Action existante (AE)", "existing"),
    ],
)
def test_origin_words(word, code):
    assert match_word("origin", word) == code


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("pilote", "lead"),
        ("Partenaire opérationnel", "operational"),
        ("opérationnel", "operational"),
        ("relais", "relay"),
        ("Relais d'information / orienteur", "relay"),
        ("intervenant", "speaker"),
        ("Financeur", "funder"),
        ("à solliciter", "to_approach"),
    ],
)
def test_role_words(word, code):
    assert match_word("role", word) == code


def test_unknown_words_and_project_labels():
    assert match_word("status", "peut-être") is None
    assert match_word("status", "Sur les rails", {"sur les rails": "in_progress"}) == "in_progress"


def test_dates():
    assert parse_date("03/09/2024") == date(2024, 9, 3)
    assert parse_date("3.9.24") == date(2024, 9, 3)
    assert parse_date("2024-09-03") == date(2024, 9, 3)
    assert parse_date(datetime(2024, 9, 3, 0, 0)) == date(2024, 9, 3)
    assert parse_date(2025) == date(2025, 1, 1)
    assert parse_date("2025", end=True) == date(2025, 12, 31)
    assert parse_date("31/02/2024") is None
    assert parse_date("bientôt") is None
    assert years_in("2023-2025") == [2023, 2025]


def test_node_labels_split_their_code():
    assert split_node_label("1.2 Favoriser l'accès") == ("1.2", "Favoriser l'accès")
    assert split_node_label("Accès aux droits") == ("", "Accès aux droits")
