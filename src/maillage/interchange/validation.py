r"""Checking an interchange document before anything is written.

Two passes: the JSON Schema (shapes, vocabularies), then the rules a schema cannot say (keys that
must exist, levels, periods). Every problem is reported in French with its JSON path, so that the
person who wrote the document can find and fix each one.

The schema is compiled once, when this module is imported, by two validators:

- ``FAST`` (jsonschema-rs, compiled to Rust) answers "valid or not" for a 10,000-action document in
  about 0.1 s, where jsonschema takes 20 s (docs/performance.md, "Imports"); it also points at the
  places that are not;
- ``VALIDATOR`` (jsonschema, the reference) describes the problems: its errors carry what the French
  messages need (the alternatives of an ``anyOf``, the expected values). It only reads the places
  ``FAST`` refused, so a large document with one typo is refused in a fraction of a second too.

``FAST`` never accepts what ``VALIDATOR`` refuses: its copy of the schema reads ``\S`` as Python
does (ECMA-262 regular expressions, which jsonschema-rs follows, do not count the control
characters U+001C–U+001F and U+0085 as spaces), and the ``date`` format is jsonschema's own checker
(jsonschema-rs accepts the year 0000, which Python's dates do not). Where ``FAST`` is stricter (a
BOM counted as a space, a final line break before ``$``), ``VALIDATOR`` has the last word, and a value
``FAST`` cannot read (a lone surrogate) goes to ``VALIDATOR`` whole. ``test_validation.py`` checks the
two agree.
"""

import copy
import datetime
import json
import math
from dataclasses import dataclass
from pathlib import Path

import jsonschema_rs
from django.conf import settings
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

from maillage.evaluation import periods
from maillage.evaluation.years import YearRule

SCHEMA_ID = "maillage/project@1"
SCHEMA_PATH = Path(__file__).with_name("project-1.schema.json")
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
_VALIDATOR_CLASS = validator_for(SCHEMA)
_VALIDATOR_CLASS.check_schema(SCHEMA)
_FORMATS = _VALIDATOR_CLASS.FORMAT_CHECKER
VALIDATOR = _VALIDATOR_CLASS(SCHEMA, format_checker=_FORMATS)


def _as_python_reads(schema):
    """A copy of the schema whose patterns mean for jsonschema-rs what they mean for Python's ``re``."""
    if isinstance(schema, dict):
        return {
            key: value.replace("\\S", "[^\\s\\x1c-\\x1f\\x85]")
            if key == "pattern" and isinstance(value, str)
            else _as_python_reads(value)
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_as_python_reads(item) for item in schema]
    return schema


def _fast(schema):
    return jsonschema_rs.validator_for(
        _as_python_reads(schema),
        validate_formats=True,
        formats={"date": lambda value: _FORMATS.conforms(value, "date")},
    )


FAST = _fast(SCHEMA)
# jsonschema-rs gathers all of a document's errors before giving the first: a list of a million wrong
# items would cost seconds and gigabytes. So a document that is not valid is looked at in parts: its
# shell (the top-level lists with any items), then each item of each list, until enough are found.
_LISTS = [key for key, value in SCHEMA["properties"].items() if value.get("type") == "array" and "items" in value]
FAST_SHELL = _fast(
    {
        **SCHEMA,
        "properties": {
            key: ({**value, "items": {}} if key in _LISTS else value) for key, value in SCHEMA["properties"].items()
        },
    }
)
FAST_ITEMS = {key: _fast({"$defs": SCHEMA["$defs"], **SCHEMA["properties"][key]["items"]}) for key in _LISTS}


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self):
        return f"{self.path} : {self.message}"


def listed_problems() -> int:
    return int(getattr(settings, "MAILLAGE_MAX_LISTED_PROBLEMS", 50))


# Past this many problems the schema check stops counting: a million bad items cost no million messages.
COUNTED_PROBLEMS = 1000


