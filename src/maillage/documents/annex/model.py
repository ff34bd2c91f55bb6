"""The one representation of a written document that the DOCX, PDF and ODT renderers all read.

Builders (``building.py``) turn the project into this small tree; renderers never look at the
database, so the three formats always say the same thing.
"""

import re
import struct
from dataclasses import dataclass, field


@dataclass
class Paragraph:
    """Plain text (never markup). ``style``: "" (body), "label" (bold box label), "note" (small grey)."""

    text: str
    style: str = ""


@dataclass
class BulletList:
    items: list[str]


@dataclass
class Cell:
    blocks: list = field(default_factory=list)


@dataclass
class Table:
    """A table with a header row. ``fiche``: the boxed two/three-column layout of an action sheet,
    rows kept whole on a page and stacked without a gap under the previous fiche table."""

    header: list[str]
    rows: list[list[Cell]]
    widths: list[float]
    fiche: bool = False


# Height kept free on an image's page for the heading above it and its caption.
IMAGE_ROOM_CM = 4.5


@dataclass
class Image:
    """A PNG picture, as wide as ``width_cm`` at most, shrunk by the renderers to fit the text area (width,
    and height under a heading), with a caption under it and a text alternative for screen readers."""

    png: bytes
    width_cm: float
    alt: str
    caption: str = ""

    @property
    def ratio(self) -> float:
        """Height over width, read in the PNG header (no imaging library needed)."""
        width, height = struct.unpack(">II", self.png[16:24])
        return height / width

    def size_cm(self, max_width_cm: float, max_height_cm: float) -> tuple[float, float]:
        width = min(self.width_cm, max_width_cm, max_height_cm / self.ratio)
        return width, width * self.ratio


@dataclass
class PageBreak:
    pass


@dataclass
class Section:
    """A heading (level 1 to 4) and what follows it; sub-sections are blocks too."""

    title: str
    level: int
    blocks: list = field(default_factory=list)
    page_break: bool = False


@dataclass
class Document:
    title: str
    subtitle: str = ""
    cover: list[tuple[str, str]] = field(default_factory=list)
    toc: bool = False
    landscape: bool = False
    body: list = field(default_factory=list)


_LIST_ITEM = re.compile(r"^\s*[-•–]\s+")


def text_blocks(text: str) -> list:
    """Plain text of the model → blocks: blank lines part paragraphs, lines starting with "- " are items."""
    blocks = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush_paragraph():
        if paragraph:
            blocks.append(Paragraph(" ".join(line.strip() for line in paragraph)))
            paragraph.clear()

    def flush_items():
        if items:
            blocks.append(BulletList(list(items)))
            items.clear()

    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if not line.strip():
            flush_paragraph()
            flush_items()
        elif _LIST_ITEM.match(line):
            flush_paragraph()
            items.append(_LIST_ITEM.sub("", line, count=1).strip())
        elif items and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()  # a wrapped list item
        else:
            flush_items()
            paragraph.append(line)
    flush_paragraph()
    flush_items()
    return blocks


def cell(*parts) -> Cell:
    """A cell from strings (plain text, parsed) and ready-made blocks."""
    blocks = []
    for part in parts:
        if isinstance(part, str):
            blocks.extend(text_blocks(part))
        elif part is not None:
            blocks.append(part)
    return Cell(blocks)


def walk_texts(blocks):
    """Every piece of text of these blocks, in reading order (for the acronym scan)."""
    for block in blocks:
        if isinstance(block, Section):
            yield block.title
            yield from walk_texts(block.blocks)
        elif isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, BulletList):
            yield from block.items
        elif isinstance(block, Image):
            yield block.caption
        elif isinstance(block, Table):
            yield from block.header
            for row in block.rows:
                for one in row:
                    yield from walk_texts(one.blocks)


def units(document: Document) -> list[list]:
    """The body cut where a new page starts anyway: each top-level block, each page-breaking sub-section.
    Renderers lay these out one after the other and report progress per unit (a fiche is one)."""
    result = []
    for block in document.body:
        if isinstance(block, Section) and any(
            isinstance(child, Section) and child.page_break for child in block.blocks
        ):
            current = [Section(block.title, block.level, [], page_break=block.page_break)]
            for child in block.blocks:
                if isinstance(child, Section) and child.page_break:
                    result.append(current)
                    current = [child]
                else:
                    current.append(child)
            result.append(current)
        else:
            result.append([block])
    return result


def headings(blocks):
    """(title, level) of every section, in reading order (sections in table cells too)."""
    for block in blocks:
        if isinstance(block, Section):
            yield block.title, block.level
            yield from headings(block.blocks)
        elif isinstance(block, Table):
            for row in block.rows:
                for one in row:
                    yield from headings(one.blocks)
