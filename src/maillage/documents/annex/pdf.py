"""PDF renderer: the document model laid out by ReportLab's platypus.

Why ReportLab and not an HTML engine: WeasyPrint needed about 0.1 s of processor per page (a
1,000-fiche annex is 2,300 pages: 3.5 minutes on two cores); ReportLab lays the same pages out in
about 0.015 s each. The body is cut where a page starts anyway (each top-level section, each fiche)
into chunks; big documents lay their chunks out in a pool of processes. The front matter (cover and
contents) is laid out last, with the page numbers the chunks reported, and "page X / Y" is written on
every page once the total is known. Every text goes through ``markup``: what users typed never
becomes markup.
"""

import dataclasses
import functools
import os
from html import escape
from io import BytesIO
from pathlib import Path

from .model import IMAGE_ROOM_CM, BulletList, Document, Image, PageBreak, Paragraph, Section, Table, headings, units

BLUE, GREY, DARK, RULE, SHADE, INK = "#000091", "#555555", "#3a3a3a", "#929292", "#e3e3fd", "#161616"
MARGINS_MM = {"top": 18, "right": 16, "bottom": 20, "left": 16}
FOOTER_Y_MM = 10
FOOTER_SIZE = 7.5
CHUNK_THRESHOLD = 120  # page-starting units above which chunks are laid out in parallel processes
CHUNK_UNITS = 40
FONT, BOLD, SIGNS, SIGNS_BOLD = "MaillageSans", "MaillageSans-Bold", "MaillageSigns", "MaillageSigns-Bold"

# Liberation Sans (metric twin of Arial) for the text, DejaVu Sans for the signs it lacks (↳, the
# narrow no-break space of French typography…); ReportLab's own Vera fonts if Debian's are missing.
FONT_FILES = {
    FONT: ["liberation/LiberationSans-Regular.ttf", "liberation2/LiberationSans-Regular.ttf"],
    BOLD: ["liberation/LiberationSans-Bold.ttf", "liberation2/LiberationSans-Bold.ttf"],
    SIGNS: ["dejavu/DejaVuSans.ttf"],
    SIGNS_BOLD: ["dejavu/DejaVuSans-Bold.ttf"],
}
FONT_DIRS = ["/usr/share/fonts/truetype", "/usr/local/share/fonts", "/usr/share/fonts"]
VERA = {FONT: "Vera.ttf", BOLD: "VeraBd.ttf", SIGNS: "Vera.ttf", SIGNS_BOLD: "VeraBd.ttf"}


@functools.cache
def _fonts() -> dict[str, frozenset]:
    """Register the fonts once per process; returns the characters each text font has."""
    import reportlab
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    covered = {}
    for name, candidates in FONT_FILES.items():
        found = next(
            (Path(folder, name) for name in candidates for folder in FONT_DIRS if Path(folder, name).exists()),
            Path(reportlab.__file__).parent / "fonts" / VERA[name],
        )
        font = TTFont(name, str(found))
        pdfmetrics.registerFont(font)
        covered[name] = frozenset(chr(code) for code in font.face.charToGlyph)
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, BOLD)
    return covered


def markup(text: str, bold: bool = False) -> str:
    """Plain text → ReportLab paragraph markup: escaped, signs the text font lacks set in the fallback font."""
    covered = _fonts()[BOLD if bold else FONT]
    parts = []
    for char in escape(text or ""):
        if char in covered or char in "\n\t":
            parts.append(char)
        else:
            parts.append(f'<font name="{SIGNS_BOLD if bold else SIGNS}">{char}</font>')
    return "".join(parts).replace('</font><font name="' + SIGNS + '">', "")