class InvalidDocument(Exception):
    """The document cannot be imported; ``problems`` says why, each with its JSON path. The report lists
    the first ``MAILLAGE_MAX_LISTED_PROBLEMS`` and counts the others (a page or a terminal stays readable)."""

    def __init__(self, problems, more: bool = False):
        self.more = more or isinstance(problems, TooManyProblems)  # counting stopped at COUNTED_PROBLEMS
        self.problems = list(problems)
        super().__init__(self.report())

    def __reduce__(self):  # crosses the reader's process boundary with its problems, not its text
        return (type(self), (self.problems, self.more))

    def report(self) -> str:
        count = len(self.problems)
        if self.more:
            head = f"Document refusé : plus de {count} problèmes."
        else:
            head = "Document refusé : 1 problème." if count == 1 else f"Document refusé : {count} problèmes."
        shown = listed_problems()
        lines = [head, *(f"- {problem}" for problem in self.problems[:shown])]
        if count > shown:
            lines.append(f"… et {count - shown}{' (au moins)' if self.more else ''} autres problèmes non listés.")
        return "\n".join([*lines, "Rien n'a été enregistré."])


def schema() -> dict:
    """The JSON Schema of the document (a copy: the validators keep theirs)."""
    return copy.deepcopy(SCHEMA)


class _Refused(Exception):
    """Raised from inside the parser's hooks: the text goes over a bound."""

    def __init__(self, problem: "Problem"):
        self.problem = problem


def _bounded_int(digits: str) -> int:
    limit = settings.MAILLAGE_IMPORT_MAX_NUMBER_DIGITS
    if len(digits.lstrip("-")) > limit:
        raise _Refused(
            Problem("$", f"un nombre compte plus de {limit} chiffres (réglage MAILLAGE_IMPORT_MAX_NUMBER_DIGITS).")
        )
    return int(digits)


def _bounded_float(text: str):
    if len(text) > settings.MAILLAGE_IMPORT_MAX_NUMBER_DIGITS + 8:  # digits, sign, point and exponent
        return _bounded_int("9" * (settings.MAILLAGE_IMPORT_MAX_NUMBER_DIGITS + 1))
    number = float(text)
    if math.isinf(number):
        raise _Refused(Problem("$", f"le nombre {text[:40]} est trop grand."))
    return number


def _no_constant(name: str):
    raise _Refused(Problem("$", f"« {name} » n'est pas une valeur JSON."))


def check_bounds(document) -> None:
    """A parsed document nesting deeper than ``MAILLAGE_IMPORT_MAX_JSON_DEPTH`` or holding more than
    ``MAILLAGE_IMPORT_MAX_JSON_VALUES`` values is refused before anything reads it (walked without
    recursion: the walk itself cannot overflow)."""
    depth_limit = settings.MAILLAGE_IMPORT_MAX_JSON_DEPTH
    value_limit = settings.MAILLAGE_IMPORT_MAX_JSON_VALUES
    count = 0
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > value_limit:
            raise InvalidDocument(
                [
                    Problem(
                        "$",
                        f"le document compte plus de {value_limit} valeurs (réglage MAILLAGE_IMPORT_MAX_JSON_VALUES).",
                    )
                ]
            )
        if isinstance(value, dict | list):
            if depth > depth_limit:
                raise InvalidDocument(
                    [
                        Problem(
                            "$",
                            f"le document imbrique plus de {depth_limit} niveaux de listes ou d'objets "
                            "(réglage MAILLAGE_IMPORT_MAX_JSON_DEPTH).",
                        )
                    ]
                )
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)


