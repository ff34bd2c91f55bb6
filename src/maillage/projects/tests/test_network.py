"""Networks: who attaches and detaches, loops and depth, the roll-up's figures, pages and exports."""

import datetime
import io
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from maillage.accounts import access
from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import UserFactory, member
from maillage.actions.models import Action
from maillage.actions.progress import OPEN, STATUS_ORDER
from maillage.projects import joining
from maillage.projects.models import MAX_NETWORK_DEPTH, NetworkRequest
from maillage.projects.rollup import rollup

from .factories import ProjectFactory

Role = Membership.Role
pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    """A CAF framework → two CTGs → a perimeter under the first; a stranger project outside."""
    caf = ProjectFactory(title="CAF cadre", slug="caf")
    ctg1 = ProjectFactory(title="CTG Nord", slug="ctg-nord", parent=caf)
    ctg2 = ProjectFactory(title="CTG Sud", slug="ctg-sud", parent=caf)
    p1 = ProjectFactory(title="Périmètre P1", slug="p1", parent=ctg1)
    other = ProjectFactory(title="Projet isolé", slug="isole")
    users = {
        "admin": member(caf, Role.NETWORK_ADMIN),
        "caf_coord": member(caf, Role.COORDINATOR),
        "caf_reader": member(caf, Role.READER),
        "ctg1_coord": member(ctg1, Role.COORDINATOR),
        "other_coord": member(other, Role.COORDINATOR),
        "other_reader": member(other, Role.READER),
        "outsider": UserFactory(),
    }
    return {"caf": caf, "ctg1": ctg1, "ctg2": ctg2, "p1": p1, "other": other, "users": users}


def test_network_admin_reaches_every_depth(network):
    _caf, users = network["caf"], network["users"]
    deep = network["p1"]
    chain = [deep]
    for _n in range(MAX_NETWORK_DEPTH - 2):
        chain.append(ProjectFactory(parent=chain[-1]))
    bottom = chain[-1]
    assert access.role_in(users["admin"], bottom) == Role.NETWORK_ADMIN
    assert access.member_projects(users["admin"]).filter(pk=bottom.pk).exists()
    assert access.managed_projects(users["admin"]).filter(pk=bottom.pk).exists()
    assert not access.member_projects(users["caf_coord"]).filter(pk=bottom.pk).exists()
    too_deep = ProjectFactory()
    with pytest.raises(ValidationError):
        joining.attach(too_deep, bottom, users["admin"]) if False else joining.check_parent(too_deep, bottom)


def test_role_in_is_one_query_per_level_bound(network, django_assert_max_num_queries):
    from maillage.projects.models import Project

    p1 = Project.objects.get(pk=network["p1"].pk)
    with django_assert_max_num_queries(3):
        access.role_in(network["users"]["admin"], p1)


def test_who_may_attach(network):
    u, other, caf = network["users"], network["other"], network["caf"]
    # The network admin alone has no role on the project: they may not take it over.
    assert not access.may_attach(u["admin"], other, caf)
    assert not access.may_request_attach(u["admin"], other, caf)
    # Its coordinator may ask, not attach; the framework's coordinator or reader may not.
    assert not access.may_attach(u["other_coord"], other, caf)
    assert not access.may_request_attach(u["other_reader"], other, caf)
    assert not access.may_attach(u["caf_coord"], other, caf)
    # A private framework the coordinator cannot read is out of reach (its title never leaks).
    assert not access.may_request_attach(u["other_coord"], other, caf)
    caf.published = True
    caf.save()
    assert access.may_request_attach(u["other_coord"], other, caf)
    # The admin who also coordinates the project attaches at once.
    Membership.objects.create(user=u["admin"], project=other, role=Role.COORDINATOR)
    assert access.may_attach(u["admin"], other, caf)


def test_request_accepted_by_network_admin_only(network):
    u, other, caf = network["users"], network["other"], network["caf"]
    caf.published = True
    caf.save()
    asked = joining.change_parent(other, caf, u["other_coord"])
    assert asked.state == NetworkRequest.State.PENDING
    other.refresh_from_db()
    assert other.parent_id is None
    for refused in ("caf_coord", "caf_reader", "other_coord", "outsider"):
        with pytest.raises(PermissionDenied):
            joining.accept(asked, u[refused])
    joining.accept(asked, u["admin"])
    other.refresh_from_db()
    assert other.parent_id == caf.pk
    assert access.role_in(u["admin"], other) == Role.NETWORK_ADMIN
    with pytest.raises(ValidationError):
        joining.refuse(asked, u["admin"])  # already decided


def test_refused_request_changes_nothing(network):
    u, other, caf = network["users"], network["other"], network["caf"]
    caf.published = True
    caf.save()
    asked = joining.request_attach(other, caf, u["other_coord"])
    joining.refuse(asked, u["admin"])
    other.refresh_from_db()
    assert other.parent_id is None
    assert NetworkRequest.objects.get(pk=asked.pk).state == NetworkRequest.State.REFUSED


