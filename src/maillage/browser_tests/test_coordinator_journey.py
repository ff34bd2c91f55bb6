"""A new coordinator builds a plan from nothing and publishes it; a visitor then reads it without an account."""

import re

from playwright.sync_api import expect

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import PASSWORD, UserFactory
from maillage.actions.models import Action
from maillage.projects.models import Node, Project

from .steps import assert_nothing_private, axe_check, label, login, screenshot

SLUG = "pst-val-de-loire-test"
TITLE = "Projet social du Val de Loire"
LEVELS = ["Axe", "Objectif", "Sous-objectif"]
SECTIONS = {
    "context": "Le quartier a perdu son dernier lieu d'accueil des familles.",
    "general_objective": "Rompre l'isolement des parents de jeunes enfants.",
    "operational_objectives": "Ouvrir un lieu d'accueil enfants-parents deux matinées par semaine.",
    "target_public": "Parents d'enfants de moins de six ans du quartier des Tilleuls.",
    "description": "Un lieu d'écoute et de jeu, anonyme et gratuit, animé par deux accueillantes.",
    "schedule": "Ouverture en septembre, bilan au bout d'un an.",
    "human_means": "Deux accueillantes formées, une coordinatrice à mi-temps.",
    "material_means": "La salle polyvalente de l'école des Tilleuls, des jeux.",
    "financial_means": "Prestation de service de la CAF et participation de la commune.",
    "partnership": "La PMI oriente les familles.",
    "expected_results": "Trente familles accueillies la première année.",
    "obstacles": "Trouver un créneau dans une salle déjà très occupée.",
}


def add_node(page, parent_id, code, title, check=False):
    """Open the « Ajouter un sous-nœud » panel of a node (htmx), fill it, and wait for the redrawn tree."""
    page.locator(f"#ajouter-sous-{parent_id}").click()
    panel = page.locator(f"#noeud-{parent_id}-panneau")
    form = panel.locator(f"#form-ajout-{parent_id}")
    expect(form).to_be_visible()
    if check:
        axe_check(page, "tree-add-panel")
    form.get_by_label("Code").fill(code)
    form.get_by_label("Intitulé").fill(title)
    form.locator(f"#form-ajout-{parent_id}-valider").click()
    expect(page.locator("#arbre").get_by_role("status")).to_contain_text(f"{title}")
    return Node.objects.get(project__slug=SLUG, title=title)


