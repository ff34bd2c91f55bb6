"""Fixing a draft: every operation keeps a valid document, or changes nothing and says why in French."""

import copy

import pytest

from maillage.imports import review
from maillage.interchange.validation import check


def draft():
    return {
        "schema": "maillage/project@1",
        "project": {"slug": "brouillon", "title": "Brouillon", "kind": "pst", "period": {"start": 2024, "end": 2027}},
        "levels": ["Axe", "Objectif"],
        "nodes": [
            {
                "code": "1",
                "title": "Accès aux droits",
                "level": "Axe",
                "actions": ["A1"],
                "children": [
                    {"code": "1.1", "title": "Numérique", "level": "Objectif", "actions": ["A2"], "children": []},
                ],
            },
            {"code": "2", "title": "Parentalité", "level": "Axe", "actions": ["A3"], "children": []},
        ],
        "actions": [
            {"ref": "A1", "title": "Permanences", "status": "planned", "context": "Des démarches difficiles."},
            {"ref": "A2", "title": "Ateliers numériques", "status": "in_progress"},
            {"ref": "A3", "title": "Café des parents", "status": "planned", "target_public": "Parents."},
            {"ref": "A4", "title": "Café des parents (fiche)", "status": "planned", "context": "Peu de lieux.",
             "target_public": "Parents de jeunes enfants."},
        ],
    }  # fmt: skip


def test_the_test_draft_is_valid():
    assert check(draft()) == []


def test_walk_gives_paths_and_depths():
    assert [(path, depth) for path, _node, depth in review.walk_nodes(draft()["nodes"])] == [
        ("0", 1),
        ("0.0", 2),
        ("1", 1),
    ]


def test_rename_node_action_and_level():
    document = review.rename_node(draft(), "0.0", "  Inclusion   numérique ")
    assert document["nodes"][0]["children"][0]["title"] == "Inclusion numérique"
    document = review.rename_action(document, "A2", "Ateliers")
    assert document["actions"][1]["title"] == "Ateliers"
    document = review.rename_level(document, "Axe", "Orientation")
    assert document["levels"] == ["Orientation", "Objectif"]
    assert [n["level"] for n in document["nodes"]] == ["Orientation", "Orientation"]


def test_move_places_under_one_node_or_none():
    document = review.move_action(draft(), "A1", "1")
    assert document["nodes"][0]["actions"] == [] and document["nodes"][1]["actions"] == ["A3", "A1"]
    document = review.move_action(document, "A1", "")
    assert "A1" not in review.placed_refs(document)


def test_drop_node_lifts_children_and_gives_actions_to_the_parent():
    document = review.drop_node(draft(), "0.0")
    assert document["nodes"][0]["children"] == [] and document["nodes"][0]["actions"] == ["A1", "A2"]
    document = review.drop_node(draft(), "0")
    assert [n["title"] for n in document["nodes"]] == ["Numérique", "Parentalité"]
    assert "A1" not in review.placed_refs(document)


def test_merge_folds_the_fiche_into_the_listed_action():
    document = review.merge_actions(draft(), "A4", "A3")
    merged = next(a for a in document["actions"] if a["ref"] == "A3")
    assert merged["title"] == "Café des parents"
    assert merged["context"] == "Peu de lieux."
    assert merged["target_public"] == "Parents.\n\nParents de jeunes enfants."
    assert [a["ref"] for a in document["actions"]] == ["A1", "A2", "A3"]
    assert check(document) == []


def test_merge_of_a_parent_into_its_sub_action_keeps_no_loop():
    document = draft()
    document["actions"][1]["parent"] = "A1"
    document = review.merge_actions(document, "A1", "A2")
    assert "parent" not in next(a for a in document["actions"] if a["ref"] == "A2")
    assert check(document) == []


def test_drop_action_removes_every_reference():
    document = draft()
    document["actions"][1]["parent"] = "A1"
    document = review.drop_action(document, "A1")
    assert "A1" not in review.placed_refs(document)
    assert "parent" not in document["actions"][0]


@pytest.mark.parametrize(
    ("operation", "args", "message"),
    [
        (review.rename_action, ("A1", " "), "L'intitulé ne peut pas être vide."),
        (review.rename_action, ("Z9", "Titre"), "L'action Z9 n'existe plus dans le brouillon."),
        (review.move_action, ("A1", "7.3"), "Ce nœud n'existe plus dans le brouillon."),
        (review.merge_actions, ("A1", "A1"), "Une action ne peut pas être fusionnée avec elle-même."),
        (review.rename_level, ("Axe", "Objectif"), "Un autre niveau porte déjà le nom « Objectif »."),
    ],
)
def test_impossible_edits_say_why(operation, args, message):
    document = draft()
    before = copy.deepcopy(document)
    with pytest.raises(review.ReviewError, match=message.replace("(", r"\(")):
        operation(document, *args)
    assert document == before
