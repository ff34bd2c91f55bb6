"""The document import (DOCX, ODT, PDF, TXT, Markdown): each kind of plan structure, the report, bad files."""

import io
import zipfile

import pytest
from django.test import override_settings

from maillage.imports.documents import read_blocks
from maillage.imports.plan import read_document
from maillage.imports.reading import UnreadableFile
from maillage.interchange.validation import check


def _docx(path, build):
    from docx import Document

    document = Document()
    build(document)
    document.save(path)
    return path


def _pdf(path, body: str):
    from weasyprint import HTML

    style = "body{font-family:sans-serif;font-size:11pt} td{border:1px solid black;padding:2px}"
    HTML(string=f"<html><head><style>{style}</style></head><body>{body}</body></html>").write_pdf(path)
    return path


def _nodes(nodes, depth=0):
    for node in nodes:
        yield depth, node
        yield from _nodes(node["children"], depth + 1)


def _by_title(draft):
    return {action["title"]: action for action in draft["actions"]}


def _valid(draft):
    assert check(draft) == []
    return draft


# The tree and numbered actions


def test_docx_tree_from_headings_and_numbered_lists_under_a_node(tmp_path):
    def build(document):
        document.add_heading("Visée 1 : Un territoire qui cultive ses talents", level=1)
        document.add_heading("Objectif 1.1 : Une action ciblée vers les jeunes", level=2)
        document.add_heading("1.1.1 Les jeunes enfants", level=3)
        document.add_paragraph("Ouvrir un lieu d'accueil enfants-parents", style="List Number")
        document.add_paragraph("Former les assistantes maternelles", style="List Number")
        document.add_heading("Objectif 1.2 : Des relations entre générations", level=2)
        document.add_paragraph("Créer un jardin partagé", style="List Number")
        document.add_heading("Visée 2 : Un territoire qui nous relie", level=1)
        document.add_heading("Objectif 2.1 : Une gouvernance simplifiée", level=2)
        document.add_paragraph("Réunir le comité de pilotage chaque année", style="List Number")

    draft, report = read_document(_docx(tmp_path / "plan.docx", build))
    _valid(draft)
    assert draft["levels"] == ["Visée", "Objectif", "Sous-objectif"]
    tree = [(depth, node["code"], node["title"], node["level"]) for depth, node in _nodes(draft["nodes"])]
    assert tree[:3] == [
        (0, "Visée 1", "Un territoire qui cultive ses talents", "Visée"),
        (1, "Objectif 1.1", "Une action ciblée vers les jeunes", "Objectif"),
        (2, "1.1.1", "Les jeunes enfants", "Sous-objectif"),
    ]
    assert len(tree) == 6
    leaf = next(node for _, node in _nodes(draft["nodes"]) if node["code"] == "1.1.1")
    titles = {a["ref"]: a["title"] for a in draft["actions"]}
    assert [titles[ref] for ref in leaf["actions"]] == [
        "Ouvrir un lieu d'accueil enfants-parents",
        "Former les assistantes maternelles",
    ]
    assert report.recognised["actions"] == 4 and report.recognised["nœuds"] == 6


def test_txt_year_grid_with_origin_markers_and_unnamed_objectives():
    text = (
        "AXE 1 : Accéder à ses droits\n\n"
        "\t*\t2021\t2022\t2023\n"
        "Enjeu n° 1 : Favoriser l'accès aux droits\n"
        "Développer l'inclusion numérique\n"
        "01. Les ateliers numériques\tE\tX\t\t\n"
        "02. Un accompagnement individuel\tNA\t\tX\tX\n"
        "Accompagner la mobilité\n"
        "03. Les actions « mobilité »\tAE\t\t\t\n\n"
        "* E : évolution d'une action existante / NA : nouvelle action / AE : action existante\n"
    )
    draft, _report = read_document(io.BytesIO(text.encode()), "plan.txt")
    _valid(draft)
    assert draft["levels"] == ["Axe", "Enjeu", "Objectif"]
    actions = _by_title(draft)
    assert actions["Les ateliers numériques"]["origin"] == "evolution"
    assert actions["Les ateliers numériques"]["periods"] == ["2021"]
    assert actions["Un accompagnement individuel"]["origin"] == "new"
    assert actions["Un accompagnement individuel"]["periods"] == ["2022", "2023"]
    assert actions["Les actions « mobilité »"]["origin"] == "existing"
    objectives = [node for depth, node in _nodes(draft["nodes"]) if depth == 2]
    assert [node["title"] for node in objectives] == ["Développer l'inclusion numérique", "Accompagner la mobilité"]
    assert len(objectives[0]["actions"]) == 2


