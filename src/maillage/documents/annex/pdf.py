"""PDF renderer: the document as HTML + CSS, laid out by WeasyPrint.

Every text goes through ``html.escape``: what users typed never becomes markup. Fonts are Debian's
Liberation Sans (metric twin of Arial) with DejaVu Sans as fallback for the signs Liberation lacks.
"""

from html import escape

from .model import BulletList, Document, PageBreak, Paragraph, Section, Table

CSS = """
@page {
  size: A4 %(orientation)s;
  margin: 18mm 16mm 20mm 16mm;
  @bottom-left { content: "%(footer)s"; font-size: 7.5pt; color: #555; }
  @bottom-right { content: "page " counter(page) " / " counter(pages); font-size: 7.5pt; color: #555; }
}
@page cover { @bottom-left { content: none; } @bottom-right { content: none; } }
html { font-family: "Liberation Sans", "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.35;
       color: #161616; }
body { margin: 0; }
h1, h2, h3, h4 { color: #000091; break-after: avoid; line-height: 1.2; margin: 1.1em 0 0.45em; }
h1 { font-size: 17pt; border-bottom: 2px solid #000091; padding-bottom: 3pt; }
h2 { font-size: 13pt; }
h3 { font-size: 11pt; }
h4 { font-size: 10pt; color: #3a3a3a; }
p { margin: 0 0 0.45em; orphans: 3; widows: 3; }
ul { margin: 0 0 0.45em; padding-left: 1.2em; }
li { margin: 0 0 0.15em; }
p.label { font-weight: bold; margin: 0.35em 0 0.15em; }
p.label:first-child { margin-top: 0; }
p.note { color: #555; font-size: 8.5pt; }
.break { break-before: page; }
table { width: 100%%; border-collapse: collapse; margin: 0.3em 0 0.9em; table-layout: fixed; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 0.6pt solid #929292; padding: 3pt 4pt; vertical-align: top; text-align: left;
         overflow-wrap: break-word; }
th { background: #e3e3fd; color: #000091; font-weight: bold; font-size: 9pt; }
td p:last-child, td ul:last-child { margin-bottom: 0; }
table.fiche { margin: 0; }
table.fiche + table.fiche th { border-top: none; }
table.fiche:last-of-type { margin-bottom: 0.9em; }
.fiche-end { height: 0.9em; }
td.mark { text-align: center; color: #000091; font-size: 11pt; }
.cover { page: cover; text-align: left; padding-top: 45mm; }
.cover .kicker { color: #000091; font-weight: bold; text-transform: uppercase; letter-spacing: 0.05em; font-size: 9pt; }
.cover h1.title { font-size: 24pt; border: none; margin: 6pt 0 6pt; }
.cover .subtitle { font-size: 12pt; color: #3a3a3a; margin-bottom: 18mm; }
.cover table { width: 75%%; }
.cover th { width: 35%%; }
nav.toc { break-before: page; }
nav.toc h1 { margin-top: 0; }
nav.toc ul { list-style: none; padding: 0; }
nav.toc li { margin: 0.12em 0; }
nav.toc li.l2 { padding-left: 1.2em; font-size: 9pt; }
nav.toc a { color: inherit; text-decoration: none; }
nav.toc a::after { content: leader(".") target-counter(attr(href), page); }
.doc-title { font-size: 15pt; color: #000091; font-weight: bold; margin: 0; }
.doc-subtitle { color: #3a3a3a; margin: 0 0 8pt; }
"""


def _blocks(blocks, out: list, anchors: list):
    for block in blocks:
        if isinstance(block, Section):
            anchor = f"s{len(anchors)}"
            anchors.append((anchor, block.title, block.level))
            css = ' class="break"' if block.page_break else ""
            level = min(block.level, 4)
            out.append(f'<section{css}><h{level} id="{anchor}">{escape(block.title)}</h{level}>')
            _blocks(block.blocks, out, anchors)
            out.append("</section>")
        elif isinstance(block, Paragraph):
            css = f' class="{block.style}"' if block.style else ""
            out.append(f"<p{css}>{escape(block.text)}</p>")
        elif isinstance(block, BulletList):
            out.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in block.items) + "</ul>")
        elif isinstance(block, Table):
            _table(block, out, anchors)
        elif isinstance(block, PageBreak):
            out.append('<div class="break"></div>')


def _table(table: Table, out: list, anchors: list):
    out.append(f'<table class="{"fiche" if table.fiche else "grid"}"><colgroup>')
    out.extend(f'<col style="width:{width * 100:.2f}%">' for width in table.widths)
    out.append("</colgroup><thead><tr>")
    out.extend(f"<th>{escape(title)}</th>" for title in table.header)
    out.append("</tr></thead><tbody>")
    for row in table.rows:
        out.append("<tr>")
        for one in row:
            texts = [block.text for block in one.blocks if isinstance(block, Paragraph)]
            mark = len(one.blocks) == 1 and texts == ["●"]
            out.append('<td class="mark">' if mark else "<td>")
            _blocks(one.blocks, out, anchors)
            out.append("</td>")
        out.append("</tr>")
    out.append("</tbody></table>")


def css_string(text: str) -> str:
    """Text for a CSS string in the <style> element: every sign escaped, so "</style>" cannot close it."""
    return "".join(char if char.isalnum() or char == " " else f"\\{ord(char):x} " for char in text)


