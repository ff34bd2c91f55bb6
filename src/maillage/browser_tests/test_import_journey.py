"""A coordinator uploads the Word document of an existing plan, corrects the draft and creates the project.

The reading is a background task enqueued once the upload is committed (``transaction.on_commit``). In the
browser tests the live server writes inside the test's transaction, which is never committed, so the task
would never start: the upload is wrapped in ``django_capture_on_commit_callbacks(execute=True)``, which runs
it in the test thread (with the ``immediate_tasks`` fixture of ``maillage.conftest``) as soon as the upload is
answered, while the page polls its progress as it does for real.
"""

import re

from docx import Document
from playwright.sync_api import expect

from maillage.accounts.models import Membership
from maillage.imports.models import ImportRun
from maillage.projects.models import Project

from .steps import axe_check, login, screenshot

PLAN = [
    ("heading", "AXE 1 : Accompagner les familles"),
    ("paragraph", "Action 1.1 : Ouvrir un café des parents"),
    ("paragraph", "Les parents du quartier manquent de lieux pour échanger."),
    ("paragraph", "Action 1.2 : Créer un lieu d'accueil enfants-parents"),
    ("heading", "AXE 2 : Favoriser l'accès aux droits"),
    ("paragraph", "Action 2.1 : Tenir une permanence numérique"),
]


def plan_docx(path):
    document = Document()
    document.add_heading("Projet social des Tilleuls", level=0)
    for kind, text in PLAN:
        if kind == "heading":
            document.add_heading(text, level=1)
        else:
            document.add_paragraph(text)
    document.save(path)
    return path


def test_a_coordinator_imports_a_word_plan_renames_an_action_and_creates_the_project(
    page, demo_db, tmp_path, django_capture_on_commit_callbacks, immediate_tasks
):
    login(page, "coord-clermont-sud")
    page.get_by_role("link", name="Importer un plan existant (Word, PDF, tableur…)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer un plan existant")
    form = page.locator("#import-form")
    form.get_by_label("Fichier du plan").set_input_files(plan_docx(tmp_path / "plan-tilleuls.docx"))
    form.get_by_label("Titre du projet à créer").fill("PST des Tilleuls")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page.locator("#import-submit").click()
        expect(page).to_have_url(re.compile(r"/importer/\d+/$"))
    assert len(callbacks) == 1  # the reading, run when the block ends
    run = ImportRun.objects.get(owner__username="coord-clermont-sud", name="plan-tilleuls.docx")
    assert run.status == ImportRun.Status.READY, run.error

    # The page was polling the progress: it reloads by itself and shows the draft.
    draft = page.locator("section[aria-labelledby='draft-title']")
    expect(draft.get_by_role("heading", level=2)).to_have_text("Le brouillon : 2 nœuds, 3 actions")
    expect(draft).to_contain_text("Accompagner les familles")
    expect(draft).to_contain_text("Favoriser l'accès aux droits")
    axe_check(page, "import-review")
    screenshot(page, "import-review")

    # Rename an action: open it, load its correction tools (htmx), rename.
    action = next(a for a in run.draft["actions"] if a["title"] == "Créer un lieu d'accueil enfants-parents")
    item = page.locator(f"#action-{action['ref']}")
    item.locator("summary").click()
    item.get_by_role("link", name="Corriger cette action").click()
    tools = page.locator(f"#tools-{action['ref']}")
    tools.get_by_label("Intitulé", exact=True).fill("Ouvrir un lieu d'accueil enfants-parents (LAEP)")
    tools.get_by_role("button", name="Renommer").click()
    expect(page.get_by_role("main")).to_contain_text("Brouillon modifié.")
    expect(page.get_by_role("main")).to_contain_text("Ouvrir un lieu d'accueil enfants-parents (LAEP)")
    run.refresh_from_db()
    titles = sorted(a["title"] for a in run.draft["actions"])
    assert titles == [
        "Ouvrir un café des parents",
        "Ouvrir un lieu d'accueil enfants-parents (LAEP)",
        "Tenir une permanence numérique",
    ]

    # Create the project: its dashboard, and the author is its coordinator.
    page.locator("#import-save").click()
    expect(page).to_have_url(re.compile(f"/projets/{run.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("PST des Tilleuls")
    expect(page.get_by_role("main")).to_contain_text("Projet « PST des Tilleuls » créé : 2 nœuds, 3 actions.")
    project = Project.objects.get(slug=run.slug)
    assert sorted(project.actions.values_list("title", flat=True)) == titles
    assert project.nodes.count() == 2
    assert Membership.objects.get(project=project, user__username="coord-clermont-sud").role == "coordinator"
    run.refresh_from_db()
    assert (run.status, run.project) == (ImportRun.Status.SAVED, project)
    screenshot(page, "import-created-dashboard")