# Status panoramas


def test_pdf_status_panorama_under_headings(tmp_path):
    path = _pdf(
        tmp_path / "panorama.pdf",
        "<h1>Axe 1 : Accéder à ses droits</h1><h2>Objectif 1.1 : Informer les habitants</h2>"
        "<p>Actions terminées</p><ul><li>Créer un guichet unique d'information</li>"
        "<li>Publier un guide des droits</li></ul>"
        "<p>Actions reportées</p><ul><li>Ouvrir une maison des familles</li></ul>"
        "<p>Actions en continu</p><ul><li>Permanences d'accès aux droits</li></ul>",
    )
    draft, _report = read_document(path)
    _valid(draft)
    statuses = {a["title"]: a["status"] for a in draft["actions"]}
    assert statuses == {
        "Créer un guichet unique d'information": "done",
        "Publier un guide des droits": "done",
        "Ouvrir une maison des familles": "postponed",
        "Permanences d'accès aux droits": "continuous",
    }
    assert [n["title"] for _, n in _nodes(draft["nodes"])] == ["Accéder à ses droits", "Informer les habitants"]


def test_docx_status_panorama_as_table_columns(tmp_path):
    def build(document):
        document.add_heading("Objectif 2.1 : L'engagement bénévole", level=1)
        table = document.add_table(rows=2, cols=3)
        for cell, text in zip(
            table.rows[0].cells, ["Actions terminées", "Actions reportées", "Actions nouvelles"], strict=True
        ):
            cell.text = text
        table.rows[1].cells[0].text = "Former les bénévoles"
        table.rows[1].cells[0].add_paragraph("Réunir les associations")
        table.rows[1].cells[1].text = "Guide des associations"
        table.rows[1].cells[2].text = "Passeport citoyen"

    draft, _report = read_document(_docx(tmp_path / "panorama.docx", build))
    _valid(draft)
    statuses = {a["title"]: a["status"] for a in draft["actions"]}
    assert statuses == {
        "Former les bénévoles": "done",
        "Réunir les associations": "done",
        "Guide des associations": "postponed",
        "Passeport citoyen": "planned",
    }


# Plans by level and period, "Enjeux | Fiches action" tables


def test_markdown_enjeux_table_and_plan_by_level_and_period():
    text = "\n".join(
        [
            "# Petite enfance",
            "",
            "| Enjeux validés | Fiches action déclinées |",
            "|---|---|",
            "| Améliorer la qualité de l'offre | Créer un pool de professionnels volants "
            "Constituer un réseau des acteurs de la petite enfance |",
            "| Accompagner les parents | Organiser des ateliers pour le premier anniversaire des enfants |",
            "",
            "|   | 2023-2024 | 2025-2026 |",
            "|---|---|---|",
            "| Actions au niveau intercommunal | Constituer et animer un réseau des acteurs de la petite enfance "
            "| Créer un pool de professionnels volants |",
            "| Actions impulsées au niveau des trois périmètres | "
            "| Organiser des ateliers collectifs pour le premier anniversaire des enfants |",
            "| Echelon communal | Ouvrir une ludothèque itinérante | |",
        ]
    )
    draft, _report = read_document(io.BytesIO(text.encode()), "plan.md")
    _valid(draft)
    actions = _by_title(draft)
    assert set(actions) == {
        "Créer un pool de professionnels volants",
        "Constituer un réseau des acteurs de la petite enfance",
        "Organiser des ateliers pour le premier anniversaire des enfants",
        "Ouvrir une ludothèque itinérante",
    }
    assert actions["Créer un pool de professionnels volants"]["periods"] == ["2025-2026"]
    assert actions["Créer un pool de professionnels volants"]["scale"] == "intercommunal"
    assert actions["Constituer un réseau des acteurs de la petite enfance"]["periods"] == ["2023-2024"]
    assert actions["Organiser des ateliers pour le premier anniversaire des enfants"]["scale"] == "perimeter"
    assert actions["Ouvrir une ludothèque itinérante"]["scale"] == "communal"
    assert {p["label"] for p in draft["periods"]} == {"2023-2024", "2025-2026"}
    assert draft["project"]["period"] == {"start": 2023, "end": 2026}
    enjeux = [n for _, n in _nodes(draft["nodes"]) if n["level"] == "Enjeu"]
    assert [n["title"] for n in enjeux] == ["Améliorer la qualité de l'offre", "Accompagner les parents"]


