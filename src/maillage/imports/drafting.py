"""From spreadsheet rows (one per action) to a draft ``maillage/project@1`` document and a report.

The draft is never saved here: the CLI shows it (``--dry-run``), imports it as a new project or
merges it into an existing one. The report says what was understood and what was not, row by row.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.text import slugify

from maillage.actions.models import SECTIONS
from maillage.interchange.validation import check

from .lists import split_list, strong_items
from .reading import MAX_COLUMNS, Sheet, UnreadableFile
from .words import PARTNER_COLUMNS, match_header, match_word, normalise, parse_date, years_in

TREE_SHEET = "arborescence"
ROLE_READ = {
    "operational": "partenaire opérationnel",
    "funder": "financeur",
    "speaker": "intervenant",
    "relay": "relais",
    "to_approach": "à solliciter",
}
# Columns holding lists of names, split on commas, slashes and " et " too (``lists``), unless the
# column already separates its names with ";" or line breaks (an export does).
NAME_COLUMNS = ("leads", "lead_organisation", "themes", *PARTNER_COLUMNS)
# Columns whose header may say a date but whose cells say otherwise (``_checked_roles``).
DATE_COLUMNS = ("start_date", "end_date", "periods")
YEAR_MARKS_EMPTY = {"", "non", "0", "-", "–", "—", "n", "no", "x non"}


@dataclass
class Report:
    """What the reader understood (counts per kind), what it could not use, and what looks wrong."""

    sheet: str = ""
    document: str = ""  # a plan document (not a spreadsheet): its name, and where its passages were
    recognised: dict[str, int] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # header → field or level
    unrecognised_columns: list[str] = field(default_factory=list)
    unused_rows: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (location, passage) a document could not place
    shown_unplaced: int = 30
    # a plan document: what it says of the project (kind, period: None when not read), what the reader guessed
    project: dict | None = None
    unsure: list[str] = field(default_factory=list)
    without_status: list[str] = field(default_factory=list)  # refs of the actions read « à venir » by default

    def text(self) -> str:
        lines = [f"Document lu : « {self.document} »." if self.document else f"Feuille lue : « {self.sheet} »."]
        lines.append("Reconnu : " + ", ".join(f"{count} {kind}" for kind, count in self.recognised.items()) + ".")
        if self.unrecognised_columns:
            lines.append("Colonnes non reconnues : " + ", ".join(f"« {h} »" for h in self.unrecognised_columns) + ".")
        for row, reason in self.unused_rows:
            lines.append(f"ligne {row} non utilisée : {reason}")
        if self.unplaced:
            lines.append(f"Passages non placés : {len(self.unplaced)}.")
            for where, passage in self.unplaced[: self.shown_unplaced]:
                lines.append(f"{where} non placé : « {passage[:100]}{'…' if len(passage) > 100 else ''} »")
            if len(self.unplaced) > self.shown_unplaced:
                lines.append(f"… et {len(self.unplaced) - self.shown_unplaced} autres passages non placés.")
        lines.extend(self.warnings)
        lines.extend(f"Incertain : {doubt}" for doubt in self.unsure)
        return "\n".join(lines)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _items(value) -> list[str]:
    """The items of a cell separated by ";" or line breaks (tree cells, periods)."""
    return strong_items(_cell_text(value))


_CODE = re.compile(r"^(\d+(?:\.\d+)*\.?|[A-Z]{1,3}\d+(?:\.\d+)*)\s+(.+)$", re.S)


def split_node_label(label: str) -> tuple[str, str]:
    """ "1.2 Favoriser l'accès" → ("1.2", "Favoriser l'accès"); a label without leading number has no code."""
    found = _CODE.match(label.strip())
    return (found.group(1), found.group(2).strip()) if found else ("", label.strip())


def _decimal(value) -> Decimal | None:
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    text = re.sub(r"[\s\u00a0\u202f€]|eur(os)?", "", _cell_text(value), flags=re.I).replace(",", ".")
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _key(name: str, taken: dict[str, str]) -> str:
    """A stable key for a name: the same name always gets the same key."""
    folded = normalise(name)
    if folded in taken:
        return taken[folded]
    base = (slugify(name)[:90] or "x").strip("-") or "x"
    if not base[0].isalnum():
        base = "x" + base
    key, number = base, 2
    while key in taken.values():
        key, number = f"{base}-{number}", number + 1
    taken[folded] = key
    return key


def pick_sheet(sheets: list[Sheet]) -> tuple[Sheet, dict[int, tuple[str, object]]]:
    """The sheet whose first row has the most recognised headers (the "Actions" sheet of an export)."""
    best, best_columns = None, {}
    for sheet in sheets:
        if normalise(sheet.name) == TREE_SHEET:
            continue
        columns = {i: found for i, header in enumerate(sheet.rows[0]) if (found := match_header(header))}
        has_title = any(found == ("field", "title") for found in columns.values())
        if has_title and len(columns) > len(best_columns):
            best, best_columns = sheet, columns
    if best is None:
        raise UnreadableFile(
            "Aucune colonne reconnue : il faut au moins une colonne « Intitulé » (ou « Titre », « Action »). "
            "Téléchargez le modèle avec « maillage import-template » pour voir les en-têtes attendus."
        )
    return best, best_columns


def build_draft(sheets: list[Sheet], *, slug: str, title: str, labels: dict | None = None) -> tuple[dict, Report]:
    """The draft document of the action sheet (and of the "Arborescence" sheet when the workbook has one).

    ``labels`` are a project's own words per vocabulary (``project_labels``), read before the usual
    French words, so that a project's export re-imports with its renamed statuses.
    """
    sheet, columns = pick_sheet(sheets)
    report = Report(sheet=sheet.name)
    if sheet.dropped_columns:
        report.warnings.append(
            f"{sheet.dropped_columns} cellule(s) au-delà de la colonne {MAX_COLUMNS} non lue(s) : "
            "rapprochez les colonnes utiles du début du tableau."
        )
    extra = {name: {normalise(label): code for code, label in words.items()} for name, words in (labels or {}).items()}
    headers = sheet.rows[0]
    level_columns = []  # (column index, depth or None, name)
    year_columns = []  # (column index, year label): a grid of years, one mark per year the action runs
    field_columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        found = columns.get(index)
        if found is None:
            if _cell_text(header):
                report.unrecognised_columns.append(_cell_text(header))
            continue
        kind, value = found
        if kind == "year":
            year_columns.append((index, value))
            report.columns[_cell_text(header)] = f"année « {value} »"
        elif kind == "level" and any(normalise(name) == normalise(value[1]) for _, _, name in level_columns):
            report.warnings.append(f"colonne « {_cell_text(header)} » en double : seule la première est lue.")
        elif kind == "level":
            level_columns.append((index, value[0], value[1]))
            report.columns[_cell_text(header)] = f"niveau « {value[1]} »"
        elif value in field_columns:
            report.warnings.append(f"colonne « {_cell_text(header)} » en double : seule la première est lue.")
        else:
            field_columns[value] = index
            report.columns[_cell_text(header)] = value
    level_columns.sort(key=lambda item: (item[1] if item[1] is not None else 99, item[0]))
    level_names = [name for _, _, name in level_columns]
    _check_roles(sheet.rows[1:], field_columns, headers, report)

    builder = _Builder(report, extra, level_names)
    builder.list_columns(sheet.rows[1:], field_columns)
    tree_sheet = next((s for s in sheets if normalise(s.name) == TREE_SHEET), None)
    if tree_sheet is not None and level_names:
        builder.read_tree(tree_sheet)

    for number, row in enumerate(sheet.rows[1:], start=2):
        cells = {name: (row[index] if index < len(row) else None) for name, index in field_columns.items()}
        levels = [_items(row[index]) if index < len(row) else [] for index, _, _ in level_columns]
        years = [label for index, label in year_columns if index < len(row) and _marked(row[index])]
        builder.add_row(number, cells, levels, years)

    if "territory" in field_columns and any(
        _cell_text(row[field_columns["territory"]]) for row in sheet.rows[1:] if len(row) > field_columns["territory"]
    ):
        report.warnings.append(
            "colonne « Territoire » lue mais non importée : rattachez les territoires dans l'application."
        )
    return builder.document(slug, title), report


def _marked(value) -> bool:
    """A cell of a year grid that says the action runs that year ("X", "oui", "✓", a date, a word)."""
    return normalise(_cell_text(value)) not in YEAR_MARKS_EMPTY or _cell_text(value) in ("✓", "✔", "●", "•")


def _is_dated(value) -> bool:
    return parse_date(value) is not None or bool(years_in(_cell_text(value)))


def _check_roles(rows: list[list], field_columns: dict[str, int], headers: list, report: Report) -> None:
    """Columns whose header says a date or a period but whose cells are mostly prose ("Échéances :
    lancement en septembre, bilan en juin") are read as the fiche's schedule instead; said in the report."""
    for name in DATE_COLUMNS:
        index = field_columns.get(name)
        if index is None:
            continue
        values = [row[index] for row in rows if index < len(row) and _cell_text(row[index])]
        dated = sum(1 for value in values if _is_dated(value))
        if values and dated * 2 < len(values) and "schedule" not in field_columns:
            del field_columns[name]
            field_columns["schedule"] = index
            header = _cell_text(headers[index])
            report.columns[header] = "schedule"
            report.warnings.append(
                f"colonne « {header} » : peu de dates ({dated} sur {len(values)}), lue comme l'échéancier de la fiche."
            )


def ensure_valid(document: dict) -> None:
    """A draft the reader built must be a valid document; if not, it is a bug of the reader, said plainly.
    The importer checks the drafts it creates projects from: call this only where nothing else checks."""
    problems = check(document)
    if problems:
        raise UnreadableFile("Le brouillon lu n'est pas valide : " + "; ".join(str(p) for p in problems[:5]))


class _Builder:
    def __init__(self, report: Report, extra: dict, level_names: list[str]):
        self.report = report
        self.extra = extra
        self.level_names = level_names or ["Axe"]
        self.roots: list[dict] = []
        self.nodes_by_path: dict[tuple, dict] = {}
        self.nodes_by_label: dict[tuple[int, str], list[tuple]] = {}
        self.codes: set[str] = set()
        self.depth = 0  # the deepest level a node uses
        self.actions: list[dict] = []
        self.refs: set[str] = set()
        self.titles: dict[str, int] = {}
        self.partner_keys: dict[str, str] = {}
        self.partners: list[dict] = []
        self.person_keys: dict[str, str] = {}
        self.people: list[dict] = []
        self.periods: dict[str, dict] = {}
        self.themes: list[str] = []
        self.years: list[int] = []
        self.weak: dict[str, bool] = {}  # name column → split on commas, slashes and " et " too
        self.whole_names: set[str] = set()  # names a column separated by ";" shows whole (folded)

    def list_columns(self, rows: list[list], field_columns: dict[str, int]) -> None:
        """How each column of names separates them: by ";" and line breaks (an export) — then its names
        are known whole, and kept whole where another column writes them — or by commas and " et "."""
        for name in NAME_COLUMNS:
            index = field_columns.get(name)
            if index is None:
                continue
            cells = [_cell_text(row[index]) for row in rows if index < len(row) and _cell_text(row[index])]
            separated = any(len(strong_items(cell)) > 1 for cell in cells)
            self.weak[name] = not separated
            if separated:
                self.whole_names.update(normalise(item) for cell in cells for item in strong_items(cell))

    def names(self, column: str, value) -> list[str]:
        text = _cell_text(value)
        if not self.weak.get(column, True):
            return strong_items(text)
        return split_list(text, self.whole_names)

    # The tree
    def node(self, path: tuple[str, ...], depth: int | None = None) -> dict:
        """The node at this path of labels, created (with its parents) the first time it is seen.

        ``depth`` is its level when the tree skips one (an "Objectif" straight under an "Axe")."""
        if path in self.nodes_by_path:
            return self.nodes_by_path[path]
        parent = self.node(path[:-1]) if len(path) > 1 else None
        code, title = split_node_label(path[-1])
        if code in self.codes:  # node codes are unique in a project: "1" under two axes keeps its code in the title
            code, title = "", path[-1].strip()
        if code:
            self.codes.add(code)
        level = self.level_names[(depth or len(path)) - 1]
        self.depth = max(self.depth, depth or len(path))
        # Within the schema's bounds, as the other labels of a draft are (a cell can hold a whole page).
        node = {"code": code[:50], "title": title[:255], "level": level, "children": [], "actions": []}
        (parent["children"] if parent else self.roots).append(node)
        self.nodes_by_path[path] = node
        self.nodes_by_label.setdefault((len(path), normalise(path[-1])), []).append(path)
        return node

    def read_tree(self, sheet: Sheet) -> None:
        """The "Arborescence" sheet of an export: every node, with those that have no action yet."""
        header = [normalise(cell) for cell in sheet.rows[0]]
        try:
            depth_at, code_at, title_at, parent_at = (
                header.index(name) for name in ("profondeur", "code", "intitule", "parent")
            )
        except ValueError:
            return
        path_of_label: dict[str, tuple] = {}
        last_at_depth: dict[int, tuple] = {}  # the sheet is depth first: the parent is usually the last node above
        for row in sheet.rows[1:]:
            row = list(row) + [None] * len(header)
            depth = row[depth_at]
            if not isinstance(depth, int) or not 1 <= depth <= len(self.level_names):
                continue
            label = f"{_cell_text(row[code_at])} {_cell_text(row[title_at])}".strip()
            parent = ()
            if depth > 1:
                parent_label = _cell_text(row[parent_at])
                above = [last_at_depth[d] for d in range(depth - 1, 0, -1) if d in last_at_depth]
                parent = next((p for p in above if p[-1] == parent_label), None)
                if parent is None:
                    parent = path_of_label.get(parent_label, above[0] if above else ())
            for deeper in [d for d in last_at_depth if d >= depth]:
                del last_at_depth[deeper]
            path = (*parent, label)
            self.node(path, depth)
            path_of_label[label] = last_at_depth[depth] = path

    def placements(self, levels: list[list[str]]) -> list[tuple[tuple, int]]:
        """The paths of the nodes an action belongs to, from one cell per level ("a ; b" when several)."""
        depth = max((i + 1 for i, items in enumerate(levels) if items), default=0)
        if depth == 0:
            return []
        paths: list[tuple] = []
        for leaf in levels[depth - 1]:
            path: list[str] = []
            for level in range(depth - 1):
                candidates = levels[level]
                choice = None
                if len(candidates) == 1:
                    choice = candidates[0]
                elif candidates:
                    leaf_code = split_node_label(leaf)[0]
                    for candidate in candidates:
                        known = tuple(path) + (candidate,)
                        code = split_node_label(candidate)[0]
                        if (code and leaf_code.startswith(code + ".")) or any(
                            p[: len(known)] == known and p[-1] == leaf
                            for p in self.nodes_by_label.get((depth, normalise(leaf)), [])
                        ):
                            choice = candidate
                            break
                    if choice is None:
                        index = levels[depth - 1].index(leaf)
                        choice = candidates[min(index, len(candidates) - 1)]
                if choice is not None:  # an empty level is one the tree skips here
                    path.append(choice)
            paths.append(((*path, leaf), depth))
        return paths

    # Directory
    def partner(self, name: str) -> str:
        key = _key(name, self.partner_keys)
        if not any(p["key"] == key for p in self.partners):
            self.partners.append({"key": key, "name": name[:255]})
        return key

    def person(self, name: str, elected: bool = False) -> str:
        key = _key(name, self.person_keys)
        if not any(p["key"] == key for p in self.people):
            self.people.append({"key": key, "name": name[:255], **({"elected": True} if elected else {})})
        return key

    def period(self, label: str, number: int) -> str | None:
        years = years_in(label)
        if not years:
            self.report.warnings.append(f"ligne {number} : période « {label} » sans année, ignorée.")
            return None
        if label not in self.periods:
            self.periods[label] = {"label": label[:255], "start": min(years), "end": max(years)}
        self.years.extend(years)
        return label[:255]

    def vocabulary(self, name: str, value, number: int, what: str, instead: str = "laissé vide") -> str | None:
        text = _cell_text(value)
        if not text:
            return None
        code = match_word(name, text, self.extra.get(name))
        if code is None:
            self.report.warnings.append(f"ligne {number} : {what} « {text} » non reconnu ({instead}).")
        return code

    # Actions
    def add_row(self, number: int, cells: dict, levels: list[list[str]], years: list[str] = ()) -> None:
        title = _cell_text(cells.get("title"))
        if not title:  # empty rows were dropped when reading: this one has something, but no action
            self.report.unused_rows.append((number, "pas d'intitulé d'action"))
            return
        ref = _cell_text(cells.get("ref"))[:50] or f"{len(self.actions) + 1:03d}"
        if ref in self.refs:
            suffix = f"-l{number}"
            new_ref = ref[: 50 - len(suffix)] + suffix
            self.report.warnings.append(f"ligne {number} : la référence « {ref} » est déjà prise, lue « {new_ref} ».")
            ref = new_ref
        self.refs.add(ref)
        folded = normalise(title)
        if folded in self.titles:
            self.report.warnings.append(
                f"deux actions portent le titre « {title} » (lignes {self.titles[folded]} et {number})."
            )
        else:
            self.titles[folded] = number
        status = self.vocabulary("status", cells.get("status"), number, "statut", "lu « à venir »")
        if status is None:
            if not _cell_text(cells.get("status")):
                self.report.warnings.append(f"ligne {number} : action sans statut (lue « à venir »).")
            status = "planned"
        action: dict = {"ref": ref, "title": title[:500], "status": status}
        code = _cell_text(cells.get("code"))
        if code:
            action["code"] = code[:50]
        for name, what in (("origin", "origine"), ("priority", "priorité"), ("participation", "participation")):
            found = self.vocabulary(name, cells.get(name), number, what)
            if found:
                action[name] = found
        scale = self.vocabulary("scale", cells.get("scale"), number, "échelon")
        if scale:
            action["scale"] = scale
        periods = []
        for label in [*_items(cells.get("periods")), *years]:
            found = self.period(label, number)
            if found and found not in periods:
                periods.append(found)
        if periods:
            action["periods"] = periods
        for name, end in (("start_date", False), ("end_date", True)):
            value = cells.get(name)
            if _cell_text(value):
                found = parse_date(value, end=end)
                if found is None:
                    self.report.warnings.append(f"ligne {number} : date « {_cell_text(value)} » non reconnue.")
                else:
                    action[name] = found.isoformat()
                    self.years.append(found.year)
        for name in SECTIONS:
            text = _cell_text(cells.get(name))
            if text:
                action[name] = text
        leads = [self.person(name) for name in self.names("leads", cells.get("leads"))]
        if leads:
            action["leads"] = list(dict.fromkeys(leads))
        carriers = self.names("lead_organisation", cells.get("lead_organisation"))
        if carriers:  # the first carries it; the others lead with it ("CCAS et Centre social")
            action["lead_organisation"] = self.partner(carriers[0])
        elected = _cell_text(cells.get("elected_referent"))
        if elected:
            action["elected_referent"] = self.person(elected, elected=True)
        themes = list(dict.fromkeys(self.names("themes", cells.get("themes"))))
        if themes:
            action["themes"] = [theme[:255] for theme in themes]
            self.themes.extend(theme[:255] for theme in themes if theme[:255] not in self.themes)
        partners = [{"partner": self.partner(name), "role": "lead"} for name in carriers[1:]]
        for column, role in PARTNER_COLUMNS.items():
            partners += self.action_partners(column, cells.get(column), number, role)
        partners = [dict(pair) for pair in dict.fromkeys(tuple(p.items()) for p in partners)]  # once per role
        if partners:
            action["partners"] = partners
        parent = _cell_text(cells.get("parent"))
        if parent:
            action["parent"] = parent[:50]
        budget = cells.get("budget")
        if _cell_text(budget):
            amount = _decimal(budget)
            if amount is None:
                self.report.warnings.append(f"ligne {number} : budget « {_cell_text(budget)} » non reconnu.")
            else:
                action["budget"] = [{"nature": "operating", "kind": "planned", "amount": str(amount), "unit": "eur"}]
        for path, depth in self.placements(levels):
            node = self.node(path, depth)
            if ref not in node["actions"]:
                node["actions"].append(ref)
        self.actions.append(action)

    def action_partners(self, column: str, value, number: int, default: str) -> list[dict]:
        """ "CAF (Financeur) ; Mission locale (Partenaire opérationnel)": a name, its role in parentheses,
        else the column's (``default``: "Financeurs" are funders)."""
        partners, seen = [], set()
        for item in self.names(column, value):
            found = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", item)
            name, role_text = (found.group(1), found.group(2)) if found else (item, "")
            role = match_word("role", role_text, self.extra.get("role")) if role_text else None
            if role is None:
                if role_text:
                    self.report.warnings.append(
                        f"ligne {number} : rôle « {role_text} » de « {name} » non reconnu (lu {ROLE_READ[default]})."
                    )
                role = default
            key = self.partner(name)
            if (key, role) not in seen:
                seen.add((key, role))
                partners.append({"partner": key, "role": role})
        return partners

    def document(self, slug: str, title: str) -> dict:
        parents = {action["ref"] for action in self.actions}
        for action in self.actions:
            if action.get("parent") and action["parent"] not in parents:
                self.report.warnings.append(
                    f"action « {action['ref']} » : action parente « {action.pop('parent')} » introuvable, ignorée."
                )
        today = date.today().year
        years = self.years or [today]
        used_levels = self.level_names[: max(self.depth, 1)]
        document = {
            "schema": "maillage/project@1",
            "project": {
                "slug": slug,
                "title": title,
                "kind": "other",
                "period": {"start": min(years), "end": max(max(years), min(years))},
            },
            "levels": used_levels,
            "nodes": self.roots,
            "actions": self.actions,
        }
        if self.periods:
            document["periods"] = list(self.periods.values())
        if self.partners:
            document["partners"] = self.partners
        if self.people:
            document["people"] = self.people
        if self.themes:
            document["themes"] = self.themes
        recognised = {
            "actions": len(self.actions),
            "nœuds": len(self.nodes_by_path),
            "avec statut": sum(1 for a in self.actions if a.get("status")),
            "partenaires": len(self.partners),
            "personnes": len(self.people),
            "périodes": len(self.periods),
            "sections de fiche": sum(1 for a in self.actions for name in SECTIONS if a.get(name)),
        }
        self.report.recognised = recognised
        return document