@functools.cache
def _styles() -> dict:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    _fonts()
    blue = HexColor(BLUE)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.8, spaceAfter=4.3, textColor=HexColor(INK))
    heading = {"fontName": BOLD, "textColor": blue, "keepWithNext": 1}
    heading4 = heading | {"textColor": HexColor(DARK)}
    return {
        "": body,
        "label": ParagraphStyle("label", body, fontName=BOLD, spaceBefore=3.3, spaceAfter=1.4),
        "note": ParagraphStyle("note", body, fontSize=8.5, leading=11, textColor=HexColor(GREY)),
        "item": ParagraphStyle(
            "item", body, leftIndent=11.4, bulletIndent=1.5, bulletFontName=FONT, bulletFontSize=9.5, spaceAfter=1.4
        ),
        "th": ParagraphStyle("th", body, fontName=BOLD, fontSize=9, leading=11, spaceAfter=0, textColor=HexColor(BLUE)),
        "mark": ParagraphStyle("mark", body, fontSize=11, alignment=TA_CENTER, textColor=HexColor(BLUE)),
        "caption": ParagraphStyle(
            "caption",
            body,
            fontSize=8.5,
            leading=11,
            alignment=TA_CENTER,
            textColor=HexColor(GREY),
            spaceBefore=4,
            spaceAfter=10,
        ),
        1: ParagraphStyle("h1", body, fontSize=17, leading=20.4, spaceBefore=18, spaceAfter=9, **heading),
        2: ParagraphStyle("h2", body, fontSize=13, leading=15.6, spaceBefore=14, spaceAfter=6, **heading),
        3: ParagraphStyle("h3", body, fontSize=11, leading=13.2, spaceBefore=12, spaceAfter=5, **heading),
        4: ParagraphStyle("h4", body, fontSize=10, leading=12, spaceBefore=11, spaceAfter=4.5, **heading4),
        "title": ParagraphStyle("title", body, fontName=BOLD, fontSize=24, leading=29, textColor=HexColor(BLUE)),
        "subtitle": ParagraphStyle("subtitle", body, fontSize=12, leading=15, textColor=HexColor(DARK)),
        "doc-title": ParagraphStyle("doc-title", body, fontName=BOLD, fontSize=15, leading=18, textColor=blue),
        "doc-subtitle": ParagraphStyle("doc-subtitle", body, textColor=HexColor(DARK), spaceAfter=8),
        "toc1": ParagraphStyle("toc1", body, spaceAfter=1.5, rightIndent=30),
        "toc2": ParagraphStyle("toc2", body, fontSize=9, leading=12, spaceAfter=1.5, leftIndent=11, rightIndent=30),
    }


def _page_size(document: Document):
    from reportlab.lib.pagesizes import A4, landscape

    return landscape(A4) if document.landscape else A4


def _frame_width(document: Document) -> float:
    from reportlab.lib.units import mm

    return _page_size(document)[0] - (MARGINS_MM["left"] + MARGINS_MM["right"]) * mm


# --- the model as flowables ---------------------------------------------------------------------------


def _flowables(blocks, out: list, anchors: list, width: float):
    from reportlab.platypus import PageBreak as BreakFlowable
    from reportlab.platypus import Paragraph as Para

    styles = _styles()
    for block in blocks:
        if isinstance(block, Section):
            if block.page_break and out:
                out.append(BreakFlowable())
            level = min(block.level, 4)
            heading = _heading_class()(markup(block.title, bold=True), styles[level])
            heading.anchor = f"s{len(anchors)}"
            anchors.append((heading.anchor, block.title, block.level))
            out.append(heading)
            if level == 1:
                out.append(_Rule(width))
            _flowables(block.blocks, out, anchors, width)
        elif isinstance(block, Paragraph):
            out.append(Para(markup(block.text, bold=block.style == "label"), styles[block.style]))
        elif isinstance(block, BulletList):
            out.extend(Para(markup(item), styles["item"], bulletText="•") for item in block.items)
        elif isinstance(block, Image):
            out.extend(_image(block, width))
        elif isinstance(block, Table):
            out.append(_table(block, anchors, width))
            if not block.fiche:
                out.append(_gap(9))
        elif isinstance(block, PageBreak) and out:
            out.append(BreakFlowable())


@functools.cache
def _heading_class():
    from reportlab.platypus import Paragraph as Para

    class Heading(Para):
        """A heading notes the page it is drawn on (for the contents and the outline)."""

        anchor = None

        def draw(self):
            pages = getattr(self.canv, "maillage_anchors", None)
            if pages is not None and self.anchor:
                pages.setdefault(self.anchor, self.canv.getPageNumber())
            super().draw()

    return Heading


