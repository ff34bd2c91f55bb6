"""The indicator pages cost the same whatever the size of the rest of the database, and a bounded
number of queries, rows and objects on a plan of 500 actions (issue 11)."""

import pytest
from django.urls import reverse

from maillage.actions.models import Action
from maillage.evaluation.models import Indicator, IndicatorTarget, IndicatorValue
from maillage.partners.models import Person
from maillage.projects.models import Node
from maillage.projects.tests.conftest import big_plan, build_plan  # noqa: F401 (big_plan is a fixture)

# On a page of 50 indicators: session, user, project, roles, led actions, the filters' choices (nodes,
# people, organisations, programmes), the count and the summary, the page, its values, its targets.
MAX_QUERIES = 14
MAX_ROWS = 350  # the page's 50 rows, their values and targets, and the filters' choices (the plan's 62 nodes)


def plan_lead(plan):
    return Person.objects.get(project=plan.project, key="pilote").pk


def measured(plan):
    """Three values and two targets for each of the big plan's indicators."""
    indicators = list(Indicator.objects.filter(action__project=plan.project))
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=indicator, period=period, value=n, position=n)
        for indicator in indicators
        for n, period in enumerate(["2024", "fin 2023", "juin 2025"])
    )
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=indicator, year=year, value=10) for indicator in indicators for year in (2024, 2026)
    )
    return indicators


def grow_elsewhere(projects=3, actions=200):
    """Other projects, each bigger than the measured page, with indicators, values and targets."""
    for n in range(projects):
        other = build_plan(title=f"Autre plan {n}")
        made = Action.objects.bulk_create(
            Action(project=other.project, ref=f"X{i}", title=f"Action {i}", position=10 + i) for i in range(actions)
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(action=action, kind="quantitative", title="Participants") for action in made
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(indicator=indicator, period=str(2023 + year), value=year)
            for indicator in indicators
            for year in range(4)
        )
        IndicatorTarget.objects.bulk_create(IndicatorTarget(indicator=i, year=2025, value=5) for i in indicators)


PAGES = {
    "list": lambda plan, indicator: reverse("indicator-list", args=[plan.project.slug]),
    "list-filtered": lambda plan, indicator: (
        reverse("indicator-list", args=[plan.project.slug])
        + f"?noeud={Node.objects.get(project=plan.project, code='G0').pk}&type=quantitative&pilote={plan_lead(plan)}"
    ),
    "list-page-3": lambda plan, indicator: reverse("indicator-list", args=[plan.project.slug]) + "?page=3",
    "detail": lambda plan, indicator: reverse("indicator-detail", args=[plan.project.slug, indicator.pk]),
    "value": lambda plan, indicator: reverse("indicator-value-add", args=[plan.project.slug, indicator.pk]),
    "quick-update": lambda plan, indicator: reverse(
        "action-quick-update", args=[plan.project.slug, indicator.action.ref]
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_the_pages_queries_rows_and_objects_are_bounded_at_500_actions(big_plan, client, fetched, page):  # noqa: F811
    indicators = measured(big_plan)
    assert Action.objects.filter(project=big_plan.project).count() > 500
    client.force_login(big_plan.users["coordinator"])
    url = PAGES[page](big_plan, indicators[0])
    client.get(url)  # warm caches (content types, sessions)
    with fetched() as before:
        assert client.get(url).status_code == 200
    assert before.queries <= MAX_QUERIES, str(before)
    if page.startswith("list"):
        assert len(client.get(url).context["rows"]) > 5, "the measured page shows indicators"
    assert before.rows <= MAX_ROWS, str(before)
    grow_elsewhere()
    with fetched() as after:
        assert client.get(url).status_code == 200
    assert (after.rows, after.instances, after.queries) == (before.rows, before.instances, before.queries), (
        f"{before} → {after}"
    )


def test_the_list_rows_do_not_grow_with_the_plan(big_plan, client, fetched):  # noqa: F811
    """The page reads its 50 indicators whatever the plan's size: more actions, the same rows."""
    measured(big_plan)
    client.force_login(big_plan.users["reader"])
    url = reverse("indicator-list", args=[big_plan.project.slug])
    client.get(url)
    with fetched() as before:
        client.get(url)
    more = Action.objects.bulk_create(
        Action(project=big_plan.project, ref=f"M{n}", title=f"Plus {n}", position=900 + n) for n in range(300)
    )
    Indicator.objects.bulk_create(Indicator(action=action, kind="quantitative", title="Encore") for action in more)
    with fetched() as after:
        client.get(url)
    assert (after.rows, after.instances) == (before.rows, before.instances), f"{before} → {after}"
