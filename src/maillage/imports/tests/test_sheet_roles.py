"""Issue 17, item 4: the spreadsheet reader's column roles in general (headers written any way, dates in
words, year grids, prose under a date header) and lists of names split where the text says so.

Workbooks are generated here, as XLSX (openpyxl) and ODS (odfpy), and read through ``read_spreadsheet``."""

import datetime
import re

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.imports.lists import split_list
from maillage.imports.spreadsheet import read_spreadsheet
from maillage.imports.words import match_header, parse_date
from maillage.interchange.validation import check


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Echéance", "end_date"),
        ("Échéance", "end_date"),
        ("ÉCHÉANCES", "end_date"),
        ("Date d'échéance", "end_date"),
        ("Date de fin prévue", "end_date"),
        ("Fin", "end_date"),
        ("Début", "start_date"),
        ("Date de démarrage", "start_date"),
        ("Pilote(s)", "leads"),
        ("Pilote / Référent", "leads"),
        ("Référent", "leads"),
        ("Référents de l'action", "leads"),
        ("Porteur", "lead_organisation"),
        ("Porteur de projet", "lead_organisation"),
        ("Partenaires", "partners"),
        ("Partenaire(s) mobilisé(s)", "partners"),
        ("Financeurs", "funders"),
        ("Partenaires financiers", "funders"),
        ("Statut", "status"),
        ("État d'avancement", "status"),
        ("Statut au 31/12/2024", "status"),
        ("Années", "periods"),
        ("Année(s)", "periods"),
        ("Échéancier", "schedule"),
        ("Thématiques", "themes"),
    ],
)
def test_headers_are_read_with_accents_case_plurals_synonyms_and_qualifiers(header, field):
    assert match_header(header) == ("field", field)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("2024", ("year", "2024")),
        ("2025-2026", ("year", "2025-2026")),
        ("Nom du pilote", None),  # "nom" is a title only on its own
        ("Couleur des partenaires", None),
        ("Axes", ("level", (None, "Axes"))),
        ("Niveau 2", ("level", (2, "Niveau 2"))),  # unnamed: the review borrows the project's name
        ("Priorité", ("field", "priority")),
    ],
)
def test_year_headers_levels_and_what_stays_unknown(header, expected):
    assert match_header(header) == expected


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("juin 2025", datetime.date(2025, 6, 1), datetime.date(2025, 6, 30)),
        ("15 mars 2025", datetime.date(2025, 3, 15), datetime.date(2025, 3, 15)),
        ("Février 2024", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
        ("T2 2025", datetime.date(2025, 4, 1), datetime.date(2025, 6, 30)),
        ("2ème semestre 2025", datetime.date(2025, 7, 1), datetime.date(2025, 12, 31)),
        ("fin 2026", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
        ("d'ici fin 2026", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
        ("2024-2026", datetime.date(2024, 1, 1), datetime.date(2026, 12, 31)),
        ("lundi 2025", None, None),
        ("dès que possible", None, None),
    ],
)
def test_dates_in_french_words(text, start, end):
    assert parse_date(text) == start
    assert parse_date(text, end=True) == end


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        ("CAF, Mairie", ["CAF", "Mairie"]),
        ("CAF et Mairie", ["CAF", "Mairie"]),
        ("CAF/Mairie", ["CAF", "Mairie"]),
        ("CAF ; Mairie\nCCAS", ["CAF", "Mairie", "CCAS"]),
        ("CAF, Mairie, et Région", ["CAF", "Mairie", "Région"]),
        ("Ville de Lyon et CCAS", ["Ville de Lyon", "CCAS"]),
        ("Centre social et culturel", ["Centre social et culturel"]),
        ("Maison des jeunes et de la culture", ["Maison des jeunes et de la culture"]),
        ("Direction de l'enfance, de la jeunesse", ["Direction de l'enfance, de la jeunesse"]),
        ("Service enfance/jeunesse", ["Service enfance/jeunesse"]),
        ("parents et enfants", ["parents et enfants"]),
        ("1,5 ETP", ["1,5 ETP"]),
        (
            "Mission locale (relais / orienteur), CAF (financeur et pilote)",
            ["Mission locale (relais / orienteur)", "CAF (financeur et pilote)"],
        ),
        ("", []),
    ],
)
def test_lists_of_names_split_on_separators_but_not_inside_names(cell, items):
    assert split_list(cell) == items


def test_a_name_known_whole_is_kept_whole():
    assert split_list("Sport et Loisirs, CAF") == ["Sport", "Loisirs", "CAF"]
    assert split_list("Sport et Loisirs, CAF", {"sport et loisirs"}) == ["Sport et Loisirs", "CAF"]


SEPARATOR_GAP = re.compile(r"^(?:[\s,;/]|(?i:et))*$")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=12),
            st.sampled_from(
                ["CAF", "Mairie", " et ", ", ", "/", ";", "\n", "(", ")", "de la", "1,5", "Centre social", "et", "l'"]
            ),
        ),
        max_size=12,
    ).map("".join)
)
def test_splitting_never_crashes_and_loses_nothing_but_separators(cell):
    items = split_list(cell)
    position = 0
    for item in items:
        assert item and item == item.strip()
        found = cell.find(item, position)
        assert found >= 0, (cell, items)  # every item is a stretch of the cell, in order
        assert SEPARATOR_GAP.match(cell[position:found]), (cell, items)
        position = found + len(item)
    assert SEPARATOR_GAP.match(cell[position:]), (cell, items)


