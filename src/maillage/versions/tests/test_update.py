"""The update of the plan: one draft at a time, carried-over and closed actions with their history,
adoption with its deliberation, the previous version intact and readable; bad input changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from maillage.actions.models import Action, ActionChange
from maillage.interchange.exporting import export_project, to_json
from maillage.projects.models import Period, Project
from maillage.projects.tests.conftest import build_plan
from maillage.versions import taking
from maillage.versions.models import Version

pytestmark = pytest.mark.django_db

ADOPTED = datetime.date(2024, 1, 20)


@pytest.fixture
def adopted_plan():
    plan = build_plan()
    coordinator = plan.users["coordinator"]
    base = taking.take_version(
        plan.project, label="Plan adopté", user=coordinator, kind="adoption", adopted=True, deliberation_date=ADOPTED
    )
    plan.actions["parents"].status = "postponed"
    plan.actions["parents"].save()
    plan.actions["libre"].status = "continuous"
    plan.actions["libre"].save()
    return plan, base


def test_starting_an_update_opens_one_draft_from_the_last_adopted_version(adopted_plan):
    plan, base = adopted_plan
    update = taking.start_update(plan.project, plan.users["coordinator"], label="Mise à jour 2025", note="Mi-parcours")
    assert (update.kind, update.state, update.based_on, update.document) == ("update", "draft", base, None)
    assert update.is_open_update and taking.open_update(plan.project) == update
    with pytest.raises(ValidationError, match="déjà en cours"):
        taking.start_update(plan.project, plan.users["coordinator"], label="Une autre")
    assert Version.objects.filter(project=plan.project, kind="update").count() == 1


def test_a_plan_without_adopted_version_needs_its_adoption_date_first():
    plan = build_plan()
    with pytest.raises(ValidationError) as refused:
        taking.start_update(plan.project, None, label="Mise à jour")
    assert "base_date" in refused.value.message_dict
    assert not Version.objects.filter(project=plan.project).exists()
    update = taking.start_update(plan.project, None, label="Mise à jour", base_date=ADOPTED, base_reference="n° 3")
    base = update.based_on
    assert (base.kind, base.state, base.date, base.deliberation_reference) == ("adoption", "adopted", ADOPTED, "n° 3")
    assert base.json_text() == to_json(export_project(plan.project))


def test_carrying_over_sets_the_new_periods_with_history_and_a_new_version_of_the_sheet(adopted_plan):
    plan, _base = adopted_plan
    coordinator = plan.users["coordinator"]
    update = taking.start_update(plan.project, coordinator, label="Mise à jour 2025")
    period = taking.add_period(plan.project, "2025-2026", 2025, 2026)
    parents = plan.actions["parents"]
    version_before = Action.objects.get(pk=parents.pk).version
    changed = taking.carry_over(update, [parents, plan.actions["libre"]], [period], coordinator, status="planned")
    assert changed == 2
    parents.refresh_from_db()
    assert [p.label for p in parents.periods.all()] == ["2025-2026"]
    assert parents.status == "planned" and parents.version == version_before + 2
    entries = list(ActionChange.objects.filter(action=parents).order_by("at", "pk"))
    assert [(e.kind, e.reason) for e in entries[-2:]] == [
        ("edited", "Mise à jour du plan « Mise à jour 2025 » : action reconduite"),
        ("status", "Mise à jour du plan « Mise à jour 2025 » : action reconduite"),
    ]
    assert entries[-2].changes[0]["label"] == "Périodes" and entries[-2].changes[0]["new"] == "2025-2026"
    assert plan.actions["libre"].__class__.objects.get(pk=plan.actions["libre"].pk).status == "continuous"
    # Carrying the same actions over again to the same periods changes nothing.
    assert taking.carry_over(update, [parents], [period], coordinator) == 0


def test_closing_goes_through_change_status_with_the_update_as_reason(adopted_plan):
    plan, _base = adopted_plan
    update = taking.start_update(plan.project, plan.users["coordinator"], label="Mise à jour 2025")
    closed = taking.close_actions(
        update, [plan.actions["permanence"]], "done", plan.users["coordinator"], "objectif atteint"
    )
    assert closed == 1
    entry = ActionChange.objects.filter(action=plan.actions["permanence"]).latest("at")
    assert (entry.kind, entry.reason) == ("status", "Mise à jour du plan « Mise à jour 2025 » : objectif atteint")
    with pytest.raises(ValidationError):
        taking.close_actions(update, [plan.actions["libre"]], "in_progress", None)


def test_adopting_freezes_the_live_plan_and_leaves_the_previous_version_intact(adopted_plan):
    plan, base = adopted_plan
    coordinator = plan.users["coordinator"]
    before_text = base.json_text()
    update = taking.start_update(plan.project, coordinator, label="Mise à jour 2025")
    taking.close_actions(update, [plan.actions["permanence"]], "done", coordinator)
    Action.objects.create(project=plan.project, ref="A9", title="Nouvelle action de la mise à jour", position=9)
    adopted = taking.adopt_update(
        update, coordinator, date=datetime.date(2025, 6, 30), reference="Délibération n° 2025-31"
    )
    assert (adopted.state, adopted.date, adopted.deliberation_date) == (
        "adopted",
        datetime.date(2025, 6, 30),
        datetime.date(2025, 6, 30),
    )
    assert adopted.adopted_by == coordinator and adopted.based_on == base
    project = Project.objects.get(pk=plan.project.pk)
    assert (project.version, project.updated_on) == ("Mise à jour 2025", datetime.date(2025, 6, 30))
    document = adopted.read()
    assert "A9" in {a["ref"] for a in document["actions"]}
    assert document["project"]["version"] == "Mise à jour 2025"
    assert adopted.json_text() == to_json(export_project(project))
    # The previous version: the same bytes as before, still readable.
    assert Version.objects.get(pk=base.pk).json_text() == before_text
    assert "A9" not in {a["ref"] for a in Version.objects.get(pk=base.pk).read()["actions"]}
    comparison = taking.comparison_of(project, str(base.pk), str(adopted.pk))
    assert [e["ref"] for e in comparison.actions_added] == ["A9"]
    assert ("A2", "done") in {(e["ref"], e["to"]) for e in comparison.status_changes}
    # Once adopted, the draft can no longer be changed, adopted again or abandoned.
    for step in (
        lambda: taking.adopt_update(adopted, coordinator, date=datetime.date(2025, 7, 1), reference="bis"),
        lambda: taking.carry_over(adopted, [plan.actions["libre"]], [], coordinator),
        lambda: taking.abandon_update(adopted),
    ):
        with pytest.raises(ValidationError):
            step()
    # A new update may now start, from the adopted update.
    assert taking.start_update(project, coordinator, label="Suivante").based_on == adopted


def test_adoption_needs_its_date_and_reference_and_writes_nothing_without(adopted_plan):
    plan, _base = adopted_plan
    update = taking.start_update(plan.project, plan.users["coordinator"], label="Mise à jour 2025")
    for date, reference in ((None, "n° 1"), (datetime.date(2025, 1, 1), "  ")):
        with pytest.raises(ValidationError):
            taking.adopt_update(update, None, date=date, reference=reference)
    update.refresh_from_db()
    assert update.is_open_update and update.document is None
    assert Project.objects.get(pk=plan.project.pk).updated_on is None


def test_abandoning_closes_the_draft_and_keeps_the_changes(adopted_plan):
    plan, base = adopted_plan
    update = taking.start_update(plan.project, plan.users["coordinator"], label="Mise à jour 2025")
    taking.close_actions(update, [plan.actions["permanence"]], "abandoned", None)
    taking.abandon_update(update)
    assert taking.open_update(plan.project) is None
    assert Action.objects.get(pk=plan.actions["permanence"].pk).status == "abandoned"
    assert list(Version.objects.filter(project=plan.project)) == [base]


def test_actions_and_periods_of_another_project_are_refused(adopted_plan):
    plan, _base = adopted_plan
    other = build_plan(title="Autre plan")
    update = taking.start_update(plan.project, None, label="Mise à jour")
    foreign_period = Period.objects.create(project=other.project, label="2025", first_year=2025, last_year=2025)
    mine = taking.add_period(plan.project, "2025", 2025, 2025)
    with pytest.raises(ValidationError):
        taking.carry_over(update, [plan.actions["libre"]], [foreign_period], None)
    with pytest.raises(ValidationError):
        taking.carry_over(update, [other.actions["libre"]], [mine], None)
    with pytest.raises(ValidationError):
        taking.close_actions(update, [other.actions["libre"]], "done", None)
    assert not other.actions["libre"].periods.exists()
    assert Action.objects.get(pk=other.actions["libre"].pk).status == "planned"


def test_a_new_period_follows_the_project_rules_in_french():
    plan = build_plan()
    with pytest.raises(ValidationError, match="période du projet"):
        taking.add_period(plan.project, "2040", 2040, 2041)
    taking.add_period(plan.project, "2024", 2024, 2024)
    with pytest.raises(ValidationError, match="déjà une période"):
        taking.add_period(plan.project, "2024", 2024, 2024)
