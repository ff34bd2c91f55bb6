"""Lists written in one spreadsheet cell: "CAF, Mairie", "CAF et Mairie", "CAF/Mairie", one per line.

A cell of names is split on line breaks and semicolons always, and on commas, slashes and " et " only
where the text around them says so: never inside parentheses ("Mission locale (relais / orienteur)"),
never between digits ("1,5 ETP"). A comma followed by a French linking word, and a slash or " et "
followed by a lower-case or a linking word, are part of the name ("Centre social et culturel",
"Maison des jeunes et de la culture", "Direction de l'enfance, de la jeunesse", "Service
enfance/jeunesse"); " et " and "/" also need a name on their left ("parents et enfants" stays one).
A name the caller knows whole (``keep``, compared folded: a partner of the workbook's "Porteur"
column, say) is never split. Nothing but the separators and the spaces around them is ever dropped:
every item is a stretch of the cell, in order.
"""

import re

from maillage.french import normalise

# Separators that always end an item, and those that need a name on both sides.
_STRONG = re.compile(r"[;\n\r]+")
_WEAK = re.compile(r",|/|\bet\b", re.IGNORECASE)
LINKING_WORDS = {
    "de", "du", "des", "d", "la", "le", "les", "l", "et", "à", "a", "au", "aux", "en", "pour", "sur", "avec",
    "ou", "dans", "par", "chez", "sous",
}  # fmt: skip


def split_list(text: str, keep: set[str] | frozenset = frozenset()) -> list[str]:
    """The items of a cell, stripped, in order; see the module's docstring for where it splits."""
    items: list[str] = []
    for piece in strong_items(str(text or "")):
        items.extend(_weak_split(piece, keep))
    return [item for item in items if item]


def strong_items(text: str) -> list[str]:
    """The items of a cell separated by ";" or line breaks (outside parentheses), stripped."""
    pieces, start, depth = [], 0, 0
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
        elif depth == 0 and _STRONG.match(char):
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def _first_word(text: str) -> str:
    found = re.match(r"\s*([^\W\d_]+|\d+)", text)
    return found.group(1) if found else ""


def _is_name_start(text: str) -> bool:
    """A name begins with a capital, a digit or an acronym, not with a lower-case or a linking word."""
    word = _first_word(text)
    if not word:
        return False
    return word.isdigit() or word[0].isupper()


def _is_linking(text: str) -> bool:
    stripped = text.lstrip()
    if re.match(r"[dDlL]['’]", stripped):  # d'…, l'…
        return True
    return _first_word(text).lower() in LINKING_WORDS


def _weak_split(piece: str, keep) -> list[str]:
    if normalise(piece) in keep:
        return [piece]
    cuts = []  # (start, end) of each separator where the piece is split
    depth = 0
    separators = {m.start(): m for m in _WEAK.finditer(piece)}
    for index, char in enumerate(piece):
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
        elif depth == 0 and index in separators:
            found = separators[index]
            before, after = piece[: found.start()], piece[found.end() :]
            if not before.strip() or not after.strip():
                continue
            separator = found.group().lower()
            if separator == "," and before[-1:].isdigit() and after[:1].isdigit():
                continue  # "1,5 ETP"
            if _is_linking(after) and not (separator == "," and after.lstrip().lower().startswith("et ")):
                continue
            if separator != "," and not _is_name_start(after):
                continue
            if separator != ",":
                left = piece[cuts[-1][1] if cuts else 0 : found.start()]
                if not _is_name_start(left) and not left.strip().isupper():
                    continue
            cuts.append((found.start(), found.end()))
    bounds = [0, *(point for cut in cuts for point in cut), len(piece)]
    spans = list(zip(bounds[::2], bounds[1::2], strict=True))  # (start, end) of each item
    items, first = [], 0
    while first < len(spans):
        last = next(
            (
                last
                for last in range(len(spans) - 1, first, -1)
                if normalise(piece[spans[first][0] : spans[last][1]]) in keep
            ),
            first,
        )  # the longest run of items that is a name known whole
        items.append(_without_leading_et(piece[spans[first][0] : spans[last][1]].strip()))
        first = last + 1
    return [item for item in items if item]


def _without_leading_et(item: str) -> str:
    """ "CAF, Mairie, et Région": the "et" after the last comma is a separator."""
    found = re.match(r"(?i)et\s+(?=\S)", item)
    if found and _is_name_start(item[found.end() :]):
        return item[found.end() :]
    return item
