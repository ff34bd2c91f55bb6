"""A large interchange document of any size, canonical as the exporter writes it.

Used by the import benchmark (``bench/interchange_import_bench.py``) and the tests that import a big
project. Every field of the schema is filled somewhere, with the section texts of the Clermont Sud
fiches (real French, accents, lists and paragraphs); the document is already in the exporter's
canonical form, so ``export(import(document)) == document`` holds byte for byte.

Shape for N actions: a three-level tree (an axis every 100 actions, an objective every 20, a
sub-objective every 5); one action in ten is a sub-action of the one before it; one in twenty-five is
also placed under a second node (a shared sheet); each action has 2 to 3 partners with their roles,
2 budget lines, 2 indicators with 2 targets and 10 values between them, a follow-up note, leads,
themes and periods. 60 partners, 120 people, 30 territories (communes and EPCIs with an official
code, perimeters without), programmes, bodies, meetings with decisions, a diagnostic.
"""

import json
from functools import cache
from pathlib import Path

from maillage.actions.models import SECTIONS

CLERMONT = Path(__file__).resolve().parents[2] / "demo" / "data" / "clermont-sud.json"
START, END = 2023, 2028
STATUSES = ["planned", "in_progress", "continuous", "postponed", "blocked", "done", "abandoned"]
ORIGINS = ["new", "evolution", "existing", None]
PRIORITIES = ["high", "medium", "low", None]
PARTICIPATION = ["none", "information", "consultation", "concertation", "co_construction", "initiative", None]
ROLES = ["lead", "operational", "relay", "speaker", "funder", "to_approach"]
KINDS = ["local_authority", "state", "caf", "public_body", "association", "school", "health", "company"]
TITLES = ["Les actions individuelles et collectives d'accès au numérique", "Un lieu ressource", "Écoute et soutien"]
THEMES = ["Petite enfance", "Jeunesse", "Parentalité", "Accès aux droits", "Vieillissement", "Santé"]
# Fictitious official codes (99 is no French département): a database that holds the demo, which
# names the real communes of the Gier, shares none of them with this document.
COMMUNES = [
    ("99000", "Firminy"),
    ("99001", "Fontanès"),
    ("99002", "L'Horme"),
    ("99003", "Lorette"),
    ("99004", "La Grand-Croix"),
    ("99005", "Rive-de-Gier"),
    ("99006", "Saint-Chamond"),
    ("99007", "Saint-Christo-en-Jarez"),
    ("99008", "Saint-Joseph"),
    ("99009", "Saint-Martin-la-Plaine"),
    ("99010", "Saint-Paul-en-Jarez"),
    ("99011", "Tartaras"),
    ("99012", "Valfleury"),
    ("99013", "Chagnon"),
    ("99014", "Farnay"),
    ("99015", "Doizieux"),
    ("99016", "Génilac"),
    ("99017", "Pavezin"),
    ("99018", "Sainte-Croix-en-Jarez"),
    ("99019", "La Terrasse-sur-Dorlay"),
]


@cache
def _texts() -> list[dict[str, str]]:
    """The sections of the Clermont Sud fiches, one dict per fiche (only the sections it fills)."""
    actions = json.loads(CLERMONT.read_text(encoding="utf-8"))["actions"]
    return [{name: action[name] for name in SECTIONS if action.get(name)} for action in actions]


def _pick(items, number):
    return items[number % len(items)]


def large_document(actions: int, *, slug: str | None = None) -> dict:
    """The interchange document of a project of ``actions`` fiches (see the module docstring)."""
    slug = slug or f"grand-projet-{actions}"
    years = list(range(START, END + 1))
    periods = [{"label": f"{year}-{year + 1}", "start": year, "end": year + 1} for year in years[:-1:2]]
    periods.append({"label": f"{END}", "start": END, "end": END})
    territories = _territories()
    partners = [
        {
            "key": f"partenaire-{number:03d}",
            "name": f"Partenaire n° {number} — Association « Les Liens du Gier »",
            "acronym": f"P{number}",
            "kind": _pick(KINDS, number),
            "domains": sorted({_pick(THEMES, number), _pick(THEMES, number + 2)}),
            "description": "Association d'éducation populaire présente sur les quartiers depuis 1987.",
            "address": f"{number} rue Victor-Hugo",
            "postal_code": "42800",
            "city": "Rive-de-Gier",
            "website": f"https://partenaire-{number}.example.org",
            "email": f"contact@partenaire-{number}.example.org",
            "phone": "04 77 00 00 00",
        }
        for number in range(60)
    ]
    people = [
        {
            "key": f"personne-{number:03d}",
            "name": f"Élodie MARTIN-{number}",
            "function": "Chargée de mission cohésion sociale",
            "organisation": partners[number % len(partners)]["key"],
            **({"elected": True} if number % 10 == 0 else {}),
            "email": f"elodie.martin{number}@example.org",
            "phone": "06 00 00 00 00",
        }
        for number in range(120)
    ]
    elected = [person["key"] for person in people if person.get("elected")]
    nodes, leaves = _tree(actions, elected)
    action_list = [_action(number, partners, people, periods, territories, elected) for number in range(actions)]
    for number, action in enumerate(action_list):
        leaves[number // 5]["actions"].append(action["ref"])
        if number % 25 == 7:
            leaves[(number // 5 + 1) % len(leaves)]["actions"].append(action["ref"])
    for leaf in leaves:  # a node lists its actions in the order of their placement
        leaf["actions"] = list(dict.fromkeys(leaf["actions"]))
    refs = [action["ref"] for action in action_list]
    node_keys = [node["key"] for node in _walk(nodes) if "key" in node]
    return {
        "schema": "maillage/project@1",
        "project": {
            "slug": slug,
            "title": f"Projet social de territoire à {actions} actions",
            "subtitle": "Pays du Gier — document de travail généré",
            "kind": "pst",
            "period": {"start": START, "end": END},
            "state": "in_progress",
            "deliberation": {"date": "2023-03-15", "reference": "DEL-2023-042", "body": "Conseil communautaire"},
            "version": "Mise à jour de juillet 2024",
            "updated_on": "2024-07-01",
            "territory": "saint-etienne-metropole",
            "owner": partners[0]["key"],
            "description": "Le plan d'actions partagé des communes du Gier.\n\n- Un diagnostic\n- Des actions",
            "published": True,
        },
        "levels": ["Axe", "Objectif", "Sous-objectif"],
        "periods": periods,
        "labels": {"role": {"to_approach": "À mobiliser"}, "status": {"planned": "Nouvelle"}},
        "territories": territories,
        "partners": partners,
        "people": people,
        "themes": THEMES,
        "acronyms": [
            {"acronym": "CAF", "expansion": "Caisse d'allocations familiales"},
            {"acronym": "CTG", "expansion": "Convention territoriale globale"},
            {"acronym": "QPV", "expansion": "Quartier prioritaire de la politique de la ville"},
        ],
        "nodes": nodes,
        "programmes": _programmes(refs),
        "actions": action_list,
        "bodies": _bodies(people, partners, node_keys),
        "meetings": _meetings(people, partners, refs),
        "diagnostic": _diagnostic(territories, node_keys),
    }


def _territories() -> list[dict]:
    """In the exporter's order: by kind (epci before commune before perimeter), then name."""
    communes = sorted(COMMUNES, key=lambda item: item[1])
    keys = [_territory_key(name) for _code, name in communes]
    epcis = [
        {"key": "saint-etienne-metropole", "kind": "epci", "name": "Saint-Étienne Métropole", "code": "299000001"},
        {"key": "vienne-condrieu-agglomeration", "kind": "epci", "name": "Vienne Condrieu Agglomération"},
    ]
    epcis[1]["code"] = "299000002"
    return [
        *epcis,
        *(
            {"key": key, "kind": "commune", "name": name, "code": code}
            for key, (code, name) in zip(keys, communes, strict=True)
        ),
        *(
            {
                "key": f"perimetre-{number}",
                "kind": "perimeter",
                "name": f"Périmètre {number}",
                "members": sorted(keys[number - 1 :: 4]),
            }
            for number in range(1, 5)
        ),
    ]


def _territory_key(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name)


def _tree(actions: int, elected: list[str]) -> tuple[list[dict], list[dict]]:
    """An axis per 100 actions, an objective per 20, a sub-objective (the leaves) per 5."""
    axes, leaves = [], []
    for leaf_number in range(max(1, -(-actions // 5))):
        axis_number, objective_number = leaf_number // 20, leaf_number // 4
        if len(axes) <= axis_number:
            axes.append(
                {
                    "key": f"axe-{axis_number + 1}",
                    "code": f"AXE {axis_number + 1}",
                    "title": f"Accéder à ses droits et à l'autonomie — axe {axis_number + 1}",
                    "level": "Axe",
                    "description": "Un axe du projet, voté par le comité de pilotage.",
                    "referent": _pick(elected, axis_number),
                    "actions": [],
                    "children": [],
                }
            )
        objectives = axes[axis_number]["children"]
        if not objectives or objectives[-1]["_number"] != objective_number:
            objectives.append(
                {
                    "_number": objective_number,
                    "key": f"objectif-{objective_number + 1}",
                    "code": f"{axis_number + 1}.{len(objectives) + 1}",
                    "title": f"Développer l'inclusion numérique et l'accès aux services n° {objective_number + 1}",
                    "level": "Objectif",
                    "actions": [],
                    "children": [],
                }
            )
        parent = objectives[-1]
        leaf = {
            "code": f"{parent['code']}.{len(parent['children']) + 1}",
            "title": f"Accompagner les démarches en ligne des habitants n° {leaf_number + 1}",
            "level": "Sous-objectif",
            "actions": [],
            "children": [],
        }
        parent["children"].append(leaf)
        leaves.append(leaf)
    for axis in axes:
        for objective in axis["children"]:
            del objective["_number"]
    return axes, leaves


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node["children"])


def _action(number, partners, people, periods, territories, elected) -> dict:
    ref = f"A{number + 1:05d}"
    texts = _pick(_texts(), number)
    head = {
        "ref": ref,
        "code": f"FICHE {number + 1}",
        "title": f"{_pick(TITLES, number)} n° {number + 1}",
        "status": _pick(STATUSES, number),
        "origin": _pick(ORIGINS, number),
        "priority": _pick(PRIORITIES, number),
        "participation": _pick(PARTICIPATION, number),
        "parent": f"A{number:05d}" if number % 10 == 9 else None,
        "scale": _pick(["intercommunal", "perimeter", "communal", None], number),
        "territory": _pick(territories, number)["key"] if number % 3 == 0 else None,
        "periods": [period["label"] for period in periods if number % len(periods) in (periods.index(period), 0)],
        "start_date": f"{START + number % 3}-0{1 + number % 9}-1{number % 9}",
        "end_date": f"{END}-12-31" if number % 4 else None,
    }
    partner_keys = [_pick(partners, number + step * 7)["key"] for step in range(2 + number % 2)]
    tail = {
        "leads": sorted({_pick(people, number)["key"], _pick(people, number + 31)["key"]}),
        "lead_organisation": partner_keys[0],
        "elected_referent": _pick(elected, number),
        "themes": [theme for position, theme in enumerate(THEMES) if position in (number % 6, (number + 2) % 6)],
        "partners": [
            {"partner": key, "role": _pick(ROLES, number + step), **({"detail": "réseau local"} if step == 1 else {})}
            for step, key in enumerate(partner_keys)
        ],
        "budget": [
            {
                "label": "Animation",
                "nature": "operating",
                "kind": "planned",
                "year": START + number % 6,
                "amount": 1000 + number * 3 + 0.5,
                "unit": "eur",
                "funder": partner_keys[-1],
            },
            {"nature": "investment", "kind": "actual", "amount": 250 + number, "unit": "fte" if number % 7 else "eur"},
        ],
        "indicators": [
            {
                "kind": "quantitative",
                "title": "Nombre de personnes accompagnées",
                "unit": "personnes",
                "baseline": 12 + number % 5,
                "baseline_year": START,
                "targets": [{"year": START + 1, "value": 40}, {"year": END, "value": 80.5}],
                "values": [
                    {
                        "period": f"{START + step % 6}",
                        "date": f"{START + step % 6}-12-31",
                        "value": 10 + step * 4 + number % 3,
                        "comment": "Compté sur les feuilles d'émargement.",
                        "source": "Bilan annuel",
                    }
                    for step in range(6)
                ],
            },
            {
                "kind": "qualitative",
                "title": "Satisfaction des habitants et des partenaires",
                "values": [
                    {
                        "period": f"fin {START + step}",
                        "assessment": "Les habitants disent mieux connaître leurs droits.",
                    }
                    for step in range(4)
                ],
            },
        ],
        "notes": [{"date": f"2024-0{1 + number % 9}-15", "author": "Coordination", "text": "Point d'étape fait."}],
    }
    document = {key: value for key, value in head.items() if value not in (None, [])}
    document.update(texts)
    document.update(tail)
    return document


def _programmes(refs: list[str]) -> list[dict]:
    return [
        {
            "key": "projet-familles",
            "title": "Projet familles",
            "description": "Les actions qui soutiennent les parents.",
            "actions": refs[::50],
            "objectives": [
                {
                    "title": "Accueillir les familles",
                    "actions": refs[1::97],
                    "children": [{"title": "Soutenir la parentalité", "actions": refs[2::101]}],
                },
                {"title": "Accompagner les départs en vacances", "actions": refs[3::103]},
            ],
        },
        {"key": "projet-jeunesse", "title": "Projet jeunesse", "actions": refs[5::60]},
    ]


def _bodies(people, partners, node_keys) -> list[dict]:
    return [
        {
            "key": "copil",
            "kind": "copil",
            "name": "Comité de pilotage",
            "description": "Les élus et les financeurs ; il valide le plan et ses évolutions.",
            "frequency": "Deux fois par an",
            "chair": people[0]["key"],
            "members": [
                {"person": people[number]["key"], "organisation": partners[number]["key"], "role": "membre"}
                for number in range(8)
            ],
        },
        {
            "key": "cotech",
            "kind": "cotech",
            "name": "Comité technique",
            "members": [{"organisation": "partenaire-001"}],
        },
        *(
            {"key": f"groupe-{key}", "kind": "project_group", "name": f"Groupe projet {key}", "node": key}
            for key in node_keys[:3]
        ),
    ]


def _meetings(people, partners, refs) -> list[dict]:
    return [
        {
            "body": "copil" if number % 2 == 0 else "cotech",
            "title": f"Réunion n° {number + 1}",
            "date": f"{START + number // 4}-{3 * (number % 4) + 1:02d}-12",
            "start_time": "09:30",
            "end_time": "12:00",
            "place": "Salle du conseil, mairie de Rive-de-Gier",
            "agenda": "- Bilan des actions\n- Évolutions du plan",
            "minutes": "Le comité valide les évolutions proposées.",
            "attendance": [
                {"person": people[number]["key"], "status": "present"},
                {"organisation": partners[number]["key"], "status": "excused"},
            ],
            "decisions": [{"text": "Plan d'actions validé.", "actions": sorted(refs[number::40][:20])}],
        }
        for number in range(12)
    ]


def _diagnostic(territories, node_keys) -> dict:
    columns = [territories[0]["key"], territories[1]["key"], territories[2]["key"]]
    return {
        "tables": [
            {
                "title": "Chiffres clés de la population",
                "source": "INSEE RP 2020",
                "year": 2020,
                "columns": columns,
                "rows": [
                    {"indicator": "Part des moins de 25 ans", "unit": "%", "values": ["36%", "29,5%", "nc"]},
                    {"indicator": "Familles monoparentales", "values": ["412", "1 204", "38"]},
                ],
            }
        ],
        "findings": [
            {"theme": "Jeunesse", "title": "Des jeunes peu mobiles", "text": "Peu de jeunes quittent le quartier."}
        ],
        "consultations": [
            {
                "title": "Questionnaire aux habitants",
                "method": "Questionnaire en ligne et papier",
                "start_date": "2022-09-01",
                "end_date": "2022-11-30",
                "residents": 412,
                "young": 120,
                "partners": 35,
                "invited": 60,
                "meetings": 8,
                "responses": 398,
                "actions_evaluated": 21,
                "description": "Passé dans les écoles et les marchés.",
            }
        ],
        "enjeux": [
            {
                "code": f"Enjeu n° {number + 1}",
                "title": "Répondre à la pénurie de professionnels de la petite enfance",
                "description": "Un enjeu validé par le COPIL.",
                "theme": "Petite enfance",
                "validated_on": "2022-11-15",
                "nodes": node_keys[number : number + 2],
            }
            for number in range(4)
        ],
    }
