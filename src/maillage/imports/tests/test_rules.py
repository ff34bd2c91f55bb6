"""Each rule of the ordered table (imports/rules.py) on its own: the block it takes, the one it leaves to the
next rules, and what it changes in the shared context."""

import pytest

from maillage.imports import rules
from maillage.imports.documents import Block
from maillage.imports.drafting import Report
from maillage.imports.structure import Recogniser


def P(text: str, **kw) -> Block:  # noqa: N802 - a block's kind, short in the tables below
    return Block("paragraph", text, "ligne 1", **kw)


def H(text: str, level: int = 1) -> Block:  # noqa: N802
    return Block("heading", text, "ligne 1", level=level)


def I(text: str, level: int = 0) -> Block:  # noqa: N802, E743
    return Block("item", text, "ligne 1", level=level)


def _reader(*blocks: Block) -> Recogniser:
    return Recogniser(list(blocks), Report(document="plan.txt"))


def _at(r: Recogniser, index: int = 0) -> rules.At:
    block = r.blocks[index]
    return rules.At(index, block, block.text.strip(), r.blocks[index + 1] if index + 1 < len(r.blocks) else None)


def _apply(rule, *blocks: Block, index: int = 0, reader: Recogniser | None = None):
    r = reader or _reader(*blocks)
    return r, rule(r, _at(r, index))


def test_the_table_names_each_rule_once_and_keeps_its_order():
    names = [rule.name for rule in rules.RULES]
    assert len(names) == len(set(names))
    assert names.index("table row") < names.index("named node") < names.index("numbered action")
    assert names.index("section label") < names.index("listed item")


def test_table_row_reads_any_row():
    r, end = _apply(rules.table_row, Block("row", "a | b", "tableau 1", cells=["Actions terminées", ""]))
    assert end == 1 and r.used[0]
    assert rules.table_row(r, _at(_reader(P("Texte")))) is None


def test_blank_and_contents_line():
    r, end = _apply(rules.blank, P("  "))
    assert end == 1 and r.used[0]
    r, end = _apply(rules.contents_line, P("Axe 1 : la jeunesse ........ 12"))
    assert end == 1 and r.used[0] and not r.nodes
    assert _apply(rules.contents_line, P("Axe 1 : la jeunesse"))[1] is None


def test_body_mention_adds_the_body_and_lets_the_block_go_on():
    r, end = _apply(rules.body_mention, P("Le comité de pilotage se réunit deux fois par an."))
    assert end is None and "copil" in {b["kind"] for b in r.bodies.values()}


def test_plan_chapter_is_tentative_until_something_is_placed_under_it():
    r, end = _apply(rules.plan_chapter, H("LA PETITE ENFANCE"), P("Enjeux et plan d'action"))
    assert end == 2 and r.nodes[0].title == "La petite enfance" and r.nodes[0].tentative
    assert _apply(rules.plan_chapter, H("LA PETITE ENFANCE"), P("Un texte quelconque."))[1] is None


def test_named_node_reads_level_word_and_number():
    r, end = _apply(rules.named_node, H("AXE 2 – Favoriser l'accès aux droits"))
    assert end == 1
    node = r.nodes[0]
    assert (node.level, node.numeric, node.title) == ("Axe", "2", "Favoriser l'accès aux droits")
    assert _apply(rules.named_node, P("Action 2 : Ouvrir un lieu"))[1] is None  # a fiche title, not a node


def test_level_legend_needs_two_level_words_in_a_row():
    r, end = _apply(rules.level_legend, P("Enjeux"), P("Objectif stratégique"), P("Texte"))
    assert end == 2 and r.legend == ["Enjeu", "Objectif stratégique"]
    assert _apply(rules.level_legend, P("Enjeux"), P("Texte"))[1] is None


def test_fiche_title_opens_a_fiche_and_reuses_the_action_of_its_axis():
    r = _reader(P("Fiche action n° 3 : Ouvrir un lieu d'accueil"))
    existing = r.add_action("Ouvrir un lieu d'accueil")
    assert rules.fiche_title(r, _at(r)) == 1
    assert r.actions == [existing] and r.ctx.fiche is existing


def test_project_line_needs_a_state_or_years():
    r, end = _apply(rules.project_line, P("Projet en cours 2023/2024 : Jardin partagé"))
    assert end == 1 and r.actions[0]["title"] == "Jardin partagé" and r.actions[0]["status"] == "in_progress"
    assert r.actions[0]["periods"] == ["2023/2024"]


def test_bare_node_extends_a_known_node_only():
    r = _reader(P("Objectif 1.1 : Accueillir"), P("1.1.2 Accueillir les parents"))
    rules.named_node(r, _at(r, 0))
    assert rules.bare_node(r, _at(r, 1)) == 2 and r.nodes[-1].title == "Accueillir les parents"
    assert _apply(rules.bare_node, P("4.2 Sans parent connu"))[1] is None


