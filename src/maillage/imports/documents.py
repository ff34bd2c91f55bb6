"""Opening a plan document (DOCX, ODT, PDF, TXT, Markdown) as a flat list of blocks, refusing bad files.

Every format becomes the same thing — headings, paragraphs, list items and table rows, each with
where it was found (page, line, paragraph) — so that ``structure`` recognises a plan with one set of
rules whatever the file. Cells keep the interchange text form (a blank line between paragraphs,
``- `` before a list item) so that a fiche section can be stored as it is read.

The size limit (``MAILLAGE_IMPORT_MAX_BYTES``) and the page limit (``MAILLAGE_IMPORT_MAX_PAGES``)
are checked before any content is parsed: the page count comes from the PDF page tree, the
document statistics of a DOCX (``docProps/app.xml``) or an ODT (``meta.xml``), and one page per
60 lines of a text file. Before that, what the file unpacks to is bounded (``limits``): the members
of a DOCX or ODT, the streams of a PDF.
"""

import html
import io
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .limits import check_pdf_streams, check_zip
from .reading import OLE_HEADER, UnreadableFile, _megabytes, max_bytes, why

DOCUMENT_EXTENSIONS = {".docx", ".odt", ".pdf", ".txt", ".md", ".markdown"}
DEFAULT_MAX_PAGES = 300
LINES_PER_PAGE = 60  # how a text file is counted against the page limit

Progress = Callable[[int, int], None] | None


@dataclass
class Block:
    """One unit of the document: ``heading``, ``paragraph``, ``item`` (of a list) or ``row`` (of a table)."""

    kind: str
    text: str
    where: str
    level: int = 0  # a heading's rank (1 is the top) or an item's depth (0 is the top)
    cells: list[str] = field(default_factory=list)  # a row's cells, in the interchange text form
    table: int = 0  # the rows of one table share a number
    gap: bool = True  # a blank line before it (a text file); False: the line right after the previous block


def max_pages() -> int:
    return int(getattr(settings, "MAILLAGE_IMPORT_MAX_PAGES", DEFAULT_MAX_PAGES))


def is_document(path) -> bool:
    return Path(str(path)).suffix.lower() in DOCUMENT_EXTENSIONS


def read_blocks(path, name: str | None = None, progress: Progress = None) -> list[Block]:
    """The blocks of a document file (a path or a binary file object); ``name`` is shown in messages."""
    if hasattr(path, "read"):
        data = path.read()
        name = name or getattr(path, "name", "document")
    else:
        path = Path(path)
        name = name or path.name
        size = path.stat().st_size
        _check_size(name, size)
        data = path.read_bytes()
    name = Path(str(name)).name
    suffix = Path(name).suffix.lower()
    if suffix not in DOCUMENT_EXTENSIONS:
        raise UnreadableFile(
            _("« %(name)s » : format non pris en charge (attendu : .docx, .odt, .pdf, .txt ou .md).") % {"name": name}
        )
    _check_size(name, len(data))
    if not data.strip():
        raise UnreadableFile(_("« %(name)s » est vide.") % {"name": name})
    readers = {".docx": _docx, ".odt": _odt, ".pdf": _pdf, ".txt": _text, ".md": _markdown, ".markdown": _markdown}
    blocks = readers[suffix](data, name, progress or (lambda done, total: None))
    if not any(block.text.strip() for block in blocks):
        raise UnreadableFile(_("« %(name)s » ne contient aucun texte.") % {"name": name})
    return blocks


def _check_size(name: str, size: int) -> None:
    if size == 0:
        raise UnreadableFile(_("« %(name)s » est vide.") % {"name": name})
    limit = max_bytes()
    if size > limit:
        raise UnreadableFile(
            _("« %(name)s » pèse %(size)s, au-delà de la limite de %(limit)s (réglage MAILLAGE_IMPORT_MAX_BYTES).")
            % {"name": name, "size": _megabytes(size), "limit": _megabytes(limit)}
        )


