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


# The rules written for plans the seeds did not show (issue 17)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Le projet est structuré autour de quatre axes :", ("node", "Axe", 4)),
        ("Ces 7 priorités sont les suivantes :", ("node", "Priorité", 7)),
        ("Les grands axes pour notre centre social sont :", ("node", "Axe", None)),
        (
            "Quatre principes majeurs structurent le Contrat de Ville. Ils sont détaillés ci-dessous :",
            ("node", "Principe", 4),
        ),
        ("Parmi les projets inscrits dans cette convention, citons :", ("action", None, None)),
        ("Elle a pour objet de :", None),  # no level named
        ("Les acteurs font remonter de multiples enjeux :", None),  # a generic word, no count, no plan named
        ("10h15 – 12h05 : ateliers thématiques :", None),
        ("Le projet est structuré autour de quatre axes.", None),  # no list announced
    ],
)
def test_list_intro(sentence, expected):
    assert rules.list_intro(sentence) == expected


def test_introduced_list_takes_every_item_and_the_first_written_as_a_paragraph():
    r = _reader(
        P("Parmi les projets inscrits dans cette convention, citons :"),
        P("La mise en place d'un plan petite enfance,"),
        I("le développement des temps collectifs,", level=1),
        I("l'élaboration d'un parcours accès aux droits.", level=1),
        P("Le 15 mars, une autre convention a été signée."),
    )
    assert rules.introduced_list(r, _at(r)) == 4
    assert [a["title"] for a in r.actions] == [
        "La mise en place d'un plan petite enfance", "le développement des temps collectifs",
        "l'élaboration d'un parcours accès aux droits",
    ]  # fmt: skip
    assert not r.used[4]


def test_introduced_list_with_a_count_passes_over_the_paragraphs_of_each_item():
    r = _reader(
        P("Deux principes structurent le contrat de ville :"),
        I("La mobilisation du droit commun"),
        P("La politique de la ville complète le droit commun."),
        I("La participation des habitants"),
        I("Un troisième item hors du compte"),
    )
    assert rules.introduced_list(r, _at(r)) == 4
    assert [(n.level, n.title) for n in r.nodes] == [
        ("Principe", "La mobilisation du droit commun"), ("Principe", "La participation des habitants"),
    ]  # fmt: skip


def test_fiche_field_opens_the_fiche_under_its_title_and_never_makes_a_label_an_action():
    r = _reader(
        H("Café des parents", 2), P("Statut de l'action : Terminée"), P("Dimension"), P("Parentalité"),
        P("Pilote : Centre social"),
    )  # fmt: skip
    assert rules.fiche_field(r, _at(r, 1)) == 2
    assert [a["title"] for a in r.actions] == ["Café des parents"] and r.actions[0]["status"] == "done"
    assert rules.fiche_field(r, _at(r, 2)) == 4  # the label on its line, its value below
    assert "Dimension : Parentalité" in r.actions[0]["description"]
    assert rules.fiche_field(r, _at(r, 4)) == 5 and "Centre social" in {p["name"] for p in r.partners.values()}
    assert len(r.actions) == 1


def test_fiche_field_unknown_status_is_reported_and_a_note_alone_opens_no_fiche():
    r = _reader(H("Jardin", 2), P("Statut : quelque part"))
    rules.fiche_field(r, _at(r, 1))
    assert "statut « quelque part » non reconnu" in r.report.warnings[0] and "status" not in r.actions[0]
    r, end = _apply(rules.fiche_field, H("Territoire", 2), P("Territoire concerné : Nord"), index=1)
    assert end is None and not r.actions


def test_numbered_heading_infers_the_numbering_schemes_in_order():
    r = _reader(H("I. Agir pour les familles"), H("A. Valoriser les parents", 2), H("II. Agir pour les jeunes"),
                H("1. Assurer l'accès aux droits", 2), H("Deuxième axe : Se loger"))  # fmt: skip
    for i in range(5):
        assert rules.numbered_heading(r, _at(r, i)) == i + 1
    assert r.ctx.schemes == ["roman", "upper"] + ["decimal0"]
    assert [(n.depth, n.title) for n in r.nodes] == [
        (0, "Agir pour les familles"),
        (1, "Valoriser les parents"),
        (0, "Agir pour les jeunes"),
        (1, "Assurer l'accès aux droits"),
        (0, "Se loger"),
    ]  # fmt: skip  (a third scheme under a node with no second level: one level down, not two)
    assert r.nodes[-1].level == "Axe" and r.nodes[-1].code == "Axe 2"
    assert _apply(rules.numbered_heading, H("I. LE CONTEXTE"))[1] is None  # capitals: a part of the document
    assert _apply(rules.numbered_heading, P("1. Assurer l'accès aux droits"))[1] is None  # not a heading


