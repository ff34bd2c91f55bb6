"""The written documents, opened with real readers and checked against the demo projects."""

import copy
import re
from collections import Counter
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx.oxml.ns import qn

from maillage.actions.models import Action
from maillage.documents.annex import building, pdf
from maillage.documents.annex.model import BulletList, Paragraph, Section, Table, cell, text_blocks
from maillage.documents.annex.writers import build
from maillage.documents.registry import ExportError, What, parse_what, writer_for
from maillage.interchange.importing import import_document
from maillage.interchange.tests.documents import MINIMAL
from maillage.projects.models import Acronym, Node, Project

pytestmark = pytest.mark.django_db

FICHE_HEADINGS = [
    "Contexte",
    "Objectif général / Objectifs opérationnels",
    "Public cible",
    "Présentation de l'action",
    "Échéancier",
    "Moyens (humains, matériels, financiers)",
    "Partenariat",
    "Résultats attendus",
    "Indicateurs (quantitatifs / qualitatifs)",
    "Freins à lever",
]


# --- readers -----------------------------------------------------------------------------------------


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " ")).strip()


def docx_of(content: bytes):
    import docx

    return docx.Document(BytesIO(content))


def docx_tables(word) -> list[list[list[str]]]:
    return [[[one.text for one in row.cells] for row in table.rows] for table in word.tables]


def docx_text(word) -> str:
    parts = [paragraph.text for paragraph in word.paragraphs]
    for table in docx_tables(word):
        parts.extend(text for row in table for text in row)
    return squash("\n".join(parts))


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(content))
    return squash("\n".join(page.extract_text() for page in reader.pages))


def odt_text(content: bytes) -> str:
    from odf import teletype
    from odf.opendocument import load

    document = load(BytesIO(content))
    parts = []

    def walk(element):
        for child in element.childNodes:
            if child.nodeType != child.ELEMENT_NODE:
                continue
            if child.qname[1] in ("p", "h"):
                parts.append(teletype.extractText(child))
            else:
                walk(child)

    walk(document.text)
    return squash("\n".join(parts))


def text_of(format: str, content: bytes) -> str:
    if format == "docx":
        return docx_text(docx_of(content))
    if format == "pdf":
        return pdf_text(content)
    return odt_text(content)


def export(slug: str, format: str, what: str) -> bytes:
    project = Project.objects.get(slug=slug)
    target = parse_what(project, what)
    return writer_for(format, target)(project, target)


_cache: dict = {}


def cached(slug, format, what) -> bytes:
    """The clermont-sud annex PDF takes seconds: render each file once for the whole module."""
    key = (slug, format, what)
    if key not in _cache:
        _cache[key] = export(slug, format, what)
    return _cache[key]


# --- the text model ----------------------------------------------------------------------------------


def test_plain_text_becomes_paragraphs_and_lists():
    blocks = text_blocks("Premier paragraphe\nsur deux lignes.\n\n- un\n- deux\n  suite\nAprès la liste.")
    assert blocks == [
        Paragraph("Premier paragraphe sur deux lignes."),
        BulletList(["un", "deux suite"]),
        Paragraph("Après la liste."),
    ]
    assert text_blocks("") == []


def test_user_text_never_becomes_markup():
    document = building.Document(
        title="</style><script>alert(1)</script>",
        body=[Section("Titre <b>gras</b> & co", 1, [Paragraph("<img src=x onerror=alert(1)>"), cell("- <i>x</i>")])],
    )
    assert pdf.markup("Titre <b>gras</b> & co") == "Titre &lt;b&gt;gras&lt;/b&gt; &amp; co"
    text = pdf_text(pdf.render(document))
    assert "Titre <b>gras</b> & co" in text and "<img src=x onerror=alert(1)>" in text
    assert text.endswith("page 1 / 1")  # the title, then the body on the same page


def test_acronyms_known_and_unknown_but_not_shouted_titles():
    known = [Acronym(acronym="CAF", expansion="Caisse d'Allocations Familiales"), Acronym(acronym="QPV")]
    found = building.acronyms_used(
        ["Avec la CAF et le GEIQ.", "SAINT-JACQUES / LA FONTAINE DU BAC", "AXE TRANSVERSAL — Pôle", "Acte II", "QPV"],
        known,
    )
    assert found == [("CAF", "Caisse d'Allocations Familiales"), ("GEIQ", ""), ("QPV", "")]


# --- one fiche action --------------------------------------------------------------------------------


