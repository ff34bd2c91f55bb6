"""What the resources hold: a project with its parent and children, the tree, members' resources."""

from maillage.governance.models import Body, Decision
from maillage.projects.tests.factories import ProjectFactory


def test_a_project_names_its_parent_and_the_children_the_caller_may_read(world, api_client):
    parent = world.plan.project
    public_child = ProjectFactory(title="Décliné publié", parent=parent, published=True)
    private_child = ProjectFactory(title="Décliné privé", parent=parent, published=False)
    seen = api_client().get(f"/api/v1/projects/{parent.slug}").json()
    assert seen["children"] == [public_child.slug]
    assert "description" in seen and "owner" not in seen  # the public plan shows its presentation
    child = api_client().get(f"/api/v1/projects/{public_child.slug}").json()
    assert child["parent"] == parent.slug
    # The parent's coordinator administers no child: they read the private one only if they are its member.
    member = api_client(world.secrets["coordinator_read"]).get(f"/api/v1/projects/{parent.slug}").json()
    assert private_child.slug not in member["children"] and public_child.slug in member["children"]


def test_the_tree_lists_levels_and_nodes_parents_first_with_their_actions(world, api_client):
    tree = api_client().get(f"/api/v1/projects/{world.plan.project.slug}/tree").json()
    assert [level["name"] for level in tree["levels"]] == ["Axe", "Objectif", "Sous-objectif"]
    codes = [node["code"] for node in tree["nodes"]]
    assert codes == ["1", "1.1", "1.1.1", "1.2", "2", "2.1", "2.2"]
    by_code = {node["code"]: node for node in tree["nodes"]}
    assert by_code["1.1"]["actions"] == ["A3"] and by_code["2.1"]["actions"] == ["A3"]  # a shared sheet
    assert by_code["1.1.1"]["parent"] == by_code["1.1"]["id"]
    assert "referent" not in by_code["1"]


def test_members_read_governance_with_decisions_and_the_diagnostic(world, api_client):
    project = world.plan.project
    body = Body.objects.create(project=project, key="copil", kind="copil", name="Comité de pilotage")
    meeting = project.meetings.order_by("date").first()
    meeting.body = body
    meeting.save()
    Decision.objects.create(meeting=meeting, text="Lancer le guide").actions.add(world.plan.actions["guide"])
    client = api_client(world.secrets["reader_write"])
    bodies = client.get(f"/api/v1/projects/{project.slug}/bodies").json()
    assert [b["name"] for b in bodies] == ["Comité de pilotage"]
    meetings = client.get(f"/api/v1/projects/{project.slug}/meetings").json()
    assert meetings["count"] == 2
    decided = next(m for m in meetings["results"] if m["decisions"])
    assert decided["body"] == "copil" and decided["decisions"] == [{"text": "Lancer le guide", "actions": ["A1"]}]
    diagnostic = client.get(f"/api/v1/projects/{project.slug}/diagnostic").json()
    assert [e["code"] for e in diagnostic["enjeux"]] == ["E1", "E2", "E3"]


def test_the_actions_list_reads_the_list_filters(world, api_client):
    base = f"/api/v1/projects/{world.plan.project.slug}/actions"
    client = api_client()
    assert [a["ref"] for a in client.get(f"{base}?statut=done").json()["results"]] == ["A1"]
    assert [a["ref"] for a in client.get(f"{base}?retard=1").json()["results"]] == ["A2"]
    assert [a["ref"] for a in client.get(f"{base}?tri=-ref&taille=2").json()["results"]] == ["A4", "A3"]
    page = client.get(f"{base}?tri=ref&taille=3&page=2").json()
    assert (page["count"], page["pages"], [a["ref"] for a in page["results"]]) == (4, 2, ["A4"])
    assert [a["ref"] for a in client.get(f"{base}?q=guide").json()["results"]] == ["A1"]
    assert client.get(f"{base}?statut=inconnu").json()["count"] == 4  # ignored, as on the page
    node = world.plan.nodes["axe1"].pk
    assert {a["ref"] for a in client.get(f"{base}?noeud={node}").json()["results"]} == {"A1", "A2", "A3"}


def test_organisations_carry_their_shared_record_for_members_only(world, api_client):
    """SIRET, commune code, coordinates and data·inclusion facts (partners.Structure) for members; a
    visitor reads the public fields only, as the open data does."""
    entry = world.plan.project.organisations.get(key="centre-social")
    structure = entry.structure
    structure.siret, structure.insee_code = "13003013300016", "63113"
    structure.latitude, structure.longitude, structure.geo_source, structure.geo_score = 45.77, 3.08, "address", 0.93
    structure.thematiques = ["numerique--acceder-a-des-services-en-ligne"]
    structure.save()
    url = f"/api/v1/projects/{world.plan.project.slug}/organisations"
    member = api_client(world.secrets["coordinator_write"]).get(url).json()["results"]
    mine = next(o for o in member if o["key"] == "centre-social")
    assert (mine["siret"], mine["insee_code"]) == ("13003013300016", "63113")
    assert mine["location"] == {"latitude": 45.77, "longitude": 3.08, "source": "address", "score": 0.93}
    assert mine["thematiques"] == ["numerique--acceder-a-des-services-en-ligne"]
    visitor = api_client().get(url).json()["results"]
    seen = next(o for o in visitor if o["key"] == "centre-social")
    assert "siret" not in seen and "location" not in seen
