"""A version is the interchange document of the whole plan at one moment: valid, exact, compact, and never
read by the pages that only list versions."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from maillage.actions.editing import change_status
from maillage.interchange.exporting import export_project, to_json
from maillage.interchange.importing import import_document
from maillage.interchange.validation import check
from maillage.projects.tests.conftest import build_plan
from maillage.versions.models import Version
from maillage.versions.taking import take_version

from .factories import VersionFactory

pytestmark = pytest.mark.django_db


def test_a_version_stores_the_export_byte_for_byte_and_valid_against_the_schema():
    plan = build_plan()
    version = take_version(plan.project, label="Avant le COPIL", user=plan.users["coordinator"])
    text = version.json_text()
    assert text == to_json(export_project(plan.project))
    document = version.read()
    assert check(document) == []
    assert document["schema"] == "maillage/project@1"
    assert {a["ref"] for a in document["actions"]} == {"A1", "A2", "A3", "A4"}
    assert version.size == len(text.encode()) and len(bytes(version.document)) < version.size
    assert len(version.digest) == 64
    assert version.summary == {
        "nodes": 7,
        "actions": 4,
        "sub_actions": 0,
        "statuses": {"done": 1, "in_progress": 1, "planned": 2},
    }
    assert (version.state, version.kind, version.date) == ("draft", "manual", datetime.date.today())
    assert version.taken_by == plan.users["coordinator"] and version.taken_by_name


def test_a_version_stays_as_it_was_when_the_plan_changes_and_is_self_contained():
    plan = build_plan()
    version = take_version(plan.project, label="Adoption", adopted=True, deliberation_date=datetime.date(2024, 2, 1))
    change_status(plan.actions["parents"], "done", None)
    plan.actions["libre"].delete()
    stored = Version.objects.get(pk=version.pk).read()
    assert {a["ref"]: a["status"] for a in stored["actions"]}["A3"] == "planned"
    assert "A4" in {a["ref"] for a in stored["actions"]}
    # Readable by another tool: the interchange importer rebuilds the plan from it alone.
    stored["project"]["slug"] = "copie-de-la-version"
    copy = import_document(stored)
    assert copy.actions.count() == 4 and copy.nodes.count() == 7


def test_read_gives_a_fresh_dict_each_time():
    version = VersionFactory(project=build_plan().project)
    first = version.read()
    first["actions"].clear()
    assert version.read()["actions"]


def test_lists_never_load_the_document(django_assert_num_queries):
    version = VersionFactory(project=build_plan().project)
    listed = Version.objects.get(pk=version.pk)
    assert "document" in listed.get_deferred_fields()
    with django_assert_num_queries(1):
        assert listed.read()["project"]["slug"] == version.project.slug


def test_an_adopted_version_is_dated_by_its_deliberation():
    plan = build_plan()
    version = take_version(
        plan.project, label="Plan adopté", adopted=True, deliberation_date=datetime.date(2024, 3, 12), reference="n° 12"
    )
    assert (version.state, version.date, version.deliberation_reference) == (
        "adopted",
        datetime.date(2024, 3, 12),
        "n° 12",
    )
    assert version.adopted_at is not None


def test_every_version_but_an_open_update_holds_its_document():
    plan = build_plan()
    with pytest.raises(IntegrityError), transaction.atomic():
        Version.objects.create(project=plan.project, label="Vide", date=datetime.date.today())
    Version.objects.create(project=plan.project, label="Mise à jour", kind="update", date=datetime.date.today())
    with pytest.raises(IntegrityError), transaction.atomic():
        Version.objects.create(project=plan.project, label="Une autre", kind="update", date=datetime.date.today())


def test_recording_the_adoption_in_the_settings_takes_the_first_version(client):
    plan = build_plan()
    project = plan.project
    client.force_login(plan.users["coordinator"])
    data = {
        "title": project.title,
        "first_year": project.first_year,
        "last_year": project.last_year,
        "state": "adopted",
        "deliberation_date": "2024-02-05",
        "deliberation_reference": "Délibération n° 2024-007",
        "deliberation_body": "Conseil municipal",
    }
    response = client.post(reverse("project-settings", args=[project.slug]), data, follow=True)
    assert "Le plan adopté est enregistré comme version" in response.content.decode()
    version = Version.objects.get(project=project)
    assert (version.kind, version.state, version.date) == ("adoption", "adopted", datetime.date(2024, 2, 5))
    assert version.deliberation_reference == "Délibération n° 2024-007"
    assert version.deliberation_body == "Conseil municipal"
    assert version.read()["project"]["state"] == "adopted"
    # Saving the settings again (or correcting the reference) takes no second adoption version.
    client.post(reverse("project-settings", args=[project.slug]), {**data, "deliberation_reference": "n° 7 bis"})
    assert Version.objects.filter(project=project).count() == 1


def test_settings_that_record_no_adoption_take_no_version(client):
    plan = build_plan()
    project = plan.project
    client.force_login(plan.users["coordinator"])
    data = {
        "title": "Nouveau titre",
        "first_year": project.first_year,
        "last_year": project.last_year,
        "state": "drafting",
    }
    client.post(reverse("project-settings", args=[project.slug]), data)
    assert not Version.objects.filter(project=project).exists()