def _image(block: Image, width: float) -> list:
    """The picture, centred and shrunk to the frame, kept with its caption."""
    from reportlab.lib.units import cm
    from reportlab.platypus import Image as ImageFlowable
    from reportlab.platypus import Paragraph as Para

    picture_width, picture_height = block.size_cm(width / cm, _frame_height(width) / cm - IMAGE_ROOM_CM)
    picture = ImageFlowable(BytesIO(block.png), width=picture_width * cm, height=picture_height * cm, hAlign="CENTER")
    if not block.caption:
        return [picture]
    picture.keepWithNext = 1
    return [picture, Para(markup(block.caption), _styles()["caption"])]


def _gap(height: float):
    from reportlab.platypus import Spacer

    return Spacer(1, height)


def _Rule(width: float):
    """The 2-point blue rule under a level-1 heading."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus.flowables import HRFlowable

    rule = HRFlowable(width="100%", thickness=1.5, color=HexColor(BLUE), spaceBefore=-6, spaceAfter=8)
    rule.keepWithNext = 1
    return rule


def _table(table: Table, anchors: list, width: float):
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Paragraph as Para
    from reportlab.platypus import TableStyle

    styles = _styles()
    data = [[Para(markup(title, bold=True), styles["th"]) for title in table.header]]
    for row in table.rows:
        cells = []
        for one in row:
            texts = [block.text for block in one.blocks if isinstance(block, Paragraph)]
            if len(one.blocks) == 1 and texts == ["●"]:
                cells.append(Para(markup("●"), styles["mark"]))
                continue
            content: list = []
            _flowables(one.blocks, content, anchors, width)
            if content and hasattr(content[-1], "style"):
                content[-1].style = _last_in_cell(content[-1].style)
            cells.append(content)
        data.append(cells)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.6, HexColor(RULE)),
        ("BACKGROUND", (0, 0), (-1, 0), HexColor(SHADE)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    return _box_table(_frame_height(width))(
        data,
        colWidths=[share * width for share in table.widths],
        repeatRows=1,
        style=TableStyle(commands),
        splitByRow=1,
        splitInRow=1,
        spaceBefore=0,
        spaceAfter=0,
    )


def _frame_height(width: float) -> float:
    """The body frame's height, told by its width (portrait or landscape A4)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    portrait = abs(width - _frame_width(Document(""))) < 1
    return (A4[1] if portrait else A4[0]) - (MARGINS_MM["top"] + MARGINS_MM["bottom"]) * mm


@functools.cache
def _box_table(frame_height: float):
    """A table whose rows move whole to the next page, unless a row is taller than a page: then it is cut."""
    from reportlab.platypus import Table as TableFlowable

    class BoxTable(TableFlowable):
        def split(self, availWidth, availHeight):
            self._calc(availWidth, availHeight)
            result = self._splitRows(availHeight, doInRowSplit=False)
            if result:
                return result
            header = sum(self._rowHeights[: self.repeatRows])
            if max(self._rowHeights, default=0) + header <= frame_height:
                return []  # the row fits on the next page: it moves there whole
            return self._splitRows(availHeight, doInRowSplit=True)

    return BoxTable


@functools.cache
def _last_in_cell_style(style):
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(style.name + "-last", style, spaceAfter=0)


def _last_in_cell(style):
    """No space under the last paragraph of a cell (the cell has its padding)."""
    return _last_in_cell_style(style)


# --- laying out -------------------------------------------------------------------------------------------


def _template_class():
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    class Template(BaseDocTemplate):
        """Records on which page each heading lands; draws the footer title (the numbers come later)."""

        def __init__(self, output, document: Document, footer: bool, **kwargs):
            from reportlab.lib.units import mm

            size = _page_size(document)
            super().__init__(
                output,
                pagesize=size,
                leftMargin=MARGINS_MM["left"] * mm,
                rightMargin=MARGINS_MM["right"] * mm,
                topMargin=MARGINS_MM["top"] * mm,
                bottomMargin=MARGINS_MM["bottom"] * mm,
                title=document.title,
                lang="fr",
            )
            frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body", **_NO_PADDING)
            self.addPageTemplates([PageTemplate("page", [frame], onPage=self._footer)])
            self.anchors: dict[str, int] = {}
            self.footer = footer
            self.footer_title = document.title
            self.skip_first = bool(document.cover)

        def beforeDocument(self):
            self.canv.setNamedCB("leader", _draw_leader)
            self.canv.maillage_anchors = self.anchors

        def _footer(self, canvas, doc):
            if not self.footer or (self.skip_first and doc.page == 1):
                return
            from reportlab.lib.colors import HexColor
            from reportlab.lib.units import mm

            canvas.saveState()
            canvas.setFont(FONT, FOOTER_SIZE)
            canvas.setFillColor(HexColor(GREY))
            title = self.footer_title
            room = self.width * 0.75
            while title and canvas.stringWidth(title, FONT, FOOTER_SIZE) > room:
                title = title[: max(len(title) - 4, 0)].rstrip() + "…"
                if len(title) <= 2:
                    break
            canvas.drawString(self.leftMargin, FOOTER_Y_MM * mm, title)
            canvas.restoreState()

    return Template