def test_numbered_action_under_a_node():
    r = _reader(H("Axe 1 : Jeunesse"), P("01. Les actions « mobilité »"))
    rules.named_node(r, _at(r, 0))
    assert rules.numbered_action(r, _at(r, 1)) == 2
    assert r.nodes[0].actions[0]["title"] == "Les actions « mobilité »"
    assert _apply(rules.numbered_action, P("01. Sans nœud"))[1] is None


def test_status_heading_scale_and_period_label_set_the_context():
    r, end = _apply(rules.status_heading_rule, P("Actions terminées"))
    assert end == 1 and r.ctx.status == "done"
    r, end = _apply(rules.scale_line, P("Au niveau intercommunal"))
    assert end == 1 and r.ctx.scale
    r, end = _apply(rules.period_label, P("2023-2024"))
    assert end == 1 and r.ctx.grid


def test_section_label_inline_section_and_section_text():
    r = _reader(P("Public cible"), P("Les familles du quartier."), P("Contexte : un quartier jeune"))
    r.ctx.last_action = r.add_action("Ouvrir un lieu")
    assert rules.section_label(r, _at(r, 0)) == 1 and r.ctx.section == "target_public"
    assert rules.section_text(r, _at(r, 1)) == 2
    assert rules.inline_section(r, _at(r, 2)) == 3
    action = r.actions[0]
    assert "familles" in action["target_public"] and action["context"] == "un quartier jeune"


def test_heading_context_resets_the_fiche_and_opens_a_zone_of_actions():
    r = _reader(H("Bilan des actions réalisées"), H("Le contexte du territoire"))
    r.ctx.fiche, r.ctx.section = {"title": "x"}, "context"
    assert rules.heading_context(r, _at(r, 0)) == 1
    assert r.ctx.zone and r.ctx.chapter_status == "done" and r.ctx.fiche is None
    assert rules.heading_context(r, _at(r, 1)) is None and not r.ctx.zone


def test_counted_nodes():
    r, end = _apply(rules.counted_nodes, P("Les 2 engagements"), P("Agir tôt"), P("Agir ensemble"))
    assert end == 3 and [n.title for n in r.nodes] == ["Agir tôt", "Agir ensemble"]
    assert _apply(rules.counted_nodes, P("Les 3 engagements"), P("Agir tôt"))[1] is None


def test_listed_item_takes_items_only_when_the_context_says_actions():
    r = _reader(P("Actions terminées"), I("Un forum des associations"))
    rules.status_heading_rule(r, _at(r, 0))
    assert rules.listed_item(r, _at(r, 1)) == 2 and r.actions[0]["status"] == "done"
    assert _apply(rules.listed_item, P("Un paragraphe"))[1] is None


def test_legend_lines_place_lines_under_the_declared_levels():
    r = _reader(P("Enjeux"), P("Objectif"), H("Enjeu 1 : Santé"), P("Prévenir les addictions"))
    rules.level_legend(r, _at(r, 0))
    rules.named_node(r, _at(r, 2))
    assert rules.legend_lines(r, _at(r, 3)) == 4
    assert r.nodes[-1].title == "Prévenir les addictions" and r.nodes[-1].level == "Objectif"


def test_title_over_numbers_is_an_unnamed_level():
    r = _reader(H("Axe 1 : Jeunesse"), P("Favoriser la mobilité"), P("01. Un vélo pour tous"))
    rules.named_node(r, _at(r, 0))
    assert rules.title_over_numbers(r, _at(r, 1)) == 2 and r.nodes[-1].title == "Favoriser la mobilité"


def test_grid_line_needs_a_grid_or_a_scale():
    r = _reader(P("Ouvrir un lieu d'accueil"))
    assert rules.grid_line(r, _at(r)) is None
    r.ctx.scale = "intercommunal"
    assert rules.grid_line(r, _at(r)) == 1


@pytest.mark.parametrize("zone", [True, False])
def test_zone_label_its_lines_and_zone_title(zone):
    r = _reader(P("Parentalité :"), P("Café des parents"), P("Faire vivre le projet"), I("Un forum"))
    r.ctx.zone, r.ctx.zone_status = zone, "done"
    if not zone:
        assert rules.zone_label(r, _at(r, 0)) is None and rules.zone_title(r, _at(r, 2)) is None
        return
    assert rules.zone_label(r, _at(r, 0)) == 1 and r.ctx.label_node
    assert rules.zone_label_line(r, _at(r, 1)) == 2 and r.actions[0]["title"] == "Café des parents"
    assert rules.zone_title(r, _at(r, 2)) == 3 and r.ctx.zone_status is None  # an infinitive: an aim


def test_step_falls_through_to_the_next_block_when_no_rule_takes_it():
    r = _reader(P("Un paragraphe de présentation du territoire, sans rien à lire."))
    assert rules.step(r, 0) == 1 and not r.used[0] and not r.actions and not r.nodes
