def test_openapi_and_a_public_read(world, api_client):
    client = api_client()
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200, response.content
    assert response.json()["openapi"].startswith("3.1")
    slug = world.plan.project.slug
    response = client.get(f"/api/v1/projects/{slug}/actions")
    assert response.status_code == 200, response.content
    response = client.get(f"/api/v1/projects/{slug}/actions/A1")
    assert response.status_code == 200, response.content
    print(response.json())
