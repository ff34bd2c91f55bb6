"""The versions pages at 500 actions: a bounded number of queries, and the same rows and instances when
other projects (with their own versions) grow — the list never reads a document, the comparison reads
its two versions and, for "today", the project's own plan."""

import pytest
from django.urls import reverse

from maillage.actions.models import Action, ActionNode
from maillage.interchange.exporting import export_project
from maillage.projects.tests.conftest import big_plan, build_plan  # noqa: F401 — big_plan is a fixture
from maillage.versions import taking

pytestmark = pytest.mark.django_db


def _grow_elsewhere(projects=2, actions=600):
    """Other projects with more actions than the measured one, and versions of their own."""
    for n in range(projects):
        other = build_plan(title=f"Autre plan {n}")
        small = export_project(other.project)  # their versions' size does not matter here, their number does
        made = Action.objects.bulk_create(
            Action(project=other.project, ref=f"X{i}", title=f"Action {i}", position=10 + i) for i in range(actions)
        )
        ActionNode.objects.bulk_create(ActionNode(action=a, node=other.nodes["obj11"]) for a in made)
        for k in range(5):
            taking.take_version(other.project, label=f"Version {k}", document=small)


def _measure(client, fetched, url):
    client.get(url)  # warm caches (content types, sessions)
    with fetched() as measure:
        assert client.get(url).status_code == 200
    return measure


@pytest.fixture
def versioned_big(big_plan):  # noqa: F811
    project = big_plan.project
    adopted = taking.take_version(
        project, label="Adopté", adopted=True, deliberation_date=big_plan.project.created_at.date()
    )
    Action.objects.filter(project=project, ref__in=["B001", "B002", "B003"]).update(status="done")
    middle = taking.take_version(project, label="Bilan mi-parcours")
    for n in range(4):
        taking.take_version(project, label=f"Version {n}")
    return big_plan, adopted, middle


# Query budgets at 500 actions; "current" and the update screen export the live plan (a fixed number of
# prefetching queries, whatever its size).
BUDGETS = {"list": 6, "stored": 8, "bilan": 8, "detail": 8, "action": 8, "current": 45, "update": 55}
STORED_ONLY = {"list", "stored", "bilan", "detail", "action"}


def test_versions_pages_are_bounded_and_do_not_grow_with_other_projects(client, fetched, versioned_big):
    plan, adopted, middle = versioned_big
    taking.start_update(plan.project, None, label="Mise à jour")
    client.force_login(plan.users["coordinator"])
    slug = plan.project.slug
    compare = reverse("version-compare", args=[slug])
    urls = {
        "list": reverse("versions", args=[slug]),
        "stored": f"{compare}?de={adopted.pk}&a={middle.pk}",
        "current": f"{compare}?de={adopted.pk}&a=current",
        "bilan": reverse("version-bilan", args=[slug]) + f"?de={adopted.pk}&a={middle.pk}",
        "detail": reverse("version-detail", args=[slug, middle.pk]),
        "action": reverse("version-action", args=[slug, middle.pk, "B001"]),
        "update": reverse("update", args=[slug]),
    }
    before = {page: _measure(client, fetched, url) for page, url in urls.items()}
    for page, measure in before.items():
        assert measure.queries <= BUDGETS[page], f"{page}: {measure}"
        if page in STORED_ONLY:
            # Stored documents only: a handful of rows (versions, session, user), not one action row.
            assert measure.rows <= 30 and "actions.Action" not in measure.by_model, f"{page}: {measure}"
    _grow_elsewhere()
    for page, url in urls.items():
        after = _measure(client, fetched, url)
        assert (after.rows, after.instances) == (before[page].rows, before[page].instances), (
            f"{page}: {before[page]} → {after}"
        )