def test_labelled_list_heading_and_its_unlabelled_sibling():
    r = _reader(H("Accueil et ouverture", 4), P("Principes d'action"), I("Communiquer"), I("Accueillir"),
                H("Ressources", 4), I("Se doter d'outils"))  # fmt: skip
    assert rules.labelled_list_heading(r, _at(r, 0)) == 4
    assert rules.labelled_list_heading(r, _at(r, 4)) == 6
    assert [(n.depth, n.level, n.title) for n in r.nodes] == [
        (0, "Axe", "Accueil et ouverture"), (1, "Principe", "Communiquer"), (1, "Principe", "Accueillir"),
        (0, "Axe", "Ressources"), (1, "Principe", "Se doter d'outils"),
    ]  # fmt: skip


def test_title_continuation_only_right_below_a_node_heading():
    r = _reader(P("Orientation 3 : Sécuriser les parcours"), P(""), P("tout au long de l'accompagnement"),
                P("suite sans lien"))  # fmt: skip
    rules.named_node(r, _at(r, 0))
    assert rules.title_continuation(r, _at(r, 2)) == 3
    assert r.nodes[0].title == "Sécuriser les parcours tout au long de l'accompagnement"
    assert rules.title_continuation(r, _at(r, 3)) is None


def test_prose_node():
    r, end = _apply(rules.prose_node, P("L’axe autour de l’accès aux droits comporte 8 fiches d’actions."))
    assert end == 1 and (r.nodes[0].level, r.nodes[0].title) == ("Axe", "l’accès aux droits")
    assert _apply(rules.prose_node, P("L'axe de la gare est fermé."))[1] is None


def test_glued_entries_are_split_only_when_two_entries_or_a_page_reference_show_a_contents_line():
    from maillage.imports.structure import split_glued_entries

    glued = P("Orientation 1 : Prévenir Page 49Orientation 2 : Soigner Page 56")
    assert [b.text for b in split_glued_entries([glued])] == ["Orientation 1 : Prévenir", "Orientation 2 : Soigner"]
    wrapped = P("6 FICHE ACTION 3 : Former les bénévoles page 8")
    assert [b.text for b in split_glued_entries([wrapped])] == ["6", "FICHE ACTION 3 : Former les bénévoles"]
    kept = P("4.1. AXE 1 : accéder à ses droits")
    assert split_glued_entries([kept]) == [kept]


def test_identity_kind_and_period():
    from maillage.imports.identity import project_facts, read_kind, read_period

    assert read_kind("La CTG de la ville, convention territoriale globale, et un CLS.")[0] == "ctg"
    kind, unsure = read_kind("Le contrat de ville et le contrat local de santé")
    assert kind == "contrat_de_ville" and "contrat local de santé" in unsure[0]
    assert read_period(["Bilan 2015-2019", "Le schéma départemental 2020-2024"]) == ((2020, 2024), None)
    assert read_period(["Signée le 3 mars 2019"]) == (None, 2019)
    facts = project_facts(["Un texte sans date"])
    assert facts["period"] is None and "l'année en cours" in facts["unsure"][-1]


def test_a_rule_that_breaks_fails_the_web_run_with_a_french_message(monkeypatch, db):
    from maillage.imports.running import read_run
    from maillage.imports.tests.test_hardening import assert_failed_in_french, run_of

    def broken(r, at):
        raise KeyError("a bug of a rule")

    monkeypatch.setattr(rules, "RULES", [rules.Rule("broken", broken)])
    monkeypatch.setattr(rules.step, "__defaults__", ([rules.Rule("broken", broken)],))
    run = run_of(b"Axe 1 : Agir\n", "plan.txt")
    read_run(run)
    assert_failed_in_french(run, "« plan.txt »", "erreur imprévue")


def test_flattened_contents_tree_reads_entries_with_their_run_together_sub_titles():
    line = (
        "III Les orientations Jeunesse page 12 Objectifs Ouvrir un lieu d accueil Former les animateurs "
        "Parentalité page 20 Objectifs Soutenir les parents Créer un café des familles Annexes page 30"
    )
    r = _reader(P(line))
    assert rules.flattened_contents_tree(r, _at(r)) == 1
    assert [(n.depth, n.level, n.title) for n in r.nodes] == [
        (0, "Axe", "Jeunesse"), (1, "Objectif", "Ouvrir un lieu d accueil"), (1, "Objectif", "Former les animateurs"),
        (0, "Axe", "Parentalité"), (1, "Objectif", "Soutenir les parents"),
        (1, "Objectif", "Créer un café des familles"),
    ]  # fmt: skip


def test_a_contents_line_without_sub_titles_is_no_tree():
    line = "Introduction page 4 Le territoire page 7 La démographie page 10 Les données sociales page 22 " * 3
    assert _apply(rules.flattened_contents_tree, P(line))[1] is None