def parse(text: str | bytes) -> dict:
    """Read JSON text with bounds: the parser refuses a number of more than
    ``MAILLAGE_IMPORT_MAX_NUMBER_DIGITS`` digits before converting it (a 5,000-digit integer), its own
    recursion guard stops a document nested a thousand deep, and ``check_bounds`` the depth and the count
    of values; the file's size was bounded before (``MAILLAGE_IMPORT_MAX_BYTES``). Each becomes an
    InvalidDocument in French; a broken file too, with the line and column."""
    try:
        if isinstance(text, bytes | bytearray):
            text = bytes(text).decode("utf-8-sig")
        document = json.loads(text, parse_int=_bounded_int, parse_float=_bounded_float, parse_constant=_no_constant)
        check_bounds(document)
    except _Refused as refused:
        raise InvalidDocument([refused.problem]) from None
    except (RecursionError, MemoryError) as error:
        raise InvalidDocument(
            [
                Problem(
                    "$",
                    "le document est trop profond ou trop lourd pour être lu (réglage MAILLAGE_IMPORT_MAX_JSON_DEPTH).",
                )
            ]
        ) from error
    except json.JSONDecodeError as error:
        raise InvalidDocument(
            [
                Problem(
                    "$",
                    f"JSON illisible ligne {error.lineno}, colonne {error.colno} : {_json_error(error.msg)}.",
                )
            ]
        ) from error
    except UnicodeDecodeError as error:
        raise InvalidDocument([Problem("$", "le fichier n'est pas encodé en UTF-8.")]) from error
    except ValueError as error:  # a number the interpreter refuses to convert (over 4,300 digits)
        raise InvalidDocument([Problem("$", "un nombre du document est trop long pour être lu.")]) from error
    return document


def _json_error(message: str) -> str:
    translations = {
        "Expecting value": "valeur attendue",
        "Expecting property name enclosed in double quotes": "nom de champ entre guillemets doubles attendu",
        "Expecting ',' delimiter": "virgule attendue",
        "Expecting ':' delimiter": "deux-points attendus",
        "Unterminated string starting at": "texte non terminé",
        "Extra data": "données en trop après la fin du document",
        "Invalid control character at": "caractère de contrôle interdit",
    }
    return translations.get(message, message)


def check(document) -> list[Problem]:
    """All the problems of a document: schema first; the cross-reference rules only on a well-shaped one."""
    if not isinstance(document, dict):
        return [Problem("$", "le document doit être un objet JSON.")]
    if document.get("schema") != SCHEMA_ID:
        found = document.get("schema")
        if found is None:
            return [Problem("$.schema", f"champ obligatoire manquant (attendu : « {SCHEMA_ID} »).")]
        return [
            Problem(
                "$.schema",
                f"version de schéma non prise en charge : « {found} » (attendu : « {SCHEMA_ID} »).",
            )
        ]
    problems = schema_problems(document)
    if problems:
        return problems
    return ReferenceChecker(document).run()


def schema_problems(document) -> list[Problem]:
    """The document's problems with the JSON Schema, one per place, sorted by path."""
    try:
        if FAST.is_valid(document):
            return []
        places = _fast_places(document)
    except (ValueError, TypeError, OverflowError):  # a value FAST cannot read: VALIDATOR reads it all
        places = {()}
    errors = VALIDATOR.iter_errors(document) if () in places else _errors_at(document, places)
    problems = {}
    for error in errors:
        problem = _describe(error)
        problems.setdefault(problem.path, problem)  # one message per place is enough to fix it
        if len(problems) > COUNTED_PROBLEMS:
            break
    found = sorted(problems.values(), key=lambda problem: problem.path)
    return TooManyProblems(found[:COUNTED_PROBLEMS]) if len(found) > COUNTED_PROBLEMS else found


def _fast_places(document) -> set:
    """The places of FAST's errors (``_place``), at most COUNTED_PROBLEMS + 1 of the lists' items."""
    places = {_place(error.instance_path) for error in FAST_SHELL.iter_errors(document)}
    for key in _LISTS:
        items = document.get(key)
        if not isinstance(items, list) or (key,) in places:
            continue
        validator = FAST_ITEMS[key]
        for index, item in enumerate(items):
            if len(places) > COUNTED_PROBLEMS:
                return places
            if not validator.is_valid(item):
                places.add((key, index))
    return places


