"""Hostile files, made on the spot: decompression bombs (zip members, PDF streams) and XML entity bombs.

Used by the hardening tests and by ``bench/bombs.py`` (the worker's peak memory on each)."""

import io
import zipfile
import zlib
from pathlib import Path

MB = 1024 * 1024

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES_DOCX = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS_DOCX = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
CONTENT_TYPES_XLSX = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
RELS_XLSX = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Actions" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
ODF_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="{mime}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)
ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2"'
)
MIMES = {
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def _stream(archive: zipfile.ZipFile, name: str, head: str, unit: str, tail: str, size: int) -> None:
    """One member of about ``size`` bytes, written piece by piece (the test never holds it)."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        member.write(head.encode())
        block = (unit * max(1, MB // len(unit))).encode()
        for _ in range(max(1, size // len(block))):
            member.write(block)
        member.write(tail.encode())


def _zip(members: dict[str, str], big: tuple | None = None) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        if "mimetype" in members:
            archive.writestr("mimetype", members.pop("mimetype"), compress_type=zipfile.ZIP_STORED)
        for name, text in members.items():
            archive.writestr(name, text)
        if big:
            _stream(archive, *big)
    return data.getvalue()


def _skeleton(suffix: str) -> tuple[dict, str]:
    """The small parts of a document of this format, and the name of its main XML part."""
    if suffix == ".docx":
        return {"[Content_Types].xml": CONTENT_TYPES_DOCX, "_rels/.rels": RELS_DOCX}, "word/document.xml"
    if suffix == ".xlsx":
        return {
            "[Content_Types].xml": CONTENT_TYPES_XLSX,
            "_rels/.rels": RELS_XLSX,
            "xl/workbook.xml": WORKBOOK,
            "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        }, "xl/worksheets/sheet1.xml"
    return {"mimetype": MIMES[suffix], "META-INF/manifest.xml": ODF_MANIFEST.format(mime=MIMES[suffix])}, "content.xml"


def _main_part(suffix: str) -> tuple[str, str, str]:
    """(head, repeated unit, tail) of the main XML part: a valid document whose text is one long run."""
    if suffix == ".docx":
        return (
            f'<?xml version="1.0"?><w:document {W}><w:body><w:p><w:r><w:t>',
            "A",
            "</w:t></w:r></w:p></w:body></w:document>",
        )
    if suffix == ".xlsx":
        head = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        return head, '<row><c t="inlineStr"><is><t>Action</t></is></c></row>', "</sheetData></worksheet>"
    body = "office:text" if suffix == ".odt" else "office:spreadsheet"
    head = f'<?xml version="1.0"?><office:document-content {ODF_NS}><office:body><{body}><text:p>'
    return head, "A", f"</text:p></{body}></office:body></office:document-content>"


def zip_bomb(suffix: str, unpacked: int = 300 * MB) -> bytes:
    """A DOCX / ODT / XLSX / ODS whose main part inflates to ``unpacked`` bytes (about 1000:1)."""
    members, main = _skeleton(suffix)
    head, unit, tail = _main_part(suffix)
    return _zip(members, (main, head, unit, tail, unpacked))


ENTITY_VARIANTS = ("billion", "quadratic", "external")


def entity_declarations(variant: str) -> tuple[str, str]:
    """(DTD, reference) of an XML entity attack: nested expansion, one wide entity used many times, or an
    external entity reading a local file."""
    if variant == "billion":
        levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
        return "".join(levels), "&lol9;"
    if variant == "quadratic":
        return f'<!ENTITY a "{"A" * 50000}">', "&a;" * 20000
    return '<!ENTITY x SYSTEM "file:///etc/passwd">', "&x;"


def entity_bomb(suffix: str, variant: str) -> bytes:
    members, main = _skeleton(suffix)
    head, _unit, tail = _main_part(suffix)
    declaration, reference = entity_declarations(variant)
    root = head.split("?>", 1)[1].split()[0][1:]
    prolog = f'<?xml version="1.0"?><!DOCTYPE {root} [{declaration}]>'
    members[main] = prolog + head.split("?>", 1)[1] + (reference if suffix != ".xlsx" else "") + tail
    return _zip(members)


def pdf_stream_bomb(unpacked: int = 300 * MB, double: bool = False) -> bytes:
    """A one-page PDF whose content stream inflates to ``unpacked`` bytes (spaces and a line of text);
    ``double``: compressed twice (two FlateDecode filters), so that one inflation shows little."""
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(b"BT /F1 12 Tf 72 720 Td (Bombe) Tj ET\n")]
    block = b" " * MB
    parts += [compressor.compress(block) for _ in range(unpacked // MB)]
    parts.append(compressor.flush())
    stream = b"".join(parts)
    filters = "/FlateDecode"
    if double:
        stream = zlib.compress(stream, 9)
        filters = "[/FlateDecode /FlateDecode]"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} /Filter {filters} >>\nstream\n".encode() + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def write(folder: Path, name: str, data: bytes) -> Path:
    path = Path(folder) / name
    path.write_bytes(data)
    return path


# --- sheets that weigh little and hold a lot: empty rows, far cells -------------------------------------

XLSX_HEAD = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
XLSX_TITLE_ROWS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Intitulé</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>Une action</t></is></c></row>'
)
ODS_HEAD = (
    f'<?xml version="1.0"?><office:document-content {ODF_NS}><office:body><office:spreadsheet>'
    '<table:table table:name="Actions">'
)
ODS_TITLE_ROWS = (
    '<table:table-row><table:table-cell office:value-type="string"><text:p>Intitulé</text:p></table:table-cell>'
    '</table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>Une action</text:p>'
    "</table:table-cell></table:table-row>"
)
ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"


def _sheet_file(suffix: str, parts) -> bytes:
    """An XLSX or ODS whose main part is written from ``parts`` (strings), piece by piece."""
    members, main = _skeleton(suffix)
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        if "mimetype" in members:
            archive.writestr("mimetype", members.pop("mimetype"), compress_type=zipfile.ZIP_STORED)
        for name, text in members.items():
            archive.writestr(name, text)
        with archive.open(main, "w", force_zip64=True) as member:
            for part in parts:
                member.write(part.encode())
    return data.getvalue()


def empty_rows(suffix: str, count: int = 1_000_000) -> bytes:
    """A title, one action, then ``count`` empty row elements (each its own, not one repeated row)."""
    if suffix == ".xlsx":

        def parts():
            yield XLSX_HEAD + "<sheetData>" + XLSX_TITLE_ROWS
            for start in range(3, count + 3, 10_000):
                yield "".join(f'<row r="{i}"><c r="A{i}"/></row>' for i in range(start, min(start + 10_000, count + 3)))
            yield "</sheetData></worksheet>"

        return _sheet_file(suffix, parts())
    row = "<table:table-row><table:table-cell/></table:table-row>"
    return _sheet_file(
        suffix, [ODS_HEAD, ODS_TITLE_ROWS, *(row * min(10_000, count - s) for s in range(0, count, 10_000)), ODS_TAIL]
    )


def far_corner_xlsx() -> bytes:
    """1.5 Ko: a title, one action, and one cell at XFD1048576 under a dimension of the whole grid."""
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return _sheet_file(
        ".xlsx",
        [
            XLSX_HEAD
            + '<dimension ref="A1:XFD1048576"/><sheetData>'
            + XLSX_TITLE_ROWS
            + far
            + "</sheetData></worksheet>"
        ],
    )


def repeated_ods(value: bool, rows: int = 1_048_574, columns: int = 16_384) -> bytes:
    """The whole grid in one row element, repeated: empty (as LibreOffice writes below a table), or a value."""
    cell = (
        f'<table:table-cell office:value-type="string" table:number-columns-repeated="{columns}">'
        "<text:p>x</text:p></table:table-cell>"
        if value
        else f'<table:table-cell table:number-columns-repeated="{columns}"/>'
    )
    row = f'<table:table-row table:number-rows-repeated="{rows}">{cell}</table:table-row>'
    return _sheet_file(".ods", [ODS_HEAD, ODS_TITLE_ROWS, row, ODS_TAIL])
