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


def to_html(document: Document) -> str:
    body: list[str] = []
    anchors: list = []
    _blocks(document.body, body, anchors)
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
        head.append('<nav class="toc"><h1>Sommaire</h1><ul>')
        head.extend(
            f'<li class="l{level}"><a href="#{anchor}">{escape(title)}</a></li>'
            for anchor, title, level in anchors
            if level <= 2
        )
        head.append("</ul></nav>")
    css = CSS % {
        "orientation": "landscape" if document.landscape else "portrait",
        "footer": css_string(document.title),
    }
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(document.title)}</title><style>{css}</style></head><body>"
        + "".join(head)
        + "".join(body)
        + "</body></html>"
    )


def render(document: Document) -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(document)).write_pdf()
