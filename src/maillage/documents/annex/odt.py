"""ODT renderer (odfpy): outline headings, paragraphs, bullet lists, bordered tables with a header row."""

from io import BytesIO

from odf.draw import Frame
from odf.draw import Image as DrawImage
from odf.namespaces import STYLENS
from odf.office import Text as OfficeText
from odf.opendocument import OpenDocumentText
from odf.style import (
    FontFace,
    GraphicProperties,
    ListLevelProperties,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableProperties,
    TableRowProperties,
    TabStop,
    TabStops,
    TextProperties,
)
from odf.svg import Desc, Title
from odf.table import Table as OdfTable
from odf.table import TableCell, TableColumn, TableHeaderRows, TableRow
from odf.text import (
    A,
    Bookmark,
    BookmarkRef,
    H,
    IndexBody,
    IndexTitle,
    IndexTitleTemplate,
    ListItem,
    ListLevelStyleBullet,
    ListStyle,
    P,
    Tab,
    TableOfContent,
    TableOfContentSource,
)
from odf.text import List as OdfList

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

BLUE = "#000091"


def _styles(odt: OpenDocumentText, landscape: bool):
    odt.fontfacedecls.addElement(FontFace(name="Liberation Sans", fontfamily="'Liberation Sans'", fontpitch="variable"))
    default = Style(name="Standard", family="paragraph")
    default.addElement(TextProperties(fontname="Liberation Sans", fontsize="9.5pt"))
    default.addElement(ParagraphProperties(marginbottom="0.12cm"))
    odt.styles.addElement(default)
    styles = {}
    for level, size in ((1, "16pt"), (2, "13pt"), (3, "11pt"), (4, "10pt")):
        style = Style(
            name=f"Heading_20_{level}",
            displayname=f"Heading {level}",
            family="paragraph",
            parentstylename="Standard",
            defaultoutlinelevel=str(level),
        )
        style.addElement(TextProperties(fontsize=size, fontweight="bold", color=BLUE, fontname="Liberation Sans"))
        style.addElement(ParagraphProperties(margintop="0.35cm", marginbottom="0.15cm", keepwithnext="always"))
        odt.styles.addElement(style)
        styles[f"h{level}"] = style
        broken = Style(name=f"Heading_{level}_break", family="paragraph", parentstylename=style)
        broken.addElement(ParagraphProperties(breakbefore="page"))
        odt.automaticstyles.addElement(broken)
        styles[f"h{level}-break"] = broken
    for name, properties in (
        ("label", {"fontweight": "bold"}),
        ("note", {"fontsize": "8.5pt", "color": "#555555"}),
        ("title", {"fontsize": "22pt", "fontweight": "bold", "color": BLUE}),
        ("th", {"fontweight": "bold", "color": BLUE}),
        ("mark", {"color": BLUE}),
        ("figure", {}),
        ("caption", {"fontsize": "8.5pt", "fontstyle": "italic", "color": "#555555"}),
    ):
        style = Style(name=f"P_{name}", family="paragraph", parentstylename="Standard")
        style.addElement(TextProperties(**properties))
        if name == "figure":
            style.addElement(ParagraphProperties(textalign="center", keepwithnext="always"))
        if name in ("mark", "caption"):
            style.addElement(ParagraphProperties(textalign="center"))
        odt.automaticstyles.addElement(style)
        styles[name] = style
    styles["p"] = default
    bullets = ListStyle(name="Bullets")
    level = ListLevelStyleBullet(level="1", bulletchar="•")
    level.addElement(ListLevelProperties(spacebefore="0.2cm", minlabelwidth="0.4cm"))
    bullets.addElement(level)
    odt.automaticstyles.addElement(bullets)
    styles["list"] = bullets
    cell = Style(name="Cell", family="table-cell")
    cell.addElement(TableCellProperties(border="0.5pt solid #929292", padding="0.08cm"))
    odt.automaticstyles.addElement(cell)
    head = Style(name="HeadCell", family="table-cell")
    head.addElement(TableCellProperties(border="0.5pt solid #929292", padding="0.08cm", backgroundcolor="#e3e3fd"))
    odt.automaticstyles.addElement(head)
    row = Style(name="Row", family="table-row")
    row.addElement(TableRowProperties(keeptogether="always"))
    odt.automaticstyles.addElement(row)
    styles.update(cell=cell, head=head, row=row)
    picture = Style(name="Picture", family="graphic")
    picture.addElement(GraphicProperties(wrap="none", verticalpos="top", verticalrel="baseline"))
    odt.automaticstyles.addElement(picture)
    styles["picture"] = picture
    layout = PageLayout(name="A4")
    width, height = ("29.7cm", "21cm") if landscape else ("21cm", "29.7cm")
    layout.addElement(
        PageLayoutProperties(
            pagewidth=width,
            pageheight=height,
            printorientation="landscape" if landscape else "portrait",
            margintop="1.8cm",
            marginbottom="1.8cm",
            marginleft="1.6cm",
            marginright="1.6cm",
        )
    )
    odt.automaticstyles.addElement(layout)
    odt.masterstyles.addElement(MasterPage(name="Standard", pagelayoutname=layout))
    return styles