def test_loops_refused(network):
    u, caf, p1 = network["users"], network["caf"], network["p1"]
    with pytest.raises(ValidationError):
        joining.attach(caf, p1, u["admin"])  # the framework under its own grandchild
    with pytest.raises(ValidationError):
        joining.attach(caf, caf, u["admin"])
    caf.refresh_from_db()
    assert caf.parent_id is None


def test_who_may_detach(network):
    u, ctg1, ctg2 = network["users"], network["ctg1"], network["ctg2"]
    for refused in ("caf_coord", "caf_reader", "other_coord", "outsider"):
        assert not access.may_detach(u[refused], ctg1)
        with pytest.raises(PermissionDenied):
            joining.detach(ctg1, u[refused])
    assert access.may_detach(u["ctg1_coord"], ctg1)
    joining.detach(ctg1, u["ctg1_coord"])
    ctg1.refresh_from_db()
    assert ctg1.parent_id is None
    joining.detach(ctg2, u["admin"])  # the framework's network admin
    ctg2.refresh_from_db()
    assert ctg2.parent_id is None
    assert NetworkRequest.objects.filter(kind=NetworkRequest.Kind.DETACH).count() == 2


def test_settings_form_refuses_a_project_out_of_reach(client, network):
    u, other, caf = network["users"], network["other"], network["caf"]
    client.force_login(u["other_coord"])
    response = client.post(reverse("project-parent", args=[other.slug]), {"parent": caf.pk})
    assert response.status_code == 400
    assert "Choisissez le projet cadre dans la liste" in response.content.decode()
    other.refresh_from_db()
    assert other.parent_id is None
    assert not NetworkRequest.objects.exists()


def test_settings_request_then_accept_through_the_pages(client, network):
    u, other, caf = network["users"], network["other"], network["caf"]
    Membership.objects.create(user=u["other_coord"], project=caf, role=Role.READER)  # offered in the list
    client.force_login(u["other_coord"])
    response = client.post(reverse("project-parent", args=[other.slug]), {"parent": caf.pk}, follow=True)
    assert "Demande envoyée" in response.content.decode()
    asked = NetworkRequest.objects.get()
    # Decided through another project's address: not found.
    client.force_login(u["admin"])
    wrong = reverse("network-request-decide", args=[network["ctg1"].slug, asked.pk, "accepter"])
    assert client.post(wrong).status_code == 404
    client.force_login(u["caf_coord"])
    url = reverse("network-request-decide", args=[caf.slug, asked.pk, "accepter"])
    assert client.post(url).status_code == 403
    client.force_login(u["admin"])
    page = client.get(reverse("project-settings", args=[caf.slug])).content.decode()
    assert "Demandes de rattachement à ce projet" in page
    client.post(url)
    other.refresh_from_db()
    assert other.parent_id == caf.pk
    history = client.get(reverse("project-settings", args=[other.slug])).content.decode()
    assert "Historique du réseau" in history


def _fill(project, n, rng, today):
    statuses = list(STATUS_ORDER)
    Action.objects.bulk_create(
        Action(
            project=project,
            ref=f"R{i}",
            title=f"Action {i}",
            status=rng.choice(statuses),
            end_date=today - datetime.timedelta(days=rng.randint(-100, 100)) if rng.random() < 0.7 else None,
            position=i,
        )
        for i in range(n)
    )


def _expected(projects, today):
    """The figures computed again, action by action in Python."""
    actions = list(Action.objects.filter(project__in=projects, parent__isnull=True))
    counts = {code: sum(1 for a in actions if a.status == code) for code in STATUS_ORDER}
    late = sum(1 for a in actions if a.status in OPEN and a.end_date and a.end_date < today)
    return len(actions), counts, late


def test_rollup_equals_the_sums_of_the_children(network):
    rng, today = random.Random(12), datetime.date.today()
    for key, n in [("caf", 3), ("ctg1", 7), ("ctg2", 11), ("p1", 5)]:
        _fill(network[key], n, rng, today)
    _fill(network["other"], 9, rng, today)  # outside the network: never counted
    result = rollup(network["caf"], today=today)
    rows = {row.project.slug: row for row in result.rows}
    assert set(rows) == {"ctg-nord", "ctg-sud"}
    for slug, projects in [("ctg-nord", [network["ctg1"], network["p1"]]), ("ctg-sud", [network["ctg2"]])]:
        total, counts, late = _expected(projects, today)
        figures = rows[slug].figures
        assert (figures.total, figures.counts, figures.late) == (total, counts, late)
    total, counts, late = _expected([network[k] for k in ("caf", "ctg1", "ctg2", "p1")], today)
    assert (result.total.total, result.total.counts, result.total.late) == (total, counts, late)
    assert result.children.total == 7 + 11 + 5
    assert rows["ctg-nord"].below == 1
    assert [row.project.slug for row in result.sorted("-actions")] == ["ctg-nord", "ctg-sud"]