_NO_PADDING = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}


def _draw_leader(canvas, kind, label):
    """Dotted leader and right-aligned page number after a contents entry (``<onDraw name="leader">``),
    written into the paragraph's own text object so that they follow the title in reading order."""
    number, width = label.split("|")
    info = canvas._curr_tx_info
    text, x, y = info["tx"], info["cur_x"], info["cur_y"]
    font, size = text._fontname, text._fontsize
    right = float(width)
    number_width = canvas.stringWidth(number, font, size)
    dot = canvas.stringWidth(".", font, size)
    dots = max(int((right - number_width - x - 4) / dot), 0)
    text.setTextOrigin(right - number_width - 3 - dots * dot, y)
    text.textOut("." * dots)
    text.setTextOrigin(right - number_width, y)
    text.textOut(number)


def _layout(document: Document, flowables: list, footer: bool = True):
    """Lay the flowables out: (PDF bytes, number of pages, {anchor: page number in this piece})."""
    output = BytesIO()
    template = _template_class()(output, document, footer)
    template.build(flowables)
    return output.getvalue(), template.page, template.anchors


def _front(document: Document, anchors: list, numbers: dict[str, int]) -> list:
    """Cover (or a title) and the contents, with the page numbers ``numbers`` gives each anchor."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph as Para
    from reportlab.platypus import Table as TableFlowable
    from reportlab.platypus import TableStyle

    styles = _styles()
    width = _frame_width(document)
    out: list = []
    if document.cover:
        out += [_gap(45 * mm), Para(markup(document.title, bold=True), styles["title"]), _gap(6)]
        if document.subtitle:
            out.append(Para(markup(document.subtitle), styles["subtitle"]))
        out.append(_gap(18 * mm))
        rows = [
            [Para(markup(label, bold=True), styles["th"]), Para(markup(value), _last_in_cell(styles[""]))]
            for label, value in document.cover
        ]
        out.append(
            TableFlowable(
                rows,
                colWidths=[0.75 * width * 0.35, 0.75 * width * 0.65],
                hAlign="LEFT",
                style=TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.6, HexColor(RULE)),
                        ("BACKGROUND", (0, 0), (0, -1), HexColor(SHADE)),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("TOPPADDING", (0, 0), (-1, -1), 3),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ]
                ),
            )
        )
    else:
        out.append(Para(markup(document.title, bold=True), styles["doc-title"]))
        if document.subtitle:
            out.append(Para(markup(document.subtitle), styles["doc-subtitle"]))
    if document.toc:
        from reportlab.platypus import PageBreak as BreakFlowable

        out += [BreakFlowable(), Para("Sommaire", styles[1]), _Rule(width)]
        for anchor, title, level in anchors:
            if level > 2:
                continue
            style = styles[f"toc{level}"]
            out.append(Para(f'{markup(title)}<onDraw name="leader" label="{numbers.get(anchor, 0)}|{width}"/>', style))
    return out


def _render_piece(document: Document, pieces: list, first_anchor: int, front: bool = False) -> tuple:
    """One chunk of the body, laid out on its own (in a worker process for big documents); ``front``:
    the document's title (or cover) first, for a document without contents."""
    flowables: list = _front(document, [], {}) if front else []
    anchors: list = [None] * first_anchor  # the anchors keep the numbers they have in the whole document
    for piece in pieces:
        _flowables(piece, flowables, anchors, _frame_width(document))
    return _layout(document, flowables)


