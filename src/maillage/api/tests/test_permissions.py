"""The permission matrix: every kind of caller × every resource and verb, each cell asserted.

Callers: anonymous; a coordinator's read-only and read-write tokens; a contributor (who leads A1, not
A3) and a reader with read-write tokens; an account with no role; expired and revoked tokens; the
coordinator of another (private) project. Resources: every endpoint of a published plan, and the same
on a private plan, where every reader who is not a member gets 404 (its existence is not told).
"""

import pytest

CALLERS = [
    "anonymous",
    "coordinator_read",
    "coordinator_write",
    "contributor_write",
    "reader_write",
    "outsider_write",
    "expired",
    "revoked",
    "other_coordinator_write",
]
MEMBERS = {"coordinator_read", "coordinator_write", "contributor_write", "reader_write"}
PUBLIC_READS = ["", "/tree", "/levels", "/actions", "/actions/A1", "/organisations"]
PRIVATE_READS = ["/bodies", "/meetings", "/diagnostic", "/versions", "/campaigns", "/document"]


def expected_published(caller: str) -> dict:
    """The status each caller gets from each operation on the published plan."""
    if caller in ("expired", "revoked"):
        return dict.fromkeys(OPERATIONS, 401)
    table = {"GET /projects": 200}
    for suffix in PUBLIC_READS:
        table[f"GET {suffix or '/'}"] = 200
    for suffix in PRIVATE_READS:
        if caller in MEMBERS:
            table[f"GET {suffix}"] = 200
        else:
            table[f"GET {suffix}"] = 401 if caller == "anonymous" else 403

    def write(ok_status, allowed):
        if caller == "anonymous":
            return 401
        if caller == "coordinator_read":
            return 403
        return ok_status if allowed else 403

    led = caller in ("coordinator_write", "contributor_write")
    table["PATCH /actions/A1"] = write(200, led)
    table["PATCH /actions/A3"] = write(200, caller == "coordinator_write")
    table["POST /actions/A1/notes"] = write(201, led)
    table["POST /actions/A1/values"] = write(201, led)
    table["PUT /document"] = write(200, caller == "coordinator_write")
    return table


OPERATIONS = [
    "GET /projects",
    *[f"GET {suffix or '/'}" for suffix in PUBLIC_READS + PRIVATE_READS],
    "PATCH /actions/A1",
    "PATCH /actions/A3",
    "POST /actions/A1/notes",
    "POST /actions/A1/values",
    "PUT /document",
]


def run(world, api_client, caller, project) -> dict:
    """Every operation on ``project`` as ``caller``; writes carry the current ETag (read by a coordinator of
    the published plan or of the other one), so that only the permission decides."""
    client = api_client(None if caller == "anonymous" else world.secrets[caller])
    owner = world.plan if project == world.plan.project else world.other
    owner_secret = world.secrets["coordinator_write" if owner is world.plan else "other_coordinator_write"]
    boss = api_client(owner_secret)
    base = f"/api/v1/projects/{project.slug}"
    indicator = owner.actions["guide"].indicators.get().pk
    got = {"GET /projects": client.get("/api/v1/projects").status_code}
    for suffix in PUBLIC_READS + PRIVATE_READS:
        got[f"GET {suffix or '/'}"] = client.get(base + suffix).status_code

    def etag(ref):
        return boss.get(f"{base}/actions/{ref}")["ETag"]

    got["PATCH /actions/A1"] = client.send(
        "PATCH", f"{base}/actions/A1", {"status": "in_progress"}, HTTP_IF_MATCH=etag("A1")
    ).status_code
    got["PATCH /actions/A3"] = client.send(
        "PATCH", f"{base}/actions/A3", {"context": "Nouveau contexte"}, HTTP_IF_MATCH=etag("A3")
    ).status_code
    got["POST /actions/A1/notes"] = client.send(
        "POST", f"{base}/actions/A1/notes", {"text": "Point d'étape"}
    ).status_code
    got["POST /actions/A1/values"] = client.send(
        "POST", f"{base}/actions/A1/indicators/{indicator}/values", {"period": "2026", "value": 40}
    ).status_code
    document = boss.get(f"{base}/document")
    got["PUT /document"] = client.send(
        "PUT", f"{base}/document", document.content, HTTP_IF_MATCH=document["ETag"]
    ).status_code
    return got


@pytest.mark.parametrize("caller", CALLERS)
def test_published_plan(world, api_client, caller):
    assert run(world, api_client, caller, world.plan.project) == expected_published(caller)


@pytest.mark.parametrize("caller", CALLERS)
def test_private_plan_of_another_project(world, api_client, caller):
    """The private plan: its own coordinator reads and writes it; every other valid caller gets 404 for
    each of its operations (a private project's existence is not told); bad tokens 401."""
    got = run(world, api_client, caller, world.other.project)
    if caller in ("expired", "revoked"):
        expected = dict.fromkeys(OPERATIONS, 401)
    elif caller == "other_coordinator_write":
        expected = expected_published("coordinator_write")
    else:
        expected = dict.fromkeys(OPERATIONS, 404)
        expected["GET /projects"] = 200
    assert got == expected


def test_the_project_list_shows_what_each_caller_may_read(world, api_client):
    slugs = {world.plan.project.slug, world.other.project.slug}

    def listed(secret):
        seen, page = set(), 1
        while True:
            body = api_client(secret).get(f"/api/v1/projects?page={page}&taille=100").json()
            seen |= {p["slug"] for p in body["results"]}
            if page >= body["pages"]:
                return seen & slugs
            page += 1

    assert listed(None) == {world.plan.project.slug}
    assert listed(world.secrets["other_coordinator_write"]) == slugs
    assert listed(world.secrets["outsider_write"]) == {world.plan.project.slug}


def test_errors_are_french_json_with_stable_codes(world, api_client):
    response = api_client(world.secrets["expired"]).get("/api/v1/projects")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"
    assert "expiré" in response.json()["error"]["message"]
    assert api_client(world.secrets["revoked"]).get("/api/v1/projects").json()["error"]["code"] == "token_revoked"
    assert api_client("mlg_nimportequoi").get("/api/v1/projects").json()["error"]["code"] == "token_invalid"
    slug = world.plan.project.slug
    response = api_client().get(f"/api/v1/projects/{slug}/bodies")
    assert response.json()["error"]["code"] == "authentication_required"
    response = api_client(world.secrets["coordinator_read"]).send(
        "PATCH", f"/api/v1/projects/{slug}/actions/A1", {"status": "done"}, HTTP_IF_MATCH='"1"'
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "read_only_token")
    response = api_client().get("/api/v1/nulle-part")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    response = api_client().get(f"/api/v1/projects/{slug}/actions?page=zero")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["details"] == [{"path": "query:page", "message": "nombre entier attendu"}]
    response = api_client().send("DELETE", f"/api/v1/projects/{slug}")
    assert (response.status_code, response.json()["error"]["code"]) == (405, "method_not_allowed")
