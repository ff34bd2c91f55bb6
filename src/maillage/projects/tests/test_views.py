"""Every project screen for every role (pages and htmx fragments), other projects' ids, and the journeys:
create a project, build its tree, publish it, invite a member."""

import pytest
from django.core import mail
from django.urls import reverse

from maillage.accounts.access import access_for
from maillage.accounts.models import Membership, User
from maillage.actions.models import ActionNode
from maillage.projects.models import Level, Node, Project

from .conftest import build_plan

pytestmark = pytest.mark.django_db
Role = Membership.Role
HTMX = {"HTTP_HX_REQUEST": "true"}


def urls(plan):
    """(name, url, method, data) for every view of this app on ``plan``."""
    slug, node, action = plan.project.slug, plan.nodes["obj12"], plan.actions["guide"]
    membership = Membership.objects.get(project=plan.project, user=plan.users[Role.READER])
    return {
        "dashboard": ("get", reverse("project-dashboard", args=[slug]), {}),
        "tree": ("get", reverse("project-tree", args=[slug]), {}),
        "settings": ("get", reverse("project-settings", args=[slug]), {}),
        "members": ("get", reverse("project-members", args=[slug]), {}),
        "node-add": ("get", reverse("node-add", args=[slug]) + f"?parent={node.pk}", {}),
        "node-rename": ("get", reverse("node-rename", args=[slug, node.pk]), {}),
        "node-move": ("get", reverse("node-move", args=[slug, node.pk]), {}),
        "node-delete": ("get", reverse("node-delete", args=[slug, node.pk]), {}),
        "action-place": ("get", reverse("action-place", args=[slug, action.pk]), {}),
        "node-reorder": ("post", reverse("node-reorder", args=[slug, node.pk]), {"direction": "up"}),
        "action-unplace": (
            "post",
            reverse("action-unplace", args=[slug, action.pk, plan.nodes["sub111"].pk]),
            {},
        ),
        "levels": (
            "post",
            reverse("project-levels", args=[slug]),
            {"level_1": "Axe", "level_2": "Objectif", "level_3": "Sous-objectif"},
        ),
        "publish": ("post", reverse("project-publish", args=[slug]), {"published": "1"}),
        "member-role": ("post", reverse("member-role", args=[slug, membership.pk]), {"role": "contributor"}),
    }


READ_VIEWS = {"dashboard", "tree"}


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.NETWORK_ADMIN, Role.CONTRIBUTOR, Role.READER])
@pytest.mark.parametrize("htmx", [False, True])
def test_each_view_for_each_member_role(client, plan, role, htmx):
    client.force_login(plan.users[role])
    manager = role in (Role.COORDINATOR, Role.NETWORK_ADMIN)
    for name, (method, url, data) in urls(plan).items():
        response = getattr(client, method)(url, data, **(HTMX if htmx else {}))
        if name in READ_VIEWS or manager:
            assert response.status_code in (200, 302), (name, role, response.status_code)
        else:
            assert response.status_code == 403, (name, role)
            assert "Accès refusé" in response.content.decode()


@pytest.mark.parametrize("published", [False, True])
def test_non_members_and_anonymous_visitors(client, plan, published):
    Project.objects.filter(pk=plan.project.pk).update(published=published)
    for name, (method, url, data) in urls(plan).items():
        client.logout()
        anonymous = getattr(client, method)(url, data)
        assert anonymous.status_code == 302, name
        if published and name in READ_VIEWS and method == "get":
            assert anonymous["Location"] == reverse("public-plan", args=[plan.project.slug]), name
        else:
            assert anonymous["Location"].startswith(reverse("login")), name
        client.force_login(plan.users["outsider"])
        response = getattr(client, method)(url, data)
        if published and name in READ_VIEWS:
            assert response.status_code == 302 and "/plans/" in response["Location"], name
        else:
            assert response.status_code == 403, name
            assert plan.project.title not in response.content.decode()
    assert Node.objects.filter(project=plan.project).count() == 7
    assert Project.objects.get(pk=plan.project.pk).published == published