def _front(document: Document, anchors: list, numbers: dict | None = None) -> list[str]:
    """Cover (or title) and table of contents; ``numbers`` gives explicit page numbers (chunked PDF)."""
    head = []
    if document.cover:
        head.append('<div class="cover">')
        head.append(f'<h1 class="title">{escape(document.title)}</h1>')
        if document.subtitle:
            head.append(f'<p class="subtitle">{escape(document.subtitle)}</p>')
        head.append("<table>")
        head.extend(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in document.cover)
        head.append("</table></div>")
    else:
        head.append(f'<p class="doc-title">{escape(document.title)}</p>')
        if document.subtitle:
            head.append(f'<p class="doc-subtitle">{escape(document.subtitle)}</p>')
    if document.toc:
        head.append(f'<nav class="toc{" numbered" if numbers is not None else ""}"><h1>Sommaire</h1><ul>')
        for anchor, title, level in anchors:
            if level > 2:
                continue
            page = f' data-page="{numbers.get(anchor, 0)}"' if numbers is not None else ""
            head.append(f'<li class="l{level}"><a href="#{anchor}"{page}>{escape(title)}</a></li>')
        head.append("</ul></nav>")
    return head


def _page(document: Document, body: list[str], page_numbers: bool = True) -> str:
    css = CSS % {
        "orientation": "landscape" if document.landscape else "portrait",
        "footer": css_string(document.title),
    }
    if not page_numbers:
        css += CHUNK_CSS
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(document.title)}</title><style>{css}</style></head><body>" + "".join(body) + "</body></html>"
    )


def to_html(document: Document) -> str:
    body: list[str] = []
    anchors: list = []
    _blocks(document.body, body, anchors)
    return _page(document, _front(document, anchors) + body)


# --- big documents: rendered in chunks, in parallel, then assembled ---------------------------------
# WeasyPrint lays out ~10 pages a second and keeps every page of a document in memory (4 Go for a
# 2,300-page annex). Above CHUNK_THRESHOLD page-starting units, the body is cut where a page starts
# anyway (each top-level section, each fiche), chunks are rendered by a pool of processes, the table
# of contents gets explicit page numbers from the chunks' anchors, and "page X / Y" is stamped on
# every page afterwards (a blank numbered page merged over each page).

CHUNK_THRESHOLD = 120
CHUNK_UNITS = 40
CHUNK_CSS = """
@page { @bottom-right { content: none; } }
nav.toc.numbered a::after { content: leader(".") attr(data-page); }
"""
NUMBERS_CSS = """
@page { size: A4 %(orientation)s; margin: 18mm 16mm 20mm 16mm;
  @bottom-right { content: "page " counter(page) " / " counter(pages); font-size: 7.5pt; color: #555;
                  font-family: "Liberation Sans", "DejaVu Sans", sans-serif; } }
@page cover { @bottom-right { content: none; } }
div { break-before: page; height: 1px; }
div.cover { page: cover; }
"""


def units(document: Document) -> list[list]:
    """The body cut where a new page starts anyway: each top-level block, each page-breaking sub-section."""
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


def _render_chunk(html: str):
    from weasyprint import HTML

    rendered = HTML(string=html).render()
    anchors = {name: index for index, page in enumerate(rendered.pages) for name in page.anchors}
    return rendered.write_pdf(), len(rendered.pages), anchors


def _render_front(document: Document, anchors: list, numbers: dict):
    return _render_chunk(_page(document, _front(document, anchors, numbers), page_numbers=False))


def render_in_chunks(document: Document, chunk_units: int = CHUNK_UNITS, workers: int | None = None) -> bytes:
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    anchors: list = []
    pieces = units(document)
    chunks = []
    for start in range(0, len(pieces), chunk_units):
        body: list[str] = []
        for piece in pieces[start : start + chunk_units]:
            _blocks(piece, body, anchors)
        chunks.append(_page(document, body, page_numbers=False))
    workers = workers or min(len(chunks), os.cpu_count() or 1, 4)
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        results = list(pool.map(_render_chunk, chunks))
    # The front matter's length does not depend on the numbers it prints: lay it out once to count it.
    _pdf, front_pages, _anchors = _render_front(document, anchors, {})
    numbers, offset = {}, front_pages
    for _pdf, pages, chunk_anchors in results:
        numbers.update({name: offset + index + 1 for name, index in chunk_anchors.items()})
        offset += pages
    front, front_pages_again, _anchors = _render_front(document, anchors, numbers)
    assert front_pages_again == front_pages
    stamps = "".join(
        '<div class="cover"></div>' if index == 0 and document.cover else "<div></div>" for index in range(offset)
    )
    css = NUMBERS_CSS % {"orientation": "landscape" if document.landscape else "portrait"}
    numbered = PdfReader(BytesIO(HTML(string=f"<style>{css}</style>{stamps}").write_pdf()))
    writer = PdfWriter()
    for content in [front, *(pdf for pdf, _pages, _anchors in results)]:
        writer.append(PdfReader(BytesIO(content)))
    for page, stamp in zip(writer.pages, numbered.pages, strict=True):
        page.merge_page(stamp)
        page.compress_content_streams()  # merging leaves the page's content uncompressed
    writer.compress_identical_objects()
    writer.add_metadata({"/Title": document.title})
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def render(document: Document) -> bytes:
    if len(units(document)) > CHUNK_THRESHOLD:
        return render_in_chunks(document)
    from weasyprint import HTML

    return HTML(string=to_html(document)).write_pdf()
