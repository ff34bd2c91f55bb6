"""The demo's two-state projects: Villeurbanne before and after the plenary of 30 June 2023, Genas's 2023
adoption and its July 2023 update; rebuilt from the live demo each time it loads, the same each time."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from maillage.interchange.validation import check
from maillage.versions.comparing import update_panorama
from maillage.versions.demo import VILLEURBANNE_NEW_AXES, load_demo_versions
from maillage.versions.models import Version
from maillage.versions.taking import comparison_of

pytestmark = pytest.mark.django_db


def _versions(slug):
    return list(Version.objects.filter(project__slug=slug).order_by("date"))


def test_villeurbanne_diff_shows_the_three_axes_and_their_seven_actions(demo_db):
    before, after = _versions("lyon-pst-villeurbanne")
    out = StringIO()
    call_command("diff", "lyon-pst-villeurbanne", str(before.pk), str(after.pk), "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert [node["title"] for node in data["nodes_added"]] == VILLEURBANNE_NEW_AXES
    assert sorted(action["ref"] for action in data["actions_added"]) == [
        "V-5-1",
        "V-5-2",
        "V-5-3",
        "V-5-4",
        "V-6-1",
        "V-6-2",
        "V-7-1",
    ]
    assert all(action["title"] for action in data["actions_added"])
    assert not data["nodes_removed"] and not data["actions_removed"] and not data["status_changes"]
    assert (before.summary["nodes"], after.summary["nodes"]) == (4, 7)
    assert after.based_on == before and after.is_adopted and before.is_adopted


def test_the_after_states_are_the_live_demo_and_the_live_demo_is_untouched(demo_db):
    for slug in ("lyon-pst-villeurbanne", "genas-pset-2"):
        _before, after = _versions(slug)
        assert comparison_of(after.project, str(after.pk), "current").empty, slug
        for version in _versions(slug):
            assert check(version.read()) == [], version


def test_genas_update_panorama_gives_the_seed_columns(demo_db):
    adoption, update = _versions("genas-pset-2")
    panorama = update_panorama(comparison_of(update.project, str(adoption.pk), str(update.pk)))
    assert panorama.counts == {"done": 59, "postponed": 7, "new": 32, "continuous": 44, "dropped": 0}
    by_node = {group.node.code: group.columns for group in panorama.groups if group.node}
    assert {column: len(items) for column, items in by_node["1.1.1"].items()} == {
        "done": 5,
        "postponed": 2,
        "new": 4,
        "continuous": 4,
    }
    assert adoption.summary["actions"] == 110 and update.summary["actions"] == 142
    assert "Nouvelle" not in json.dumps(adoption.read().get("labels", {}), ensure_ascii=False)


def test_loading_the_versions_again_gives_the_same_versions(demo_db):
    # The seeds' two-state projects (the fictitious project's versions are its story's: demo/tests/test_life.py).
    seeds = Version.objects.filter(project__slug__in=["lyon-pst-villeurbanne", "genas-pset-2"])
    first = [
        (v.project.slug, v.label, v.date, v.state, v.digest)
        for v in seeds.select_related("project").order_by("project__slug", "date")
    ]
    load_demo_versions()
    again = [
        (v.project.slug, v.label, v.date, v.state, v.digest)
        for v in seeds.select_related("project").order_by("project__slug", "date")
    ]
    assert first == again and len(again) == 4
