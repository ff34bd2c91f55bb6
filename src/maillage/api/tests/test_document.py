"""The interchange document through the API: read it, replace the plan with it (coordinators)."""

import json

from maillage.accounts.models import Membership
from maillage.actions.models import Action
from maillage.partners.models import Person
from maillage.projects.models import Project
from maillage.versions.taking import take_version


def _url(world):
    return f"/api/v1/projects/{world.plan.project.slug}/document"


def test_get_then_put_replaces_the_plan_and_keeps_its_members(world, api_client):
    client = api_client(world.secrets["coordinator_write"])
    read = client.get(_url(world))
    assert read.status_code == 200
    document = read.json()
    assert document["schema"] == "maillage/project@1"
    centre = world.plan.project.organisations.get(key="centre-social")
    partner = world.plan.users["outsider"]
    Membership.objects.create(user=partner, project=world.plan.project, role="partner", organisation=centre)
    members_before = set(Membership.objects.filter(project=world.plan.project).values_list("user_id", "role"))
    document["actions"][0]["title"] = "Écrire et diffuser le guide"
    response = client.send("PUT", _url(world), document, HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200, response.content
    assert response.json()["slug"] == world.plan.project.slug
    project = Project.objects.get(slug=world.plan.project.slug)
    assert Action.objects.get(project=project, ref="A1").title == "Écrire et diffuser le guide"
    assert set(Membership.objects.filter(project=project).values_list("user_id", "role")) == members_before
    assert Membership.objects.get(project=project, user=partner).organisation.key == "centre-social"
    # The contributor still leads A1 through their directory person: they may still write it.
    assert Person.objects.get(project=project, key="lea-pilote").user == world.users["contributor"]
    assert response["ETag"] != read["ETag"]
    assert client.get(_url(world))["ETag"] == response["ETag"]
    etag = client.get(f"/api/v1/projects/{project.slug}/actions/A1")["ETag"]
    assert (
        api_client(world.secrets["contributor_write"])
        .send("PATCH", f"/api/v1/projects/{project.slug}/actions/A1", {"status": "done"}, HTTP_IF_MATCH=etag)
        .status_code
        == 200
    )


def test_a_stale_or_missing_if_match_is_refused(world, api_client):
    client = api_client(world.secrets["coordinator_write"])
    read = client.get(_url(world))
    assert client.send("PUT", _url(world), read.content).status_code == 428
    api_client(world.secrets["contributor_write"]).send(
        "POST", f"/api/v1/projects/{world.plan.project.slug}/actions/A1/notes", {"text": "entre-temps"}
    )
    stale = client.send("PUT", _url(world), read.content, HTTP_IF_MATCH=read["ETag"])
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "version_conflict"


def test_an_invalid_document_gets_french_errors_with_json_paths_and_changes_nothing(world, api_client):
    client = api_client(world.secrets["coordinator_write"])
    read = client.get(_url(world))
    document = read.json()
    document["actions"][0]["status"] = "perdu"
    del document["actions"][1]["title"]
    response = client.send("PUT", _url(world), document, HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_document"
    paths = [d["path"] for d in error["details"]]
    assert "$.actions[0].status" in paths and any(p.startswith("$.actions[1]") for p in paths)
    assert all(d["message"] for d in error["details"])
    assert client.get(_url(world))["ETag"] == read["ETag"]
    broken = client.send("PUT", _url(world), b"{pas du json", HTTP_IF_MATCH=read["ETag"])
    assert broken.status_code == 422
    assert "JSON illisible" in broken.json()["error"]["details"][0]["message"]


def test_the_document_must_describe_this_project(world, api_client):
    client = api_client(world.secrets["coordinator_write"])
    read = client.get(_url(world))
    document = read.json()
    document["project"]["slug"] = world.other.project.slug
    response = client.send("PUT", _url(world), json.dumps(document), HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["path"] == "$.project.slug"
    assert Project.objects.get(pk=world.other.project.pk).title == world.other.project.title


def test_a_plan_with_versions_is_not_replaced(world, api_client):
    take_version(world.plan.project, user=world.users["coordinator"], label="Version adoptée")
    client = api_client(world.secrets["coordinator_write"])
    read = client.get(_url(world))
    response = client.send("PUT", _url(world), read.content, HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "plan_has_history"
    assert Project.objects.filter(pk=world.plan.project.pk).exists()
