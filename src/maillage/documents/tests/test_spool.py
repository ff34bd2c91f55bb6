"""The DOCX and ODT renderers write their body through a spool (annex/spool.py): the saved package
holds every unit, in order, with the styles it uses, while the renderer keeps only the front matter."""

import re
import zipfile
from io import BytesIO

import pytest
from lxml import etree

from maillage.documents.annex import docx, odt
from maillage.documents.annex.model import BulletList, Cell, Document, Paragraph, Section, Table
from maillage.documents.annex.spool import Spool, with_spooled_body
from maillage.documents.tests.test_annex import docx_of, docx_text, odt_text


def document(fiches: int) -> Document:
    """An annex of ``fiches`` page-starting fiches, each with a paragraph, a list and a boxed table."""
    sections = [
        Section(
            f"Fiche n°{number} : accueil des familles",
            2,
            [
                Paragraph(f"Présentation de la fiche {number}, « guillemets » & <balises>."),
                BulletList([f"Premier point {number}", f"Second point {number}"]),
                Table(
                    ["Public cible", "Partenariat"],
                    [[Cell([Paragraph(f"Familles {number}")]), Cell([Paragraph("CAF, commune")])]],
                    [0.5, 0.5],
                    fiche=True,
                ),
            ],
            page_break=number > 1,
        )
        for number in range(1, fiches + 1)
    ]
    return Document(
        title="Projet social",
        cover=[("Territoire", "Genas")],
        toc=True,
        body=[Section("Présentation", 1, [Paragraph("Le projet.")]), Section("Fiches actions", 1, sections)],
    )


@pytest.mark.parametrize("fiches", [1, 30])
def test_docx_holds_every_unit_in_order_and_the_renderer_only_the_front(fiches):
    renderer = docx.Renderer(document(fiches))
    content = renderer.render()
    word = docx_of(content)
    text = docx_text(word)
    positions = [text.index(f"Présentation de la fiche {number},") for number in range(1, fiches + 1)]
    assert positions == sorted(positions)
    assert "« guillemets » & <balises>" in text
    assert f"Familles {fiches}" in text
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 2"]
    assert headings == [f"Fiche n°{number} : accueil des familles" for number in range(1, fiches + 1)]
    body = word.element.body
    assert etree.QName(body[-1]).localname == "sectPr"  # the page setup stays the body's last element
    # What the renderer kept in memory: the cover and the contents (one entry per fiche), not the fiches.
    one = docx.Renderer(document(1))
    one.render()
    assert len(renderer.word.element.body) - fiches == len(one.word.element.body) - 1


def _odt_styles(content: bytes) -> tuple[set[str], set[str]]:
    with zipfile.ZipFile(BytesIO(content)) as package:
        body = package.read("content.xml").decode()
        styles = package.read("styles.xml").decode()
    used = set(re.findall(r'(?:text|table|draw):style-name="([^"]+)"', body))
    defined = set(re.findall(r'style:name="([^"]+)"', body)) | set(re.findall(r'style:name="([^"]+)"', styles))
    return used, defined


@pytest.mark.parametrize("fiches", [1, 30])
def test_odt_holds_every_unit_and_the_styles_it_uses(fiches):
    renderer = odt.Renderer(document(fiches))
    content = renderer.render()
    text = odt_text(content)
    positions = [text.index(f"Présentation de la fiche {number},") for number in range(1, fiches + 1)]
    assert positions == sorted(positions)
    assert "« guillemets » & <balises>" in text
    used, defined = _odt_styles(content)
    assert used and used <= defined, used - defined
    with zipfile.ZipFile(BytesIO(content)) as package:
        assert package.namelist()[0] == "mimetype"
        assert package.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    # The body was never attached to the document: only the cover, its table and the contents are.
    assert len(renderer.odt.text.childNodes) <= 4


def test_spooled_body_goes_before_the_marker_and_refuses_a_missing_one():
    package = BytesIO()
    with zipfile.ZipFile(package, "w") as target:
        target.writestr("a.xml", b"<r><x/><end/></r>")
        target.writestr("b.xml", b"<b/>")
    spool = Spool()
    spool.write("<y>é</y>")
    result = with_spooled_body(package.getvalue(), "a.xml", b"<end/>", spool)
    with zipfile.ZipFile(BytesIO(result)) as package_out:
        assert package_out.read("a.xml").decode() == "<r><x/><y>é</y><end/></r>"
        assert package_out.read("b.xml") == b"<b/>"
    with pytest.raises(ValueError):
        with_spooled_body(package.getvalue(), "a.xml", b"<missing/>", Spool())


@pytest.mark.django_db
def test_fiche_details_are_read_by_chunk_and_dropped_after(demo_db):
    from maillage.documents.annex.loading import DETAILS, load
    from maillage.projects.models import Project

    data = load(Project.objects.get(slug="clermont-sud"), full=False)
    actions = data.actions[:12]
    seen = []
    for action in data.with_details(actions, chunk=5):
        assert set(DETAILS) <= set(action._prefetched_objects_cache)
        # The chunk before this one has given its details back.
        done = len(seen) // 5 * 5
        assert all(not set(DETAILS) & set(old._prefetched_objects_cache) for old in seen[:done])
        seen.append(action)
    assert len(seen) == 12
    assert all(not set(DETAILS) & set(action._prefetched_objects_cache) for action in seen)
