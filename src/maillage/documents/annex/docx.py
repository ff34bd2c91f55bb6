"""DOCX renderer (python-docx): real Word headings, a TOC field Word fills, real tables, page numbers."""

from io import BytesIO

from docx import Document as WordDocument
from docx.document import _Body
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor
from lxml import etree

from .model import (
    IMAGE_ROOM_CM,
    BulletList,
    Document,
    Image,
    PageBreak,
    Paragraph,
    Section,
    Table,
    headings,
    units,
)
from .spool import Spool, with_spooled_body

BLUE = RGBColor(0x00, 0x00, 0x91)
GREY = RGBColor(0x55, 0x55, 0x55)
HEADER_FILL = "E3E3FD"


def _field(paragraph, instruction: str, placeholder: str = ""):
    """A Word field (PAGE, NUMPAGES, TOC…): Word computes it when the document opens."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    run = paragraph.add_run()
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _field_char(paragraph, kind: str):
    run = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run._r.append(char)


def _instruction(paragraph, instruction: str):
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)


def _bookmark(paragraph, number: int, name: str):
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def bookmark_name(index: int) -> str:
    """Word's own name for contents bookmarks (hidden from the bookmark list)."""
    return f"_Toc{index:08d}"


def _styles(word):
    styles = word.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(9.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Arial")
    normal.paragraph_format.space_after = Pt(4)
    for level, size in ((1, 16), (2, 13), (3, 11), (4, 10)):
        style = styles[f"Heading {level}"]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.color.rgb = BLUE
        style.font.bold = True
        style.font.italic = False
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = Pt(12 if level <= 2 else 8)
        style.paragraph_format.space_after = Pt(4)
        rfonts = style.element.rPr.rFonts
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(attribute), "Arial")
    title = styles["Title"]
    title.font.name = "Arial"
    title.font.size = Pt(24)
    title.font.color.rgb = BLUE


def _page_setup(word, landscape: bool, footer_text: str):
    section = word.sections[0]
    width, height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    section.top_margin = section.bottom_margin = Cm(1.8)
    section.left_margin = section.right_margin = Cm(1.6)
    footer = section.footer.paragraphs[0]
    footer.style = word.styles["Footer"]
    run = footer.add_run(f"{footer_text}\t")
    run.font.size = Pt(7.5)
    footer.add_run("Page ").font.size = Pt(7.5)
    _field(footer, "PAGE", "1")
    footer.add_run(" / ").font.size = Pt(7.5)
    _field(footer, "NUMPAGES", "1")
    for run in footer.runs:
        run.font.size = Pt(7.5)
        run.font.color.rgb = GREY
    # The footer style's tab stops are centre and right; put the page number on the right one.
    tabs = footer.paragraph_format.tab_stops
    tabs.add_tab_stop(width - section.left_margin - section.right_margin, alignment=2)
    return width - section.left_margin - section.right_margin, height - section.top_margin - section.bottom_margin


def _update_fields_on_open(word):
    settings = word.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _shade(cell, fill: str):
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _row_flag(row, tag: str):
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    properties.append(element)