def _check_pages(name: str, pages: int) -> None:
    limit = max_pages()
    if pages > limit:
        raise UnreadableFile(
            _(
                "« %(name)s » compte %(pages)d pages, au-delà de la limite de %(limit)d "
                "(réglage MAILLAGE_IMPORT_MAX_PAGES)."
            )
            % {"name": name, "pages": pages, "limit": limit}
        )


def _damaged(name: str, error: Exception) -> UnreadableFile:
    return UnreadableFile(
        _("« %(name)s » est endommagé ou incomplet : impossible de l'ouvrir (%(error)s).")
        % {"name": name, "error": why(error)}
    )


def _protected(name: str) -> UnreadableFile:
    return UnreadableFile(
        _(
            "« %(name)s » est protégé par un mot de passe : enregistrez-le sans mot de passe "
            "puis importez-le de nouveau."
        )
        % {"name": name}
    )


# Text inside a cell or a paragraph: bits of HTML left by PDF extraction, bullets, stray markup.

_TAG = re.compile(r"<(/?)(p|ul|ol|li|br)\b[^>]*>", re.I)
_BULLET = re.compile(r"^\s*(?:[-•·▪■►✓✔*>–—]|\d{1,2}[.)](?=\s))\s*")
_UNMAPPED_GLYPH = re.compile(r"^\(cid:\d+\)\s*")
_ITEM_SPLIT = re.compile(r"\s*•\s*|(?:^|\s+)-\s+|\s*✓\s*|\s*■\s*")


def clean(text: str) -> str:
    """One line of running text: no markup, no extraction artefacts, single spaces."""
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\^\{([^}]*)\}|\^(\w+)", r"\1\2", text)  # 1^{er} → 1er, 3^e → 3e
    text = text.replace("**", "").replace("__", "")
    text = html.unescape(text).replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.split())


def cell_lines(raw: str) -> list[str]:
    """A cell (or a line) with HTML fragments as lines: paragraphs as they are, list items as ``- item``."""
    if not _TAG.search(raw):
        text = clean(raw)
        if "•" in text:
            parts = [clean(part) for part in text.split("•")]
            head, items = parts[0], [part for part in parts[1:] if part]
            return ([head] if head else []) + [f"- {item}" for item in items]
        return [text] if text else []
    lines: list[str] = []
    in_list = False
    position = 0
    for found in [*_TAG.finditer(raw), None]:
        chunk = raw[position : found.start() if found else len(raw)]
        if chunk.strip():
            if in_list:
                for part in _ITEM_SPLIT.split(chunk):
                    part = clean(part)
                    if part:
                        lines.append(f"- {part}")
            else:
                text = clean(chunk)
                if text:
                    lines.append(text)
        if found is None:
            break
        position = found.end()
        closing, tag = found.group(1), found.group(2).lower()
        if tag in ("ul", "ol"):
            in_list = not closing
        elif tag == "p" and not closing:
            in_list = False
    return lines


def as_text(lines: list[str]) -> str:
    """Lines as interchange text: a blank line between paragraphs, list items one per line."""
    out: list[str] = []
    for line in lines:
        if out and not (line.startswith("- ") and out[-1].startswith("- ")):
            out.append("")
        out.append(line)
    return "\n".join(out).strip()


# Plain text and Markdown

