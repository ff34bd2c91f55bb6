"""A resident without an account reads the published plans by following links, and sees nothing private."""

import re

import pytest
from playwright.sync_api import expect

from .steps import assert_nothing_private, at_phone_width, axe_check, screenshot

pytestmark = pytest.mark.browser

MAIN_DEMO_PROJECTS = [
    "clermont-sud",
    "genas-pset-2",
    "pays-du-gier-ctg-p3",
    "lyon-pst-villeurbanne",
    "gea-orientations-cst",
]


def test_a_visitor_reaches_every_main_demo_plan_and_an_action_by_links(page, demo_db):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maillage, le projet social du territoire")
    screenshot(page, "home-visitor")
    page.get_by_role("contentinfo").get_by_role("link", name="Plans publiés").click()
    expect(page).to_have_url(re.compile("/plans/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Plans publiés")
    screenshot(page, "public-plans")

    for slug in MAIN_DEMO_PROJECTS:
        project = demo_db[slug]
        page.get_by_role("main").get_by_role("link", name=project.title, exact=True).click()
        expect(page).to_have_url(re.compile(f"/plans/{slug}/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(project.title)
        expect(page.get_by_role("heading", name="L’arborescence et les actions")).to_be_visible()
        assert_nothing_private(page)
        screenshot(page, f"public-plan-{slug}", full_page=slug == "clermont-sud")

        top_nodes = project.nodes.filter(parent__isnull=True).count()
        expect(page.locator(".maillage-tree__node--depth-1")).to_have_count(top_nodes)
        if project.actions.exists():
            open_first_action(page, slug)
        else:  # GEA's seed is a tree of orientations without actions
            expect(page.get_by_role("main")).to_contain_text("0 action")
        page.get_by_role("navigation", name="vous êtes ici").get_by_role("link", name="Plans publiés").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Plans publiés")


def open_first_action(page, slug):
    """From a plan, open its first action, check it, and come back by the page's own link."""
    plan_title = page.get_by_role("heading", level=1).inner_text()
    first_action = page.locator(".maillage-tree__actions a").first
    label = first_action.inner_text()
    first_action.click()
    expect(page).to_have_url(re.compile(f"/plans/{slug}/actions/[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(label)
    assert_nothing_private(page)
    screenshot(page, f"public-action-{slug}")
    page.get_by_role("link", name="Retour au plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(plan_title)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_public_pages_pass_the_accessibility_check(page, width):
    if width == "phone":
        at_phone_width(page)
    for path, name in [
        ("/", "home-visitor"),
        ("/plans/", "public-plans"),
        ("/plans/clermont-sud/", "public-plan-clermont-sud"),
        ("/plans/clermont-sud/actions/A1-01/", "public-action-clermont-sud"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        axe_check(page, f"{name}-{width}")
        if width == "phone":  # the desktop ones are taken by the journey above
            screenshot(page, f"{name}-phone")


def test_the_tree_diagram_is_readable_and_zooms(page, demo_db):
    """Issue 15 item 5: the diagram's 12-pixel text is drawn at least that size by default (it was shrunk
    to about 5 pixels), the fitted view shrinks it, the enlarged one grows it; the outline leads to a node."""
    page.goto("/plans/genas-pset-2/")
    page.locator("#tree-diagram-details summary").click()
    image = page.locator("#tree-diagram img")
    expect(image).to_be_visible()
    for _attempt in range(50):  # the SVG is loaded lazily (no string evaluated: the CSP forbids it)
        if image.evaluate("img => img.complete && img.naturalWidth > 0"):
            break
        page.wait_for_timeout(100)

    def scale():
        return image.evaluate("img => img.getBoundingClientRect().width / img.naturalWidth")

    assert scale() == pytest.approx(1, abs=0.01)
    screenshot(page, "public-plan-diagram-real-size")
    page.get_by_text("Agrandi", exact=True).click()
    assert scale() == pytest.approx(1.6, abs=0.01)
    page.get_by_text("Vue d’ensemble", exact=True).click()
    assert scale() < 1
    outline = page.locator("#tree-outline")
    outline.get_by_role("link", name=re.compile("^Sous-objectif 1.1.1 —")).click()
    expect(page).to_have_url(re.compile("#noeud-\\d+$"))
    node = page.url.rsplit("#", 1)[1]
    expect(page.locator(f"#{node}")).to_be_in_viewport()