def _place(path) -> tuple:
    """The part of the document that holds an error: an item of a top-level list, a top-level entry,
    or the whole document for a problem of the document itself."""
    if not path or path[0] not in SCHEMA["properties"]:
        return ()
    if len(path) > 1 and SCHEMA["properties"][path[0]].get("type") == "array":
        return (path[0], path[1])
    return (path[0],)


def _errors_at(document, places):
    """VALIDATOR's errors in those parts only, with their paths from the document's root."""
    for place in sorted(places, key=lambda place: (place[0], place[1:])):
        subschema = SCHEMA["properties"][place[0]]
        instance = document[place[0]]
        if len(place) == 2:
            subschema, instance = subschema["items"], instance[place[1]]
        for error in VALIDATOR.evolve(schema=subschema).iter_errors(instance):
            error.path.extendleft(reversed(place))
            yield error


class TooManyProblems(list):
    """The problems found before counting stopped: ``InvalidDocument(problems)`` says "more than"."""


# --- French messages for schema errors -------------------------------------------------------------

_TYPES = {
    "string": "un texte",
    "integer": "un nombre entier",
    "number": "un nombre",
    "object": "un objet",
    "array": "une liste",
    "boolean": "vrai ou faux",
    "null": "null",
}


def _shown(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text if len(text) <= 60 else text[:57] + "…"
    return f"« {text} »" if isinstance(value, str) else text


def _describe(error) -> Problem:
    if error.validator in ("anyOf", "oneOf") and error.context:
        # Report the alternative that came closest, not "is not valid under any of the given schemas".
        candidates = [sub for sub in error.context if sub.validator != "type" or error.instance is None]
        return _describe(best_match(candidates or error.context))
    path = error.json_path
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = next((name for name in expected if name not in value), expected[0])
        return Problem(f"{path}.{missing}", "champ obligatoire manquant.")
    if kind == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = sorted(name for name in value if name not in known)
        name = extra[0] if extra else "?"
        return Problem(f"{path}.{name}", f"champ inconnu (« {name} ») : vérifiez son orthographe.")
    if kind == "enum":
        choices = ", ".join(str(choice) for choice in expected)
        return Problem(path, f"valeur {_shown(value)} non autorisée ; valeurs possibles : {choices}.")
    if kind == "const":
        return Problem(path, f"valeur {_shown(value)} non autorisée ; attendu : {_shown(expected)}.")
    if kind == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        return Problem(path, f"{_shown(value)} devrait être {' ou '.join(_TYPES.get(t, t) for t in wanted)}.")
    if kind == "minLength":
        if expected == 1:
            return Problem(path, "ne doit pas être vide.")
        return Problem(path, f"trop court : {expected} caractères au moins.")
    if kind == "maxLength":
        return Problem(path, f"trop long : {len(value)} caractères pour {expected} au plus.")
    if kind == "pattern":
        if "\\S" in expected:
            return Problem(path, "ne doit pas être vide ni commencer ou finir par une espace.")
        if expected.startswith("^[a-z0-9]"):
            return Problem(
                path,
                f"{_shown(value)} n'est pas une clé valide : lettres minuscules sans accent, chiffres, - et _.",
            )
        if "T\\d{2}" in expected:
            return Problem(path, f"{_shown(value)} n'est pas une date et heure au format AAAA-MM-JJTHH:MM:SS+00:00.")
        if "\\d{4}" in expected:
            return Problem(path, f"{_shown(value)} n'est pas une date au format AAAA-MM-JJ.")
        if "[01]\\d" in expected:
            return Problem(path, f"{_shown(value)} n'est pas une heure au format HH:MM.")
        return Problem(path, f"{_shown(value)} n'a pas le format attendu.")
    if kind == "format":
        return Problem(path, f"{_shown(value)} n'est pas une date valide (format AAAA-MM-JJ).")
    if kind == "minimum":
        return Problem(path, f"{_shown(value)} est trop petit : {expected} au moins.")
    if kind == "maximum":
        return Problem(path, f"{_shown(value)} est trop grand : {expected} au plus.")
    if kind == "minItems":
        return Problem(path, f"la liste doit compter au moins {expected} élément(s).")
    if kind == "maxItems":
        return Problem(path, f"la liste compte {len(value)} éléments pour {expected} au plus.")
    if kind == "uniqueItems":
        return Problem(path, "la liste contient des doublons.")
    return Problem(path, f"valeur invalide ({error.message}).")


# --- Cross-reference rules -------------------------------------------------------------------------


class ReferenceChecker:
    """The rules of docs/interchange.md that a JSON Schema cannot express."""

    def __init__(self, document: dict):
        self.doc = document
        self.problems: list[Problem] = []
        project = document["project"]
        self.first_year = project["period"]["start"]
        self.last_year = project["period"]["end"]
        self.levels = {name: depth for depth, name in enumerate(document["levels"], start=1)}
        self.periods = {p["label"] for p in document.get("periods", [])}
        self.themes = set(document.get("themes", []))
        self.actions = {a["ref"] for a in document.get("actions", [])}
        self.node_keys: set[str] = set()
        self.node_codes: dict[str, str] = {}

    def problem(self, path: str, message: str):
        self.problems.append(Problem(path, message))

    def unique(self, items, field, path, what):
        seen = {}
        for index, item in enumerate(items):
            value = item[field] if isinstance(item, dict) else item
            if value in seen:
                self.problem(
                    f"{path}[{index}].{field}" if isinstance(item, dict) else f"{path}[{index}]",
                    f"{what} « {value} » déjà utilisé(e) en {path}[{seen[value]}].",
                )
            else:
                seen[value] = index
        return set(seen)

    def exists(self, value, known, path, what):
        if value is not None and value not in known:
            self.problem(path, f"{what} « {value} » inconnu(e) dans ce document.")

    def years(self, first, last, path):
        if first is None:
            return
        if first < self.first_year or last > self.last_year:
            self.problem(
                path,
                f"{first if first == last else f'{first}-{last}'} hors de la période du projet "
                f"({self.first_year}-{self.last_year}).",
            )

    def run(self) -> list[Problem]:
        doc = self.doc
        if self.first_year > self.last_year:
            self.problem("$.project.period", "la première année est après la dernière.")
        self.unique(doc["levels"], None, "$.levels", "niveau")
        self.check_periods()
        territories = self.check_territories()
        partners = self.unique(doc.get("partners", []), "key", "$.partners", "clé")
        people = self.unique(doc.get("people", []), "key", "$.people", "clé")
        for index, person in enumerate(doc.get("people", [])):
            self.exists(person.get("organisation"), partners, f"$.people[{index}].organisation", "partenaire")
        self.unique(doc.get("acronyms", []), "acronym", "$.acronyms", "sigle")
        project = doc["project"]
        self.exists(project.get("territory"), territories, "$.project.territory", "territoire")
        self.exists(project.get("owner"), partners, "$.project.owner", "partenaire")
        if project.get("parent") == project["slug"]:
            self.problem("$.project.parent", "un projet ne peut pas être son propre parent.")
        self.unique(doc.get("actions", []), "ref", "$.actions", "référence d'action")
        for index, node in enumerate(doc["nodes"]):
            self.check_node(node, f"$.nodes[{index}]", None, people)
        self.check_actions(territories, partners, people)
        self.check_programmes()
        self.check_framework_indicators()
        self.check_governance(partners, people)
        self.check_diagnostic(territories)
        return self.problems

    def check_periods(self):
        periods = self.doc.get("periods", [])
        self.unique(periods, "label", "$.periods", "période")
        for index, period in enumerate(periods):
            if period["start"] > period["end"]:
                self.problem(f"$.periods[{index}]", "la première année de la période est après la dernière.")
            else:
                self.years(period["start"], period["end"], f"$.periods[{index}]")

    def check_territories(self):
        territories = self.doc.get("territories", [])
        keys = self.unique(territories, "key", "$.territories", "clé")
        codes = {}
        for index, territory in enumerate(territories):
            path = f"$.territories[{index}]"
            if territory.get("code"):
                code = (territory["kind"], territory["code"])
                if code in codes:
                    self.problem(
                        f"{path}.code",
                        f"code « {territory['code']} » déjà utilisé en $.territories[{codes[code]}].",
                    )
                codes[code] = index
            for position, member in enumerate(territory.get("members", [])):
                self.exists(member, keys, f"{path}.members[{position}]", "territoire")
                if member == territory["key"]:
                    self.problem(f"{path}.members[{position}]", "un territoire ne peut pas être membre de lui-même.")
        return keys

    def check_node(self, node, path, parent_depth, people):
        depth = self.levels.get(node["level"])
        if depth is None:
            self.problem(f"{path}.level", f"niveau « {node['level']} » absent de $.levels.")
        elif parent_depth is not None and depth <= parent_depth:
            self.problem(f"{path}.level", f"le niveau « {node['level']} » doit être plus profond que celui du parent.")
        if node.get("code"):
            if node["code"] in self.node_codes:
                self.problem(
                    f"{path}.code",
                    f"code « {node['code']} » déjà utilisé en {self.node_codes[node['code']]}.",
                )
            self.node_codes[node["code"]] = path
        if node.get("key"):
            if node["key"] in self.node_keys:
                self.problem(f"{path}.key", f"clé « {node['key']} » déjà utilisée par un autre nœud.")
            self.node_keys.add(node["key"])
        self.exists(node.get("referent"), people, f"{path}.referent", "personne")
        seen = set()
        for index, ref in enumerate(node["actions"]):
            self.exists(ref, self.actions, f"{path}.actions[{index}]", "action")
            if ref in seen:
                self.problem(f"{path}.actions[{index}]", f"l'action « {ref} » est listée deux fois dans ce nœud.")
            seen.add(ref)
        for index, child in enumerate(node["children"]):
            self.check_node(child, f"{path}.children[{index}]", depth if depth is not None else parent_depth, people)

    def check_actions(self, territories, partners, people):
        actions = self.doc.get("actions", [])
        parents = {a["ref"]: a.get("parent") for a in actions}
        for index, action in enumerate(actions):
            path = f"$.actions[{index}]"
            parent = action.get("parent")
            self.exists(parent, self.actions, f"{path}.parent", "action")
            seen, current = {action["ref"]}, parent
            while current is not None and current in parents:
                if current in seen:
                    self.problem(f"{path}.parent", "les actions parentes forment une boucle.")
                    break
                seen.add(current)
                current = parents[current]
            self.exists(action.get("territory"), territories, f"{path}.territory", "territoire")
            for position, label in enumerate(action.get("periods", [])):
                self.exists(label, self.periods, f"{path}.periods[{position}]", "période")
            if action.get("start_date") and action.get("end_date") and action["start_date"] > action["end_date"]:
                self.problem(f"{path}.end_date", "la date de fin précède la date de début.")
            for position, key in enumerate(action.get("leads", [])):
                self.exists(key, people, f"{path}.leads[{position}]", "personne")
            self.exists(action.get("lead_organisation"), partners, f"{path}.lead_organisation", "partenaire")
            self.exists(action.get("elected_referent"), people, f"{path}.elected_referent", "personne")
            for position, theme in enumerate(action.get("themes", [])):
                self.exists(theme, self.themes, f"{path}.themes[{position}]", "thème")
            roles = set()
            for position, partner in enumerate(action.get("partners", [])):
                self.exists(partner["partner"], partners, f"{path}.partners[{position}].partner", "partenaire")
                if (partner["partner"], partner["role"]) in roles:
                    self.problem(f"{path}.partners[{position}]", "ce partenaire figure déjà avec ce rôle.")
                roles.add((partner["partner"], partner["role"]))
            for position, line in enumerate(action.get("budget", [])):
                self.exists(line.get("funder"), partners, f"{path}.budget[{position}].funder", "partenaire")
                if line.get("year") is not None:
                    self.years(line["year"], line["year"], f"{path}.budget[{position}].year")
                if line.get("amount") is None:
                    self.problem(f"{path}.budget[{position}].amount", "montant manquant.")
            for position, indicator in enumerate(action.get("indicators", [])):
                self.check_indicator(indicator, f"{path}.indicators[{position}]")

    def check_indicator(self, indicator, ipath):
        """The indicators' years follow the same rule as the screens (maillage.evaluation.years)."""
        rule = YearRule(self.first_year, self.last_year)
        self.unique(indicator.get("targets", []), "year", f"{ipath}.targets", "année")
        if problem := rule.baseline_problem(indicator.get("baseline_year")):
            self.problem(f"{ipath}.baseline_year", problem)
        for number, target in enumerate(indicator.get("targets", [])):
            if problem := rule.target_problem(target["year"]):
                self.problem(f"{ipath}.targets[{number}].year", problem)
            if target["value"] is None:
                self.problem(f"{ipath}.targets[{number}].value", "cible manquante.")
        for number, value in enumerate(indicator.get("values", [])):
            if value.get("value") is None and not (value.get("assessment") or "").strip():
                self.problem(f"{ipath}.values[{number}]", "indiquez une valeur ou une appréciation.")
            try:
                measured = datetime.date.fromisoformat(value["date"]) if value.get("date") else None
            except ValueError:
                measured = None  # the schema reports a malformed date
            placed = periods.place(value.get("period", ""), measured)
            if problem := rule.value_problem(placed.year if placed else None):
                self.problem(f"{ipath}.values[{number}].period", problem)

    def check_framework_indicators(self):
        """Keys unique; the node a common indicator measures is one of this document's, named once."""
        commons = self.doc.get("framework_indicators", [])
        self.unique(commons, "key", "$.framework_indicators", "clé")
        named = [entry for entry in commons if entry.get("node")]
        if not named:
            return
        names = {}

        def collect(nodes):
            for node in nodes:
                for name in ("code", "key", "title"):
                    if node.get(name):
                        names.setdefault((name, node[name]), []).append(node)
                collect(node["children"])

        collect(self.doc["nodes"])
        for index, entry in enumerate(commons):
            reference = entry.get("node")
            if not reference:
                continue
            name = next(name for name in ("code", "key", "title") if reference.get(name))
            count = len(names.get((name, reference[name]), []))
            if count != 1:
                self.problem(
                    f"$.framework_indicators[{index}].node",
                    f"nœud « {reference[name]} » {'introuvable' if not count else 'ambigu'} dans $.nodes.",
                )

    def check_programmes(self):
        programmes = self.doc.get("programmes", [])
        self.unique(programmes, "key", "$.programmes", "clé")

        def listed(refs, path, where):
            seen = set()
            for position, ref in enumerate(refs):
                self.exists(ref, self.actions, f"{path}[{position}]", "action")
                if ref in seen:
                    self.problem(f"{path}[{position}]", f"l'action « {ref} » est listée deux fois dans {where}.")
                seen.add(ref)

        def objectives(items, path):
            for index, objective in enumerate(items):
                listed(objective.get("actions", []), f"{path}[{index}].actions", "cet objectif")
                objectives(objective.get("children", []), f"{path}[{index}].children")

        for index, programme in enumerate(programmes):
            listed(programme.get("actions", []), f"$.programmes[{index}].actions", "ce programme")
            objectives(programme.get("objectives", []), f"$.programmes[{index}].objectives")

    def check_governance(self, partners, people):
        bodies = self.unique(self.doc.get("bodies", []), "key", "$.bodies", "clé")
        for index, body in enumerate(self.doc.get("bodies", [])):
            path = f"$.bodies[{index}]"
            self.exists(body.get("chair"), people, f"{path}.chair", "personne")
            self.exists(body.get("node"), self.node_keys, f"{path}.node", "nœud")
            for position, member in enumerate(body.get("members", [])):
                self.exists(member.get("person"), people, f"{path}.members[{position}].person", "personne")
                self.exists(
                    member.get("organisation"),
                    partners,
                    f"{path}.members[{position}].organisation",
                    "partenaire",
                )
        for index, meeting in enumerate(self.doc.get("meetings", [])):
            path = f"$.meetings[{index}]"
            self.exists(meeting.get("body"), bodies, f"{path}.body", "instance")
            if meeting.get("start_time") and meeting.get("end_time") and meeting["start_time"] > meeting["end_time"]:
                self.problem(f"{path}.end_time", "l'heure de fin précède l'heure de début.")
            for position, seat in enumerate(meeting.get("attendance", [])):
                self.exists(seat.get("person"), people, f"{path}.attendance[{position}].person", "personne")
                self.exists(
                    seat.get("organisation"),
                    partners,
                    f"{path}.attendance[{position}].organisation",
                    "partenaire",
                )
            for position, decision in enumerate(meeting.get("decisions", [])):
                for number, ref in enumerate(decision.get("actions", [])):
                    self.exists(ref, self.actions, f"{path}.decisions[{position}].actions[{number}]", "action")
                self.check_changes(decision.get("changes", []), f"{path}.decisions[{position}].changes")

    def check_changes(self, changes, path):
        """A decision's changes: periods, levels and nodes that exist (a node may be one an earlier change
        of the decision adds). Action refs are kept as text: the action may have been deleted since."""
        new_nodes: dict[str, bool] = {}  # key -> applied
        for index, change in enumerate(changes):
            where = f"{path}[{index}]"
            self.exists(change.get("period"), self.periods, f"{where}.period", "période")
            self.exists(change.get("level"), self.levels, f"{where}.level", "niveau")
            node = change.get("node")
            if node is not None and node not in self.node_keys and node not in new_nodes:
                self.problem(f"{where}.node", f"nœud « {node} » inconnu dans ce document.")
            if change["kind"] == "new_node":
                key = change.get("key")
                if key in new_nodes:
                    self.problem(f"{where}.key", f"clé « {key} » déjà prévue par un autre changement de la décision.")
                elif not change.get("applied") and key in self.node_keys:
                    self.problem(f"{where}.key", f"clé « {key} » déjà utilisée par un nœud de l'arborescence.")
                new_nodes[key] = bool(change.get("applied"))

    def check_diagnostic(self, territories):
        diagnostic = self.doc.get("diagnostic", {})
        for index, table in enumerate(diagnostic.get("tables", [])):
            path = f"$.diagnostic.tables[{index}]"
            self.unique(table["columns"], None, f"{path}.columns", "colonne")
            for position, key in enumerate(table["columns"]):
                self.exists(key, territories, f"{path}.columns[{position}]", "territoire")
            if table.get("year") is not None and not 1900 <= table["year"] <= 2200:
                self.problem(f"{path}.year", "année invalide.")
            for position, row in enumerate(table["rows"]):
                if len(row["values"]) != len(table["columns"]):
                    self.problem(
                        f"{path}.rows[{position}].values",
                        f"{len(row['values'])} valeur(s) pour {len(table['columns'])} colonne(s).",
                    )
        for index, enjeu in enumerate(diagnostic.get("enjeux", [])):
            for position, key in enumerate(enjeu.get("nodes", [])):
                self.exists(key, self.node_keys, f"$.diagnostic.enjeux[{index}].nodes[{position}]", "nœud")
        for index, consultation in enumerate(diagnostic.get("consultations", [])):
            start, end = consultation.get("start_date"), consultation.get("end_date")
            if start and end and start > end:
                self.problem(
                    f"$.diagnostic.consultations[{index}].end_date",
                    "la date de fin précède la date de début.",
                )