_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
_JOINING_END = re.compile(
    r"(?:[:,(/«'’-]|\b(?:de|des|du|la|le|les|l|d|à|a|au|aux|et|en|pour|par|sur|dans|avec|un|une|qui|que))$", re.I
)


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_("« %(name)s » n'est pas un fichier texte (contenu binaire).") % {"name": name})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _text(data: bytes, name: str, progress, markdown: bool = False) -> list[Block]:
    """Lines of text; a tab-separated line is a table row, ``- `` or ``•`` starts a list item, and
    lines of one paragraph broken by the extraction are joined back (a line that continues a sentence)."""
    text = _decode(data, name)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    _check_pages(name, math.ceil(len(lines) / LINES_PER_PAGE))
    blocks: list[Block] = []
    table = 0
    paragraph: list[str] = []
    paragraph_start = 0
    paragraph_gap = True
    last_was_row = False
    blank = True  # the line before was blank: the cells of a table whose tab separators were lost are told apart so

    def flush():
        nonlocal paragraph
        if paragraph:
            joined = clean(" ".join(paragraph))
            if joined:
                kind = "heading" if _looks_like_title(joined) else "paragraph"
                level = 1 if kind == "heading" else 0
                blocks.append(Block(kind, joined, f"ligne {paragraph_start}", level=level, gap=paragraph_gap))
            paragraph = []

    step = max(1, len(lines) // 50)
    for number, raw in enumerate(lines, start=1):
        if number % step == 0:
            progress(number, len(lines))
        line = raw.rstrip()
        where = f"ligne {number}"
        if not line.strip():
            flush()
            last_was_row = False  # a blank line ends a table
            blank = True
            continue
        was_blank, blank = blank, False
        if markdown and (heading := re.match(r"^(#{1,6})\s+(.*)$", line)):
            flush()
            blocks.append(Block("heading", clean(heading.group(2)), where, level=len(heading.group(1))))
            last_was_row = False
            continue
        is_row = "\t" in line.strip("\t ") or (markdown and line.strip().startswith("|"))
        if "\t" in line and not line.strip("\t "):
            continue
        if is_row:
            flush()
            if markdown and "\t" not in line:
                if _TABLE_RULE.match(line):
                    continue
                raw_cells = line.strip().strip("|").split("|")
            else:
                raw_cells = line.split("\t")
            if not last_was_row:
                table += 1
            cells = [as_text(cell_lines(cell)) for cell in raw_cells]
            while cells and not cells[-1]:
                cells.pop()
            text = " | ".join(cell for cell in cells if cell)
            blocks.append(Block("row", text, where, cells=cells, table=table))
            last_was_row = True
            continue
        last_was_row = False
        if "<" in line and _TAG.search(line):
            flush()
            for part in cell_lines(line):
                kind = "item" if part.startswith("- ") else "paragraph"
                blocks.append(Block(kind, part[2:] if kind == "item" else part, where))
            continue
        bullet = _BULLET.match(line)
        if bullet and not re.match(r"^\s*\d", line):
            flush()
            depth = min(3, (len(line) - len(line.lstrip(" "))) // 1)
            text = clean(_BULLET.sub("", line.strip(), count=1))
            text = _BULLET.sub("", text, count=1) if text[:1] in "·•" else text
            if text:
                blocks.append(Block("item", text, where, level=1 if depth else 0))
            continue
        if markdown and (numbered := re.match(r"^(\s*)(\d{1,3})[.)]\s+(.*)$", line)):
            flush()
            blocks.append(Block("item", f"{numbered.group(2)}. {clean(numbered.group(3))}", where, level=0))
            continue
        if paragraph and not _continues(paragraph[-1], line.strip()):
            flush()
        if not paragraph:
            paragraph_start, paragraph_gap = number, was_blank
        paragraph.append(line.strip())
    flush()
    progress(len(lines), len(lines))
    return blocks


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` goes on with the sentence of ``previous`` (a line broken by the PDF extraction)."""
    if re.match(r"^(\d{1,3}[.)]|\d+(\.\d+)+)\s", line):
        return False
    if line[:1].islower():
        return True
    return bool(_JOINING_END.search(previous.strip()))


def _looks_like_title(text: str) -> bool:
    """A short line in capitals (« PLAN D'ACTIONS ») reads as a heading in a text file."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and len(text) <= 120 and all(not c.islower() for c in letters)


def _markdown(data: bytes, name: str, progress) -> list[Block]:
    return _text(data, name, progress, markdown=True)


# DOCX


def _docx(data: bytes, name: str, progress) -> list[Block]:
    if data.startswith(OLE_HEADER):
        raise _protected(name)
    if not data.startswith(b"PK"):
        raise UnreadableFile(_("« %(name)s » n'est pas un document DOCX (contenu non reconnu).") % {"name": name})
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        check_zip(archive, name)
        if "word/document.xml" not in names:
            raise UnreadableFile(_("« %(name)s » n'est pas un document DOCX (contenu non reconnu).") % {"name": name})
        if "docProps/app.xml" in names:
            pages = re.search(rb"<(?:\w+:)?Pages>(\d+)<", archive.read("docProps/app.xml"))
            if pages:
                _check_pages(name, int(pages.group(1)))
        from docx import Document

        document = Document(io.BytesIO(data))
    except UnreadableFile:
        raise
    except Exception as error:
        raise _damaged(name, error) from error
    return _docx_blocks(document, progress)


def _docx_blocks(document, progress) -> list[Block]:
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = document.element.body
    names = {style.style_id: style.name for style in document.styles}  # python-docx's own lookup is slow

    def style_of(element) -> str:
        found = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        return names.get(found.get(qn("w:val")), "") if found is not None else ""

    elements = [child for child in body.iterchildren() if child.tag in (qn("w:p"), qn("w:tbl"))]
    blocks: list[Block] = []
    counters: dict[tuple, int] = {}
    table_number = 0
    for index, element in enumerate(elements, start=1):
        if index % 20 == 0:
            progress(index, len(elements))
        if element.tag == qn("w:tbl"):
            table_number += 1
            table = Table(element, document)
            for row_number, row in enumerate(table.rows, start=1):
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is returned once per grid column
                        continue
                    seen.add(id(cell._tc))
                    cells.append(
                        as_text([line for p in cell.paragraphs if (line := _docx_line(p, qn, style_of(p._p)))])
                    )
                where = f"tableau {table_number}, ligne {row_number}"
                blocks.append(Block("row", " | ".join(c for c in cells if c), where, cells=cells, table=table_number))
            continue
        paragraph = Paragraph(element, document)
        text = clean(paragraph.text)
        if not text:
            continue
        where = f"paragraphe {index}"
        style = style_of(element)
        heading = re.match(r"^(?:heading|titre)\s*(\d)$", style.strip(), re.I)
        if heading or style.lower() == "title":
            blocks.append(Block("heading", text, where, level=int(heading.group(1)) if heading else 1))
            continue
        numbering = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if numbering is not None or style.lower().startswith(("list", "liste")):
            depth_element = numbering.find(qn("w:ilvl")) if numbering is not None else None
            depth = int(depth_element.get(qn("w:val"))) if depth_element is not None else 0
            if "number" in style.lower() or "numéro" in style.lower():
                key = (numbering.find(qn("w:numId")).get(qn("w:val")) if numbering is not None else style, depth)
                counters[key] = counters.get(key, 0) + 1
                text = f"{counters[key]}. {text}"
            blocks.append(Block("item", text, where, level=depth))
            continue
        blocks.append(Block("paragraph", text, where))
    progress(len(elements), len(elements))
    return blocks


def _docx_line(paragraph, qn, style: str) -> str:
    text = clean(paragraph.text)
    if not text:
        return ""
    style = style.lower()
    if paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None or style.startswith(("list", "liste")):
        return f"- {text}"
    return text


# ODT


def _odt(data: bytes, name: str, progress) -> list[Block]:
    if data.startswith(OLE_HEADER):
        raise _protected(name)
    if not data.startswith(b"PK"):
        raise UnreadableFile(_("« %(name)s » n'est pas un document ODT (contenu non reconnu).") % {"name": name})
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read("META-INF/manifest.xml"):
            raise _protected(name)
        check_zip(archive, name)
        if "content.xml" not in names:
            raise UnreadableFile(_("« %(name)s » n'est pas un document ODT (contenu non reconnu).") % {"name": name})
        if "meta.xml" in names:
            pages = re.search(rb'page-count="(\d+)"', archive.read("meta.xml"))
            if pages:
                _check_pages(name, int(pages.group(1)))
        from odf.opendocument import load

        document = load(io.BytesIO(data))
    except UnreadableFile:
        raise
    except Exception as error:
        raise _damaged(name, error) from error
    return _odt_blocks(document, progress)


def _odt_blocks(document, progress) -> list[Block]:
    from odf.namespaces import TEXTNS

    from .reading import _text as node_text

    blocks: list[Block] = []
    counter = {"paragraph": 0, "table": 0}
    children = list(document.text.childNodes)

    def walk(node, depth: int = 0, numbered: bool = False) -> None:
        kind = getattr(node, "qname", (None, None))[1]
        if kind == "h":
            counter["paragraph"] += 1
            text = clean(node_text(node))
            level = int(node.attributes.get((TEXTNS, "outline-level"), 1) or 1)
            if text:
                blocks.append(Block("heading", text, f"paragraphe {counter['paragraph']}", level=level))
        elif kind == "p":
            counter["paragraph"] += 1
            text = clean(node_text(node))
            if text:
                blocks.append(Block("paragraph", text, f"paragraphe {counter['paragraph']}"))
        elif kind == "list":
            style = str(node.attributes.get((TEXTNS, "style-name"), "") or "")
            numbered = numbered or "num" in style.lower()
            number = 0
            for item in node.childNodes:
                if getattr(item, "qname", (None, None))[1] != "list-item":
                    continue
                number += 1
                for part in item.childNodes:
                    if getattr(part, "qname", (None, None))[1] == "list":
                        walk(part, depth + 1, numbered)
                    else:
                        counter["paragraph"] += 1
                        text = clean(node_text(part))
                        if text:
                            text = f"{number}. {text}" if numbered else text
                            blocks.append(Block("item", text, f"paragraphe {counter['paragraph']}", level=depth))
        elif kind == "table":
            counter["table"] += 1
            for row_number, row in enumerate(_odt_rows(node), start=1):
                cells = []
                for cell in row:
                    lines = []
                    for part in cell.childNodes:
                        part_kind = getattr(part, "qname", (None, None))[1]
                        if part_kind == "list":
                            for item in part.getElementsByType(_odt_p()):
                                if text := clean(node_text(item)):
                                    lines.append(f"- {text}")
                        elif text := clean(node_text(part)):
                            lines.append(text)
                    cells.append(as_text(lines))
                where = f"tableau {counter['table']}, ligne {row_number}"
                blocks.append(
                    Block("row", " | ".join(c for c in cells if c), where, cells=cells, table=counter["table"])
                )
        elif kind in ("section", "soft-page-break") or kind is None:
            for child in getattr(node, "childNodes", []):
                walk(child, depth)

    for index, child in enumerate(children, start=1):
        if index % 20 == 0:
            progress(index, len(children))
        walk(child)
    progress(len(children), len(children))
    return blocks


def _odt_p():
    from odf.text import P

    return P


def _odt_rows(table):
    rows = []
    for row in table.getElementsByType(_odt_row()):
        rows.append([cell for cell in row.childNodes if getattr(cell, "qname", (None, None))[1] == "table-cell"])
    return rows


def _odt_row():
    from odf.table import TableRow

    return TableRow


# PDF


def _pdf(data: bytes, name: str, progress) -> list[Block]:
    if not data.lstrip()[:5] == b"%PDF-":
        raise UnreadableFile(_("« %(name)s » n'est pas un document PDF (contenu non reconnu).") % {"name": name})
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    check_pdf_streams(data, name)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages  # the page tree only: no content is parsed yet
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise _protected(name) from error
    except Exception as error:
        causes = [error, *getattr(error, "args", ()), error.__cause__]
        if any(type(cause).__name__ in ("PDFPasswordIncorrect", "PDFEncryptionError") for cause in causes):
            raise _protected(name) from error
        raise _damaged(name, error) from error
    try:
        _check_pages(name, len(pages))
        blocks: list[Block] = []
        empty_pages = 0
        table_number = 0
        for number, page in enumerate(pages, start=1):
            progress(number - 1, len(pages))
            try:
                page_blocks, table_number = _pdf_page(page, number, table_number)
            except Exception as error:
                raise _damaged(name, error) from error
            if not page_blocks:
                empty_pages += 1
            blocks.extend(page_blocks)
            page.flush_cache()
        progress(len(pages), len(pages))
    finally:
        pdf.close()
    if pages and empty_pages == len(pages):
        raise UnreadableFile(
            _(
                "« %(name)s » ne contient aucun texte (%(pages)d pages sans texte : un document numérisé ?). "
                "Importez le document d'origine, ou un PDF avec du texte (reconnaissance de caractères)."
            )
            % {"name": name, "pages": len(pages)}
        )
    return blocks


def _pdf_page(page, number: int, table_number: int) -> tuple[list[Block], int]:
    """The text lines of a page around its tables; a line in a larger font than the page's body is a heading."""
    where = f"page {number}"
    tables = page.find_tables()
    placed: list[tuple[float, list[Block]]] = []
    for table in tables:
        table_number += 1
        rows = []
        for cells in table.extract():
            texts = [as_text(_pdf_cell_lines(cell or "")) for cell in cells]
            if any(texts):
                rows.append(Block("row", " | ".join(t for t in texts if t), where, cells=texts, table=table_number))
        placed.append((table.bbox[1], rows))
    outside = page
    for table in tables:
        outside = outside.outside_bbox(table.bbox)
    lines = outside.extract_text_lines(return_chars=True)
    sizes = sorted(round(char["size"], 1) for line in lines for char in line["chars"] if char["text"].strip())
    body = sizes[len(sizes) // 2] if sizes else 0
    text_blocks: list[tuple[float, Block]] = []
    for line in lines:
        # a bullet glyph the font does not map to Unicode comes out as "(cid:127)": still a bullet
        text = _UNMAPPED_GLYPH.sub("• ", clean(line["text"]), count=1)
        if not text:
            continue
        chars = [c for c in line["chars"] if c["text"].strip()]
        size = sorted(c["size"] for c in chars)[len(chars) // 2] if chars else body
        bold = chars and all("bold" in (c.get("fontname") or "").lower() for c in chars)
        bullet = _BULLET.match(text)
        if bullet and not re.match(r"^\d", text):
            block = Block("item", clean(_BULLET.sub("", text, count=1)), where)
        elif body and (size > body * 1.15 or (bold and len(text) < 150 and size >= body)):
            rank = 1 if size > body * 1.6 else 2 if size > body * 1.15 else 3
            block = Block("heading", text, where, level=rank)
        else:
            block = Block("paragraph", text, where)
        text_blocks.append((line["top"], block))
    merged: list[tuple[float, Block]] = []
    for top, block in text_blocks:  # a paragraph broken over lines is joined back
        if (
            merged
            and block.kind == "paragraph"
            and merged[-1][1].kind in ("paragraph", "item")
            and _continues(merged[-1][1].text, block.text)
        ):
            merged[-1][1].text = f"{merged[-1][1].text} {block.text}"
            continue
        merged.append((top, block))
    for top, rows in placed:
        merged.append((top, None))
        merged[-1] = (top, rows)
    merged.sort(key=lambda pair: pair[0])
    blocks: list[Block] = []
    for _top, content in merged:
        blocks.extend(content if isinstance(content, list) else [content])
    return blocks, table_number


def _pdf_cell_lines(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.split("\n"):
        line = clean(raw)
        if not line:
            continue
        bullet = _BULLET.match(line)
        if bullet and not re.match(r"^\d", line):
            lines.append(f"- {clean(_BULLET.sub('', line, count=1))}")
        elif lines and (
            (not lines[-1].startswith("- ") and _continues(lines[-1], line))
            or (lines[-1].startswith("- ") and line[:1].islower())
        ):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines
