"""The French words of a spreadsheet, matched by meaning: headers, statuses, origins, roles, dates.

Everything is compared after ``normalise``: accents, case and punctuation do not count, so
"ÉTAT", "état" and "Etat :" are the same word.
"""

import re
from datetime import date, datetime, timedelta

from maillage.actions.models import SECTIONS
from maillage.french import normalise  # noqa: F401  (the name the import modules use)

# Canonical field → the headers that mean it (normalised forms; plurals, "(s)" and the qualifiers of
# ``QUALIFIERS`` are taken off before comparing, so "Pilote(s) de l'action" is "pilote").
HEADERS: dict[str, list[str]] = {
    "ref": ["reference", "ref", "n", "no", "numero", "id", "identifiant", "n action", "numero action", "n fiche"],
    "code": ["code", "code action"],
    "title": [
        "intitule", "titre", "action", "nom de l action", "intitule de l action", "libelle", "nom", "fiche action",
        "libelle de l action", "titre de l action", "intitule action",
    ],
    "status": [
        "statut", "etat", "avancement", "etat d avancement", "statut de l action", "niveau d avancement",
        "etat de realisation", "suivi", "realisation",
    ],
    "origin": ["origine", "origine de l action", "type d action", "nature de l action"],
    "priority": ["priorite", "niveau de priorite", "degre de priorite"],
    "participation": ["participation des habitants", "participation", "implication des habitants"],
    "scale": ["echelon", "niveau d intervention", "echelle", "echelon d intervention", "echelle d intervention"],
    "territory": ["territoire", "commune", "perimetre", "quartier", "territoire concerne", "lieu"],
    "periods": [
        "periode", "annee", "calendrier", "annees de mise en oeuvre", "periode de mise en oeuvre", "duree",
        "periode de realisation", "mise en oeuvre", "millesime",
    ],
    "start_date": [
        "date de debut", "debut", "date debut", "date de demarrage", "demarrage", "date de lancement", "lancement",
        "commencement", "date de mise en oeuvre",
    ],
    "end_date": [
        "date de fin", "fin", "date fin", "echeance", "date d echeance", "date limite", "date butoir", "terme",
        "date de realisation", "date d achevement", "achevement", "date de cloture", "cloture",
    ],
    "nodes": ["noeud"],
    "leads": [
        "pilote", "referent", "responsable", "chef de projet", "referent technique", "coordinateur",
        "coordinatrice", "coordination", "personne referente", "pilote technique", "animateur", "animatrice",
    ],
    "lead_organisation": [
        "structure pilote", "porteur", "structure porteuse", "porteur de l action", "porteur de projet",
        "maitre d ouvrage", "maitrise d ouvrage", "service pilote", "structure referente", "service referent",
        "operateur", "structure responsable", "organisme porteur", "service porteur",
    ],
    "elected_referent": ["elu e referent e", "elu referent", "elue referente", "elu", "elu e", "elus referent"],
    "themes": ["theme", "thematique", "domaine d action", "champ d intervention"],
    "partners": [
        "partenaire", "partenaires associes", "partenariat structure", "partenaire associe", "partenaire mobilise",
        "partenaire operationnel", "acteur", "acteurs associes", "acteur associe", "partenaire envisage",
        "partenaire potentiel", "structure partenaire", "partenaire impliques", "partenaire implique",
    ],
    "funders": ["financeur", "partenaire financier", "cofinanceur", "co financeur", "financeur potentiel"],
    "speakers": ["intervenant", "intervenant exterieur"],
    "relays": ["relais", "relais d information", "orienteur", "partenaire relais"],
    "to_approach": ["partenaire a solliciter", "a solliciter", "partenaire a mobiliser", "partenaire a associer"],
    "parent": ["action parente"],
    "budget": ["budget", "montant", "cout", "cout estime", "budget previsionnel", "cout total", "budget global"],
    "context": ["contexte", "constat", "contexte et constats", "contexte et constat", "diagnostic", "enjeux constates"],
    "general_objective": ["objectif general", "objectif s general aux", "finalite"],
    "operational_objectives": ["objectif operationnel", "objectif specifique"],
    "target_public": ["public cible", "public", "publics cibles", "public vise", "beneficiaire", "public concerne"],
    "description": [
        "presentation de l action", "description", "presentation", "contenu", "descriptif", "description de l action",
        "modalites de mise en oeuvre", "deroulement", "contenu de l action",
    ],
    "schedule": ["echeancier", "calendrier previsionnel", "planning", "calendrier de mise en oeuvre", "etapes"],
    "human_means": ["moyens humains", "ressources humaines"],
    "material_means": ["moyens materiels", "ressources materielles"],
    "financial_means": ["moyens financiers", "ressources financieres", "financement", "plan de financement"],
    "partnership": ["partenariat", "partenariat complements", "partenariat (complements)"],
    "expected_results": ["resultats attendus", "effets attendus", "resultats", "impact attendu"],
    "obstacles": ["freins a lever", "freins", "points de vigilance", "difficultes", "risques"],
}  # fmt: skip
assert set(SECTIONS) <= set(HEADERS)

# Columns of partners whose header gives the role (the "Partenaires" column gives it per name, in
# parentheses, or reads "partenaire opérationnel").
PARTNER_COLUMNS = {
    "partners": "operational",
    "funders": "funder",
    "speakers": "speaker",
    "relays": "relay",
    "to_approach": "to_approach",
}

# Words that qualify a header without changing what it holds: "Date de fin prévue", "Pilote(s) de
# l'action", "Statut au 31/12/2024", "Partenaires mobilisés".
QUALIFIERS = {
    "s", "e", "es", "x", "prevu", "prevue", "previsionnel", "previsionnelle", "envisage", "envisagee",
    "estime", "estimee", "reel", "reelle", "effectif", "effective", "initial", "initiale", "actuel",
    "actuelle", "principal", "principale", "principaux", "eventuel", "eventuelle", "de", "du", "des", "la",
    "le", "les", "l", "d", "au", "a", "en", "action", "projet", "fiche", "l action", "cours", "concerne",
    "concernee", "global", "globale", "total", "totale", "indicatif", "indicative", "souhaite", "souhaitee",
}  # fmt: skip


def _singular(key: str) -> str:
    """ "partenaires associes" → "partenaire associe"; the "(s)" of "Pilote(s)" (" s") goes too."""
    words = [word for word in key.split() if word not in ("s", "e", "es", "x")]
    return " ".join(word[:-1] if len(word) > 3 and word[-1] in "sx" and word[-2] != "s" else word for word in words)


_BY_HEADER = {_singular(word): field for field, words in HEADERS.items() for word in reversed(words)}
_BY_HEADER.update({word: field for field, words in HEADERS.items() for word in reversed(words)})

# Headers that name a level of the tree when they stand alone.
LEVEL_WORDS = {
    "axe", "axes", "axe strategique", "enjeu", "enjeux", "objectif", "objectif strategique", "objectifs strategiques",
    "orientation", "orientations", "orientation strategique", "vise", "visee", "visees", "sous axe", "domaine",
    "thematique prioritaire", "champ", "priorite strategique", "objectif operationnel strategique", "ambition",
    "defi", "chantier", "fiche", "volet", "pilier", "engagement", "finalite strategique",
    "axes strategiques", "orientations strategiques", "enjeux strategiques", "objectifs",
}  # fmt: skip
_LEVELS = {_singular(word) for word in LEVEL_WORDS}
_LEVEL_NUMBERED = re.compile(r"^niveau (\d) (.+)$")
_YEAR_HEADER = re.compile(r"^(?:annee )?((?:19|20|21)\d{2})(?: (?:19|20|21)?\d{2})?$")


def _field(key: str) -> str | None:
    """The field a folded header means: itself, its singular, or its first words when the others
    only qualify it."""
    for candidate in (key, _singular(key)):
        if candidate in _BY_HEADER:
            return _BY_HEADER[candidate]
    words = key.split()
    for end in range(len(words) - 1, 0, -1):
        rest = words[end:]
        if all(word in QUALIFIERS or word.isdigit() for word in rest):
            head = " ".join(words[:end])
            for candidate in (head, _singular(head)):
                if candidate in _BY_HEADER:
                    return _BY_HEADER[candidate]
    return None


def match_header(header) -> tuple[str, object] | None:
    """("field", name) for a known column, ("level", (depth or None, name)) for a tree level,
    ("year", label) for a column of a year grid ("2024", "2024-2025"), else None.

    "Priorité" is the action's priority, not a level, unless it says "Priorité stratégique"."""
    raw = str(header or "").strip()
    key = normalise(raw)
    if not key:
        return None
    if re.fullmatch(r"niveau \d", key):  # a level the sheet does not name: the review shows the project's
        return "level", (int(key[-1]), raw)
    numbered = _LEVEL_NUMBERED.match(key)
    if numbered:
        name = raw.split(":", 1)[1].strip() if ":" in raw else raw
        return "level", (int(numbered.group(1)), name)
    if _YEAR_HEADER.match(key):
        return "year", raw
    if key in _BY_HEADER:
        return "field", _BY_HEADER[key]
    if key in LEVEL_WORDS or (_singular(key) in _LEVELS and _singular(key) not in _BY_HEADER):
        return "level", (None, raw.rstrip(" :"))
    found = _field(key)
    if found is None and re.search(r"\s(/|ou|-)\s|/", raw):  # "Pilote / Référent", "Statut ou état"
        for part in re.split(r"\s+(?:/|ou|-)\s+|/", raw):
            part_key = normalise(part)
            if part_key and (found := _field(part_key)):
                break
    return ("field", found) if found else None


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
MONTHS = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5,
    "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}  # fmt: skip
# Parts of a year, as (first month, last month): "T2 2025", "2e semestre 2025", "fin 2025", "été 2025".
_PARTS = {
    "t1": (1, 3), "t2": (4, 6), "t3": (7, 9), "t4": (10, 12), "1er trimestre": (1, 3), "2e trimestre": (4, 6),
    "3e trimestre": (7, 9), "4e trimestre": (10, 12), "s1": (1, 6), "s2": (7, 12), "1er semestre": (1, 6),
    "2e semestre": (7, 12), "debut": (1, 3), "fin": (10, 12), "mi": (5, 7), "courant": (1, 12), "printemps": (3, 5),
    "ete": (6, 8), "automne": (9, 11), "hiver": (12, 12), "rentree": (9, 9), "annee": (1, 12),
}  # fmt: skip
_ORDINALS = re.compile(r"\b(\d)\s*(?:er|ere|eme|e|nd|nde)\b")
_WORDED = re.compile(r"^((?:[a-z0-9]+ ?){0,2}?) ?((?:19|20|21)\d{2})$")
_RANGE = re.compile(r"^((?:19|20|21)\d{2}) (?:a )?((?:19|20|21)\d{2})$")


def _month_end(year: int, month: int) -> date:
    return (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)


def _worded_date(text: str, end: bool) -> date | None:
    """ "juin 2025", "15 mars 2025", "T2 2025", "2e semestre 2025", "fin 2025", "2024-2026"."""
    key = _ORDINALS.sub(lambda found: f"{found.group(1)}e", normalise(text)).replace("1e ", "1er ")
    key = re.sub(r"^(?:d ici|avant|au plus tard|pour|en|courant|a partir de|des) ", "", key)
    found = _RANGE.match(key)
    if found:
        first, last = sorted(int(year) for year in found.groups())
        return date(last, 12, 31) if end else date(first, 1, 1)
    found = _WORDED.match(key)
    if not found:
        return None
    words, year = found.group(1).strip(), int(found.group(2))
    if not words:  # "courant 2025"
        return date(year, 12, 31) if end else date(year, 1, 1)
    if words in _PARTS:
        first, last = _PARTS[words]
        return _month_end(year, last) if end else date(year, first, 1)
    if words in MONTHS:
        return _month_end(year, MONTHS[words]) if end else date(year, MONTHS[words], 1)
    day = re.match(r"^(\d{1,2})(?:er)? ([a-z]+)$", words)
    if day and day.group(2) in MONTHS:
        return date(year, MONTHS[day.group(2)], int(day.group(1)))
    return None


def parse_date(value, *, end: bool = False) -> date | None:
    """A cell as a date: a real date, DD/MM/YYYY, YYYY-MM-DD, a year (1 January, or 31 December for an
    end), a month or a part of a year in French words ("juin 2025", "T2 2025", "fin 2025": its first
    day, or its last for an end), or a range of years ("2024-2026")."""
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
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return _worded_date(text[:80], end)
    except ValueError:
        return None


def years_in(text) -> list[int]:
    """The years a period label names: "2023-2025" → [2023, 2025], "2024" → [2024]."""
    return [int(year) for year in re.findall(r"(?<!\d)((?:19|20|21)\d{2})(?!\d)", str(text or ""))]
