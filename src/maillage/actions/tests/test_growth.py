"""The fiche and its edit form read the project's action, not the database: what they fetch does not
change when other projects grow (issue 11: ``bool()`` of a prefetching QuerySet loaded every action)."""

import pytest
from django.urls import reverse

from maillage.actions.models import Action
from maillage.evaluation.models import Indicator, IndicatorValue
from maillage.projects.tests.conftest import build_plan


def _grow_elsewhere(projects=3, actions=60):
    """Other projects, each with more actions than the measured one, carrying indicators and values."""
    for n in range(projects):
        other = build_plan(title=f"Autre plan {n}")
        made = Action.objects.bulk_create(
            Action(project=other.project, ref=f"X{i}", title=f"Action {i}", position=10 + i) for i in range(actions)
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(action=action, kind="quantitative", title="Participants") for action in made
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(indicator=indicator, period=str(2020 + year), value=year)
            for indicator in indicators
            for year in range(5)
        )


@pytest.mark.parametrize("page", ["action-detail", "action-edit"])
def test_the_fiche_fetches_the_same_rows_when_other_projects_grow(client, db, fetched, page):
    plan = build_plan()
    client.force_login(plan.users["coordinator"])
    url = reverse(page, args=[plan.project.slug, plan.actions["guide"].ref])
    client.get(url)  # warm caches (content types, sessions) so both measures see the same work
    with fetched() as before:
        assert client.get(url).status_code == 200
    _grow_elsewhere()
    with fetched() as after:
        assert client.get(url).status_code == 200
    assert (after.rows, after.instances) == (before.rows, before.instances), f"{before} → {after}"