HEADERS = [
    "N°", "Intitulé de l'action", "État d'avancement", "Début", "Echéance", "Pilote(s)", "Porteur",
    "Partenaires", "Financeurs", "Années", "2026", "Axes",
]  # fmt: skip
ROWS = [
    [
        "1", "Accompagner les démarches en ligne", "En cours", "janvier 2024", datetime.datetime(2025, 6, 30),
        "Mme Durand, M. Petit", "CCAS et Centre social et culturel", "CAF, Mairie", "Département",
        "2024-2025", "X", "1 Accès aux droits",
    ],
    [
        "2", "Ouvrir un café des parents", "Terminée", "", "fin 2025", "", "Centre social et culturel",
        "Maison des jeunes et de la culture / Mission locale (relais)", "CAF et Région", "", "", "2 Parentalité",
    ],
]  # fmt: skip


def _xlsx(path, headers=HEADERS, rows=ROWS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plan d'action"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _ods(path, headers=HEADERS, rows=ROWS):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Plan d'action")
    for row in [headers, *rows]:
        table_row = TableRow()
        for value in row:
            if isinstance(value, datetime.datetime):
                cell = TableCell(valuetype="date", datevalue=value.date().isoformat())
            else:
                cell = TableCell(valuetype="string")
            text = value.strftime("%d/%m/%Y") if isinstance(value, datetime.datetime) else value
            if text:
                cell.addElement(P(text=text))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def _names(document, keys):
    partners = {p["key"]: p["name"] for p in document.get("partners", [])}
    return [partners[key] for key in keys]


@pytest.mark.django_db
@pytest.mark.parametrize("write", [_xlsx, _ods], ids=["xlsx", "ods"])
def test_a_workbook_of_another_shape_gives_every_role(write, tmp_path):
    path = write(tmp_path / f"plan.{'xlsx' if write is _xlsx else 'ods'}")
    document, report = read_spreadsheet(path, slug="essai", title="Essai")
    assert check(document) == []
    first, second = document["actions"]
    assert (first["status"], second["status"]) == ("in_progress", "done")
    assert first["start_date"] == "2024-01-01" and first["end_date"] == "2025-06-30"
    assert second["end_date"] == "2025-12-31" and "start_date" not in second
    people = {p["key"]: p["name"] for p in document["people"]}
    assert [people[key] for key in first["leads"]] == ["Mme Durand", "M. Petit"]
    assert _names(document, [first["lead_organisation"]]) == ["CCAS"]
    roles = [(name, p["role"]) for p in first["partners"] for name in _names(document, [p["partner"]])]
    assert roles == [
        ("Centre social et culturel", "lead"),
        ("CAF", "operational"),
        ("Mairie", "operational"),
        ("Département", "funder"),
    ]
    roles = [(name, p["role"]) for p in second["partners"] for name in _names(document, [p["partner"]])]
    assert roles == [
        ("Maison des jeunes et de la culture", "operational"),
        ("Mission locale", "relay"),
        ("CAF", "funder"),
        ("Région", "funder"),
    ]
    assert _names(document, [second["lead_organisation"]]) == ["Centre social et culturel"]
    assert first["periods"] == ["2024-2025", "2026"]  # the "Années" cell and the year grid's mark
    assert "periods" not in second
    assert document["levels"] == ["Axes"] and [n["title"] for n in document["nodes"]] == [
        "Accès aux droits",
        "Parentalité",
    ]
    assert report.unrecognised_columns == []
    assert report.columns["Echéance"] == "end_date" and report.columns["2026"] == "année « 2026 »"


@pytest.mark.django_db
def test_a_date_header_over_prose_is_read_as_the_schedule(tmp_path):
    rows = [
        ["Atelier cuisine", "Lancement en septembre, bilan avec les familles en juin"],
        ["Forum", "Préparation à l'automne puis forum au printemps"],
        ["Permanence", "2025"],
    ]
    document, report = read_spreadsheet(
        _xlsx(tmp_path / "plan.xlsx", ["Intitulé", "Échéances"], rows), slug="essai", title="Essai"
    )
    first, _second, third = document["actions"]
    assert first["schedule"] == "Lancement en septembre, bilan avec les familles en juin"
    assert "end_date" not in first and third["schedule"] == "2025"
    assert "colonne « Échéances » : peu de dates (1 sur 3), lue comme l'échéancier de la fiche." in report.warnings


@pytest.mark.django_db
def test_a_column_separated_by_semicolons_keeps_its_names_whole_everywhere(tmp_path):
    """An export writes "A ; B": its names are whole, "Sport et Loisirs" too, in every column."""
    rows = [
        ["Atelier", "Sport et Loisirs ; CAF (financeur)", "Sport et Loisirs"],
        ["Forum", "Centre social, quartier nord", "CAF et Sport et Loisirs"],
    ]
    document, _report = read_spreadsheet(
        _xlsx(tmp_path / "plan.xlsx", ["Intitulé", "Partenaires", "Structure pilote"], rows), slug="e", title="E"
    )
    first, second = document["actions"]
    assert _names(document, [p["partner"] for p in first["partners"]]) == ["Sport et Loisirs", "CAF"]
    assert _names(document, [p["partner"] for p in second["partners"]]) == [
        "Sport et Loisirs",
        "Centre social, quartier nord",
    ]
    assert _names(document, [second["lead_organisation"]]) == ["CAF"]


@pytest.mark.django_db
def test_a_name_written_twice_in_one_action_is_one_partner_per_role(tmp_path):
    """Found by the fuzzing: "A, B, b" in « Structure pilote » gave « b » twice as a lead partner."""
    rows = [["Atelier", "CCAS, CAF, caf", "CAF (pilote), Caf, CAF"]]
    document, _report = read_spreadsheet(
        _xlsx(tmp_path / "plan.xlsx", ["Intitulé", "Structure pilote", "Partenaires"], rows), slug="e", title="E"
    )
    assert check(document) == []
    (action,) = document["actions"]
    assert [(p["role"]) for p in action["partners"]] == ["lead", "operational"]
