"""The body of a big DOCX or ODT kept on disk while it is written, instead of in one XML tree.

python-docx and odfpy hold the whole document as objects until they save it: the annex of 10,000
fiches took 3.5 GB that way. The renderers write each page-starting unit into a small tree, serialise
it here and drop it; the package is then saved with its front matter only, and the spooled body is
put back into its main part as the package is copied.
"""

import tempfile
import zipfile
from io import BytesIO

# Spooled body kept in memory below this size, on disk above (a 10,000-fiche body is about 300 MB).
IN_MEMORY_BYTES = 8 * 1024 * 1024
COPY_CHUNK = 1024 * 1024


class Spool:
    """Serialised XML fragments, in the order they were written."""

    def __init__(self):
        # Closed by with_spooled_body (or close()), once the body is copied into the package.
        self.file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES, mode="w+b")  # noqa: SIM115

    def write(self, fragment: bytes | str):
        self.file.write(fragment.encode("utf-8") if isinstance(fragment, str) else fragment)

    def text_writer(self):
        """A file-like ``write(str)`` for serialisers that write text (odfpy's ``toXml``)."""
        spool = self

        class Writer:
            def write(self, text: str):
                spool.write(text)

        return Writer()

    def close(self):
        self.file.close()

    def copy_to(self, target):
        self.file.seek(0)
        while chunk := self.file.read(COPY_CHUNK):
            target.write(chunk)


def with_spooled_body(package: bytes, part: str, marker: bytes, spool: Spool, *, last: bool = True) -> bytes:
    """``package`` with ``spool`` inserted into ``part`` just before ``marker`` (its last occurrence, or
    its first with ``last=False``); every other member is copied as it was, in order (the ODF mimetype
    stays first and stored)."""
    output = BytesIO()
    with zipfile.ZipFile(BytesIO(package)) as source, zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != part:
                target.writestr(info, data)
                continue
            cut = data.rfind(marker) if last else data.find(marker)
            if cut < 0:
                raise ValueError(f"{marker!r} not found in {part}")
            member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            with target.open(member, "w", force_zip64=True) as stream:
                stream.write(data[:cut])
                spool.copy_to(stream)
                stream.write(data[cut:])
    spool.close()
    return output.getvalue()
