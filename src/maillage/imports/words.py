"""The French words of a spreadsheet, matched by meaning: headers, statuses, origins, roles, dates.

Everything is compared after ``normalise``: accents, case and punctuation do not count, so
"ÉTAT", "état" and "Etat :" are the same word.
"""

import re
from datetime import date, datetime

from maillage.actions.models import SECTIONS
from maillage.french import normalise  # noqa: F401  (the name the import modules use)

# Canonical field → the headers that mean it (normalised forms).
HEADERS: dict[str, list[str]] = {
    "ref": ["reference", "ref", "n", "no", "numero", "id", "identifiant", "n action", "numero action"],
    "code": ["code", "code action"],
    "title": ["intitule", "titre", "action", "nom de l action", "intitule de l action", "libelle", "nom"],
    "status": ["statut", "etat", "avancement", "etat d avancement", "statut de l action"],
    "origin": ["origine", "origine de l action", "type d action"],
    "priority": ["priorite", "niveau de priorite"],
    "participation": ["participation des habitants", "participation"],
    "scale": ["echelon", "niveau d intervention", "echelle", "echelon d intervention"],
    "territory": ["territoire", "commune", "perimetre"],
    "periods": ["periodes", "periode", "annees", "annee", "calendrier", "annees de mise en oeuvre"],
    "start_date": ["date de debut", "debut", "date debut"],
    "end_date": ["date de fin", "fin", "date fin"],
    "nodes": ["noeuds"],
    "leads": ["pilotes", "pilote", "referent", "referents", "responsable", "responsables", "chef de projet"],
    "lead_organisation": ["structure pilote", "porteur", "structure porteuse", "porteur de l action"],
    "elected_referent": ["elu e referent e", "elu referent", "elue referente", "elu"],
    "themes": ["themes", "thematiques", "thematique", "theme"],
    "partners": ["partenaires", "partenaires associes", "partenariat structure"],
    "parent": ["action parente"],
    "budget": ["budget", "montant", "cout", "cout estime", "budget previsionnel"],
    "context": ["contexte", "constat", "contexte et constats"],
    "general_objective": ["objectif general", "objectifs generaux", "objectif s general aux"],
    "operational_objectives": ["objectifs operationnels", "objectif operationnel", "objectifs specifiques"],
    "target_public": ["public cible", "public", "publics", "publics cibles", "public vise", "beneficiaires"],
    "description": ["presentation de l action", "description", "presentation", "contenu", "descriptif"],
    "schedule": ["echeancier", "calendrier previsionnel", "echeances", "planning"],
    "human_means": ["moyens humains", "ressources humaines"],
    "material_means": ["moyens materiels", "ressources materielles"],
    "financial_means": ["moyens financiers", "ressources financieres", "financement", "financements"],
    "partnership": ["partenariat", "partenariat complements", "partenariat (complements)"],
    "expected_results": ["resultats attendus", "effets attendus", "resultats"],
    "obstacles": ["freins a lever", "freins", "points de vigilance", "difficultes"],
}
assert set(SECTIONS) <= set(HEADERS)

_BY_HEADER = {word: field for field, words in HEADERS.items() for word in words}

# Headers that name a level of the tree when they stand alone.
LEVEL_WORDS = {
    "axe", "axes", "axe strategique", "enjeu", "enjeux", "objectif", "objectif strategique", "objectifs strategiques",
    "orientation", "orientations", "orientation strategique", "vise", "visee", "visees", "sous axe", "domaine",
    "thematique prioritaire", "champ", "priorite strategique", "objectif operationnel strategique", "ambition",
    "defi", "chantier", "fiche", "volet", "pilier",
}  # fmt: skip
_LEVEL_NUMBERED = re.compile(r"^niveau (\d) (.+)$")


def match_header(header) -> tuple[str, object] | None:
    """("field", name) for a known column, ("level", (depth or None, name)) for a tree level, else None."""
    raw = str(header or "").strip()
    key = normalise(raw)
    if not key:
        return None
    numbered = _LEVEL_NUMBERED.match(key)
    if numbered:
        name = raw.split(":", 1)[1].strip() if ":" in raw else raw
        return "level", (int(numbered.group(1)), name)
    if key in _BY_HEADER:
        return "field", _BY_HEADER[key]
    if key in LEVEL_WORDS:
        return "level", (None, raw.rstrip(" :"))
    return None


def _table(pairs) -> list[tuple[str, str]]:
    return [(normalise(word), code) for word, code in pairs]


