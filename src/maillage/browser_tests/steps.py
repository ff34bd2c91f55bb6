"""What journeys do again and again: sign in, take a screenshot, check accessibility, narrow the window.

Plain functions taking a Playwright page, so a journey reads like what a person does.
"""

import json
import re
import shutil
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from maillage.demo.loading import DEMO_PASSWORD
from maillage.settings import PACKAGE_DIR

# Next to the checkout (git-ignored), so a CI job can keep it; the installed package writes under the cwd.
_CHECKOUT = PACKAGE_DIR.parent.parent
ARTIFACTS = (_CHECKOUT if (_CHECKOUT / "pyproject.toml").exists() else Path.cwd()) / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")

_axe = Axe()  # axe-core bundled with axe-playwright-python: works offline


def clean_artifacts():
    """Start each run with an empty folder, so what it holds is this run's."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


def written_screenshots() -> list[Path]:
    return sorted(SCREENSHOTS.glob("*.png")) if SCREENSHOTS.exists() else []


def login(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form, as a person does (demo accounts by default), and wait until signed in."""
    page.goto("/connexion/")
    page.get_by_label("Identifiant ou adresse électronique").fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def label(text: str) -> re.Pattern:
    """A field's label that starts with ``text``: DSFR labels go on with « (Optionnel) » and a hint, and
    Playwright matches a pattern against the label's raw text (spaces and line breaks included)."""
    return re.compile(rf"^\s*{re.escape(text)}")


def screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    """Save the page as test-artifacts/screenshots/<name>.png: all of it, or what the window shows
    (a long plan's full page takes seconds to encode)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    return path


def at_phone_width(page: Page) -> None:
    page.set_viewport_size(PHONE)


def axe_check(page: Page, name: str | None = None) -> list[dict]:
    """Run axe-core on the page; print every violation, fail on a critical one. Returns the violations.

    Each check appends to test-artifacts/axe.txt, the run's accessibility report, with the checks axe
    could not decide ("to review", e.g. contrast over an image) below the violations.
    """
    response = _axe.run(page).response
    where = name or page.url
    violations = response["violations"]
    lines = [_axe_line(where, v["impact"], v) for v in violations]
    review = [_axe_line(where, f"to review ({v['impact']})", v) for v in response["incomplete"]]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with open(ARTIFACTS / "axe.txt", "a", encoding="utf-8") as report:
        report.write("\n".join((lines or [f"{where}: no violation"]) + review) + "\n")
    for line in lines:
        print(line)
    critical = [line for v, line in zip(violations, lines, strict=True) if v["impact"] == "critical"]
    assert not critical, "critical accessibility violations:\n" + "\n".join(critical)
    return violations


def _axe_line(where: str, impact: str, rule: dict) -> str:
    targets = ", ".join(json.dumps(node["target"]) for node in rule["nodes"][:5])
    return f"{where}: {impact} {rule['id']} — {rule['help']} ({len(rule['nodes'])}×: {targets})"


def assert_nothing_private(page):
    """No edit control, no member page, no e-mail address, no phone link on a public page."""
    main = page.get_by_role("main")
    # The tree diagram's zoom (three radio buttons, documents/_tree_diagram.html) changes the view only.
    expect(main.locator("form, button, input:not([name='tree-zoom']), textarea, select")).to_have_count(0)
    expect(main.get_by_role("link", name=re.compile("modifier|supprimer|ajouter", re.I))).to_have_count(0)
    # The documents page of a published plan is public: it gives visitors the documents without personal data;
    # so is the tree diagram the public plan opens on its own (« Ouvrir le schéma seul »).
    private_links = page.locator(
        "a[href^='/projets/']:not([href$='/documents/']):not([href$='/documents/telecharger/?document=tree&format=svg']),"
        " a[href^='/admin/'], a[href^='mailto:'], a[href^='tel:']"
    )
    expect(private_links).to_have_count(0)
    address = EMAIL.search(page.content())
    assert address is None, f"e-mail address on a public page: {address.group(0)}"
