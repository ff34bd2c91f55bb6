"""Rules of the document reader added for plans written as slide decks and extracted from PDF: each with a
small document written here (TXT, and DOCX where the rule is not about text extraction)."""

import io
from datetime import date

import pytest

from maillage.imports.plan import read_document
from maillage.imports.structure import tense_status
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


# A slide deck: counted nodes, titles announcing actions with their status, the tense of each line

DECK = (
    "Plénière des partenaires\n\n"
    "12 mars 2025 9h – 12h\n\n"
    "Les 3 engagements\n\n"
    "COMMENT FAIRE ?\n\n"
    "Accueillir sans condition\n\n"
    "Développer le pouvoir d'agir des habitants\n\n"
    "3 9 27\n\n"
    "Engagements Chantiers\n\n"
    "Prendre soin des plus fragiles\n\n"
    "Exemples d'actions menées sur d'autres territoires\n\n"
    "Territoire Nord\n"
    "- Café des partenaires enfance\n"
    "- Permanence d'un juriste en mairie\n"
    "- Démarche zéro non-recours\n"
    "- Atelier parents autour des écrans\n\n"
    "Territoire Sud\n"
    "- Journée de sensibilisation aux vulnérabilités\n"
    "- Mettre en place un annuaire partagé\n"
    "Faire vivre le projet dans la durée\n"
    "- Une plateforme collaborative avec les partenaires\n\n"
    "BILAN DU PROJET DE TERRITOIRE\n\n"
    "Les axes et actions du projet\n\n"
    "Favoriser la mobilité:\n\n"
    "Développer des ateliers autour du vélo\n\n"
    "■ Formation des agents d'accueil en 2025 → nouveaux modes de faire\n"
    "- Visite d'un garage solidaire\n"
    "- Déploiement de l'annuaire : 72 structures partenaires fin 2024\n"
    "- Un forum des associations, tous les 2 ans => la 2e édition s'est tenue en mai 2024\n"
    "- Une démarche d'innovation sociale, avec une 1ère promotion de 12 projets\n"
    "- Pour plus d'informations :\n\n"
    "Projet en cours 2024/2025 : Contact en ligne\n\n"
    "- Objectif : développer un service de messagerie pour les usagers\n"
    " - Simplifier le parcours usager\n"
    " - Améliorer la qualité des accueils\n"
    "- Lancement de l'expérimentation en juin 2025 sur 2 volets :\n"
    " - Messagerie sécurisée\n"
    " - Traducteur\n\n"
    "Suite de la matinée\n\n"
    "10h15 – 12h05 : ateliers thématiques :\n\n"
    "- Précarité\n"
    "- Handicap\n"
)


def test_txt_slide_deck_nodes_actions_and_statuses():
    draft = _read(DECK)
    tree = [(depth, level, title) for depth, level, title, _a in _tree(draft["nodes"])]
    assert tree[:3] == [
        (0, "Engagement", "Accueillir sans condition"),
        (0, "Engagement", "Développer le pouvoir d'agir des habitants"),
        (0, "Engagement", "Prendre soin des plus fragiles"),
    ]
    # the titles of a zone of actions are siblings, not each under the one before
    assert [(depth, title) for depth, _level, title in tree[3:]] == [
        (0, "Territoire Nord"),
        (0, "Territoire Sud"),
        (0, "Faire vivre le projet dans la durée"),
        (0, "Favoriser la mobilité"),
    ]
    actions = _titles(draft)
    statuses = {title: action["status"] for title, action in actions.items()}
    assert statuses == {
        "Café des partenaires enfance": "done",  # "actions menées"
        "Permanence d'un juriste en mairie": "continuous",  # a standing activity carried out goes on
        "Démarche zéro non-recours": "in_progress",
        "Atelier parents autour des écrans": "done",  # a noun, not the verb of something to do
        "Journée de sensibilisation aux vulnérabilités": "done",
        "Mettre en place un annuaire partagé": "planned",  # an infinitive: still to do
        "Une plateforme collaborative avec les partenaires": "planned",  # under a title that states an aim
        "Déploiement de l'annuaire": "in_progress",  # a result measured on the way
        "Développer des ateliers autour du vélo": "planned",  # the line under a "Thème :" label
        "Formation des agents d'accueil en 2025": "in_progress",  # the document's year
        "Visite d'un garage solidaire": "done",  # in a chapter reviewing what was done
        "Un forum des associations, tous les 2 ans": "continuous",
        "Une démarche d'innovation sociale": "in_progress",
        "Contact en ligne": "in_progress",  # "Projet en cours 2024/2025 : …"
        "Messagerie sécurisée": "planned",  # introduced by a line dated after the document
        "Traducteur": "planned",
    }
    assert actions["Formation des agents d'accueil en 2025"]["description"] == "nouveaux modes de faire"
    assert actions["Une démarche d'innovation sociale"]["description"] == "avec une 1ère promotion de 12 projets"
    project = actions["Contact en ligne"]
    assert project["periods"] == ["2024/2025"]
    assert project["general_objective"] == "développer un service de messagerie pour les usagers"
    assert project["operational_objectives"] == "- Simplifier le parcours usager\n- Améliorer la qualité des accueils"
    refs = {action["ref"]: title for title, action in actions.items()}
    assert refs[actions["Traducteur"]["parent"]] == "Contact en ligne"
    # "Pour plus d'informations :" introduces no list; the programme of the meeting is not a list of actions
    assert not {"Pour plus d'informations :", "Précarité", "Handicap"} & set(actions)