STATUS_WORDS = _table([
    ("terminée", "done"), ("terminé", "done"), ("réalisé", "done"), ("réalisée", "done"), ("fait", "done"),
    ("faite", "done"), ("achevée", "done"), ("achevé", "done"), ("clôturée", "done"), ("finie", "done"),
    ("en cours", "in_progress"), ("démarrée", "in_progress"), ("engagée", "in_progress"), ("lancée", "in_progress"),
    ("en continu", "continuous"), ("continue", "continuous"), ("permanente", "continuous"),
    ("pérenne", "continuous"), ("récurrente", "continuous"),
    ("reportée", "postponed"), ("reporté", "postponed"), ("en pause", "postponed"), ("suspendue", "postponed"),
    ("différée", "postponed"), ("bloquée", "blocked"), ("bloqué", "blocked"), ("en difficulté", "blocked"),
    ("abandonnée", "abandoned"), ("abandonné", "abandoned"), ("annulée", "abandoned"), ("annulé", "abandoned"),
    ("à venir", "planned"), ("nouvelle", "planned"), ("prévue", "planned"), ("prévu", "planned"),
    ("non démarrée", "planned"), ("à lancer", "planned"), ("programmée", "planned"), ("en projet", "planned"),
])  # fmt: skip
ORIGIN_WORDS = _table([
    ("na", "new"), ("nouvelle action", "new"), ("nouvelle", "new"), ("nouveau", "new"), ("new", "new"),
    ("e", "evolution"), ("évolution", "evolution"), ("évolution d'une action existante", "evolution"),
    ("action à faire évoluer", "evolution"), ("ae", "existing"), ("action existante", "existing"),
    ("existante", "existing"), ("reconduite", "existing"), ("reconduction", "existing"),
])  # fmt: skip
PRIORITY_WORDS = _table([
    ("haute", "high"), ("forte", "high"), ("élevée", "high"), ("prioritaire", "high"), ("1", "high"),
    ("moyenne", "medium"), ("2", "medium"), ("basse", "low"), ("faible", "low"), ("3", "low"),
])  # fmt: skip
ROLE_WORDS = _table([
    ("pilote", "lead"), ("copilote", "lead"), ("porteur", "lead"), ("partenaire opérationnel", "operational"),
    ("opérationnel", "operational"), ("relais d'information / orienteur", "relay"), ("relais", "relay"),
    ("orienteur", "relay"), ("intervenant", "speaker"), ("financeur", "funder"), ("financement", "funder"),
    ("à solliciter", "to_approach"), ("solliciter", "to_approach"),
])  # fmt: skip
PARTICIPATION_WORDS = _table([
    ("aucune", "none"), ("information", "information"), ("consultation", "consultation"),
    ("concertation", "concertation"), ("co-construction", "co_construction"),
    ("initiative des habitants", "initiative"), ("initiative", "initiative"),
])  # fmt: skip
SCALE_WORDS = _table([
    ("intercommunal", "intercommunal"), ("intercommunale", "intercommunal"), ("communautaire", "intercommunal"),
    ("périmètre", "perimeter"), ("périmètres", "perimeter"), ("communal", "communal"), ("communale", "communal"),
])  # fmt: skip

VOCABULARY_WORDS = {
    "status": STATUS_WORDS,
    "origin": ORIGIN_WORDS,
    "priority": PRIORITY_WORDS,
    "role": ROLE_WORDS,
    "participation": PARTICIPATION_WORDS,
    "scale": SCALE_WORDS,
}


def match_word(vocabulary: str, text, extra: dict[str, str] | None = None) -> str | None:
    """The code a cell means in a vocabulary: exact word first, then a word the cell contains
    ("Terminée en 2023" is done; "Nouvelle action (NA)" is new), else None."""
    key = normalise(text)
    if not key:
        return None
    if extra and key in extra:
        return extra[key]
    table = VOCABULARY_WORDS[vocabulary]
    for word, code in table:
        if key == word:
            return code
    padded = f" {key} "
    for word, code in sorted(table, key=lambda pair: -len(pair[0])):
        if len(word) > 2 and f" {word} " in padded:
            return code
    for word, code in table:  # a one- or two-letter marker in parentheses: "Évolution (E)"
        if len(word) <= 2 and padded.endswith(f" {word} ") and vocabulary == "origin":
            return code
    return None


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$")
_YEAR = re.compile(r"^(19|20|21)\d{2}$")


def parse_date(value, *, end: bool = False) -> date | None:
    """A cell as a date: a real date, DD/MM/YYYY, YYYY-MM-DD, or a year (1 January, or 31 December for an end)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and _YEAR.match(str(int(value))):
        return date(int(value), 12, 31) if end else date(int(value), 1, 1)
    text = str(value).strip()
    found = _DMY.match(text)
    try:
        if found:
            day, month, year = (int(part) for part in found.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        if _YEAR.match(text):
            return date(int(text), 12, 31) if end else date(int(text), 1, 1)
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def years_in(text) -> list[int]:
    """The years a period label names: "2023-2025" → [2023, 2025], "2024" → [2024]."""
    return [int(year) for year in re.findall(r"(?<!\d)((?:19|20|21)\d{2})(?!\d)", str(text or ""))]