@pytest.mark.parametrize("format", ["docx", "pdf", "odt"])
def test_fiche_a1_01_has_every_section_and_its_content(demo_db, format):
    text = text_of(format, cached("clermont-sud", format, "action:A1-01"))
    assert "AXE 1 - 01 — Les actions individuelles et collectives d'accès au numérique" in text
    positions = [text.index(heading) for heading in FICHE_HEADINGS]
    assert positions == sorted(positions), "the sections follow the seed's order"
    assert "Développer l'inclusion numérique" in text
    assert "Fréquentation libre des espaces numériques" in text
    assert re.search(r"À solliciter .*Emmaüs Connect", text)
    assert "Statut À venir" in text


def test_fiche_docx_structure(demo_db):
    word = docx_of(cached("clermont-sud", "docx", "action:A1-01"))
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == ("Heading 1", "AXE 1 - 01 — Les actions individuelles et collectives d'accès au numérique")
    tables = docx_tables(word)
    headers = [table[0] for table in tables]
    assert ["Contexte", "Objectif général / Objectifs opérationnels"] in headers
    assert ["Échéancier", "Moyens (humains, matériels, financiers)", "Partenariat"] in headers
    partnership = next(table[1][2] for table in tables if table[0][-1] == "Partenariat")
    assert partnership.index("À solliciter") < partnership.index("Emmaüs Connect")
    objectives = next(table[1][1] for table in tables if table[0][0] == "Contexte")
    assert "Objectif général\nDévelopper l'inclusion numérique" in objectives
    indicators = next(table[1][1] for table in tables if table[0][0] == "Résultats attendus")
    assert "Quantitatifs\nFréquentation libre des espaces numériques" in indicators
    section = word.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert "NUMPAGES" in section.footer._element.xml


def test_empty_sections_are_left_out(demo_db):
    action = Action.objects.get(project__slug="genas-pset-2", ref="1.1.1-01")
    document = build(action.project, What("action", action))
    tables = [block for block in document.body[0].blocks if isinstance(block, Table) and block.fiche]
    assert tables == [], "a fiche with no section text has no empty boxes"
    text = pdf_text(export("genas-pset-2", "pdf", "action:1.1.1-01"))
    assert "Création de l'Observatoire de la Petite Enfance" in text and "Contexte" not in text
    assert "Terminée" in text


# --- the panorama ------------------------------------------------------------------------------------


def genas_expected():
    counts = Counter(Action.objects.filter(project__slug="genas-pset-2").values_list("status", flat=True))
    node = Node.objects.get(project__slug="genas-pset-2", code="1.1.1")
    by_status = Counter(node.actions.values_list("status", flat=True))
    return counts, node, by_status


def test_panorama_docx_counts_per_status(demo_db):
    counts, node, by_status = genas_expected()
    assert (counts["done"], counts["postponed"], counts["planned"], counts["continuous"]) == (59, 7, 32, 44)
    word = docx_of(cached("genas-pset-2", "docx", "panorama"))
    tables = docx_tables(word)
    summary = {row[0]: row[1] for row in tables[0][1:]}
    assert summary == {"Terminées": "59", "Reportées": "7", "Nouvelles": "32", "En continu": "44", "Total": "142"}
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    index = next(i for i, text in enumerate(headings) if text.startswith("Sous-objectif 1.1.1 —"))
    node_table = tables[index - 2]  # the synthesis table, then one table per node with actions, in order
    expected = [
        f"Terminées ({by_status['done']})",
        f"Reportées ({by_status['postponed']})",
        f"Nouvelles ({by_status['planned']})",
        f"En continu ({by_status['continuous']})",
    ]
    assert node_table[0] == expected
    done = node_table[1][0].split("\n")
    assert sorted(done) == sorted(node.actions.filter(status="done").values_list("title", flat=True))


@pytest.mark.parametrize("format", ["pdf", "odt"])
def test_panorama_pdf_and_odt_counts(demo_db, format):
    text = text_of(format, cached("genas-pset-2", format, "panorama"))
    for expected in ("Terminées 59", "Reportées 7", "Nouvelles 32", "En continu 44", "Total 142"):
        assert expected in text
    _counts, node, by_status = genas_expected()
    assert f"Terminées ({by_status['done']})" in text
    assert node.actions.filter(status="done").first().title in text


# --- the calendar ------------------------------------------------------------------------------------