def test_docx_title_announcing_done_actions(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("Comité du 3 février 2025")
    document.add_heading("Exemples d'actions réalisées", level=1)
    document.add_paragraph("Quartier Est")
    for line in ("Permanence d'une assistante sociale au centre social", "Rencontre des médiateurs numériques",
                 "Créer un guide des associations"):  # fmt: skip
        document.add_paragraph(line, style="List Bullet")
    document.save(tmp_path / "exemples.docx")
    draft, _report = read_document(tmp_path / "exemples.docx")
    assert check(draft) == []
    assert {a["title"]: a["status"] for a in draft["actions"]} == {
        "Permanence d'une assistante sociale au centre social": "continuous",
        "Rencontre des médiateurs numériques": "done",
        "Créer un guide des associations": "planned",
    }


@pytest.mark.parametrize(
    "line, status",
    [
        ("Le guichet a été mis en place", "done"),
        ("Réunion des partenaires réalisée", "done"),
        ("La 2e édition s'est tenue à l'automne", "done"),
        ("Diagnostic en cours", "in_progress"),
        ("Un forum tous les ans", "continuous"),
        ("Journée portes ouvertes le 10 avril 2024", "done"),
        ("Lancement en janvier 2025", "planned"),
        ("Formation des agents en 2024", "in_progress"),
        ("Formation des agents en 2022", "done"),
        ("Les femmes victimes (2022), les auteurs (2023)", "continuous"),
        ("Ouvrir un lieu d'accueil", None),
        ("Une démarche d'évaluation sur les projets réalisés", None),  # the participle qualifies "projets"
    ],
)
def test_status_from_the_tense_and_dates_of_a_line(line, status):
    assert tense_status(line, date(2024, 9, 24)) == status


# A plan restated by programmes; the outline's chapters

PROGRAMMES = (
    "1.1. RAPPEL DE LA MÉTHODOLOGIE\n\n"
    "Le diagnostic a réuni 72 partenaires.\n\n"
    "1.1.1. Les entretiens\n\n"
    "Trente entretiens ont été menés.\n\n"
    "AXE 1 : Accéder à ses droits\n\n"
    "Développer l'inclusion numérique\n"
    "01. Les ateliers numériques\n"
    "02. L'écrivain public\n\n"
    "AXE 2 : Accompagner les parents\n\n"
    "Soutenir la fonction parentale\n"
    "03. Les cafés des parents\n"
    "04. Le dispositif d'éducation musicale et la classe passerelle\n\n"
    "2.1. PROJET FAMILLES\n\n"
    "2.1.1. Orientations générales\n\n"
    "Objectif 1 : Accompagner les parents\n\n"
    "Soutenir la fonction parentale\n"
    "03. Les cafés des parents\n"
    "04. Le dispositif d'éducation musicale à vocation sociale\n"
    "01. Les ateliers numériques\n"
)


def test_txt_programme_restating_the_plan_and_chapters_in_capitals_are_not_nodes():
    draft = _read(PROGRAMMES)
    tree = [(depth, title) for depth, _level, title, _a in _tree(draft["nodes"])]
    assert tree == [
        (0, "Accéder à ses droits"),
        (1, "Développer l'inclusion numérique"),
        (0, "Accompagner les parents"),
        (1, "Soutenir la fonction parentale"),
    ]
    # the programme's lines are the plan's actions (same number, a title close enough), not new ones
    assert [a["title"] for a in draft["actions"]] == [
        "Les ateliers numériques",
        "L'écrivain public",
        "Les cafés des parents",
        "Le dispositif d'éducation musicale et la classe passerelle",
    ]


def test_docx_numbered_chapter_headings_in_capitals_are_the_outline(tmp_path):
    from docx import Document

    document = Document()
    document.add_heading("Axe 1 : Accéder à ses droits", level=1)
    document.add_heading("1.1 Développer l'inclusion numérique", level=2)
    document.add_paragraph("Les ateliers numériques", style="List Number")
    document.add_heading("1.2. LE PORTRAIT DU QUARTIER", level=2)
    document.add_heading("1.2.1. Les chiffres clefs", level=3)
    document.add_paragraph("Un habitant sur trois a moins de 25 ans.")
    document.save(tmp_path / "plan.docx")
    draft, _report = read_document(tmp_path / "plan.docx")
    assert check(draft) == []
    tree = [(depth, title) for depth, _level, title, _a in _tree(draft["nodes"])]
    assert tree == [(0, "Accéder à ses droits"), (1, "Développer l'inclusion numérique")]


# The objective a fiche names, when the tree has no level below its axes


def test_txt_fiches_under_an_axis_grouped_by_their_general_objective():
    text = (
        "AXE 1 : Soutenir les parents\n\n"
        "4.1.1 Action : Groupes de parole\n\n"
        "Objectif général : Offrir des espaces de dialogue entre parents\n\n"
        "4.1.2 Action : Lien familles-écoles\n\n"
        "Objectif général : Renforcer le lien familles-écoles\n\n"
        "4.1.3 Action : Café des parents\n\n"
        "Objectif général : Offrir des espaces de dialogue entre parents\n"
    )
    draft = _read(text)
    refs = {a["ref"]: a["title"] for a in draft["actions"]}
    tree = [(depth, level, title, [refs[r] for r in actions]) for depth, level, title, actions in _tree(draft["nodes"])]
    assert tree == [
        (0, "Axe", "Soutenir les parents", []),
        (1, "Objectif", "Offrir des espaces de dialogue entre parents", ["Groupes de parole", "Café des parents"]),
        (1, "Objectif", "Renforcer le lien familles-écoles", ["Lien familles-écoles"]),
    ]


def test_docx_fiche_tables_under_an_axis_grouped_by_their_general_objective(tmp_path):
    from docx import Document

    document = Document()
    document.add_heading("Axe 2 : Un quartier inclusif pour les jeunes", level=1)
    for title, objective in (
        ("Action 1 : Point information jeunesse", "Faciliter l'accès des jeunes à l'information"),
        ("Action 2 : Chantiers éducatifs", "Accompagner les jeunes dans leur parcours"),
    ):
        document.add_heading(title, level=2)
        table = document.add_table(rows=2, cols=2)
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Contexte", "Objectif général"
        table.rows[1].cells[0].text, table.rows[1].cells[1].text = "Peu de lieux pour les jeunes.", objective
    document.save(tmp_path / "fiches.docx")
    draft, _report = read_document(tmp_path / "fiches.docx")
    assert check(draft) == []
    tree = [(depth, title, len(actions)) for depth, _level, title, actions in _tree(draft["nodes"])]
    assert tree == [
        (0, "Un quartier inclusif pour les jeunes", 0),
        (1, "Faciliter l'accès des jeunes à l'information", 1),
        (1, "Accompagner les jeunes dans leur parcours", 1),
    ]


def test_txt_noun_phrases_run_together_in_a_flattened_table_are_two_nodes():
    text = (
        "Enjeux\nObjectif stratégique\nObjectif opérationnel\nPriorité\n\n"
        "AXE 5 EDUCATION : placer l'enfant au cœur du projet éducatif\n\n"
        "Développer une politique éducative partagée\n"
        "Soutenir les projets éducatifs collectifs\n"
        "Soutenir les actions d'accompagnement scolaire\n"
        "Soutien aux écoles sur les projets de lien social Consolidation de l'offre d'accompagnement scolaire\n"
        "Accueil des familles de la Petite Enfance\n"
    )
    draft = _read(text)
    priorities = [title for _d, level, title, _a in _tree(draft["nodes"]) if level == "Priorité"]
    assert priorities == [
        "Soutien aux écoles sur les projets de lien social",
        "Consolidation de l'offre d'accompagnement scolaire",
        "Accueil des familles de la Petite Enfance",  # a capital after an article: one phrase
    ]


def test_txt_fiche_of_a_second_project_is_not_taken_for_an_action_of_the_first():
    text = (
        "AXE 2 : Grandir et réussir\n\n"
        "Soutenir les parents\n"
        "03. Quel accompagnement individuel ?\n\n"
        "Action 2.3 : Quel accompagnement individuel\n\n"
        "Public cible : les parents\n\n"
        "AXE 2 : TENDRE VERS UN QUARTIER INCLUSIF POUR LES JEUNES\n\n"
        "Action 4.2.3 : Accompagnement individuel\n\n"
        "Public cible : les jeunes de 16 à 25 ans\n"
    )
    draft = _read(text)
    actions = {a["title"]: a for a in draft["actions"]}
    assert set(actions) == {"Quel accompagnement individuel ?", "Accompagnement individuel"}
    assert actions["Quel accompagnement individuel ?"]["target_public"] == "les parents"  # its own fiche
    assert actions["Accompagnement individuel"]["target_public"] == "les jeunes de 16 à 25 ans"
