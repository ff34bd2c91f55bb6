"""The OpenAPI document: valid OpenAPI 3.1, listing every endpoint; and the API run against it."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate

from maillage.actions.models import Action
from maillage.api import api as api_module
from maillage.api.api import api
from maillage.projects.models import Project

METHODS = {"get", "post", "put", "patch", "delete"}


def _document():
    return api.get_openapi_schema()


def test_the_document_is_valid_openapi_3_1(api_client):
    served = api_client().get("/api/v1/openapi.json").json()
    assert served["openapi"].startswith("3.1.")
    validate(served)  # raises on any error of the document


def test_every_endpoint_is_in_the_document():
    """Every (method, path) ninja routes, and every URL of /api/v1/, is described, and nothing else."""
    import re

    routed = set()
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            full = "/" + "/".join(part for part in (prefix.strip("/"), path.strip("/")) if part)
            for operation in view.operations:
                routed |= {(method.lower(), full) for method in operation.methods}
    paths = _document()["paths"]
    documented = {(method, path.removeprefix("/api/v1")) for path, item in paths.items() for method in item}
    assert len(routed) >= 15 and routed == documented
    urls = {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        for pattern in api.urls[0]
        if pattern.name not in ("openapi-json", "api-root")  # the document itself, and ninja's root (a 404)
    }
    assert urls == {path.removeprefix("/api/v1") for path in paths}


def test_the_documentation_page_lists_every_operation(client):
    html = client.get("/api/v1/docs/").content.decode()
    for path, item in _document()["paths"].items():
        for method in item:
            if method in METHODS:
                assert f"<code>{path}</code>" in html
    assert "openapi.json" in html


# --- property-based: the API against its own schema ---------------------------------------------

EXAMPLES = 12  # per operation; with the time bound below, the whole run stays within a minute or two
SECONDS_PER_OPERATION = 20


@pytest.mark.django_db
def test_the_api_holds_to_its_schema(world, settings_override):
    """Schemathesis draws requests from the OpenAPI document (query strings, headers, bodies), with a
    coordinator's read-write token on the published plan's real slug, refs and ids; no answer may be a
    500, use an undocumented status or content type, or break its response schema."""
    import schemathesis
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_dict(_document())
    schema.app = get_wsgi_application()
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    slug = world.plan.project.slug
    indicator = world.plan.actions["guide"].indicators.get().pk
    headers = {"Authorization": f"Bearer {world.secrets['coordinator_write']}"}

    def current_etag(suffix):
        """Read from the database, not through the test client (which reconnects the signal cut below)."""
        if suffix == "/document":
            return api_module._document(Project.objects.get(slug=slug))[1]
        return f'"{Action.objects.get(project__slug=slug, ref="A1").version}"'

    counts = {"ran": 0}

    def explore(operation, mode, examples):
        """A bounded hypothesis run of one operation: ``examples`` cases, none started after the deadline."""
        deadline = time.monotonic() + SECONDS_PER_OPERATION
        calls = {"n": 0}

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            if time.monotonic() > deadline:
                return
            path = case.path_parameters or {}
            if "slug" in path:
                path["slug"] = slug
            if "ref" in path:
                path["ref"] = "A1"
            if "indicator_id" in path:
                path["indicator_id"] = indicator
            calls["n"] += 1
            sent = dict(headers)
            if case.method in ("PATCH", "PUT") and calls["n"] % 2:
                # Every other write carries the current ETag: the random change then reaches the save.
                url = "/document" if case.method == "PUT" else "/actions/A1"
                sent["If-Match"] = current_etag(url)
            response = case.call(headers=sent)
            case.validate_response(response, checks=checks)
            counts["ran"] += 1

        run()

    # The WSGI handler closes the database connection after each request; the test client does not, and
    # neither may this run: on PostgreSQL the test's transaction lives on that connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        for result in schema.get_all_operations():
            explore(result.ok(), GenerationMode.POSITIVE, EXAMPLES)
            explore(result.ok(), GenerationMode.NEGATIVE, EXAMPLES // 2)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    ran = counts["ran"]
    assert ran >= 15 * EXAMPLES


@pytest.fixture
def settings_override(settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.MAILLAGE_API_TOKEN_PER_MINUTE = 100_000
    settings.MAILLAGE_API_ANONYMOUS_PER_MINUTE = 100_000
    return settings