def test_calendar_docx_marks_the_periods(demo_db):
    word = docx_of(cached("pays-du-gier-ctg-p3", "docx", "calendar"))
    tables = docx_tables(word)
    assert all(table[0][-3:] == ["2023-2024", "2025-2026", "2027"] for table in tables)
    rows = [row for table in tables for row in table[1:]]
    creche = next(row for row in rows if "Envisager la création d'une crèche familiale" in row[0])
    assert creche[-3:] == ["●", "", ""]
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert "Intercommunal" in headings and any(text.startswith("Thème") for text in headings)
    total = Action.objects.filter(project__slug="pays-du-gier-ctg-p3", parent=None).count()
    assert len(rows) >= total


@pytest.mark.parametrize("format", ["pdf", "odt"])
def test_calendar_pdf_and_odt(demo_db, format):
    text = text_of(format, cached("pays-du-gier-ctg-p3", format, "calendar"))
    assert "2023-2024 2025-2026 2027" in text
    assert re.search(r"Envisager la création d'une crèche familiale ●", text)


def test_calendar_falls_back_to_years_and_shows_origins(demo_db):
    word = docx_of(export("clermont-sud", "docx", "calendar"))
    tables = docx_tables(word)
    assert tables[0][0] == ["Action", "Origine", "2021", "2022", "2023", "2024"]
    row = next(row for table in tables for row in table if row[0].startswith("AXE 1 - 01 —"))
    assert row[1:] == ["E", "●", "●", "", ""]


# --- the project document ----------------------------------------------------------------------------


def test_project_docx_cover_toc_headings_and_acronyms(demo_db):
    word = docx_of(cached("clermont-sud", "docx", "project"))
    cover = {row[0]: row[1] for row in docx_tables(word)[0]}
    assert cover["Territoire"] == "Territoire Sud"
    assert cover["Type de projet"] == "Projet social de centre social"
    assert cover["Période"] == "2021-2024"
    assert cover["Porteur"] == "Ville de Clermont-Ferrand"
    assert cover["Délibération"] == "Conseil municipal de Clermont-Ferrand — Rapport N° 5"
    assert cover["Date de la délibération"] == "7 mai 2021"
    assert 'TOC \\o "1-2"' in word.element.xml
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]
    top = [text for style, text in headings if style == "Heading 1"]
    assert top == [
        "Présentation",
        "Diagnostic partagé",
        "Enjeux",
        "Arborescence du projet",
        "Fiches actions",
        "Programmes transversaux",
        "Gouvernance",
        "Budget prévisionnel",
        "Sigles et abréviations",
    ]
    fiches = [text for style, text in headings if style == "Heading 2" and re.match(r"AXE \S+ [-–] \d+ — ", text)]
    assert len(fiches) == Action.objects.filter(project__slug="clermont-sud", parent=None).count() == 47
    assert "AXE 1 - 05 — Les actions « mobilité »" in fiches
    acronyms = {row[0]: row[1] for row in docx_tables(word)[-1][1:]}
    assert acronyms["ADS"] == "Agent de Développement Social"
    assert "COPIL" in acronyms  # used in the text, unknown to the project: listed without expansion
    assert "SAINT" not in acronyms and "FONTAINE" not in acronyms
    text = docx_text(word)
    assert "Aucune ligne budgétaire." in text
    assert 'Indicateurs clefs "familles" complémentaires' in text and "36%" in text


@pytest.mark.parametrize("format", ["pdf", "odt"])
def test_project_pdf_and_odt(demo_db, format):
    content = cached("clermont-sud", format, "project")
    text = text_of(format, content)
    for expected in (
        "Projet social — Centre Social Territoire Sud",
        "Ville de Clermont-Ferrand",
        "7 mai 2021",
        "Sigles et abréviations",
        "Agent de Développement Social",
        "Les actions « mobilité »",
        "Emmaüs Connect",
        "Fréquentation libre des espaces numériques",
    ):
        assert expected in text
    if format == "pdf":
        from pypdf import PdfReader

        reader = PdfReader(BytesIO(content))
        pages = len(reader.pages)
        assert f"page 3 / {pages}" in squash(reader.pages[2].extract_text())
        sommaire = squash(reader.pages[1].extract_text())
        assert re.search(r"Fiches actions \.*\s*\d+", sommaire), "the table of contents has page numbers"
        assert round(float(reader.pages[0].mediabox.width)) == 595  # A4


