"""What a plan document says of the project itself: its kind and its period, and what the reader is unsure of.

The kind is the plan word the opening of the document names most (first named on a tie): "Convention
territoriale globale" or "CTG", "Projet éducatif de territoire" or "PEdT", "contrat de ville", "Contrat local
de santé" or "CLS", "projet social" of a centre social… The period is a year range the opening gives
(``2020-2023``, ``2020 – 2023``, "pour les années 2023 à 2027"), the one next to a plan word first; a year
alone ("2019", a date of signature) is no period: the draft then takes that year, or the current one, and
says so.
"""

import re
from datetime import date

from .words import normalise

# (pattern on the normalised text, kind), the more specific first: "projet social de territoire" before
# "projet social"
KIND_PATTERNS = [
    (r"\bprojets? social et educatif de territoire\b|\bpset\b", "pset"),
    (r"\bprojets? soci(?:al|aux) de territoire\b|\bpst\b", "pst"),
    (r"\bconventions? territoriales? globales?\b|\bctg\b", "ctg"),
    (r"\bprojets? educatifs? (?:de|du) territoire\b|\bpedt\b|\bpel\b", "pedt"),
    (r"\bcontrats? de ville\b|\bcontrat de ville unique\b", "contrat_de_ville"),
    (r"\bcontrats? loca(?:l|ux) de sante\b|\bcls\b", "cls"),
    (r"\bcentres? soci(?:al|aux)\b|\bprojets? soci(?:al|aux)\b|\bespace de vie sociale\b", "centre_social"),
    (r"\bprojet metropolitain des solidarites\b|\bpms\b", "pms"),
]
KIND_LABELS = {
    "pset": "projet social et éducatif de territoire", "pst": "projet social de territoire",
    "ctg": "convention territoriale globale", "pedt": "projet éducatif de territoire",
    "contrat_de_ville": "contrat de ville", "cls": "contrat local de santé", "centre_social": "projet social",
    "pms": "cadre métropolitain",
}  # fmt: skip
OPENING_BLOCKS, OPENING = 80, 20000  # the document's opening that says what it is: blocks, characters

_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/–—]|\bà\b|\bau\b|\bet\b)\s*((?:19|20)\d{2})(?!\d)", re.I)
_YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d{2})(?![\d/.-])")
_PLAN_WORD = re.compile(
    r"\b(?:projet|schema|contrat|convention|plan|pedt|ctg|cls|pst|pset|programme|strategie|charte|periode|sur)\b"
)


def opening(texts) -> str:
    out, size = [], 0
    for text in texts:
        out.append(text)
        size += len(text)
        if size > OPENING or len(out) >= OPENING_BLOCKS:
            break
    return "\n".join(out)[:OPENING]


def read_kind(text: str) -> tuple[str, list[str]]:
    """The kind, and the doubts: several kinds named about as often, or none."""
    folded = normalise(text)
    counts: dict[str, tuple[int, int]] = {}
    for pattern, kind in KIND_PATTERNS:
        found = list(re.finditer(pattern, folded))
        if found:
            count, first = counts.get(kind, (0, len(folded)))
            counts[kind] = (count + len(found), min(first, found[0].start()))
    if not counts:
        return "other", ["type de projet non trouvé dans le document : lu « Autre »."]
    ranked = sorted(counts.items(), key=lambda item: (-item[1][0], item[1][1]))
    kind = ranked[0][0]
    unsure = []
    if len(ranked) > 1 and ranked[1][1][0] * 2 > ranked[0][1][0]:
        others = ", ".join(KIND_LABELS[k] for k, _c in ranked[1:3])
        unsure.append(f"type de projet lu « {KIND_LABELS[kind]} », mais le document nomme aussi : {others}.")
    return kind, unsure


def read_period(lines: list[str]) -> tuple[tuple[int, int] | None, int | None]:
    """The range the opening gives (next to a plan word first), else None; and a year named alone."""
    first: tuple[int, int] | None = None
    for line in lines:
        for found in _RANGE.finditer(line):
            start, end = int(found.group(1)), int(found.group(2))
            if not 1 <= end - start <= 10:
                continue
            before = normalise(line[max(0, found.start() - 80) : found.start()])
            if _PLAN_WORD.search(before):
                return (start, end), None
            first = first or (start, end)
    if first:
        return first, None
    years = [int(y) for line in lines for y in _YEAR.findall(line)]
    return None, (max(set(years), key=years.count) if years else None)


def project_facts(texts: list[str], today: date | None = None) -> dict:
    """``{"kind", "period" (None when not read), "draft_period", "unsure": [French sentences]}``."""
    text = opening(texts)
    kind, unsure = read_kind(text)
    lines = text.split("\n")
    period, year = read_period(lines)
    if period:
        draft_period = period
    elif year:
        draft_period = (year, year)
        unsure.append(f"aucune période (« 2020-2023 ») dans le document : lue {year}, la seule année nommée.")
    else:
        this_year = (today or date.today()).year
        draft_period = (this_year, this_year)
        unsure.append(f"aucune période ni année dans le document : lue {this_year}, l'année en cours.")
    return {"kind": kind, "period": period, "draft_period": draft_period, "unsure": unsure}
