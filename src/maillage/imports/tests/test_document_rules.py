"""Rules of the document reader added for plans written as slide decks and extracted from PDF: each with a
small document written here (TXT, and DOCX where the rule is not about text extraction)."""

import io

from maillage.imports.plan import read_document
from maillage.interchange.validation import check


def _read(text: str, name: str = "plan.txt") -> dict:
    draft, _report = read_document(io.BytesIO(text.encode()), name)
    assert check(draft) == []
    return draft


def _tree(nodes, depth=0):
    for node in nodes:
        yield depth, node["level"], node["title"], node["actions"]
        yield from _tree(node["children"], depth + 1)


def _titles(draft) -> dict[str, dict]:
    return {action["title"]: action for action in draft["actions"]}


# A table of nodes and actions whose tab separators were lost; chapters that hold one part of the plan

FLATTENED = (
    "LA JEUNESSE\n\n"
    "Enjeux et plan d'action\n\n"
    "Enjeux validés en comité\n\n"
    "Fiches action déclinées en groupes de travail\n\n"
    "Favoriser l'autonomie des jeunes\n\n"
    "Ouvrir un point information jeunesse\n"
    "Proposer des chantiers éducatifs l'été\n\n"
    "Une offre de loisirs renouvelée\n\n"
    "Créer un accueil dédié aux 11-14 ans\n"
    "Former des animateurs au BAFA\n\n"
    "Actions au niveau intercommunal\n\n"
    "LE LOGEMENT\n\n"
    "Enjeux et plan d'action\n\n"
    "CONCLUSION\n\n"
    "Enjeux et plan d'action\n\n"
    "Merci de votre attention\n"
)


def test_txt_table_without_separators_read_by_its_blank_lines_under_a_chapter():
    draft = _read(FLATTENED)
    tree = [(depth, level, title, len(actions)) for depth, level, title, actions in _tree(draft["nodes"])]
    # the chapters that received nothing (« Le logement », « Conclusion ») are not kept
    assert tree == [
        (0, "Thème", "La jeunesse", 0),
        (1, "Enjeu", "Favoriser l'autonomie des jeunes", 2),
        (1, "Enjeu", "Une offre de loisirs renouvelée", 2),
    ]
    assert set(_titles(draft)) == {
        "Ouvrir un point information jeunesse",
        "Proposer des chantiers éducatifs l'été",
        "Créer un accueil dédié aux 11-14 ans",
        "Former des animateurs au BAFA",
    }


def test_txt_paragraphs_after_a_level_and_actions_header_without_blank_line_structure_are_not_a_table():
    text = (
        "Enjeux du territoire\n\n"
        "Les actions proposées par les habitants\n\n"
        "Un quartier enclavé\n\n"
        "Des familles nombreuses\n"
    )
    draft = _read(text)
    assert draft["actions"] == [] and draft["nodes"] == []


def test_docx_chapter_heading_over_a_plan_subtitle_and_a_table(tmp_path):
    from docx import Document

    document = Document()
    document.add_heading("Petite enfance", level=1)
    document.add_paragraph("Enjeux et plan d'action")
    table = document.add_table(rows=3, cols=2)
    for row, (left, right) in zip(
        table.rows,
        [
            ("Enjeux validés", "Fiches action"),
            ("Accompagner les parents", "Organiser des ateliers pour le premier anniversaire"),
            ("Améliorer l'offre d'accueil", "Créer un pool de professionnels volants"),
        ],
        strict=True,
    ):
        row.cells[0].text, row.cells[1].text = left, right
    document.add_heading("Perspectives", level=1)
    document.add_paragraph("Enjeux et plan d'action")
    document.add_paragraph("La suite sera présentée au prochain comité.")
    document.save(tmp_path / "plan.docx")
    draft, _report = read_document(tmp_path / "plan.docx")
    assert check(draft) == []
    tree = [(depth, level, title) for depth, level, title, _a in _tree(draft["nodes"])]
    assert tree == [
        (0, "Thème", "Petite enfance"),
        (1, "Enjeu", "Accompagner les parents"),
        (1, "Enjeu", "Améliorer l'offre d'accueil"),
    ]
    assert len(draft["actions"]) == 2