class Renderer:
    def __init__(self, document: Document, progress=None):
        self.document = document
        self.progress = progress
        self.heading_count = 0  # headings are bookmarked in the order model.headings() lists them
        self.word = WordDocument()
        _styles(self.word)
        self.text_width, self.text_height = _page_setup(self.word, document.landscape, document.title)
        # python-docx looks a style up among all styles on every assignment; keep the ids and set them
        # directly, which turns the 1,000-fiche document from minutes into seconds.
        self.bullet = self.word.styles["List Bullet"].style_id
        self.headings = {level: self.word.styles[f"Heading {level}"].style_id for level in range(1, 5)}
        self.grid = self.word.styles["Table Grid"].style_id
        self.caption = self.word.styles["Caption"].style_id

        # The body is written into a small scratch body, serialised section by section into a spool and
        # dropped (spool.py): python-docx would otherwise hold the whole annex as objects (3.5 GB at 10,000
        # fiches) and insert each element before w:sectPr by scanning the whole body.
        self.scratch = _Body(OxmlElement("w:body"), self.word)
        self.spool = Spool()

    def contents(self):
        """The TOC field with its entries already written (titles linked to their headings, page numbers
        as PAGEREF fields): useful as it is, and Word rebuilds it when fields are updated."""
        word = self.word
        opening = word.add_paragraph()
        _field_char(opening, "begin")
        _instruction(opening, 'TOC \\o "1-2" \\h \\z \\u')
        _field_char(opening, "separate")
        for index, (title, level) in enumerate(headings(self.document.body)):
            if level > 2:
                continue
            entry = word.add_paragraph()
            layout = entry.paragraph_format
            layout.left_indent = Cm(0.6 * (level - 1))
            layout.space_after = Pt(2)
            layout.tab_stops.add_tab_stop(self.text_width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), bookmark_name(index))
            link.set(qn("w:history"), "1")
            entry._p.append(link)
            run = entry.add_run(title)
            if level == 1:
                run.bold = True
            link.append(run._r)
            entry.add_run("\t")
            _field_char(entry, "begin")
            _instruction(entry, f"PAGEREF {bookmark_name(index)} \\h")
            _field_char(entry, "separate")
            entry.add_run("")
            _field_char(entry, "end")
        _field_char(word.add_paragraph(), "end")

    def flush(self):
        for element in list(self.scratch._element):
            self.spool.write(etree.tostring(element, encoding="utf-8"))
            self.scratch._element.remove(element)

    def styled(self, container, style_id: str, text: str = ""):
        paragraph = container.add_paragraph(text)
        paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = style_id
        return paragraph

    def paragraph(self, container, block: Paragraph, first=None):
        paragraph = first if first is not None else container.add_paragraph()
        run = paragraph.add_run(block.text)
        if block.style == "label":
            run.bold = True
            paragraph.paragraph_format.space_after = Pt(1)
            paragraph.paragraph_format.keep_with_next = True
        elif block.style == "note":
            run.font.size = Pt(8.5)
            run.font.color.rgb = GREY
        return paragraph

    def blocks(self, container, blocks, in_cell=False):
        first = container.paragraphs[0] if in_cell else None
        for block in blocks:
            if isinstance(block, Section):
                heading = self.styled(container, self.headings[min(block.level, 4)], block.title)
                _bookmark(heading, self.heading_count, bookmark_name(self.heading_count))
                self.heading_count += 1
                if block.page_break:
                    heading.paragraph_format.page_break_before = True
                self.blocks(container, block.blocks)
                if container is self.scratch:
                    self.flush()
            elif isinstance(block, Paragraph):
                self.paragraph(container, block, first)
                first = None
            elif isinstance(block, BulletList):
                for item in block.items:
                    if first is not None:
                        first._p.get_or_add_pPr().get_or_add_pStyle().val = self.bullet
                        first.add_run(item)
                        first = None
                    else:
                        self.styled(container, self.bullet, item)
            elif isinstance(block, Table):
                self.table(container, block)
            elif isinstance(block, Image):
                self.image(container, block)
            elif isinstance(block, PageBreak):
                container.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def image(self, container, block: Image):
        """A centred inline picture, its text alternative in the drawing's description, the caption under it."""
        width, _height = block.size_cm(Length(self.text_width).cm, Length(self.text_height).cm - IMAGE_ROOM_CM)
        paragraph = container.add_paragraph()
        paragraph.alignment = 1
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run().add_picture(BytesIO(block.png), width=Cm(width))
        for properties in paragraph._p.iter(qn("wp:docPr")):
            properties.set("descr", block.alt)
            properties.set("title", block.caption or block.alt)
        if block.caption:
            caption = self.styled(container, self.caption, block.caption)
            caption.alignment = 1

    def table(self, container, block: Table):
        if container is self.scratch:
            table = container.add_table(1 + len(block.rows), len(block.header), self.text_width)
        else:
            table = container.add_table(rows=1 + len(block.rows), cols=len(block.header))
        table._tbl.tblPr.get_or_add_tblStyle().val = self.grid
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = [int(self.text_width * width) for width in block.widths]
        rows = table.rows
        header = rows[0]
        _row_flag(header, "w:tblHeader")
        _row_flag(header, "w:cantSplit")
        for index, (one, title) in enumerate(zip(header.cells, block.header, strict=True)):
            one.width = widths[index]
            run = one.paragraphs[0].add_run(title)
            run.bold = True
            run.font.color.rgb = BLUE
            one.paragraphs[0].paragraph_format.keep_with_next = True
            _shade(one, HEADER_FILL)
        for row, values in zip(rows[1:], block.rows, strict=True):
            if block.fiche or len(values) > 1:
                _row_flag(row, "w:cantSplit")
            for index, (one, value) in enumerate(zip(row.cells, values, strict=True)):
                one.width = widths[index]
                self.blocks(one, value.blocks, in_cell=True)
                if len(value.blocks) == 1 and isinstance(value.blocks[0], Paragraph) and value.blocks[0].text == "●":
                    one.paragraphs[0].alignment = 1
        if not block.fiche:
            container.add_paragraph().paragraph_format.space_after = Pt(0)

    def render(self) -> bytes:
        document, word = self.document, self.word
        if document.cover:
            title = word.add_paragraph(document.title, style="Title")
            title.paragraph_format.space_before = Cm(5)
            if document.subtitle:
                subtitle = word.add_paragraph()
                run = subtitle.add_run(document.subtitle)
                run.font.size = Pt(13)
                run.font.color.rgb = GREY
            cover = word.add_table(rows=len(document.cover), cols=2)
            cover.style = word.styles["Table Grid"]
            for row, (label, value) in zip(cover.rows, document.cover, strict=True):
                cells = row.cells
                cells[0].width, cells[1].width = Cm(5), Cm(10)
                cells[0].paragraphs[0].add_run(label).bold = True
                _shade(cells[0], HEADER_FILL)
                cells[1].paragraphs[0].add_run(value)
        else:
            paragraph = word.add_paragraph()
            run = paragraph.add_run(document.title)
            run.bold = True
            run.font.size = Pt(15)
            run.font.color.rgb = BLUE
            if document.subtitle:
                word.add_paragraph().add_run(document.subtitle).font.color.rgb = GREY
        if document.toc:
            heading = word.add_paragraph()
            heading.paragraph_format.page_break_before = True
            run = heading.add_run("Sommaire")
            run.bold = True
            run.font.size = Pt(16)
            run.font.color.rgb = BLUE
            self.contents()
            _update_fields_on_open(word)
        pieces = units(document)
        for done, piece in enumerate(pieces, start=1):
            self.blocks(self.scratch, piece)
            self.flush()
            if self.progress:
                self.progress(done, len(pieces))
        output = BytesIO()
        word.save(output)
        # The spooled body goes after the front matter, before the body's own w:sectPr (the last one).
        return with_spooled_body(output.getvalue(), "word/document.xml", b"<w:sectPr", self.spool)


def render(document: Document, progress=None) -> bytes:
    """The DOCX of ``document``; ``progress(done, total)`` is called after each page-starting unit."""
    return Renderer(document, progress).render()
