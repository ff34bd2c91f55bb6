"""The API's lists read a bounded number of rows in a fixed number of queries (growth_tests' counter)."""

import pytest

from maillage.accounts.models import Membership
from maillage.actions.models import Action
from maillage.api.tokens import create_token
from maillage.growth_tests.test_pages import furnish
from maillage.projects.models import Period
from maillage.projects.tests.conftest import build_plan


@pytest.fixture(autouse=True)
def no_cache(settings):
    """What a request reads, not what a cache kept (the rate limit's counter works without a cache)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def _measure(fetched, client, url):
    with fetched() as measure:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return measure


@pytest.mark.django_db
def test_the_actions_list_costs_the_same_queries_whatever_the_page_holds(fetched, api_client):
    """A page of four bare actions and a page of a hundred with leads, partners, nodes, periods,
    indicators and notes cost the same number of queries; rows stay within a bound per action shown."""
    plan = build_plan(title="Plan de mesure", published=True)
    coordinator = plan.users[Membership.Role.COORDINATOR]
    clients = {"member": api_client(create_token(coordinator, "mesure", "read", 30).secret), "visitor": api_client()}
    url = f"/api/v1/projects/{plan.project.slug}/actions?taille=100"
    clients["member"].get(url)  # the token's first use writes its ``last_used_at`` (once a minute at most)
    small = {who: _measure(fetched, client, url) for who, client in clients.items()}
    furnish(plan, actions=120)
    periods = [
        Period.objects.create(project=plan.project, label=f"Période {n}", first_year=2024, last_year=2025, position=n)
        for n in range(3)
    ]
    for action in Action.objects.filter(project=plan.project):
        action.periods.add(*periods)
    for who, client in clients.items():
        large = _measure(fetched, client, url)
        assert large.queries == small[who].queries, (who, str(small[who]), str(large))
        shown = min(100, Action.objects.filter(project=plan.project).count())
        # Per action: itself, its leads, its periods and its nodes, with their links (≈ 8 rows each here).
        assert large.rows <= 12 * shown + 50, (who, str(large))
        body = client.get(url).json()
        assert len(body["results"]) == shown and body["count"] == 124


@pytest.mark.django_db
def test_every_read_fetches_the_same_rows_when_other_projects_grow(fetched, api_client):
    plan = build_plan(title="Plan observé", published=True)
    extra = furnish(plan, actions=30)
    coordinator = plan.users[Membership.Role.COORDINATOR]
    member = api_client(create_token(coordinator, "mesure", "read", 30).secret)
    slug = plan.project.slug
    member.get(f"/api/v1/projects/{slug}")  # the token's first use writes its ``last_used_at``
    urls = [
        f"/api/v1/projects/{slug}",
        f"/api/v1/projects/{slug}/tree",
        f"/api/v1/projects/{slug}/levels",
        f"/api/v1/projects/{slug}/actions",
        f"/api/v1/projects/{slug}/actions?statut=in_progress&tri=titre&q=masse",
        f"/api/v1/projects/{slug}/actions/{plan.actions['guide'].ref}",
        f"/api/v1/projects/{slug}/organisations",
        f"/api/v1/projects/{slug}/bodies",
        f"/api/v1/projects/{slug}/meetings",
        f"/api/v1/projects/{slug}/diagnostic",
        f"/api/v1/projects/{slug}/versions",
        f"/api/v1/projects/{slug}/campaigns",
    ]
    before = {url: _measure(fetched, member, url) for url in urls}
    for n in range(3):
        other = build_plan(title=f"Autre plan {n}", published=True)
        furnish(other, actions=300)
    assert extra["body"].pk
    for url in urls:
        after = _measure(fetched, member, url)
        assert (after.rows, after.queries) == (before[url].rows, before[url].queries), (
            url,
            str(before[url]),
            str(after),
        )