def test_a_coordinator_builds_a_plan_from_scratch_and_a_visitor_reads_it(page, new_context, demo_db):
    UserFactory(username="coord-val-de-loire", first_name="Dominique")
    login(page, "coord-val-de-loire", PASSWORD)

    # 1. The project: kind, title, territory, period, three level names.
    page.get_by_role("link", name="Créer un projet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un projet")
    form = page.locator("#form-nouveau-projet")
    form.get_by_label("Type de projet").select_option("pst")
    form.get_by_label("Titre du projet").fill(TITLE)
    form.get_by_label("Identifiant dans les adresses").fill(SLUG)
    form.get_by_label("Ou nom d'un autre territoire").fill("Quartiers des Tilleuls et des Acacias")
    form.get_by_label("Structure porteuse").fill("Ville de Saint-Val")
    form.get_by_label("Première année").fill("2025")
    form.get_by_label("Dernière année").fill("2028")
    form.get_by_label("Niveaux de l'arborescence").fill(", ".join(LEVELS))
    page.locator("#bouton-creer-projet").click()

    expect(page).to_have_url(re.compile(f"/projets/{SLUG}/arbre/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Arborescence")
    expect(page.get_by_role("main")).to_contain_text("Axe → Objectif → Sous-objectif")
    project = Project.objects.get(slug=SLUG)
    assert (project.kind, project.title, project.first_year, project.last_year) == ("pst", TITLE, 2025, 2028)
    assert project.territory.name == "Quartiers des Tilleuls et des Acacias"
    assert project.owner.name == "Ville de Saint-Val"
    assert list(project.levels.order_by("depth").values_list("name", flat=True)) == LEVELS
    assert Membership.objects.get(project=project, user__username="coord-val-de-loire").role == "coordinator"

    # 2. The tree: a root node, a child, a grandchild, each through the htmx forms (no page load).
    page.locator("#racine-code").fill("1")
    page.locator("#racine-title").fill("Accompagner les familles")
    page.locator("#bouton-ajout-racine").click()
    expect(page.locator("#arbre").get_by_role("status")).to_contain_text("Accompagner les familles")
    expect(page.locator("#racine-title")).to_have_value("")  # emptied, ready for the next one
    root = Node.objects.get(project=project, title="Accompagner les familles")
    child = add_node(page, root.pk, "1.1", "Soutenir la parentalité", check=True)
    grandchild = add_node(page, child.pk, "1.1.1", "Créer des lieux d'accueil parents-enfants")
    expect(page.locator(f"#noeud-{grandchild.pk}")).to_contain_text("Sous-objectif 1.1.1")
    assert (root.level.depth, child.parent_id, child.level.depth) == (1, root.pk, 2)
    assert (grandchild.parent_id, grandchild.level.name) == (child.pk, "Sous-objectif")
    screenshot(page, "coordinator-tree-built")

    # 3. A fiche action with every section, two partners (one from the directory, one new).
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name="Actions").click()
    page.locator("#new-action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle fiche action")
    form = page.locator("#action-form")
    form.get_by_label("Référence").fill("LAEP")
    form.get_by_label("Intitulé", exact=True).fill("Ouvrir un lieu d'accueil enfants-parents")
    form.get_by_label("Code").fill("1.1.1-a")
    form.get_by_label("Priorité").select_option("high")
    for name, text in SECTIONS.items():
        form.locator(f"#id_{name}").fill(text)
    directory = form.locator("#partner-line-0")
    directory.get_by_label(label("Organisation")).select_option(label="Ville de Saint-Val")
    directory.get_by_label("Rôle").select_option("funder")
    directory.get_by_label("Précision").fill("Mise à disposition de la salle")
    on_the_fly = form.locator("#partner-line-1")
    on_the_fly.get_by_label(label("ou nouvelle organisation")).fill("PMI du secteur Est")
    on_the_fly.get_by_label("Rôle").select_option("relay")
    axe_check(page, "action-create-form")
    page.locator("#save-action").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ouvrir un lieu d'accueil enfants-parents")
    expect(page.get_by_role("main")).to_contain_text("La fiche « Ouvrir un lieu d'accueil enfants-parents » est créée.")
    partners = page.locator("#action-partners")
    expect(partners).to_contain_text("Ville de Saint-Val (Financeur : Mise à disposition de la salle)")
    expect(partners).to_contain_text("PMI du secteur Est (Relais d'information / orienteur)")
    action = Action.objects.get(project=project, ref="LAEP")
    assert {name: getattr(action, name) for name in SECTIONS} == SECTIONS
    assert (action.code, action.priority) == ("1.1.1-a", "high")
    roles = {(p.organisation.name, p.role, p.detail) for p in action.partner_roles.select_related("organisation")}
    assert roles == {
        ("Ville de Saint-Val", "funder", "Mise à disposition de la salle"),
        ("PMI du secteur Est", "relay", ""),
    }
    assert project.organisations.filter(name="PMI du secteur Est").exists()  # created in the directory
    for name in ("context", "general_objective", "obstacles"):
        expect(page.locator("main")).to_contain_text(SECTIONS[name])

    # 4. An indicator with a target and a measured value.
    page.locator("#add-indicator").click()
    form = page.locator("#indicator-form")
    form.get_by_label("Intitulé").fill("Familles accueillies")
    form.get_by_label("Type").select_option("quantitative")
    form.get_by_label("Unité").fill("familles")
    form.locator("#id_cibles-0-year").fill("2026")
    form.locator("#id_cibles-0-value").fill("30")
    form.locator("#id_valeurs-0-period").fill("2025")
    form.locator("#id_valeurs-0-value").fill("12")
    axe_check(page, "indicator-form")
    page.locator("#save-indicator").click()
    expect(page.get_by_role("main")).to_contain_text("Indicateur enregistré.")
    indicators = page.locator("#indicateurs")
    expect(indicators.locator("table[id^='cibles-']")).to_contain_text("2026")  # the targets' table
    expect(indicators.locator("table[id^='cibles-']")).to_contain_text("30 familles")
    expect(indicators.locator("table[id^='valeurs-']")).to_contain_text("12")
    expect(indicators).to_contain_text("40 % de la cible 2026")
    indicator = action.indicators.get()
    assert (indicator.title, indicator.unit) == ("Familles accueillies", "familles")
    assert [(t.year, int(t.value)) for t in indicator.targets.all()] == [(2026, 30)]
    assert [(v.period, int(v.value)) for v in indicator.values.all()] == [("2025", 12)]
    screenshot(page, "coordinator-new-fiche")

    # 5. Place the action under the grandchild from the tree (htmx panel).
    menu.get_by_role("link", name="Arborescence").click()
    page.locator(f"#placer-{action.pk}-libre").click()
    panel = page.locator(f"#action-{action.pk}-libre-panneau")
    panel.get_by_label("Placer aussi sous").select_option(str(grandchild.pk))
    axe_check(page, "tree-place-panel")
    panel.get_by_role("button", name="Placer").click()
    expect(page.locator(f"#action-{action.pk}-sous-{grandchild.pk}")).to_contain_text("Ouvrir un lieu d'accueil")
    assert list(action.nodes.all()) == [grandchild]

    # 6. Publish in the settings.
    page.goto(f"/projets/{SLUG}/parametres/")
    expect(page.get_by_role("main")).to_contain_text("Le plan n'est pas publié")
    axe_check(page, "settings")
    page.locator("#bouton-publier").click()
    expect(page.get_by_role("main")).to_contain_text(f"Le plan est publié : chacun peut le lire sur /plans/{SLUG}/.")
    expect(page.locator("#bouton-depublier")).to_be_visible()
    project.refresh_from_db()
    assert project.published

    # 7. A visitor, in another browser without an account, reads the plan and the fiche.
    visitor = new_context().new_page()
    visitor.goto(f"/plans/{SLUG}/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_role("main")).to_contain_text("porté par Ville de Saint-Val")
    for title in ("Accompagner les familles", "Soutenir la parentalité", "Créer des lieux d'accueil parents-enfants"):
        expect(visitor.get_by_role("main")).to_contain_text(title)
    assert_nothing_private(visitor)
    visitor.get_by_role("link", name="1.1.1-a — Ouvrir un lieu d'accueil enfants-parents").click()
    expect(visitor).to_have_url(re.compile(f"/plans/{SLUG}/actions/LAEP/$"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text("1.1.1-a — Ouvrir un lieu d'accueil enfants-parents")
    main = visitor.get_by_role("main")
    for text in SECTIONS.values():
        expect(main).to_contain_text(text)
    expect(main).to_contain_text("Sous-objectif 1.1.1 : Créer des lieux d'accueil parents-enfants")
    expect(main).to_contain_text("PMI du secteur Est")
    expect(main).to_contain_text("Familles accueillies (Quantitatif) : 2025 = 12 familles")
    assert_nothing_private(visitor)
    axe_check(visitor, "visitor-new-plan-fiche")
    screenshot(visitor, "visitor-new-plan-fiche")