# Fiche sections, partners, bodies, acronyms


FICHE = (
    "AXE 1 : Accéder à ses droits\n\n"
    "01. Les ateliers numériques\tE\n\n"
    "AXE 1 - Favoriser l'accès aux droits\n\n"
    "01. Les ateliers numériques\n\n"
    "Contexte\t\tObjectif général / Objectifs opérationnels\t\n"
    "<p>Les démarches sont en ligne.</p>\t\t<p>Développer l'inclusion numérique</p> "
    "<ul> • Équiper les espaces • Accompagner les démarches</ul>\t\n"
    "Public cible / spécifique\tPrésentation de l'action\n"
    "<p>Tout public</p>\t<p>Des ateliers chaque semaine.</p>\n"
    "Échéancier\tMoyens / Ressources internes\tPartenariat\n"
    "<p>2021 : équipement</p><p>2022 : ateliers</p>\t<p>Moyens humains</p><ul> • 1 animateur</ul>"
    "<p>Ressources matérielles et financières</p><ul> • Tablettes</ul>\t"
    "<p>Partenaires opérationnels</p><ul> - Emmaüs Connect - Mission locale (jeunes)</ul>"
    "<p>Relais d'information et orienteurs</p><ul> - CCAS</ul>"
    "<p>À solliciter</p><ul> - Médiathèque</ul>\n"
    "Résultats attendus\t\tIndicateurs d'évaluation\t\n"
    "<p>Des habitants autonomes.</p>\t\t<p>Indicateurs quantitatifs</p><ul> • Nombre de participants</ul>"
    "<p>Indicateurs qualitatifs</p><ul> • Aisance face aux outils</ul>\t\n"
    "Freins à lever\n"
    "<p>Des salles à équiper.</p>\n\n"
    "GOUVERNANCE\n\n"
    "Le comité de pilotage (COPIL) suit le projet une fois par an.\n\n"
    "GLOSSAIRE\n\n"
    "CCAS\t: Centre Communal d'Action Sociale\n"
    "MDML\t: Maison de la Métropole pour les solidarités\n"
)


def test_txt_fiche_sections_partners_roles_bodies_and_glossary():
    draft, report = read_document(io.BytesIO(FICHE.encode()), "fiches.txt")
    _valid(draft)
    assert len(draft["actions"]) == 1, "the fiche is the action of the plan, not a second one"
    action = draft["actions"][0]
    assert action["origin"] == "evolution"
    assert action["context"] == "Les démarches sont en ligne."
    assert action["general_objective"] == "Développer l'inclusion numérique"
    assert action["operational_objectives"] == "- Équiper les espaces\n- Accompagner les démarches"
    assert action["target_public"] == "Tout public"
    assert action["description"] == "Des ateliers chaque semaine."
    assert action["schedule"] == "2021 : équipement\n\n2022 : ateliers"
    assert action["periods"] == ["2021", "2022"]
    assert action["human_means"] == "- 1 animateur"
    assert action["material_means"] == "- Tablettes"
    assert action["expected_results"] == "Des habitants autonomes."
    assert action["obstacles"] == "Des salles à équiper."
    assert [(i["kind"], i["title"]) for i in action["indicators"]] == [
        ("quantitative", "Nombre de participants"),
        ("qualitative", "Aisance face aux outils"),
    ]
    names = {p["key"]: p["name"] for p in draft["partners"]}
    roles = {(names[p["partner"]], p["role"], p.get("detail")) for p in action["partners"]}
    assert roles == {
        ("Emmaüs Connect", "operational", None),
        ("Mission locale", "operational", "jeunes"),
        ("CCAS", "relay", None),
        ("Médiathèque", "to_approach", None),
    }
    assert draft["bodies"][0]["kind"] == "copil" and "une fois par an" in draft["bodies"][0]["description"]
    acronyms = {a["acronym"]: a["expansion"] for a in draft["acronyms"]}
    assert acronyms["CCAS"] == "Centre Communal d'Action Sociale"
    assert acronyms["MDML"] == "Maison de la Métropole pour les solidarités"
    assert report.recognised["sections de fiche"] == 10


