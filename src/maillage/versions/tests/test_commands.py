"""The stable command-line interfaces: ``maillage versions``, ``maillage diff``, ``maillage version``."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maillage.actions.models import Action
from maillage.projects.tests.conftest import build_plan
from maillage.versions import taking
from maillage.versions.models import Version

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def plan():
    plan = build_plan()
    taking.take_version(plan.project, label="Plan\tadopté", adopted=True, deliberation_date=datetime.date(2024, 1, 10))
    taking.start_update(plan.project, None, label="Mise à jour 2025")
    return plan


def test_versions_lists_one_version_a_line_tab_separated(plan):
    lines = run("versions", plan.project.slug).splitlines()
    adopted, update = Version.objects.filter(project=plan.project).order_by("date", "pk")
    assert lines == [
        f"{adopted.pk}\tPlan adopté\t2024-01-10\tadopted",
        f"{update.pk}\tMise à jour 2025\t{datetime.date.today().isoformat()}\tdraft",
    ]
    assert all(len(line.split("\t")) == 4 for line in lines)


def test_diff_in_json_and_text(plan):
    adopted = Version.objects.get(project=plan.project, state="adopted")
    Action.objects.create(project=plan.project, ref="A9", title="Jardin partagé", position=9)
    Action.objects.filter(project=plan.project, ref="A3").update(status="done")
    data = json.loads(run("diff", plan.project.slug, str(adopted.pk), "current", "--format", "json"))
    for kind in (
        "nodes_added",
        "nodes_removed",
        "actions_added",
        "actions_removed",
        "status_changes",
        "nodes_renamed",
        "actions_moved",
        "fields_changed",
    ):
        assert isinstance(data[kind], list), kind
    assert [(a["ref"], a["title"]) for a in data["actions_added"]] == [("A9", "Jardin partagé")]
    assert [(s["ref"], s["from"], s["to"]) for s in data["status_changes"]] == [("A3", "planned", "done")]
    assert data["from"]["id"] == str(adopted.pk) and data["to"]["id"] == "current"
    text = run("diff", plan.project.slug, str(adopted.pk), "current")
    assert "Actions ajoutées (1)\n+ A9 Jardin partagé [À venir]" in text
    assert "* A3 Café des parents : À venir → Terminée" in text
    assert "Aucune différence." in run("diff", plan.project.slug, "current", "current")


def test_diff_refuses_unknown_projects_and_versions_in_french(plan):
    other = build_plan(title="Autre")
    foreign = taking.take_version(other.project, label="Ailleurs")
    with pytest.raises(CommandError, match="Projet « inconnu » introuvable"):
        run("diff", "inconnu", "1", "current")
    with pytest.raises(CommandError, match=f"Version « {foreign.pk} » introuvable"):
        run("diff", plan.project.slug, str(foreign.pk), "current")
    with pytest.raises(CommandError, match="Version « hier » introuvable"):
        run("diff", plan.project.slug, "hier", "current")


def test_version_takes_one_by_hand(plan):
    line = run("version", plan.project.slug, "--label", "Avant le COPIL")
    version = Version.objects.get(project=plan.project, label="Avant le COPIL")
    assert line.strip() == f"{version.pk}\tAvant le COPIL\t{datetime.date.today().isoformat()}\tdraft"
    run(
        "version",
        plan.project.slug,
        "--label",
        "Plan voté",
        "--adopted",
        "--date",
        "2023-12-15",
        "--reference",
        "n° 88",
    )
    voted = Version.objects.get(project=plan.project, label="Plan voté")
    assert (voted.state, voted.date, voted.deliberation_reference) == ("adopted", datetime.date(2023, 12, 15), "n° 88")
    with pytest.raises(CommandError, match="--date AAAA-MM-JJ"):
        run("version", plan.project.slug, "--label", "Sans date", "--adopted")
    with pytest.raises(CommandError, match="n'est pas une date"):
        run("version", plan.project.slug, "--label", "Mauvaise date", "--adopted", "--date", "15/12/2023")
    assert not Version.objects.filter(label__in=["Sans date", "Mauvaise date"]).exists()


def test_export_writes_the_versions_documents(plan, tmp_path):
    adopted = Version.objects.get(project=plan.project, state="adopted")
    target = tmp_path / "comparaison.docx"
    call_command(
        "export",
        plan.project.slug,
        "--format",
        "docx",
        "--what",
        f"comparison:{adopted.pk}:current",
        "-o",
        str(target),
        stderr=StringIO(),
    )
    assert target.read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError, match="introuvable"):
        call_command(
            "export", plan.project.slug, "--format", "pdf", "--what", "renewal:999999:current", stderr=StringIO()
        )