def _chunk_job(job):
    document, pieces, first_anchor, front = job
    return _render_piece(document, pieces, first_anchor, front), len(pieces)


def render(
    document: Document,
    progress=None,
    chunk_units: int = CHUNK_UNITS,
    workers: int | None = None,
    parallel_above: int = CHUNK_THRESHOLD,
) -> bytes:
    """The PDF of ``document``; ``progress(done, total)`` is called as page-starting units are laid out."""
    pieces = units(document)
    total = len(pieces)
    chunks = [pieces[start : start + chunk_units] for start in range(0, total, chunk_units)] or [[]]
    anchors: list = []  # (key, title, level) of every heading of the body, in order
    jobs = []
    frame = dataclasses.replace(document, body=[])  # what a chunk needs of the document, cheap to send
    for chunk in chunks:
        jobs.append((frame, chunk, len(anchors), not jobs and not document.toc))
        for piece in chunk:
            for title, level in headings(piece):
                anchors.append((f"s{len(anchors)}", title, level))
    workers = workers or min(len(chunks), os.cpu_count() or 1, 4)
    results, done = [], 0
    if total > parallel_above and workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            outcomes = pool.map(_chunk_job, jobs)
            for result, count in outcomes:
                results.append(result)
                done += count
                if progress:
                    progress(done, total)
    else:
        for job in jobs:
            result, count = _chunk_job(job)
            results.append(result)
            done += count
            if progress:
                progress(done, total)
    return _assemble(document, anchors, results)


def _assemble(document: Document, anchors: list, results: list) -> bytes:
    """Front matter with the page numbers, then the chunks, numbered, with an outline."""
    from pypdf import PdfReader, PdfWriter

    # The front matter's length does not depend on the numbers it prints: lay it out once to count it.
    offset = front_pages = _layout(document, _front(document, anchors, {}))[1] if document.toc else 0
    numbers: dict[str, int] = {}
    for _pdf, pages, chunk_anchors in results:
        numbers.update({key: offset + page for key, page in chunk_anchors.items()})
        offset += pages
    contents = [pdf for pdf, _pages, _anchors in results]
    if document.toc:
        front, front_pages_again, _ = _layout(document, _front(document, anchors, numbers))
        assert front_pages_again == front_pages, "the contents changed length with their page numbers"
        contents.insert(0, front)
    writer = PdfWriter()
    for content in contents:
        writer.append(PdfReader(BytesIO(content)))
    _number_pages(writer, document, skip_first=bool(document.cover))
    parents: dict[int, object] = {}
    for key, title, level in anchors:
        if level > 2 or key not in numbers:
            continue
        parent = parents.get(level - 1)
        parents[level] = writer.add_outline_item(title=title, page_number=numbers[key] - 1, parent=parent)
    writer.add_metadata({"/Title": document.title})
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def _number_pages(writer, document: Document, skip_first: bool):
    """Write "page X / Y" at the right of each footer: one small content stream added to every page."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    total = len(writer.pages)
    right = _page_size(document)[0] - MARGINS_MM["right"] * mm
    for number, page in enumerate(writer.pages, start=1):
        if skip_first and number == 1:
            continue
        text = f"page {number} / {total}"
        x = right - stringWidth(text, "Helvetica", FOOTER_SIZE)
        stream = DecodedStreamObject()
        stream.set_data(
            f"q BT /MaillageNumbers {FOOTER_SIZE} Tf 0.333 0.333 0.333 rg {x:.2f} {FOOTER_Y_MM * mm:.2f} Td "
            f"({text}) Tj ET Q".encode("ascii")
        )
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        if isinstance(contents, ArrayObject):
            parts = list(contents)
        else:
            parts = [page.raw_get("/Contents")] if contents is not None else []
        parts.append(writer._add_object(stream))
        page[NameObject("/Contents")] = ArrayObject(parts)
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        fonts = resources.get("/Font")
        fonts = DictionaryObject(fonts.get_object()) if fonts is not None else DictionaryObject()
        fonts[NameObject("/MaillageNumbers")] = font
        resources = DictionaryObject(resources)
        resources[NameObject("/Font")] = fonts
        page[NameObject("/Resources")] = resources
