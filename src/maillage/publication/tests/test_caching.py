"""Visitors' pages and documents come from the cache, keyed by the plan's last change: the second visit
reads nothing from the database, any change is seen at once, and nobody signed in gets a cached page."""

import pytest
from django.urls import reverse

from maillage.actions.editing import change_status
from maillage.projects.models import Node
from maillage.projects.tests.conftest import build_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return build_plan(title="Plan publié de Trifouillis", published=True)


def visit(client, url, **headers):
    return client.get(url, headers=headers)


def test_a_second_visit_reads_nothing_from_the_database(client, plan, django_assert_num_queries):
    url = reverse("public-plan", args=[plan.project.slug])
    first = visit(client, url)
    assert first.status_code == 200 and "csrftoken" not in first.cookies
    with django_assert_num_queries(0):
        second = visit(client, url)
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == "public, max-age=0, must-revalidate"


def test_a_browser_that_has_the_page_gets_a_304(client, plan):
    url = reverse("public-action", args=[plan.project.slug, plan.actions["guide"].ref])
    etag = visit(client, url)["ETag"]
    again = visit(client, url, if_none_match=etag)
    assert again.status_code == 304 and not again.content


def test_every_kind_of_change_is_seen_at_once(client, plan, django_capture_on_commit_callbacks):
    url = reverse("public-plan", args=[plan.project.slug])
    first = visit(client, url).content.decode()
    assert "Accéder à ses droits" in first and "Prévenir l&#x27;isolement" in first
    with django_capture_on_commit_callbacks(execute=True):
        node = Node.objects.get(pk=plan.nodes["axe1"].pk)
        node.title = "Ouvrir ses droits"
        node.save()  # a save, followed by its signal
    assert "Ouvrir ses droits" in visit(client, url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        change_status(plan.actions["parents"], "blocked", None)  # an update, which sends no signal
    assert "Bloquée" in visit(client, url).content.decode()
    coordinator = type(client)()
    coordinator.force_login(plan.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        delete = reverse("node-delete", args=[plan.project.slug, plan.nodes["obj22"].pk])
        assert coordinator.post(delete).status_code == 302  # a delete, which sends no signal either
    assert not Node.objects.filter(pk=plan.nodes["obj22"].pk).exists()
    assert "Prévenir l&#x27;isolement" not in visit(client, url).content.decode()


def test_an_unpublished_plan_is_not_served_from_the_cache(client, plan, django_capture_on_commit_callbacks):
    url = reverse("public-plan", args=[plan.project.slug])
    assert visit(client, url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        plan.project.published = False
        plan.project.save()
    assert visit(client, url).status_code == 404


def test_signed_in_people_are_never_served_a_visitors_page(client, plan):
    url = reverse("public-plan", args=[plan.project.slug])
    visit(client, url)
    user = plan.users["outsider"]
    user.first_name, user.last_name = "Zoé", "Passante"
    user.save()
    client.force_login(user)
    assert "Zoé Passante" in visit(client, url).content.decode()


def test_each_language_has_its_own_rendering(client, plan):
    url = reverse("public-plan", args=[plan.project.slug])
    assert "L’arborescence et les actions" in visit(client, url).content.decode()
    client.cookies["django_language"] = "en"
    english = visit(client, url)
    assert "L’arborescence et les actions" not in english.content.decode() and english["Content-Language"] == "en"


def test_the_language_switch_needs_no_token(client, plan):
    """Visitors' pages carry no CSRF token (one rendering serves all), so the language form sends none."""
    page = visit(client, reverse("public-plan", args=[plan.project.slug])).content.decode()
    assert "csrfmiddlewaretoken" not in page and "X-CSRFToken" not in page
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("set_language"), {"language": "en", "next": "/plans/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"


def test_a_public_document_is_written_once_per_change(client, plan, django_assert_num_queries):
    url = (
        reverse("document-download", args=[plan.project.slug])
        + f"?document=action:{plan.actions['guide'].ref}&format=pdf"
    )
    first = visit(client, url)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    with django_assert_num_queries(0):
        second = visit(client, url)
    assert second.content == first.content and second["Content-Disposition"] == first["Content-Disposition"]