def test_another_projects_ids_are_not_found(client, plan):
    other = build_plan(title="Projet voisin")
    client.force_login(plan.users[Role.COORDINATOR])
    slug = plan.project.slug
    foreign_node, foreign_action = other.nodes["obj12"], other.actions["guide"]
    foreign_member = Membership.objects.get(project=other.project, user=other.users[Role.READER])
    for url in (
        reverse("node-rename", args=[slug, foreign_node.pk]),
        reverse("node-move", args=[slug, foreign_node.pk]),
        reverse("node-delete", args=[slug, foreign_node.pk]),
        reverse("node-add", args=[slug]) + f"?parent={foreign_node.pk}",
        reverse("action-place", args=[slug, foreign_action.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"title": "Piraté", "code": "X"}).status_code == 404, url
    assert client.post(reverse("node-reorder", args=[slug, foreign_node.pk]), {"direction": "up"}).status_code == 404
    unplace = reverse("action-unplace", args=[slug, foreign_action.pk, other.nodes["sub111"].pk])
    assert client.post(unplace).status_code == 404
    assert (
        client.post(reverse("member-role", args=[slug, foreign_member.pk]), {"role": "coordinator"}).status_code == 404
    )
    assert client.post(reverse("member-remove", args=[slug, foreign_member.pk])).status_code == 404
    # Choosing another project's node in a form of this project is refused too.
    response = client.post(
        reverse("action-place", args=[slug, plan.actions["guide"].pk]), {"node": other.nodes["axe1"].pk}
    )
    assert response.status_code == 400 and "Sélectionnez un choix valide" in response.content.decode()
    delete = client.post(reverse("node-delete", args=[slug, plan.nodes["obj12"].pk]), {"actions_to": foreign_node.pk})
    assert delete.status_code == 400
    assert Node.objects.filter(pk=plan.nodes["obj12"].pk).exists()
    assert Node.objects.get(pk=foreign_node.pk).title == "Accompagner les démarches"
    assert ActionNode.objects.filter(node__project=other.project).count() == 4


def test_the_tree_shows_the_projects_levels_and_status_badges(client, plan):
    client.force_login(plan.users[Role.READER])
    page = client.get(reverse("project-tree", args=[plan.project.slug])).content.decode()
    assert "Axe → Objectif → Sous-objectif" in page
    assert "Accompagner les démarches" in page and "Permanence d&#x27;accès aux droits" in page
    assert "Terminée" in page and "En cours" in page
    assert "Actions hors arborescence" in page and "Fête de quartier" in page
    assert "renommer-" not in page and "form-ajout-racine" not in page  # a reader has no controls


def test_the_tree_uses_the_projects_own_status_words(client, plan):
    plan.project.labels.create(vocabulary="status", code="planned", label="Nouvelle")
    client.force_login(plan.users[Role.COORDINATOR])
    page = client.get(reverse("project-tree", args=[plan.project.slug])).content.decode()
    assert "Nouvelle" in page


def test_build_a_tree_with_htmx_fragments(client, plan):
    client.force_login(plan.users[Role.COORDINATOR])
    slug = plan.project.slug
    add = reverse("node-add", args=[slug])
    response = client.post(add, {"title": "Vivre ensemble", "code": "3"}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and page.lstrip().startswith('<div id="arbre">')
    assert "« 3 Vivre ensemble » est ajouté." in page and "<html" not in page
    axe3 = Node.objects.get(project=plan.project, code="3")
    # The inline form of a child node, then its post.
    form = client.get(add + f"?parent={axe3.pk}&panneau=noeud-{axe3.pk}-panneau", **HTMX).content.decode()
    assert f'id="noeud-{axe3.pk}-panneau"' in form and 'hx-post="' in form and "<html" not in form
    response = client.post(add, {"parent": axe3.pk, "title": "Créer des liens", "code": "3.1"}, **HTMX)
    assert Node.objects.get(project=plan.project, code="3.1").level.name == "Objectif"
    # Rename inline; an empty title sends the form back to its panel.
    rename = reverse("node-rename", args=[slug, axe3.pk])
    bad = client.post(rename, {"title": "", "code": "3", "panneau": f"noeud-{axe3.pk}-panneau"}, **HTMX)
    assert bad.status_code == 200 and bad["HX-Retarget"] == f"#noeud-{axe3.pk}-panneau"
    assert "Ce champ est obligatoire." in bad.content.decode()
    ok = client.post(rename, {"title": "Faire ensemble", "code": "3"}, **HTMX)
    assert "Faire ensemble" in ok.content.decode()
    # Moving under a node of the same level: the model's French message, nothing moved.
    move = reverse("node-move", args=[slug, plan.nodes["obj12"].pk])
    bad = client.post(move, {"parent": plan.nodes["obj21"].pk}, **HTMX)
    assert "doit être plus profond que celui du parent" in bad.content.decode()
    assert Node.objects.get(pk=plan.nodes["obj12"].pk).parent_id == plan.nodes["axe1"].pk
    ok = client.post(move, {"parent": axe3.pk}, **HTMX)
    assert ok.status_code == 200 and Node.objects.get(pk=plan.nodes["obj12"].pk).parent_id == axe3.pk
    # Its own branch is not offered as a new parent.
    form = client.get(reverse("node-move", args=[slug, plan.nodes["axe1"].pk]), **HTMX).content.decode()
    assert f'value="{plan.nodes["obj11"].pk}"' not in form and f'value="{plan.nodes["axe2"].pk}"' in form


def test_reorder_and_unplace_without_javascript(client, plan):
    client.force_login(plan.users[Role.COORDINATOR])
    slug = plan.project.slug
    response = client.post(reverse("node-reorder", args=[slug, plan.nodes["axe2"].pk]), {"direction": "up"})
    assert response.status_code == 302 and response["Location"].endswith(f"/arbre/#noeud-{plan.nodes['axe2'].pk}")
    assert list(
        Node.objects.filter(project=plan.project, parent=None).order_by("position").values_list("code", flat=True)
    ) == ["2", "1"]
    page = client.get(response["Location"]).content.decode()
    assert "« 2 Grandir ensemble » monte d&#x27;un rang." in page
    parents, obj11 = plan.actions["parents"], plan.nodes["obj11"]
    client.post(reverse("action-unplace", args=[slug, parents.pk, obj11.pk]))
    assert list(parents.nodes.values_list("code", flat=True)) == ["2.1"]


def test_place_an_action_under_another_node(client, plan):
    client.force_login(plan.users[Role.COORDINATOR])
    slug, guide = plan.project.slug, plan.actions["guide"]
    page = client.get(reverse("action-place", args=[slug, guide.pk])).content.decode()
    assert "<html" in page and "Placer « A1 — Écrire le guide » sous un autre nœud" in page
    assert f'value="{plan.nodes["sub111"].pk}"' not in page  # already there
    response = client.post(reverse("action-place", args=[slug, guide.pk]), {"node": plan.nodes["obj22"].pk})
    assert response.status_code == 302
    assert set(guide.nodes.values_list("code", flat=True)) == {"1.1.1", "2.2"}


def test_delete_a_node_asks_where_its_actions_go(client, plan):
    client.force_login(plan.users[Role.COORDINATOR])
    slug = plan.project.slug
    url = reverse("node-delete", args=[slug, plan.nodes["axe1"].pk])
    page = client.get(url).content.decode()
    assert "Où vont ses actions ?" in page and "Je confirme la suppression de toute la branche" in page
    assert "3 sous-nœud(s)" in page and "3 action(s)" in page
    refused = client.post(url, {"actions_to": plan.nodes["obj22"].pk})
    assert refused.status_code == 400 and "confirmez la suppression de toute la branche" in refused.content.decode()
    assert Node.objects.filter(pk=plan.nodes["axe1"].pk).exists()
    done = client.post(url, {"actions_to": plan.nodes["obj22"].pk, "confirm_branch": "on"}, **HTMX)
    assert (
        done.status_code == 200
        and "3 action(s) placée(s) sous « 2.2 Prévenir l&#x27;isolement »" in done.content.decode()
    )
    assert set(plan.nodes["obj22"].actions.values_list("ref", flat=True)) == {"A1", "A2", "A3"}
    # A leaf without actions: no question but the button.
    leaf = reverse("node-delete", args=[slug, plan.nodes["obj21"].pk])
    client.post(leaf, {})
    assert not Node.objects.filter(pk=plan.nodes["obj21"].pk).exists()


def test_create_a_project_then_land_on_its_tree(client, db):
    from maillage.accounts.tests.factories import UserFactory
    from maillage.territories.models import Territory

    commune = Territory.objects.create(kind="commune", name="Trifouillis-les-Oies", code="99001")
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("project-create")).content.decode()
    assert "Créer un projet" in page and "Trifouillis-les-Oies (99001)" in page
    response = client.post(
        reverse("project-create"),
        {
            "kind": "pst",
            "title": "Projet social de territoire de Trifouillis 2025-2028",
            "slug": "",
            "territory": commune.pk,
            "territory_name": "",
            "owner_name": "Commune de Trifouillis",
            "first_year": 2025,
            "last_year": 2028,
            "levels": "Visée, Objectif, Sous-objectif",
        },
        follow=True,
    )
    project = Project.objects.get(title="Projet social de territoire de Trifouillis 2025-2028")
    assert project.slug == "projet-social-de-territoire-de-trifouillis-2025-2028"
    assert response.redirect_chain[-1][0] == reverse("project-tree", args=[project.slug])
    assert "Construisez maintenant son arborescence" in response.content.decode()
    assert list(Level.objects.filter(project=project).values_list("name", flat=True)) == [
        "Visée",
        "Objectif",
        "Sous-objectif",
    ]
    assert project.territory == commune and project.owner.name == "Commune de Trifouillis"
    assert project.owner.project == project
    assert access_for(user, project).can_manage
    # Then a 3-level tree, as the browser journey will do.
    add = reverse("node-add", args=[project.slug])
    client.post(add, {"title": "Vivre bien", "code": "1"})
    visee = Node.objects.get(project=project, code="1")
    client.post(add, {"parent": visee.pk, "title": "Se soigner", "code": "1.1"})
    client.post(
        add, {"parent": Node.objects.get(project=project, code="1.1").pk, "title": "Un bus santé", "code": "1.1.1"}
    )
    assert Node.objects.get(project=project, code="1.1.1").level.name == "Sous-objectif"


def test_project_creation_errors_change_nothing(client, db):
    from maillage.accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    before = Project.objects.count()
    response = client.post(
        reverse("project-create"),
        {
            "kind": "pst",
            "title": "Projet",
            "slug": "nouveau",
            "territory_name": "Quartiers Sud",
            "first_year": 2028,
            "last_year": 2025,
            "levels": "A, B, C, D, E, F, G",
        },
    )
    page = response.content.decode()
    assert "Cet identifiant est réservé" in page
    assert "La dernière année ne peut pas précéder la première année (2028)." in page
    assert "Un projet a de 1 à 6 niveaux ; vous en avez nommé 7." in page
    assert Project.objects.count() == before
    response = client.post(
        reverse("project-create"),
        {"kind": "pst", "title": "Projet", "first_year": 2025, "last_year": 2026, "levels": "Axe, axe"},
    )
    assert "Chaque niveau a un nom différent" in response.content.decode()


def test_project_creation_needs_a_signed_in_user(client, db):
    response = client.get(reverse("project-create"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_new_territory_name_belongs_to_the_project(client, db):
    from maillage.accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    client.post(
        reverse("project-create"),
        {
            "kind": "ctg",
            "title": "CTG des Quartiers Sud",
            "slug": "ctg-sud",
            "territory_name": "Quartiers Sud",
            "first_year": 2025,
            "last_year": 2029,
            "levels": "Axe",
        },
    )
    project = Project.objects.get(slug="ctg-sud")
    assert project.territory.name == "Quartiers Sud" and project.territory.project == project


def test_publish_and_unpublish_change_the_public_list(client, plan):
    client.force_login(plan.users[Role.COORDINATOR])
    slug, title = plan.project.slug, plan.project.title
    settings_page = client.get(reverse("project-settings", args=[slug])).content.decode()
    assert "Publier rend lisibles par tous, sans compte" in settings_page and 'id="bouton-publier"' in settings_page
    client.post(reverse("project-publish", args=[slug]), {"published": "1"})
    client.logout()
    assert title in client.get(reverse("public-projects")).content.decode()
    assert client.get(reverse("public-plan", args=[slug])).status_code == 200
    client.force_login(plan.users[Role.COORDINATOR])
    page = client.get(reverse("project-settings", args=[slug])).content.decode()
    assert "Le plan est publié." in page and 'id="bouton-depublier"' in page
    client.post(reverse("project-publish", args=[slug]), {"published": "0"})
    client.logout()
    assert title not in client.get(reverse("public-projects")).content.decode()
    assert client.get(reverse("public-plan", args=[slug])).status_code == 404


def test_settings_and_levels(client, plan):
    client.force_login(plan.users[Role.COORDINATOR])
    slug = plan.project.slug
    response = client.post(
        reverse("project-settings", args=[slug]),
        {
            "title": "PST de Trifouillis",
            "subtitle": "2023-2026",
            "description": "",
            "first_year": 2023,
            "last_year": 2026,
            "state": "adopted",
            "deliberation_date": "2023-03-15",
            "deliberation_reference": "DEL-2023-12",
            "deliberation_body": "Conseil municipal",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(pk=plan.project.pk)
    assert project.title == "PST de Trifouillis" and project.state == "adopted"
    assert str(project.deliberation_date) == "2023-03-15"
    bad = client.post(
        reverse("project-settings", args=[slug]),
        {"title": "X", "first_year": 2027, "last_year": 2026, "state": "adopted"},
    )
    assert "La dernière année ne peut pas précéder la première année" in bad.content.decode()
    levels = reverse("project-levels", args=[slug])
    client.post(levels, {"level_1": "Objectif", "level_2": "Axe", "level_3": "Sous-objectif", "new_level": "Action"})
    assert list(Level.objects.filter(project=project).values_list("name", flat=True)) == [
        "Objectif",
        "Axe",
        "Sous-objectif",
        "Action",
    ]
    bad = client.post(levels, {"level_1": "Axe", "level_2": "Axe", "level_3": "Sous-objectif", "level_4": "Action"})
    assert bad.status_code == 400 and "Chaque niveau a un nom différent" in bad.content.decode()
    assert Level.objects.get(project=project, depth=1).name == "Objectif"


def test_invite_a_member_by_email(client, plan):
    coordinator = plan.users[Role.COORDINATOR]
    client.force_login(coordinator)
    url = reverse("project-members", args=[plan.project.slug])
    page = client.get(url).content.decode()
    assert plan.users[Role.READER].username in page and "Léa Pilote" in page
    response = client.post(url, {"identifier": "nadia.referente@centre-social.fr", "role": "contributor"})
    assert response.status_code == 302
    invited = User.objects.get(email="nadia.referente@centre-social.fr")
    assert invited.username == "nadia-referente" and not invited.has_usable_password()
    assert Membership.objects.get(user=invited, project=plan.project).role == "contributor"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nadia.referente@centre-social.fr"]
    assert message.subject == f"Maillage : invitation au projet « {plan.project.title} »"
    link = next(line for line in message.body.splitlines() if "/mot-de-passe/nouveau/" in line)
    form_page = client.get(link.split("testserver", 1)[1], follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Une-phrase-longue-42", "new_password2": "Une-phrase-longue-42"},
    )
    assert done.status_code == 302
    invited.refresh_from_db()
    assert invited.check_password("Une-phrase-longue-42")
    # The same person again: a clear message, nothing added.
    client.force_login(coordinator)
    again = client.post(url, {"identifier": "Nadia.Referente@centre-social.fr", "role": "reader"})
    assert "nadia-referente est déjà membre du projet (Contribution)." in again.content.decode()
    unknown = client.post(url, {"identifier": "personne-inconnue", "role": "reader"})
    assert "Aucun compte n&#x27;a cet identifiant" in unknown.content.decode()
    assert len(mail.outbox) == 1


def test_add_an_existing_account_change_its_role_link_it_and_remove_it(client, plan):
    from maillage.accounts.tests.factories import UserFactory

    client.force_login(plan.users[Role.COORDINATOR])
    slug = plan.project.slug
    someone = UserFactory(username="lea")
    client.post(reverse("project-members", args=[slug]), {"identifier": "lea", "role": "reader"})
    membership = Membership.objects.get(project=plan.project, user=someone)
    assert not mail.outbox
    client.post(reverse("member-role", args=[slug, membership.pk]), {"role": "contributor"})
    membership.refresh_from_db()
    assert membership.role == "contributor"
    person = plan.project.people.get(key="lea-pilote")
    plan.actions["parents"].leads.add(person)
    assert not access_for(someone, plan.project).can_edit_action(plan.actions["parents"])
    client.post(reverse("member-person", args=[slug, membership.pk]), {"person": person.pk})
    assert access_for(someone, plan.project).can_edit_action(plan.actions["parents"])
    page = client.get(reverse("project-members", args=[slug])).content.decode()
    assert f'id="bouton-delier-{membership.pk}-{person.pk}"' in page
    client.post(reverse("member-remove", args=[slug, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    person.refresh_from_db()
    assert person.user is None


def test_a_project_keeps_someone_to_manage_it(client, plan):
    coordinator = plan.users[Role.COORDINATOR]
    Membership.objects.filter(project=plan.project, role=Role.NETWORK_ADMIN).delete()
    client.force_login(coordinator)
    own = Membership.objects.get(project=plan.project, user=coordinator)
    response = client.post(reverse("member-role", args=[plan.project.slug, own.pk]), {"role": "reader"}, follow=True)
    assert "Le projet doit garder au moins une personne à la coordination." in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.COORDINATOR
    client.post(reverse("member-remove", args=[plan.project.slug, own.pk]))
    assert Membership.objects.filter(pk=own.pk).exists()


def test_only_a_network_admin_hands_out_the_network_role(client, plan):
    slug = plan.project.slug
    admin_membership = Membership.objects.get(project=plan.project, role=Role.NETWORK_ADMIN)
    reader = Membership.objects.get(project=plan.project, role=Role.READER)
    client.force_login(plan.users[Role.COORDINATOR])
    page = client.get(reverse("project-members", args=[slug])).content.decode()
    assert '<option value="network_admin">' not in page
    refused = client.post(reverse("member-role", args=[slug, reader.pk]), {"role": "network_admin"}, follow=True)
    assert "Choisissez un rôle de la liste." in refused.content.decode()
    assert client.post(reverse("member-remove", args=[slug, admin_membership.pk])).status_code == 403
    client.force_login(plan.users[Role.NETWORK_ADMIN])
    client.post(reverse("member-role", args=[slug, reader.pk]), {"role": "network_admin"})
    reader.refresh_from_db()
    assert reader.role == Role.NETWORK_ADMIN


def test_a_demo_projects_dashboard_and_tree(client, demo_db):
    client.force_login(User.objects.get(username="coord-clermont-sud"))
    dashboard = client.get(reverse("project-dashboard", args=["clermont-sud"])).content.decode()
    assert "Les actions par axe" in dashboard and "AXE 1 Accéder à ses droits" in dashboard
    tree = client.get(reverse("project-tree", args=["clermont-sud"])).content.decode()
    assert "Axe → Enjeu → Objectif" in tree and 'id="form-ajout-racine"' in tree


def test_the_root_node_form_empties_itself_only_after_a_node_is_added(client, plan):
    """The root form stays on the page when htmx redraws the tree: it used to keep the node just added,
    ready to be added twice. It resets when the tree is swapped, not when its errors come back in its panel."""
    client.force_login(plan.users[Role.COORDINATOR])
    add = reverse("node-add", args=[plan.project.slug])
    page = client.get(reverse("project-tree", args=[plan.project.slug])).content.decode()
    form = page[page.index('id="form-ajout-racine"') : page.index(">", page.index('id="form-ajout-racine"'))]
    assert 'hx-target="#arbre"' in form
    assert 'data-reset-after="arbre"' in form  # home/static/maillage/maillage.js (no hx-on under the CSP)
    bad = client.post(add, {"title": "", "code": "9", "panneau": "racine-panneau"}, **HTMX)
    assert bad["HX-Retarget"] == "#racine-panneau"  # errors go to the panel: the typed values stay
    ok = client.post(add, {"title": "Habiter le quartier", "code": "9", "panneau": "racine-panneau"}, **HTMX)
    assert "HX-Retarget" not in ok and ok.content.decode().lstrip().startswith('<div id="arbre">')
