"""The library: who sees what, its filters, similar actions, the copy and its provenance."""

import pytest
from django.urls import reverse

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import UserFactory, member
from maillage.actions.models import Action, ActionChange, ActionPartner
from maillage.evaluation.models import Indicator, IndicatorTarget, IndicatorValue
from maillage.library.copying import copy_action
from maillage.library.models import Provenance, SharedAction
from maillage.library.sharing import library_actions, set_shared
from maillage.library.similar import similar_actions
from maillage.partners.models import Organisation
from maillage.projects.models import Level, Node, Project, Theme
from maillage.projects.tests.factories import ProjectFactory

Role = Membership.Role
pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    # The session database may hold the demo (published plans, the Lyon examples shared): set aside here,
    # rolled back after the test, so that the library shows this network alone.
    Project.objects.filter(published=True).update(published=False)
    SharedAction.objects.all().delete()
    root = ProjectFactory(slug="cadre", title="Cadre métropolitain", kind="pms")
    pst_a = ProjectFactory(slug="pst-a", title="PST A", parent=root)
    pst_b = ProjectFactory(slug="pst-b", title="PST B", parent=root)
    perimeter = ProjectFactory(slug="perimetre-b1", title="Périmètre B1", parent=pst_b)
    public = ProjectFactory(slug="plan-public", title="Plan public", published=True, kind="ctg")
    stranger_project = ProjectFactory(slug="ailleurs", title="Projet ailleurs")
    shared = Action.objects.create(
        project=pst_a,
        ref="A-01",
        title="Forum des assistantes maternelles",
        status="done",
        target_public="Les assistantes maternelles et les parents",
        description="Un forum annuel pour les assistantes maternelles du territoire.",
    )
    private = Action.objects.create(project=pst_a, ref="A-02", title="Action privée secrète", status="done")
    published = Action.objects.create(
        project=public,
        ref="P-01",
        title="Relais petite enfance itinérant",
        status="in_progress",
        target_public="Familles et tout-petits",
        description="Un relais pour l'assistante maternelle et les familles.",
    )
    set_shared([shared], True, UserFactory())
    return {
        "root": root,
        "a": pst_a,
        "b": pst_b,
        "perimeter": perimeter,
        "public": public,
        "elsewhere": stranger_project,
        "shared": shared,
        "private": private,
        "published": published,
    }


def titles(user):
    return set(library_actions(user).values_list("title", flat=True))