def test_docx_fiche_sections_under_headings_and_inline_acronyms(tmp_path):
    def build(document):
        document.add_heading("Axe 2 : Grandir", level=1)
        document.add_heading("Fiche action n° 3 : Le café des parents", level=2)
        document.add_heading("Contexte", level=3)
        document.add_paragraph("Le Relais Petite Enfance (RPE) reçoit beaucoup de demandes.")
        document.add_heading("Public cible", level=3)
        document.add_paragraph("Les parents de jeunes enfants")
        document.add_heading("Partenariat", level=3)
        document.add_paragraph("Intervenants")
        document.add_paragraph("Caisse d'allocations familiales", style="List Bullet")
        document.add_heading("Freins à lever", level=3)
        document.add_paragraph("La disponibilité des parents.")

    draft, _report = read_document(_docx(tmp_path / "fiche.docx", build))
    _valid(draft)
    action = _by_title(draft)["Le café des parents"]
    assert action["code"] == "3"
    assert action["context"] == "Le Relais Petite Enfance (RPE) reçoit beaucoup de demandes."
    assert action["target_public"] == "Les parents de jeunes enfants"
    assert action["obstacles"] == "La disponibilité des parents."
    assert action["partners"] == [{"partner": "caisse-dallocations-familiales", "role": "speaker"}]
    assert {"acronym": "RPE", "expansion": "Relais Petite Enfance"} in draft["acronyms"]


def test_odt_headings_numbered_list_and_table(tmp_path):
    from odf.opendocument import OpenDocumentText
    from odf.style import ListLevelProperties, Style
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, List, ListItem, ListLevelStyleNumber, ListStyle, P

    document = OpenDocumentText()
    numbering = ListStyle(name="Numbering")
    level = ListLevelStyleNumber(level=1, numformat="1", numsuffix=".")
    level.addElement(ListLevelProperties())
    numbering.addElement(level)
    document.automaticstyles.addElement(numbering)
    document.automaticstyles.addElement(Style(name="Plain", family="paragraph"))
    document.text.addElement(H(outlinelevel=1, text="Enjeu n° 4 : Favoriser la réussite scolaire"))
    items = List(stylename=numbering)
    for title in ("La coordination de l'accompagnement scolaire", "Le passage au collège"):
        item = ListItem()
        item.addElement(P(text=title))
        items.addElement(item)
    document.text.addElement(items)
    table = Table(name="Statuts")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for cells in (["Actions terminées", "Actions en continu"], ["Forum des métiers", "Aide aux devoirs"]):
        row = TableRow()
        for text in cells:
            cell = TableCell()
            cell.addElement(P(text=text))
            row.addElement(cell)
        table.addElement(row)
    document.text.addElement(table)
    path = tmp_path / "plan.odt"
    document.save(str(path))

    draft, _report = read_document(path)
    _valid(draft)
    assert [(n["code"], n["title"], n["level"]) for _, n in _nodes(draft["nodes"])] == [
        ("Enjeu n° 4", "Favoriser la réussite scolaire", "Enjeu")
    ]
    statuses = {a["title"]: a["status"] for a in draft["actions"]}
    assert statuses["Forum des métiers"] == "done" and statuses["Aide aux devoirs"] == "continuous"
    assert "La coordination de l'accompagnement scolaire" in statuses and "Le passage au collège" in statuses