def test_project_budget_summary_by_funder_and_year(db):
    document = copy.deepcopy(MINIMAL)
    document["project"]["slug"] = "essai-budget"
    project = import_document(document)
    word = docx_of(export(project.slug, "docx", "project"))
    budget = next(table for table in docx_tables(word) if table[0][0] == "Financeur")
    assert budget[0] == ["Financeur", "2024", "Total"]
    assert budget[1][0] == "Caf de la Loire" and squash(budget[1][1]) == "1 500,50 €"
    text = docx_text(word)
    assert "Nombre de sessions" in text  # indicator values table of the fiche
    assert "Aucune ligne budgétaire" not in text


def test_project_document_reads_the_database_a_fixed_number_of_times(demo_db):
    project = Project.objects.get(slug="clermont-sud")
    with CaptureQueriesContext(connection) as queries:
        build(project, What("project"))
    assert len(queries) < 40, "no query per action: 47 fiches would add at least 47"


# --- bad requests ------------------------------------------------------------------------------------


def test_unknown_fiche_gets_a_french_error_and_no_file(demo_db, tmp_path):
    output = tmp_path / "fiche.docx"
    with pytest.raises(CommandError, match="Fiche action « ZZ-99 » introuvable"):
        call_command("export", "clermont-sud", "--format", "docx", "--what", "action:ZZ-99", "-o", str(output))
    assert not output.exists()


def test_unsupported_document_gets_a_french_error_and_no_file(demo_db, tmp_path):
    output = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="inconnu"):
        call_command("export", "clermont-sud", "--format", "pdf", "--what", "rapport", "-o", str(output))
    assert not output.exists()


def test_the_command_writes_a_fiche(demo_db, tmp_path):
    output = tmp_path / "fiche.pdf"
    call_command("export", "clermont-sud", "--format", "pdf", "--what", "action:A1-01", "-o", str(output))
    assert "Emmaüs Connect" in pdf_text(output.read_bytes())


def test_big_pdf_in_chunks_has_right_contents_and_page_numbers(demo_db):
    """Above the threshold the PDF is laid out in chunks by several processes and stitched back together."""
    from pypdf import PdfReader

    document = build(Project.objects.get(slug="clermont-sud"), What("project"))
    reader = PdfReader(BytesIO(pdf.render(document, chunk_units=15, workers=2, parallel_above=0)))
    pages = [squash(page.extract_text()) for page in reader.pages]
    total = len(pages)
    assert pages[0].startswith("Projet social — Centre Social Territoire Sud") and "page 1 /" not in pages[0]
    for number, text in enumerate(pages[1:], start=2):
        assert text.endswith(f"page {number} / {total}")
    listed = int(re.search(r"Fiches actions \.*\s*(\d+)", pages[1]).group(1))
    assert "Fiches actions AXE 1 - 01 — Les actions individuelles" in pages[listed - 1]
    assert "Fiches actions" not in pages[listed - 2]
    assert "Agent de Développement Social" in pages[-1] or "Agent de Développement Social" in " ".join(pages[-4:])


def test_docx_contents_are_written_without_a_field_update(demo_db):
    """The TOC field's result holds the entries, each linked to a bookmark on its heading."""
    from docx.oxml.ns import qn

    word = docx_of(cached("clermont-sud", "docx", "project"))
    body = word.element.body
    anchors = [link.get(qn("w:anchor")) for link in body.iter(qn("w:hyperlink"))]
    bookmarks = {mark.get(qn("w:name")) for mark in body.iter(qn("w:bookmarkStart"))}
    assert len(anchors) > 40 and set(anchors) <= bookmarks
    texts = [paragraph.text for paragraph in word.paragraphs]
    assert "Fiches actions\t" in texts and "Sigles et abréviations\t" in texts
    instructions = " ".join(text.text for text in body.iter(qn("w:instrText")))
    assert 'TOC \\o "1-2"' in instructions and f"PAGEREF {anchors[0]} \\h" in instructions


def test_odt_contents_are_written_without_an_index_update(demo_db):
    from odf import teletype, text
    from odf.opendocument import load

    document = load(BytesIO(cached("clermont-sud", "odt", "project")))
    index = document.text.getElementsByType(text.TableOfContent)[0]
    entries = [teletype.extractText(paragraph) for paragraph in index.getElementsByType(text.P)]
    assert "Fiches actions\t" in entries and "Sigles et abréviations\t" in entries
    bookmarks = {mark.getAttribute("name") for mark in document.text.getElementsByType(text.Bookmark)}
    references = [ref.getAttribute("refname") for ref in index.getElementsByType(text.BookmarkRef)]
    assert len(references) > 40 and set(references) <= bookmarks