def _network_of(n):
    parent = ProjectFactory(title=f"Cadre de {n}")
    admin = member(parent, Role.NETWORK_ADMIN)
    for _i in range(n):
        child = ProjectFactory(parent=parent)
        Action.objects.create(project=child, ref="A", title="Une action", status="done")
    return parent, admin


@pytest.mark.parametrize("children", [3, 30])
def test_rollup_page_queries_do_not_grow(client, children, django_assert_max_num_queries):
    parent, admin = _network_of(children)
    client.force_login(admin)
    url = reverse("project-network", args=[parent.slug])
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url + "?tri=-terminees")
    assert response.status_code == 200
    assert response.content.decode().count('id="ligne-') == children


def test_rollup_same_query_count_at_3_and_30(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (3, 30):
        parent, admin = _network_of(n)
        client.force_login(admin)
        url = reverse("project-network", args=[parent.slug])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "who, status",
    [("admin", 200), ("caf_coord", 200), ("caf_reader", 200), ("ctg1_coord", 403), ("other_coord", 403)],
)
def test_rollup_page_permissions(client, network, who, status):
    client.force_login(network["users"][who])
    response = client.get(reverse("project-network", args=[network["caf"].slug]))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "Le tableau du réseau" in page and "CTG Nord" in page


def test_rollup_page_anonymous(client, network):
    url = reverse("project-network", args=[network["caf"].slug])
    response = client.get(url)
    assert response.status_code == 302 and "connexion" in response["Location"] or "login" in response["Location"]


def test_reader_of_the_framework_sees_private_child_figures_without_a_link(client, network):
    client.force_login(network["users"]["caf_reader"])
    page = client.get(reverse("project-network", args=[network["caf"].slug])).content.decode()
    assert "CTG Nord" in page
    assert reverse("project-dashboard", args=["ctg-nord"]) not in page


def test_dashboards_show_parent_and_children(client, network):
    client.force_login(network["users"]["admin"])
    page = client.get(reverse("project-dashboard", args=["caf"])).content.decode()
    assert "CTG Nord" in page and reverse("project-network", args=["caf"]) in page
    page = client.get(reverse("project-dashboard", args=["ctg-nord"])).content.decode()
    assert "Ce projet décline le cadre" in page and "CAF cadre" in page


def test_public_pages_show_only_published_neighbours(client, network):
    caf, ctg1, ctg2 = network["caf"], network["ctg1"], network["ctg2"]
    for project in (caf, ctg1):
        project.published = True
        project.save()
    page = client.get(reverse("public-plan", args=["caf"])).content.decode()
    assert "CTG Nord" in page and "CTG Sud" not in page
    page = client.get(reverse("public-plan", args=["ctg-nord"])).content.decode()
    assert "CAF cadre" in page and "Périmètre P1" not in page
    client.force_login(network["users"]["admin"])  # unpublished through its page: the child's page follows
    client.post(reverse("project-publish", args=["caf"]), {"published": "0"})
    client.logout()
    page = client.get(reverse("public-plan", args=["ctg-nord"])).content.decode()
    assert "CAF cadre" not in page
    assert ctg2.title not in page


def test_exports_open_and_read(client, network):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    _fill(network["ctg1"], 4, random.Random(1), datetime.date.today())
    client.force_login(network["users"]["caf_reader"])
    url = reverse("document-download", args=["caf"])
    response = client.get(url, {"document": "rollup", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Projet"
    names = [row[0] for row in rows[1:]]
    assert names == ["CTG Nord", "CTG Sud", "Total des projets déclinés", "Le cadre lui-même", "Tout le réseau"]
    assert rows[1][2] == 4 and rows[-1][2] == 4
    response = client.get(url, {"document": "rollup", "format": "pdf"})
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Tableau du réseau" in text and "CTG Nord" in text
    client.force_login(network["users"]["other_coord"])
    assert client.get(url, {"document": "rollup", "format": "xlsx"}).status_code == 403


def test_export_command_knows_rollup(network, tmp_path):
    from django.core.management import CommandError, call_command

    target = tmp_path / "reseau.xlsx"
    call_command("export", "caf", "--format", "xlsx", "--what", "rollup", "-o", str(target))
    assert target.stat().st_size > 0
    with pytest.raises(CommandError, match="pas de tableau de réseau"):
        call_command("export", "isole", "--format", "xlsx", "--what", "rollup")


def test_demo_lyon_pms_shows_its_psts_and_the_rollup(demo_db, client):
    from maillage.accounts.models import User

    client.force_login(User.objects.get(username="reseau-lyon"))
    page = client.get(reverse("project-dashboard", args=["lyon-pms"])).content.decode()
    assert "8 projets déclinent ce cadre" in page  # the demo ships 8 of the 9 PSTs
    assert reverse("project-network", args=["lyon-pms"]) in page
    rollup_page = client.get(reverse("project-network", args=["lyon-pms"])).content.decode()
    assert rollup_page.count('id="ligne-') == 8
    assert "Villeurbanne" in rollup_page
