"""The members' screens pass the axe check (no critical violation) and are photographed, at desktop width
and, for the pages used on the move (dashboard, list, fiche), at phone width."""

import pytest
from playwright.sync_api import expect

from maillage.actions.models import Action
from maillage.diagnostic.models import KeyFigureTable

from .steps import at_phone_width, axe_check, login, screenshot

SLUG = "clermont-sud"


def member_pages(project):
    action = Action.objects.filter(project=project, parent__isnull=True).order_by("position").first()
    base = f"/projets/{project.slug}"
    table = KeyFigureTable.objects.filter(project=project).order_by("position", "pk").first()
    return {
        "dashboard": (f"{base}/", project.title),
        "tree": (f"{base}/arbre/", "Arborescence"),
        "action-list": (f"{base}/actions/", "Les fiches actions"),
        "action-page": (f"{base}/actions/{action.ref}/", action.title),
        "action-form": (f"{base}/actions/{action.ref}/modifier/", f"Modifier la fiche {action.ref}"),
        "partners": (f"{base}/partenaires/", "L’annuaire des partenaires"),
        "governance": (f"{base}/gouvernance/", "La gouvernance du projet"),
        "diagnostic": (f"{base}/diagnostic/", "Le diagnostic partagé"),
        "key-figures": (
            f"{base}/diagnostic/chiffres-cles/{table.pk}/valeurs/",
            f"Les valeurs du tableau « {table.title} »",
        ),
        "import": ("/importer/", "Importer un plan existant"),
    }


PHONE_PAGES = ["dashboard", "action-list", "action-page"]
LONG_PAGES = {"tree", "action-list", "partners"}  # a full-page PNG of a 140-action plan takes seconds


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_members_pages_pass_the_accessibility_check(page, demo_db, width):
    login(page, f"coord-{SLUG}")
    pages = member_pages(demo_db[SLUG])
    names = PHONE_PAGES if width == "phone" else list(pages)
    if width == "phone":
        at_phone_width(page)
    for name in names:
        path, heading = pages[name]
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe_check(page, f"{name}-{width}")
        screenshot(page, f"{name}-{SLUG}-{width}", full_page=name not in LONG_PAGES)
