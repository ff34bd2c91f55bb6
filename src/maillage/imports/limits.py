"""Bounds checked on an uploaded file before any parser sees it: what it unpacks to, not what it weighs.

A 0.3 MB ODT can inflate to 300 MB, a PDF can hold a 300 MB content stream, an XML part can declare
entities that expand a billion times. Each check reads only the container's directory or a bounded
prefix, and refuses the file with a French message naming its setting:

- zipped files (DOCX, ODT, XLSX, ODS): the number of members, the sum of their unpacked sizes, the
  compression ratio of every member over 1 Mo, and no DTD in any XML part (OOXML and ODF never need
  one: a ``<!DOCTYPE`` is an entity bomb or an external entity);
- PDF: every stream inflated with a bounded output (a stream alone, and all of them together);
- spreadsheets: the number of rows with content, and of row elements of any kind (a sheet of a
  million empty rows), counted while reading; the reader stops at the limit. Rows and columns a file
  skips or repeats are never written out (``reading``).

The zip module never returns more than a member's declared size (and checks its CRC), so the declared
sizes bound what python-docx, odfpy and openpyxl read. The reader also runs in a child process with a
memory and a time limit (``maillage.jobs.sandbox``): these checks say why in French, the sandbox
catches what they could miss.
"""

import re
import zipfile
import zlib

from django.conf import settings
from django.utils.translation import gettext as _

from .reading import UnreadableFile, _megabytes

RATIO_FLOOR = 1024 * 1024  # members smaller than this may have any ratio: they cannot fill memory
PROLOG_BYTES = 65536  # an XML part's declaration, comments and processing instructions fit in this


def max_unpacked() -> int:
    return int(settings.MAILLAGE_IMPORT_MAX_UNPACKED_BYTES)


def max_rows() -> int:
    return int(settings.MAILLAGE_IMPORT_MAX_ROWS)