def test_anonymous_sees_published_actions_only(net, client):
    from django.contrib.auth.models import AnonymousUser

    assert titles(AnonymousUser()) == {"Relais petite enfance itinérant"}
    page = client.get(reverse("library"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Relais petite enfance itinérant" in text
    assert "Forum des assistantes" not in text and "secrète" not in text


def test_shared_actions_are_seen_by_every_member_of_the_network_and_nobody_else(net):
    sibling = member(net["b"], Role.READER)
    deep = member(net["perimeter"], Role.CONTRIBUTOR)
    admin = member(net["root"], Role.NETWORK_ADMIN)
    outsider = member(net["elsewhere"], Role.COORDINATOR)
    for user in (sibling, deep, admin):
        assert "Forum des assistantes maternelles" in titles(user)
        assert "Action privée secrète" not in titles(user)
    assert titles(outsider) == {"Relais petite enfance itinérant"}
    assert titles(UserFactory()) == {"Relais petite enfance itinérant"}


def test_the_library_fiche_answers_404_to_whoever_may_not_read_it(net, client):
    outsider = member(net["elsewhere"], Role.COORDINATOR)
    client.force_login(outsider)
    assert client.get(reverse("library-action", args=[net["shared"].pk])).status_code == 404
    assert client.get(reverse("library-action", args=[net["private"].pk])).status_code == 404
    client.force_login(member(net["b"], Role.READER))
    page = client.get(reverse("library-action", args=[net["shared"].pk]))
    assert page.status_code == 200
    assert "Forum des assistantes maternelles" in page.content.decode()
    assert client.get(reverse("library-action", args=[net["private"].pk])).status_code == 404


def test_filters_in_french(net, client):
    client.force_login(member(net["b"], Role.READER))
    url = reverse("library")

    def shown(**params):
        text = client.get(url, params).content.decode()
        return {t for t in ("Forum des assistantes", "Relais petite enfance") if t in text}

    assert shown() == {"Forum des assistantes", "Relais petite enfance"}
    assert shown(statut="done") == {"Forum des assistantes"}
    assert shown(type="ctg") == {"Relais petite enfance"}
    assert shown(theme="petite-enfance") == {"Forum des assistantes", "Relais petite enfance"}
    assert shown(public="familles") == {"Forum des assistantes", "Relais petite enfance"}
    assert shown(public="seniors") == set()
    # the search engine's matching: plural and singular find each other (P-01 has « l'assistante maternelle »)
    assert shown(q="ASSISTANTES maternelles") == {"Forum des assistantes", "Relais petite enfance"}
    assert shown(q="forums") == {"Forum des assistantes"}
    assert shown(territoire="plan public") == {"Relais petite enfance"}
    assert shown(statut="inconnu") == {"Forum des assistantes", "Relais petite enfance"}
    assert "Aucune action ne répond à ces filtres." in client.get(url, {"q": "zzzz"}).content.decode()


def test_library_queries_are_bounded(net, client, django_assert_max_num_queries):
    for n in range(40):
        Action.objects.create(project=net["public"], ref=f"X-{n}", title=f"Action publiée {n}")
    client.force_login(member(net["b"], Role.READER))
    with django_assert_max_num_queries(14):
        page = client.get(reverse("library"))
    assert page.status_code == 200
    assert page.content.decode().count('href="/bibliotheque/fiches/') == 30


def test_similar_actions_rank_other_readable_projects_only(net):
    user = member(net["b"], Role.COORDINATOR)
    Action.objects.create(project=net["b"], ref="B-01", title="Forum des assistantes maternelles bis")
    found = similar_actions(net["published"], user)
    assert net["shared"] in found
    assert all(a.project_id != net["public"].pk for a in found)
    assert net["private"] not in found
    # The same project is never proposed, an unreadable one neither.
    outsider = member(net["elsewhere"], Role.COORDINATOR)
    assert similar_actions(net["published"], outsider) == []


def test_similar_actions_order(net):
    user = member(net["a"], Role.COORDINATOR)
    close = Action.objects.create(
        project=net["public"], ref="P-02", title="Forum des assistantes maternelles", description="forum annuel"
    )
    Action.objects.create(project=net["public"], ref="P-03", title="Accueil des parents")
    found = similar_actions(net["shared"], user)
    assert found[0] == close
    assert found[1] == net["published"]


def test_similar_block_on_the_member_and_public_fiches(net, client):
    user = member(net["a"], Role.COORDINATOR)
    client.force_login(user)
    page = client.get(reverse("action-detail", args=["pst-a", "A-01"])).content.decode()
    assert "Actions similaires" in page and "Relais petite enfance itinérant" in page
    assert reverse("public-action", args=["plan-public", "P-01"]) in page
    client.logout()
    page = client.get(reverse("public-action", args=["plan-public", "P-01"])).content.decode()
    assert "Actions similaires" in page
    assert "Forum des assistantes" not in page  # shared, not published


def _source_with_everything(net):
    source = net["shared"]
    caf = Organisation.objects.create(project=net["a"], key="caf", name="Caf du Rhône", acronym="CAF")
    assoc = Organisation.objects.create(project=net["a"], key="assoc", name="Association Éveil", city="Lyon")
    source.lead_organisation = caf
    source.save()
    ActionPartner.objects.create(action=source, organisation=caf, role="funder")
    ActionPartner.objects.create(action=source, organisation=assoc, role="operational", detail="animation")
    indicator = Indicator.objects.create(action=source, kind="quantitative", title="Participantes", unit="personnes")
    IndicatorTarget.objects.create(indicator=indicator, year=2024, value=40)
    IndicatorValue.objects.create(indicator=indicator, period="2023", value=25)
    Theme.objects.create(project=net["a"], name="Petite enfance").actions.add(source)
    return source


def test_copy_keeps_provenance_matches_partners_and_leaves_the_source_unchanged(net, client):
    source = _source_with_everything(net)
    coordinator = member(net["b"], Role.COORDINATOR)
    Organisation.objects.create(project=net["b"], key="caf-b", name="CAF DU RHONE")
    theme = Theme.objects.create(project=net["b"], name="petite enfance")
    level = Level.objects.create(project=net["b"], depth=1, name="Axe")
    node = Node.objects.create(project=net["b"], level=level, code="1", title="Grandir")
    Action.objects.create(project=net["b"], ref="B-07", title="Déjà là")
    before = Action.objects.filter(pk=source.pk).values().get()
    partners_before = list(ActionPartner.objects.filter(action=source).values())
    client.force_login(coordinator)
    url = reverse("library-copy", args=[source.pk])
    assert "PST B" in client.get(url).content.decode()
    response = client.post(url, {"projet": "pst-b", "noeud": node.pk})
    assert response.status_code == 302
    copy = Action.objects.get(project=net["b"], ref="B-08")
    assert response["Location"] == reverse("action-detail", args=["pst-b", "B-08"])
    assert copy.title == source.title and copy.description == source.description
    assert copy.target_public == source.target_public and copy.status == "planned"
    assert list(copy.nodes.all()) == [node]
    assert list(copy.themes.all()) == [theme]
    # The Caf is matched by its normalised name; the association is created in B's directory.
    assert copy.lead_organisation.key == "caf-b"
    roles = {(p.organisation.name, p.organisation.project_id, p.role) for p in copy.partner_roles.all()}
    assert roles == {("CAF DU RHONE", net["b"].pk, "funder"), ("Association Éveil", net["b"].pk, "operational")}
    assert Organisation.objects.get(project=net["b"], name="Association Éveil").city == "Lyon"
    (indicator,) = copy.indicators.all()
    assert [(t.year, t.value) for t in indicator.targets.all()] == [(2024, 40)]
    assert not indicator.values.exists()
    provenance = Provenance.objects.get(action=copy)
    assert (provenance.source, provenance.source_project_title, provenance.source_ref) == (source, "PST A", "A-01")
    entry = ActionChange.objects.get(action=copy)
    assert entry.kind == "created" and "A-01" in entry.reason
    # Nothing of the source changed.
    assert Action.objects.filter(pk=source.pk).values().get() == before
    assert list(ActionPartner.objects.filter(action=source).values()) == partners_before
    assert Organisation.objects.filter(project=net["a"]).count() == 2
    assert not SharedAction.objects.filter(action=copy).exists()
    # « Inspirée de » on the copy, with a link to what the user may read (the library fiche).
    page = client.get(response["Location"]).content.decode()
    assert "Inspirée de" in page and reverse("library-action", args=[source.pk]) in page
    # The source deleted: the text stays, the link goes.
    source.delete()
    page = client.get(response["Location"]).content.decode()
    assert "Inspirée de" in page and "A-01 — Forum des assistantes maternelles" in page
    assert "fiche d’origine supprimée" in page


def test_copy_is_refused_without_coordinating_the_target(net, client):
    reader = member(net["b"], Role.READER)
    client.force_login(reader)
    url = reverse("library-copy", args=[net["shared"].pk])
    assert client.post(url, {"projet": "pst-b"}).status_code == 403
    assert client.post(url, {"projet": "ailleurs"}).status_code == 403
    coordinator = member(net["b"], Role.COORDINATOR)
    client.force_login(coordinator)
    # A node of another project, the private action of a project not readable: refused, nothing written.
    foreign = Node.objects.create(
        project=net["a"], level=Level.objects.create(project=net["a"], depth=1, name="Axe"), title="Ailleurs"
    )
    response = client.post(url, {"projet": "pst-b", "noeud": foreign.pk})
    assert response.status_code == 422
    assert "existe pas dans le projet choisi" in response.content.decode()
    assert client.post(reverse("library-copy", args=[net["private"].pk]), {"projet": "pst-b"}).status_code == 404
    assert not Action.objects.filter(project=net["b"]).exists()
    client.logout()
    assert client.post(url, {"projet": "pst-b"}).status_code == 302  # to the login page
    assert not Action.objects.filter(project=net["b"]).exists()


def test_copy_function_checks_permission(net):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        copy_action(net["shared"], net["b"], member(net["b"], Role.CONTRIBUTOR))


def test_share_page_for_coordinators_only(net, client):
    url = reverse("library-share", args=["pst-a"])
    client.force_login(member(net["a"], Role.READER))
    assert client.get(url).status_code == 403
    client.force_login(member(net["a"], Role.COORDINATOR))
    assert "Partage avec le réseau" in client.get(url).content.decode()
    client.post(url, {"actions": [net["private"].pk], "partager": "1"})
    assert SharedAction.objects.filter(action=net["private"]).exists()
    client.post(url, {"actions": [net["private"].pk, net["shared"].pk], "partager": "0"})
    assert not SharedAction.objects.exists()
    # Another project's action id is a 404, and changes nothing.
    assert client.post(url, {"actions": [net["published"].pk], "partager": "1"}).status_code == 404
    assert not SharedAction.objects.exists()
