"""Small interchange documents written for the tests."""

import copy

MINIMAL = {
    "schema": "maillage/project@1",
    "project": {
        "slug": "essai",
        "title": "Projet social d'essai",
        "kind": "pst",
        "period": {"start": 2023, "end": 2026},
    },
    "levels": ["Axe", "Objectif"],
    "periods": [{"label": "2023-2024", "start": 2023, "end": 2024}],
    "territories": [
        {"key": "p1", "kind": "perimeter", "name": "Périmètre 1", "members": ["lhorme"]},
        {"key": "lhorme", "kind": "commune", "name": "L'Horme"},
    ],
    "partners": [{"key": "caf", "name": "Caf de la Loire", "kind": "caf", "domains": ["Petite enfance"]}],
    "people": [{"key": "karl-picot", "name": "Karl PICOT", "elected": True}],
    "themes": ["Petite enfance"],
    "nodes": [
        {
            "key": "axe-1",
            "code": "AXE 1",
            "title": "Accéder à ses droits",
            "level": "Axe",
            "referent": "karl-picot",
            "actions": [],
            "children": [
                {
                    "code": "",
                    "title": "Développer l'inclusion numérique",
                    "level": "Objectif",
                    "actions": ["A1"],
                    "children": [],
                },
            ],
        }
    ],
    "actions": [
        {
            "ref": "A1",
            "title": "Les actions individuelles et collectives d'accès au numérique",
            "status": "planned",
            "origin": "evolution",
            "scale": "perimeter",
            "territory": "p1",
            "periods": ["2023-2024"],
            "context": "Ces dernières années, les accès dématérialisés se sont multipliés.",
            "themes": ["Petite enfance"],
            "partners": [{"partner": "caf", "role": "funder"}],
            "budget": [{"nature": "operating", "kind": "planned", "year": 2024, "amount": 1500.5, "funder": "caf"}],
            "indicators": [
                {
                    "kind": "quantitative",
                    "title": "Nombre de sessions",
                    "targets": [{"year": 2024, "value": 12}],
                    "values": [{"period": "2023", "value": 0}],
                }
            ],
        }
    ],
    "bodies": [
        {
            "key": "copil",
            "kind": "copil",
            "name": "Comité de pilotage",
            "node": "axe-1",
            "chair": "karl-picot",
        }
    ],
    "meetings": [
        {
            "body": "copil",
            "title": "COPIL final",
            "date": "2023-04-06",
            "decisions": [{"text": "Plan d'actions validé.", "actions": ["A1"]}],
        }
    ],
    "diagnostic": {
        "tables": [
            {
                "title": "Chiffres clés",
                "columns": ["p1", "lhorme"],
                "rows": [{"indicator": "Part des moins de 25 ans", "values": ["36%", "nc"]}],
            }
        ],
        "enjeux": [{"title": "Répondre à la pénurie de professionnels", "nodes": ["axe-1"]}],
    },
}


def minimal(**changes):
    """A copy of the minimal valid document; ``changes`` are applied with a path-like key: "project.title"."""
    document = copy.deepcopy(MINIMAL)
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        target = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if value is DELETE:
            del target[last]
        else:
            target[int(last) if isinstance(target, list) else last] = value
    return document


DELETE = object()