def test_actions_announced_by_a_title_with_their_nodes_and_measured_results():
    text = (
        "Les axes et actions du projet\n\n"
        "- 1 Simplifier le parcours des usagers\n"
        " - Déploiement d'un annuaire partagé : 72 structures partenaires fin 2023\n"
        " - Immersion croisée des agents d'accueil\n"
        "- 2 Prévenir les violences intrafamiliales\n"
        " - Distribution de livrets aux professionnels\n"
    )
    draft, _report = read_document(io.BytesIO(text.encode()), "bilan.txt")
    _valid(draft)
    nodes = [n["title"] for _, n in _nodes(draft["nodes"])]
    assert nodes == ["Simplifier le parcours des usagers", "Prévenir les violences intrafamiliales"]
    actions = _by_title(draft)
    assert actions["Déploiement d'un annuaire partagé"]["description"] == "72 structures partenaires fin 2023"
    assert set(actions) == {
        "Déploiement d'un annuaire partagé",
        "Immersion croisée des agents d'accueil",
        "Distribution de livrets aux professionnels",
    }


def test_level_legend_then_lines_of_a_flattened_table():
    text = (
        "Enjeux\nObjectif stratégique\nObjectif opérationnel\nPriorité\n\n"
        "AXE 1 : EMPLOI : agir sur l'égalité d'accès à l'emploi\n\n"
        "Favoriser l'accès et le maintien dans l'emploi\n"
        "Contribuer à l'orientation des personnes\n"
        "Coordonner les acteurs de l'insertion\n"
        "Qualification des habitants\n"
    )
    draft, _report = read_document(io.BytesIO(text.encode()), "orientations.txt")
    _valid(draft)
    assert draft["levels"] == ["Axe", "Enjeu", "Objectif stratégique", "Objectif opérationnel", "Priorité"]
    tree = [(depth, n["title"], n["level"]) for depth, n in _nodes(draft["nodes"])]
    assert tree[0] == (0, "EMPLOI : agir sur l'égalité d'accès à l'emploi", "Axe")
    assert tree[1] == (1, "Favoriser l'accès et le maintien dans l'emploi", "Enjeu")
    assert tree[2] == (2, "Contribuer à l'orientation des personnes", "Objectif stratégique")
    assert tree[-1] == (4, "Qualification des habitants", "Priorité")


# The report


def test_report_counts_unplaced_passages_and_warnings():
    text = (
        "Le mot du maire : un territoire solidaire.\n\n"
        "Axe 1 : Accéder à ses droits\n\n"
        "01. Le guichet unique\n"
        "02. Les ateliers numériques\n"
        "03. Le guichet unique\n\n"
        "Projet social 2021-2024\n"
    )
    draft, report = read_document(io.BytesIO(text.encode()), "plan.txt")
    _valid(draft)
    assert report.recognised["actions"] == 3 and report.recognised["nœuds"] == 1
    assert ("ligne 1", "Le mot du maire : un territoire solidaire.") in report.unplaced
    output = report.text()
    assert output.startswith("Document lu : « plan.txt ».")
    assert "ligne 1 non placé : « Le mot du maire" in output
    assert "aucune des 3 actions n'a de statut" in output
    assert "deux actions portent le même intitulé « Le guichet unique » (A001 et A003)" in output
    assert draft["project"]["period"] == {"start": 2021, "end": 2024}


def test_report_names_the_action_without_status_when_others_have_one():
    text = "Objectif 1.1 : Informer\n\nActions terminées\n\n- Un guide\n\nAxe 2 : Bouger\n\n01. Un vélo solidaire\n"
    _draft, report = read_document(io.BytesIO(text.encode()), "plan.txt")
    assert "l'action A002 « Un vélo solidaire » n'a pas de statut (lue « à venir »)." in report.warnings