class Renderer:
    def __init__(self, document: Document, progress=None):
        self.document = document
        self.progress = progress
        self.heading_count = 0  # headings are bookmarked in the order model.headings() lists them
        self.odt = OpenDocumentText()
        self.styles = _styles(self.odt, document.landscape)
        self.tables = 0
        self.table_style_cache = {}
        self.width_cm = (29.7 if document.landscape else 21) - 3.2
        self.height_cm = (21 if document.landscape else 29.7) - 3.6
        self.pictures = 0

    def contents(self, body):
        """The index body written out: each title linked to its heading's bookmark, its page number a
        bookmark reference that LibreOffice computes as it lays the document out. Updating the index
        (Outils > Mettre à jour) rebuilds it the usual way."""
        entry_styles = {}
        for level in (1, 2):
            style = Style(name=f"Sommaire{level}", family="paragraph")
            properties = ParagraphProperties(marginleft=f"{0.6 * (level - 1)}cm", marginbottom="0.08cm")
            stops = TabStops()
            stops.addElement(TabStop(position=f"{self.width_cm}cm", type="right", leaderstyle="dotted", leadertext="."))
            properties.addElement(stops)
            style.addElement(properties)
            if level == 1:
                style.addElement(TextProperties(fontweight="bold"))
            self.odt.automaticstyles.addElement(style)
            entry_styles[level] = style
        for index, (title, level) in enumerate(headings(self.document.body)):
            if level > 2:
                continue
            entry = P(stylename=entry_styles[level])
            entry.addElement(A(type="simple", href=f"#toc{index}", text=title))
            entry.addElement(Tab())
            entry.addElement(BookmarkRef(referenceformat="page", refname=f"toc{index}", text=""))
            body.addElement(entry)

    def blocks(self, parent, blocks):
        for block in blocks:
            if isinstance(block, Section):
                level = min(block.level, 4)
                style = self.styles[f"h{level}-break" if block.page_break else f"h{level}"]
                heading = H(outlinelevel=level, stylename=style)
                heading.addElement(Bookmark(name=f"toc{self.heading_count}"))
                heading.addText(block.title)
                parent.addElement(heading)
                self.heading_count += 1
                self.blocks(parent, block.blocks)
            elif isinstance(block, Paragraph):
                parent.addElement(P(stylename=self.styles.get(block.style or "p", self.styles["p"]), text=block.text))
            elif isinstance(block, BulletList):
                listing = OdfList(stylename=self.styles["list"])
                for item in block.items:
                    entry = ListItem()
                    entry.addElement(P(stylename=self.styles["p"], text=item))
                    listing.addElement(entry)
                parent.addElement(listing)
            elif isinstance(block, Table):
                self.table(parent, block)
            elif isinstance(block, Image):
                self.image(parent, block)
            elif isinstance(block, PageBreak):
                parent.addElement(P(stylename=self.styles["h4-break"], text=""))

    def image(self, parent, block: Image):
        """The picture stored in the package, in a frame as a character of a centred paragraph; its caption
        is the frame's title, its text alternative the frame's description."""
        self.pictures += 1
        width, height = block.size_cm(self.width_cm, self.height_cm - IMAGE_ROOM_CM)
        href = self.odt.addPicture(f"Pictures/image{self.pictures}.png", "image/png", block.png)
        frame = Frame(
            name=f"Image{self.pictures}",
            stylename=self.styles["picture"],
            anchortype="as-char",
            width=f"{width:.2f}cm",
            height=f"{height:.2f}cm",
        )
        frame.addElement(DrawImage(href=href, type="simple", show="embed", actuate="onLoad"))
        frame.addElement(Title(text=block.caption or block.alt))
        frame.addElement(Desc(text=block.alt))
        paragraph = P(stylename=self.styles["figure"])
        paragraph.addElement(frame)
        parent.addElement(paragraph)
        if block.caption:
            parent.addElement(P(stylename=self.styles["caption"], text=block.caption))

    def table_styles(self, widths: list[float]):
        """One table style and its column styles per set of widths, shared by every table that has them:
        odfpy walks all automatic styles on save, so a style per table would make big annexes slow."""
        key = tuple(round(width, 4) for width in widths)
        if key not in self.table_style_cache:
            name = f"T{len(self.table_style_cache) + 1}"
            style = Style(name=name, family="table")
            style.addElement(TableProperties(width=f"{self.width_cm}cm", align="margins"))
            self.odt.automaticstyles.addElement(style)
            columns = []
            for index, width in enumerate(widths):
                column_style = Style(name=f"{name}.C{index}", family="table-column")
                column_style.addElement(TableColumnProperties(columnwidth=f"{self.width_cm * width:.2f}cm"))
                self.odt.automaticstyles.addElement(column_style)
                columns.append(column_style)
            self.table_style_cache[key] = (style, columns)
        return self.table_style_cache[key]

    def table(self, parent, block: Table):
        self.tables += 1
        style, columns = self.table_styles(block.widths)
        table = OdfTable(name=f"Tableau{self.tables}", stylename=style)
        for column_style in columns:
            table.addElement(TableColumn(stylename=column_style))
        head = TableHeaderRows()
        row = TableRow(stylename=self.styles["row"])
        for title in block.header:
            one = TableCell(stylename=self.styles["head"], valuetype="string")
            one.addElement(P(stylename=self.styles["th"], text=title))
            row.addElement(one)
        head.addElement(row)
        table.addElement(head)
        for values in block.rows:
            row = TableRow(stylename=self.styles["row"])
            for value in values:
                one = TableCell(stylename=self.styles["cell"], valuetype="string")
                if len(value.blocks) == 1 and isinstance(value.blocks[0], Paragraph) and value.blocks[0].text == "●":
                    one.addElement(P(stylename=self.styles["mark"], text="●"))
                elif value.blocks:
                    self.blocks(one, value.blocks)
                else:
                    one.addElement(P(stylename=self.styles["p"], text=""))
                row.addElement(one)
            table.addElement(row)
        parent.addElement(table)

    def render(self) -> bytes:
        document, text = self.document, self.odt.text
        if document.cover:
            text.addElement(P(stylename=self.styles["title"], text=document.title))
        else:
            text.addElement(P(stylename=self.styles["h1"], text=document.title))
        if document.subtitle:
            text.addElement(P(stylename=self.styles["note"], text=document.subtitle))
        if document.cover:
            from .model import Cell
            from .model import Paragraph as Para

            self.table(
                text,
                Table(
                    ["Rubrique", "Valeur"],
                    [[Cell([Para(label, "label")]), Cell([Para(value)])] for label, value in document.cover],
                    [0.3, 0.7],
                ),
            )
        if document.toc:
            # The index body is filled by LibreOffice (Outils > Mettre à jour > Tout); until then it says so.
            toc = TableOfContent(name="Sommaire", protected="true")
            source = TableOfContentSource(outlinelevel="2")
            source.addElement(IndexTitleTemplate(text="Sommaire"))
            toc.addElement(source)
            body = IndexBody()
            title = IndexTitle(name="Sommaire_titre")
            title.addElement(P(stylename=self.styles["h1-break"], text="Sommaire"))
            body.addElement(title)
            self.contents(body)
            toc.addElement(body)
            text.addElement(toc)
        # The body is written unit by unit into a detached scratch element, serialised into a spool and
        # dropped (spool.py): odfpy would otherwise keep every element, and index it in its caches.
        pieces = units(document)
        scratch, spool, body_styles = OfficeText(), Spool(), []
        writer = spool.text_writer()
        for done, piece in enumerate(pieces, start=1):
            self.blocks(scratch, piece)
            self.odt._parseoneelement(scratch, body_styles)
            for element in scratch.childNodes:
                element.toXml(3, writer)
            scratch.childNodes.clear()
            if self.progress:
                self.progress(done, len(pieces))
        used_styles = self.odt._used_auto_styles

        def with_body_styles(segments):
            """odfpy keeps the automatic styles the tree it saves refers to; the spooled body's count too."""
            found = used_styles(segments)
            if self.odt.body not in segments:
                return found
            return found + [
                style
                for style in self.odt.automaticstyles.childNodes
                if style not in found and style.getAttrNS(STYLENS, "name") in body_styles
            ]

        self.odt._used_auto_styles = with_body_styles
        output = BytesIO()
        self.odt.write(output)
        return with_spooled_body(output.getvalue(), "content.xml", b"</office:text>", spool)


def render(document: Document, progress=None) -> bytes:
    """The ODT of ``document``; ``progress(done, total)`` is called after each page-starting unit."""
    return Renderer(document, progress).render()
