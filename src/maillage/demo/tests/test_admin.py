"""The admin is the interface of this stage: every list and every change page opens on the demo data."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, demo_db):
    from maillage.accounts.models import User

    client.force_login(User.objects.get(username="admin"))
    return client


# Maillage's own models; the packages' admins (task results, read-only) are theirs to test.
@pytest.mark.parametrize(
    "model",
    sorted((m for m in admin.site._registry if m.__module__.startswith("maillage.")), key=lambda m: m._meta.label),
    ids=lambda m: m._meta.label,
)
def test_every_admin_list_and_change_page_opens(staff_client, model, django_assert_max_num_queries):
    from maillage.accounts.models import User

    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    with django_assert_max_num_queries(15):
        response = staff_client.get(changelist)
    assert response.status_code == 200
    instance = model.objects.order_by("-pk").first()
    if instance is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
        assert staff_client.get(change).status_code == 200
    # A read-only admin (the webhooks' delivery log) refuses the add page; every other one opens it.
    request = RequestFactory().get("/")
    request.user = User.objects.get(username="admin")
    expected = 200 if admin.site._registry[model].has_add_permission(request) else 403
    assert staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == expected


def test_the_admin_speaks_french(staff_client):
    from maillage.projects.models import Project

    genas = Project.objects.get(slug="genas-pset-2")
    response = staff_client.get(reverse("admin:actions_action_changelist"), {"project__id__exact": genas.pk})
    content = response.content.decode()
    assert "Sélectionnez l’objet fiche action à changer" in content
    assert "142 fiches actions" in content
    assert ">Statut<" in content and "Terminée" in content and "En continu" in content


def test_an_action_saved_in_the_admin_with_a_node_of_another_project_is_refused(staff_client):
    from maillage.actions.models import Action
    from maillage.projects.models import Node

    action = Action.objects.filter(project__slug="genas-pset-2").first()
    foreign = Node.objects.filter(project__slug="clermont-sud").first()
    url = reverse("admin:actions_action_change", args=[action.pk])
    page = staff_client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "project": action.project_id,
            "periods": [],
            "leads": [],
            "themes": [],
            "placements-TOTAL_FORMS": "1",
            "placements-INITIAL_FORMS": "0",
            "placements-0-node": foreign.pk,
            "placements-0-position": "0",
            "partner_roles-TOTAL_FORMS": "0",
            "partner_roles-INITIAL_FORMS": "0",
            "budget_lines-TOTAL_FORMS": "0",
            "budget_lines-INITIAL_FORMS": "0",
            "indicators-TOTAL_FORMS": "0",
            "indicators-INITIAL_FORMS": "0",
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
        }
    )
    data = {key: value for key, value in data.items() if key not in ("version", "created_at", "modified_at")}
    response = staff_client.post(url, data)
    assert response.status_code == 200  # the form comes back with the error
    assert "appartient à un autre projet" in response.content.decode()
    assert not action.nodes.filter(pk=foreign.pk).exists()


def test_finding_1_a_demo_coordinator_reads_nothing_in_the_admin(client, demo_db):
    """Issue 16, finding 1: coord-* accounts were staff with every view_ permission, and the admin filters
    nothing by project: the published demo password opened every private project's people and comments."""
    from maillage.accounts.models import User
    from maillage.partners.models import Person
    from maillage.projects.models import Project

    private = Project.objects.get(slug="clermont-sud")
    private.published = False
    private.save()
    Person.objects.create(project=private, key="secret", name="Nadia Secret", email="nadia@secret.example")
    coordinator = User.objects.get(username="coord-genas-pset-2")
    assert not coordinator.is_staff and not coordinator.groups.exists()
    client.force_login(coordinator)
    for name in ("admin:index", "admin:partners_person_changelist", "admin:actions_comment_changelist"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("admin:login") in response["Location"], name
    assert (
        "nadia@secret.example"
        not in client.get(reverse("admin:partners_person_changelist"), follow=True).content.decode()
    )


def test_a_staff_account_with_every_view_permission_still_cannot_open_the_admin(client, db):
    """Only superusers use the admin (accounts.access.may_use_admin): a staff flag is not enough."""
    from django.contrib.auth.models import Permission

    from maillage.accounts.models import User

    staff = User.objects.create_user("staff", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client.force_login(staff)
    assert client.get(reverse("admin:partners_person_changelist")).status_code == 302
    staff.is_superuser = True
    staff.save()
    assert client.get(reverse("admin:partners_person_changelist")).status_code == 200


def test_the_demo_superuser_gets_a_new_random_password_each_time(demo_db):
    from maillage.accounts.models import User
    from maillage.demo.loading import DEMO_PASSWORD, ensure_demo_accounts

    first = {a.username: a.password for a in ensure_demo_accounts()}["admin"]
    second = {a.username: a.password for a in ensure_demo_accounts()}["admin"]
    assert first != second and DEMO_PASSWORD not in (first, second) and len(first) >= 16
    admin = User.objects.get(username="admin")
    assert admin.check_password(second) and not admin.check_password(DEMO_PASSWORD)
    assert not User.objects.filter(is_staff=True).exclude(username="admin").exists()