def test_progress_is_reported_while_reading(tmp_path):
    path = _pdf(
        tmp_path / "pages.pdf",
        "".join(f"<h1 style='page-break-before:always'>Axe {n} : Titre</h1>" for n in range(1, 4)),
    )
    calls = []
    read_document(path, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (3, 3) and all(total == 3 for _, total in calls)


# Bad files: a French message, nothing read


def _refused(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableFile) as error:
        read_document(path)
    return str(error.value)


def test_not_a_document(tmp_path):
    assert "n'est pas un document DOCX" in _refused(tmp_path, "plan.docx", b"juste du texte")
    assert "n'est pas un document PDF" in _refused(tmp_path, "plan.pdf", b"juste du texte")
    assert "n'est pas un document ODT" in _refused(tmp_path, "plan.odt", b"juste du texte")
    assert "n'est pas un fichier texte" in _refused(tmp_path, "plan.txt", b"\x00\x01\x02binaire")
    assert "format non pris en charge" in _refused(tmp_path, "plan.rtf", b"{\\rtf1}")


def test_corrupted_docx_and_pdf(tmp_path):
    good = _docx(tmp_path / "good.docx", lambda d: d.add_paragraph("Axe 1 : Bouger"))
    assert "endommagé ou incomplet" in _refused(tmp_path, "cut.docx", good.read_bytes()[:300])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not really xml")
    assert "endommagé ou incomplet" in _refused(tmp_path, "broken.docx", buffer.getvalue())
    pdf = _pdf(tmp_path / "good.pdf", "<p>Axe 1 : Bouger</p>").read_bytes()
    assert "endommagé ou incomplet" in _refused(tmp_path, "cut.pdf", pdf[:200])


def test_password_protected_docx_and_pdf(tmp_path):
    from pypdf import PdfReader, PdfWriter

    ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 512  # how Word stores an encrypted DOCX
    assert "protégé par un mot de passe" in _refused(tmp_path, "secret.docx", ole)
    writer = PdfWriter(clone_from=PdfReader(_pdf(tmp_path / "clear.pdf", "<p>Axe 1 : Bouger</p>")))
    writer.encrypt(user_password="secret", owner_password="secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert "protégé par un mot de passe" in _refused(tmp_path, "secret.pdf", buffer.getvalue())


def test_empty_files(tmp_path):
    for name in ("vide.docx", "vide.pdf", "vide.txt", "vide.md"):
        assert "est vide" in _refused(tmp_path, name, b"")
    assert "est vide" in _refused(tmp_path, "blancs.txt", b"  \n\n \n")


def test_scan_without_text(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    message = _refused(tmp_path, "scan.pdf", buffer.getvalue())
    assert "ne contient aucun texte (3 pages sans texte : un document numérisé ?)" in message


@override_settings(MAILLAGE_IMPORT_MAX_BYTES=1000)
def test_size_limit_before_parsing(tmp_path):
    message = _refused(tmp_path, "gros.pdf", b"%PDF-" + b"x" * 2000)  # not even a PDF: refused for its size first
    assert "au-delà de la limite" in message and "MAILLAGE_IMPORT_MAX_BYTES" in message


@override_settings(MAILLAGE_IMPORT_MAX_PAGES=2)
def test_page_limit_before_parsing(tmp_path):
    pdf = _pdf(tmp_path / "long.pdf", "".join(f"<p style='page-break-before:always'>Page {n}</p>" for n in range(3)))
    message = _refused(tmp_path, "long2.pdf", pdf.read_bytes())
    assert "compte 3 pages, au-delà de la limite de 2 (réglage MAILLAGE_IMPORT_MAX_PAGES)" in message
    docx = _docx(tmp_path / "long.docx", lambda d: d.add_paragraph("Axe 1 : Bouger"))
    with zipfile.ZipFile(docx) as source, zipfile.ZipFile(tmp_path / "long3.docx", "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/app.xml":
                data = b'<?xml version="1.0"?><Properties><Pages>40</Pages></Properties>'
            target.writestr(item, data)
    with pytest.raises(UnreadableFile, match="compte 40 pages"):
        read_blocks(tmp_path / "long3.docx")
    with pytest.raises(UnreadableFile, match="compte 3 pages"):
        read_blocks(io.BytesIO(("ligne\n" * 150).encode()), "long.txt")
