"""Extracts of a found text with the searched words marked, escaped piece by piece.

The same on both engines: a word is marked when its stem (``stemming.stem``) is one of the query's,
so « assistante » marks « assistantes ». Every piece of the text is escaped before the ``<mark>``
tags are put around the matched words: a text holding markup shows it as text.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from maillage.french import normalise

from .engines import terms
from .stemming import stem

WORD = re.compile(r"\w+")
BEFORE = 8  # words kept before the first match
LENGTH = 40  # words in an extract


def query_stems(query) -> set[str]:
    return {stem(part) for word in terms(query) for part in normalise(word).split()}


def _matches(word: str, wanted: set[str]) -> bool:
    return any(stem(part) in wanted for part in normalise(word).split())


def marked(text, query, wanted: set[str] | None = None) -> SafeString:
    """The whole of a short text (a title), escaped, its matched words in ``<mark>``."""
    wanted = query_stems(query) if wanted is None else wanted
    return _render(
        str(text or ""), [(m.start(), m.end(), _matches(m.group(), wanted)) for m in WORD.finditer(text or "")]
    )


def extract(text, query, wanted: set[str] | None = None) -> SafeString:
    """About ``LENGTH`` words around the first matched word of ``text`` (else its beginning), escaped,
    with ``…`` where it was cut."""
    text = " ".join(str(text or "").split())
    wanted = query_stems(query) if wanted is None else wanted
    found = list(WORD.finditer(text))
    if not found:
        return mark_safe("")
    first = next((i for i, m in enumerate(found) if _matches(m.group(), wanted)), 0)
    start = max(0, first - BEFORE)
    end = min(len(found), start + LENGTH)
    begin = 0 if start == 0 else found[start].start()
    finish = len(text) if end == len(found) else found[end - 1].end()
    words = [(m.start() - begin, m.end() - begin, _matches(m.group(), wanted)) for m in found[start:end]]
    html = _render(text[begin:finish], words)
    return mark_safe(("…" if begin else "") + html + ("…" if finish < len(text) else ""))


def _render(text: str, words) -> SafeString:
    parts, at = [], 0
    for start, end, matched in words:
        if not matched:
            continue
        parts.append(escape(text[at:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        at = end
    parts.append(escape(text[at:]))
    return mark_safe("".join(parts))