def test_every_pdf_contents_entry_points_to_its_page(demo_db):
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(cached("clermont-sud", "pdf", "project")))
    pages = [squash(page.extract_text()) for page in reader.pages]
    contents = " ".join(page for page in pages[:4] if "Sommaire" in page or "....." in page)
    entries = re.findall(r"([^.]{3,}?) \.{3,}\s*(\d+)", contents)
    assert len(entries) > 40
    for title, number in entries:
        title = re.split(r"Sommaire |page \d+ / \d+ ", title)[-1]  # what came before the first entries
        words = title.strip().split()[-2:]  # the end of the title: the entry may wrap
        assert " ".join(words) in pages[int(number) - 1], (title, number)
    assert [item.title for item in reader.outline if not isinstance(item, list)][:2] == [
        "Présentation",
        "Diagnostic partagé",
    ]


# --- the tree diagram in the annex ---------------------------------------------------------------------

DIAGRAM_CAPTION = "Schéma de l'arborescence : nombre d'actions et répartition par statut"


def test_project_docx_has_the_tree_diagram_at_the_start_of_the_tree_section(demo_db):
    word = docx_of(cached("genas-pset-2", "docx", "project"))
    assert len(word.inline_shapes) == 1
    body = list(word.element.body.iterchildren(qn("w:p")))
    texts = ["".join(node.text or "" for node in paragraph.iter(qn("w:t"))) for paragraph in body]
    heading = next(i for i, text in enumerate(texts) if text == "Arborescence du projet" and i > 10)
    picture = body[heading + 1]
    properties = next(picture.iter(qn("wp:docPr")))
    assert "nombre d'actions de sa branche" in properties.get("descr")
    assert texts[heading + 2] == DIAGRAM_CAPTION
    assert texts[heading + 3].startswith("Niveaux de l'arborescence")
    shape = word.inline_shapes[0]
    assert shape.width.cm <= 17.8 + 0.01 and shape.height.cm <= 29.7 - 3.6
    assert abs(shape.height / shape.width - 3168 / 1880) < 0.01  # the Genas tree, not stretched


def test_project_odt_has_the_tree_diagram_in_its_package(demo_db):
    import zipfile

    from odf.draw import Frame
    from odf.draw import Image as DrawImage
    from odf.opendocument import load
    from odf.svg import Desc

    content = cached("genas-pset-2", "odt", "project")
    document = load(BytesIO(content))
    frames = document.text.getElementsByType(Frame)
    assert len(frames) == 1
    href = frames[0].getElementsByType(DrawImage)[0].getAttribute("href")
    assert "nombre d'actions" in str(frames[0].getElementsByType(Desc)[0])
    with zipfile.ZipFile(BytesIO(content)) as package:
        assert package.read(href).startswith(b"\x89PNG")
    text = odt_text(content)
    assert text.rindex("Arborescence du projet") < text.index(DIAGRAM_CAPTION) < text.index("Niveaux de l")


def test_project_pdf_has_the_tree_diagram_on_the_tree_page(demo_db):
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(cached("genas-pset-2", "pdf", "project")))
    pictures = []
    for number, page in enumerate(reader.pages, start=1):
        objects = page["/Resources"].get("/XObject")
        for one in (objects.get_object() if objects else {}).values():
            if one.get_object()["/Subtype"] == "/Image":
                pictures.append((number, one.get_object()["/Width"], page.extract_text()))
    assert len(pictures) == 1
    _number, width, text = pictures[0]
    assert width == 1880  # the 2× PNG, sharp when printed
    assert "Arborescence du projet" in text and DIAGRAM_CAPTION in squash(text)


def test_without_cairo_the_annex_keeps_its_textual_tree(demo_db, monkeypatch):
    from maillage.documents import diagram
    from maillage.documents.annex.model import Image

    def no_cairo(project, **options):
        raise ExportError("cairo absent")

    monkeypatch.setattr(diagram, "tree_png", no_cairo)
    document = build(Project.objects.get(slug="genas-pset-2"), What("project"))
    tree = next(section for section in document.body if section.title == "Arborescence du projet")
    assert not any(isinstance(block, Image) for block in tree.blocks)
    assert any(isinstance(block, Section) for block in tree.blocks)
    assert "Sous-objectif" in tree.blocks[0].text
