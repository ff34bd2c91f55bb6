"""The steering view: late actions named, indicators, budget planned against actual, decisions and meetings;
who reads it, and what it costs at 500 actions and when other projects grow."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from maillage.actions.budget import project_totals
from maillage.actions.models import Action, BudgetLine
from maillage.actions.progress import Overdue
from maillage.actions.tests.test_growth import _grow_elsewhere
from maillage.evaluation.models import Indicator, IndicatorValue
from maillage.governance import changes, steering
from maillage.governance.models import Decision, Meeting
from maillage.partners.models import Organisation, Person
from maillage.partners.tests.roles import check_every_role, login_as
from maillage.projects.tests.conftest import big_plan  # noqa: F401 — the 500-action fixture

from .conftest import TODAY, make_steered

pytestmark = pytest.mark.django_db


def _late_plan():
    """Three more late actions: led by a person, by an organisation only, and late by its last period."""
    steered = make_steered()
    project = steered.project
    person = Person.objects.get(project=project, key="lea-pilote")
    worst = Action.objects.create(
        project=project,
        ref="A5",
        title="Le plus en retard",
        status="blocked",
        end_date=TODAY - datetime.timedelta(days=400),
    )
    worst.leads.add(person)
    mairie = Organisation.objects.create(project=project, key="mairie", name="Mairie de Trifouillis")
    Action.objects.create(
        project=project,
        ref="A6",
        title="Porté par la mairie",
        status="planned",
        end_date=TODAY - datetime.timedelta(days=90),
        lead_organisation=mairie,
    )
    by_period = Action.objects.create(project=project, ref="A7", title="Prévu sur 2023-2024", status="in_progress")
    by_period.periods.add(steered.periods["first"])
    # Not late: done, continuous, or a sub-action (the dashboard counts top-level actions).
    Action.objects.create(
        project=project, ref="A8", title="Finie", status="done", end_date=TODAY - datetime.timedelta(days=5)
    )
    Action.objects.create(
        project=project,
        ref="A5.1",
        title="Étape",
        status="planned",
        parent=worst,
        end_date=TODAY - datetime.timedelta(days=999),
    )
    return steered


def test_late_actions_are_named_the_most_overdue_first():
    steered = _late_plan()
    view = steering.steering(steered.project)
    refs = [row.action.ref for row in view.late]
    # A7's last period ended on 31/12/2024; the others have end dates.
    due = {row.action.ref: row.due for row in view.late}
    assert due["A7"] == datetime.date(2024, 12, 31)
    assert refs == sorted(refs, key=lambda ref: due[ref])
    assert set(refs) == {"A2", "A5", "A6", "A7"} and view.late_total == 4
    leads = {row.action.ref: row.leads for row in view.late}
    assert leads["A5"] == ["Léa Pilote"] and leads["A6"] == ["Mairie de Trifouillis"] and leads["A2"] == []
    delay = {row.action.ref: row.delay for row in view.late}
    assert delay["A2"] == "30 jours" and delay["A6"] == "2 mois"
    assert view.late_share == round(100 * 4 / 8)


def test_how_late_reads_in_days_months_then_years():
    def delay(days):
        return Overdue(None, TODAY, days).delay

    assert (delay(1), delay(60), delay(61), delay(400), delay(800)) == (
        "1 jour",
        "60 jours",
        "2 mois",
        "13 mois",
        "2 ans",
    )


def test_the_budget_sums_planned_and_actual_by_funder_and_year():
    steered = make_steered()
    plan = steered.plan
    caf = Organisation.objects.create(project=steered.project, key="caf", name="CAF")
    guide, permanence = plan.actions["guide"], plan.actions["permanence"]
    BudgetLine.objects.create(action=guide, kind="planned", year=2024, amount=Decimal("1000"), funder=caf)
    BudgetLine.objects.create(action=permanence, kind="planned", year=2024, amount=Decimal("500.50"), funder=caf)
    BudgetLine.objects.create(action=guide, kind="actual", year=2024, amount=Decimal("1200"), funder=caf)
    BudgetLine.objects.create(action=guide, kind="planned", year=None, amount=Decimal("300"))
    BudgetLine.objects.create(action=guide, kind="planned", year=2024, amount=Decimal("2"), unit="fte", funder=caf)
    totals = project_totals(steered.project)
    assert totals.funders == ["CAF", "Financeur non précisé"] and totals.years == [2024, None]
    assert totals.rows() == [
        {"funder": "CAF", "year": 2024, "planned": Decimal("1500.50"), "actual": Decimal("1200"), "share": 80},
        {"funder": "Financeur non précisé", "year": None, "planned": Decimal("300"), "actual": None, "share": None},
    ]
    assert totals.total()["planned"] == Decimal("1800.50") and totals.total()["actual"] == Decimal("1200")
    assert steering.steering(steered.project).budget.rows() == totals.rows()


def test_the_steering_page_reads_like_the_committee_needs(client):
    steered = _late_plan()
    project = steered.project
    caf = Organisation.objects.create(project=project, key="caf", name="CAF du Rhône")
    BudgetLine.objects.create(action=steered.plan.actions["guide"], kind="planned", year=2025, amount=12000, funder=caf)
    BudgetLine.objects.create(action=steered.plan.actions["guide"], kind="actual", year=2025, amount=9000, funder=caf)
    changes.status_change(steered.decision, steered.plan.actions["permanence"], "done")
    old = Meeting.objects.create(project=project, title="COPIL d'hiver", date=TODAY - datetime.timedelta(days=90))
    Decision.objects.create(meeting=old, text="Lancer le guide des droits.")
    Meeting.objects.create(project=project, title="COPIL d'été", date=TODAY + datetime.timedelta(days=60))
    login_as(client, project, "reader")
    response = client.get(reverse("steering", args=[project.slug]))
    html = response.content.decode()
    assert "4 actions en retard" in html
    table = html[html.index('id="steering-late-table"') :]
    table = table[: table.index("</table>")]
    shown = [table.index(escape(row.action.title)) for row in steering.steering(project).late]
    assert shown == sorted(shown) and len(shown) == 4  # the most overdue first
    assert "Léa Pilote" in table and "Mairie de Trifouillis" in table and "31/12/2024" in table
    assert f'href="/projets/{project.slug}/actions/?retard=1&amp;tri=fin"' in html
    indicators = html[html.index('id="steering-indicators-title"') :]
    indicators = indicators[: indicators.index("</table>")]
    # The evaluation app's progress: the indicator, its last value or its absence, the period to fill.
    assert "maillage-progress-table" in indicators and "Guides distribués" in indicators
    assert "Aucune valeur" in indicators
    budget = html[html.index('id="steering-budget-table"') :]
    assert "CAF du Rhône" in budget and "12" in budget and "9" in budget and "75 %" in budget
    decisions = html[html.index('id="steering-decision-list"') :]
    assert decisions.index("COPIL de printemps") < decisions.index("COPIL d&#x27;hiver")
    assert "En cours → Terminée" in decisions and "à appliquer" in decisions
    meetings = html[html.index('id="steering-meeting-list"') :]
    assert "COPIL d&#x27;été" in meetings and "document=copil:" in meetings
    assert "Comité de pilotage de printemps" in meetings  # build_plan's upcoming meeting


def test_the_steering_page_caps_the_late_actions_and_links_to_all_of_them(client):
    steered = make_steered()
    Action.objects.bulk_create(
        Action(
            project=steered.project,
            ref=f"R{n}",
            title=f"Retard {n}",
            end_date=TODAY - datetime.timedelta(days=n + 1),
            position=10 + n,
        )
        for n in range(40)
    )
    login_as(client, steered.project, "reader")
    html = client.get(reverse("steering", args=[steered.project.slug])).content.decode()
    table = html[
        html.index('id="steering-late-table"') : html.index("</table>", html.index('id="steering-late-table"'))
    ]
    assert table.count("<tr>") == 1 + steering.LATE_SHOWN
    assert "Retard 39" in table and "Retard 0<" not in table  # the most overdue first
    assert "Voir les 41 actions en retard dans la liste" in html


@pytest.mark.parametrize("published", [False, True], ids=["private", "published"])
def test_the_steering_page_is_for_members(client, published):
    steered = make_steered(published=published, network=True)
    url = reverse("steering", args=[steered.project.slug])
    assert check_every_role(client, steered.project, url, public_redirect=False) == {}


def test_an_empty_project_has_a_steering_page(client):
    steered = make_steered()
    Action.objects.filter(project=steered.project).delete()
    Meeting.objects.filter(project=steered.project).delete()
    login_as(client, steered.project, "coordinator")
    html = client.get(reverse("steering", args=[steered.project.slug])).content.decode()
    assert "Aucune action n’est en retard." in html and "Aucune ligne budgétaire en euros." in html
    assert "Aucune décision n’est encore enregistrée." in html and "Aucune réunion n’est programmée." in html
    assert "Aucun indicateur." in html


def _decorate(project, n=10):
    """Budget lines, indicator values, decisions and meetings on a plan, so that the page has all to read."""
    actions = list(Action.objects.filter(project=project).order_by("pk")[:n])
    funder = Organisation.objects.create(project=project, key=f"financeur-{project.pk}", name="Financeur")
    BudgetLine.objects.bulk_create(
        BudgetLine(action=action, kind=kind, year=2024 + i % 3, amount=100, funder=funder)
        for i, action in enumerate(actions)
        for kind in ("planned", "actual")
    )
    for indicator in Indicator.objects.filter(action__project=project)[:n]:
        IndicatorValue.objects.create(indicator=indicator, period="2024", value=3)
    for i in range(n):
        meeting = Meeting.objects.create(
            project=project, title=f"Réunion {i}", date=TODAY + datetime.timedelta(days=i - n // 2)
        )
        Decision.objects.create(meeting=meeting, text=f"Décision {i}")


def test_the_steering_page_does_not_grow_with_the_plan(client, big_plan, django_assert_max_num_queries):  # noqa: F811
    small = make_steered()
    _decorate(small.project)
    _decorate(big_plan.project)
    client.force_login(small.plan.users["coordinator"])
    url = reverse("steering", args=[small.project.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    small_count = len(few.captured_queries)  # read now: the next request empties the connection's log
    client.force_login(big_plan.users["coordinator"])
    url = reverse("steering", args=[big_plan.project.slug])
    client.get(url)
    with django_assert_max_num_queries(small_count):
        page = client.get(url)
    assert page.context["steering"].late_total > 150 and len(page.context["steering"].late) == steering.LATE_SHOWN


def test_the_steering_page_reads_the_same_rows_when_other_projects_grow(client, fetched, big_plan):  # noqa: F811
    _decorate(big_plan.project)
    client.force_login(big_plan.users["coordinator"])
    url = reverse("steering", args=[big_plan.project.slug])
    client.get(url)
    with fetched() as before:
        assert client.get(url).status_code == 200
    _grow_elsewhere()
    for n in range(3):
        _decorate(make_steered(title=f"Ailleurs {n}").project)
    with fetched() as after:
        assert client.get(url).status_code == 200
    assert (after.rows, after.instances) == (before.rows, before.instances), f"{before} → {after}"
    # What it reads is what it shows: the capped lists, not the plan's 500 actions.
    assert before.by_model.get("actions.Action", 0) <= steering.LATE_SHOWN + steering.INDICATORS_SHOWN + 5


def test_the_steering_page_in_english(client, settings):
    steered = _late_plan()
    login_as(client, steered.project, "reader")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("steering", args=[steered.project.slug])).content.decode()
    assert "Steering the plan" in html and "4 late actions" in html and "The latest first" not in html
    assert ">Steering</a>" in html or 'aria-current="page">Steering' in html  # the menu entry
    assert "30 days" in html and "Budget planned and actual, by funder and year" in html
