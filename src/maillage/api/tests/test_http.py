"""CORS for anonymous reads, and the rate limits per token and per address (429 with Retry-After)."""


def test_anonymous_reads_may_be_read_from_any_origin(world, api_client):
    slug = world.plan.project.slug
    response = api_client().get(f"/api/v1/projects/{slug}/actions", HTTP_ORIGIN="https://exemple.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    with_token = api_client(world.secrets["coordinator_read"]).get(f"/api/v1/projects/{slug}/actions")
    assert "Access-Control-Allow-Origin" not in with_token
    # A write is never open to other origins.
    write = api_client(world.secrets["coordinator_write"]).send("PATCH", f"/api/v1/projects/{slug}/actions/A1", {})
    assert "Access-Control-Allow-Origin" not in write


def test_a_preflight_is_answered_for_reads_only(client):
    response = client.options(
        "/api/v1/projects", HTTP_ORIGIN="https://exemple.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    refused = client.options(
        "/api/v1/projects",
        HTTP_ORIGIN="https://exemple.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert "Access-Control-Allow-Origin" not in refused


def test_anonymous_clients_are_limited_per_address(world, api_client, settings):
    settings.MAILLAGE_API_ANONYMOUS_PER_MINUTE = 3
    client = api_client()
    statuses = [client.get("/api/v1/projects").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/projects")
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 61
    # Another address has its own count.
    assert client.get("/api/v1/projects", REMOTE_ADDR="192.0.2.7").status_code == 200
    # A token has its own limit, not the address's.
    assert api_client(world.secrets["coordinator_read"]).get("/api/v1/projects").status_code == 200


def test_tokens_are_limited_each_on_its_own(world, api_client, settings):
    settings.MAILLAGE_API_TOKEN_PER_MINUTE = 2
    first = api_client(world.secrets["coordinator_read"])
    assert [first.get("/api/v1/projects").status_code for _ in range(3)] == [200, 200, 429]
    assert api_client(world.secrets["coordinator_write"]).get("/api/v1/projects").status_code == 200


def test_visitors_read_a_cached_answer_until_the_plan_changes(world, api_client, fetched):
    slug = world.plan.project.slug
    url = f"/api/v1/projects/{slug}/actions/A1"
    visitor = api_client()
    first = visitor.get(url)
    with fetched() as measure:
        again = visitor.get(url)
    assert again.json() == first.json()
    assert measure.queries == 0  # the stamp and the answer come from the cache
    coordinator = api_client(world.secrets["coordinator_write"])
    etag = coordinator.get(url)["ETag"]
    changed = coordinator.send("PATCH", url, {"context": "Un contexte revu"}, HTTP_IF_MATCH=etag)
    assert changed.status_code == 200
    assert visitor.get(url).json()["context"] == "Un contexte revu"
    # A member is never served the visitors' answer.
    assert "leads" in coordinator.get(url).json()
