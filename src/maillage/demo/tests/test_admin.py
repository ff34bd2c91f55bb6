"""The admin is the interface of this stage: every list and every change page opens on the demo data."""

import pytest
from django.contrib import admin
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
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    with django_assert_max_num_queries(15):
        response = staff_client.get(changelist)
    assert response.status_code == 200
    instance = model.objects.order_by("-pk").first()
    if instance is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
        assert staff_client.get(change).status_code == 200
    assert staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200


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


def test_a_demo_coordinator_reads_the_admin_but_cannot_change(client, demo_db):
    from maillage.accounts.models import User
    from maillage.actions.models import Action

    client.force_login(User.objects.get(username="coord-genas-pset-2"))
    action = Action.objects.filter(project__slug="genas-pset-2").first()
    url = reverse("admin:actions_action_change", args=[action.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Affichage de fiche action" in response.content.decode()
    assert 'name="_save"' not in response.content.decode()
    assert client.post(url, {"title": "Modifié"}).status_code == 403
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