def check_zip(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a zipped document whose members unpack beyond the limits, or whose XML declares a DTD."""
    members = archive.infolist()
    if len(members) > settings.MAILLAGE_IMPORT_MAX_MEMBERS:
        raise UnreadableFile(
            _(
                "« %(name)s » contient %(count)d fichiers internes, au-delà de la limite de %(limit)d "
                "(réglage MAILLAGE_IMPORT_MAX_MEMBERS)."
            )
            % {"name": name, "count": len(members), "limit": settings.MAILLAGE_IMPORT_MAX_MEMBERS}
        )
    total = sum(member.file_size for member in members)
    if total > max_unpacked():
        raise UnreadableFile(
            _(
                "« %(name)s » occuperait %(size)s une fois décompressé, au-delà de la limite de %(limit)s "
                "(réglage MAILLAGE_IMPORT_MAX_UNPACKED_BYTES)."
            )
            % {"name": name, "size": _megabytes(total), "limit": _megabytes(max_unpacked())}
        )
    limit = settings.MAILLAGE_IMPORT_MAX_RATIO
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > limit * max(member.compress_size, 1):
            raise UnreadableFile(
                _(
                    "« %(name)s » contient une partie comprimée %(ratio)d fois (%(part)s), au-delà de la "
                    "limite de %(limit)d (réglage MAILLAGE_IMPORT_MAX_RATIO) : un fichier construit pour "
                    "saturer le serveur ?"
                )
                % {
                    "name": name,
                    "ratio": member.file_size // max(member.compress_size, 1),
                    "part": member.filename[:80],
                    "limit": limit,
                }
            )
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels")) and not member.is_dir():
            _check_prolog(archive, member, name)


_SKIPPED = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)


def _check_prolog(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> None:
    """The part's prolog (up to its root element) must not hold a document type declaration."""
    with archive.open(member) as part:
        head = part.read(PROLOG_BYTES)
    text = _decoded(head)
    position = 0
    while position < len(text):
        skipped = _SKIPPED.match(text, position)
        if skipped:
            position = skipped.end()
            continue
        if text.startswith("<!", position):  # <!DOCTYPE … or any other declaration
            raise UnreadableFile(
                _(
                    "« %(name)s » déclare un type de document dans %(part)s (<!DOCTYPE>) : les documents "
                    "bureautiques n'en ont jamais, il sert à construire des entités explosives."
                )
                % {"name": name, "part": member.filename[:80]}
            )
        return  # the root element (or text that the parser will refuse): nothing before it to fear
    if len(head) >= PROLOG_BYTES:
        raise UnreadableFile(
            _("« %(name)s » est endommagé : l'en-tête XML de %(part)s n'en finit pas.")
            % {"name": name, "part": member.filename[:80]}
        )


def _decoded(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if head[:4] in (b"\x00<\x00?", b"<\x00?\x00"):
        return head.decode("utf-16-be" if head[0] == 0 else "utf-16-le", errors="replace")
    return head.decode("utf-8", errors="replace")


# --- PDF -----------------------------------------------------------------------------------------------

_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
CHUNK = 1024 * 1024


def check_pdf_streams(data: bytes, name: str) -> None:
    """Inflate every stream of the PDF with a bounded output: one stream over
    ``MAILLAGE_IMPORT_MAX_PDF_STREAM_BYTES``, or all of them over ``MAILLAGE_IMPORT_MAX_UNPACKED_BYTES``,
    refuses the file. Streams are found by their keyword (no object is resolved: a broken or hostile
    cross-reference table changes nothing), and a stream inflated into another zlib stream (two
    FlateDecode filters) is inflated again."""
    per_stream = int(settings.MAILLAGE_IMPORT_MAX_PDF_STREAM_BYTES)
    budget = max_unpacked()
    total = 0
    for found in _STREAM.finditer(data):
        if data[found.start() - 3 : found.start()] == b"end":  # "endstream"
            continue
        size = _inflated_size(data, found.end(), per_stream, name)
        total += size
        if total > budget:
            raise UnreadableFile(
                _(
                    "« %(name)s » occuperait plus de %(limit)s une fois ses contenus décompressés "
                    "(réglage MAILLAGE_IMPORT_MAX_UNPACKED_BYTES)."
                )
                % {"name": name, "limit": _megabytes(budget)}
            )


def _is_zlib(head: bytes) -> bool:
    """A zlib header: deflate with a window of at most 32 KiB, and the check bits right."""
    return len(head) >= 2 and head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and (head[0] * 256 + head[1]) % 31 == 0


def _inflated_size(data: bytes, start: int, limit: int, name: str, depth: int = 0) -> int:
    if not _is_zlib(data[start : start + 2]):
        return 0  # not zlib (an image, an uncompressed stream): its size is already in the file's
    inflater = zlib.decompressobj()
    size = 0
    kept = bytearray()
    position = start
    try:
        while not inflater.eof:
            chunk = inflater.unconsumed_tail or data[position : position + CHUNK]
            if not inflater.unconsumed_tail:
                position += len(chunk)
            if not chunk:
                break
            out = inflater.decompress(chunk, CHUNK)
            size += len(out)
            if len(kept) < limit and depth < 2:
                kept += out
            if size > limit:
                raise UnreadableFile(
                    _(
                        "« %(name)s » contient un flux qui occuperait plus de %(limit)s une fois décompressé "
                        "(réglage MAILLAGE_IMPORT_MAX_PDF_STREAM_BYTES) : un fichier construit pour saturer "
                        "le serveur ?"
                    )
                    % {"name": name, "limit": _megabytes(limit)}
                )
    except zlib.error:
        return size  # not (or no longer) zlib: the PDF reader will judge it
    if depth < 2 and _is_zlib(bytes(kept[:2])):
        size += _inflated_size(bytes(kept), 0, limit, name, depth + 1)
    return size


def too_many_rows(name: str, limit: int | None = None) -> UnreadableFile:
    limit = max_rows() if limit is None else limit
    return UnreadableFile(
        _(
            "« %(name)s » compte plus de %(limit)d lignes, au-delà de la limite (réglage MAILLAGE_IMPORT_MAX_ROWS) : "
            "découpez le tableau, ou demandez à l'administration de relever la limite."
        )
        % {"name": name, "limit": limit}
    )


def too_many_row_elements(name: str, limit: int) -> UnreadableFile:
    """A sheet of mostly empty rows (a million of them, say): refused on what it holds, not on its weight."""
    return UnreadableFile(
        _(
            "« %(name)s » compte plus de %(limit)d lignes, vides pour la plupart, au-delà de la limite "
            "(réglage MAILLAGE_IMPORT_MAX_ROWS) : supprimez les lignes vides sous le tableau, puis importez-le "
            "de nouveau."
        )
        % {"name": name, "limit": limit}
    )
