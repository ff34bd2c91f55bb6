"""The directory screens: who may see and change them, French errors that save nothing, search and
filters, deletion that says what it removes, bounded queries, and the Clermont-Ferrand demo."""

import re

import pytest
from django.urls import reverse

from maillage.accounts.models import User
from maillage.actions.models import Action, ActionPartner
from maillage.actions.tests.factories import ActionFactory
from maillage.governance.models import Body, BodyMember
from maillage.partners.models import Domain, Organisation, Person
from maillage.projects.tests.factories import ProjectFactory

from .roles import check_every_role, check_refused_posts, login_as, project_with_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    def make(published=False):
        project = project_with_network(published=published)
        health = Domain.objects.get_or_create(name="Santé")[0]
        caf = Organisation.objects.create(
            project=project, key="caf", name="Caisse d'allocations familiales", acronym="CAF", kind="caf"
        )
        school = Organisation.objects.create(
            project=project, key="education", name="Éducation nationale", kind="state", city="Clermont-Ferrand"
        )
        caf.domains.add(health)
        person = Person.objects.create(
            project=project,
            key="chloe",
            name="Chloé Martin",
            function="Conseillère territoriale",
            organisation=caf,
            email="chloe.martin@caf.fr",
            phone="04 73 00 00 00",
        )
        action = ActionFactory(project=project, ref="A1", title="Accès aux droits numériques")
        ActionPartner.objects.create(action=action, organisation=caf, role="lead")
        ActionPartner.objects.create(action=action, organisation=school, role="relay")
        return project, caf, school, person, action

    return make


VIEWS = [
    ("partner-directory", False, True),
    ("people-directory", False, False),
    ("organisation-detail", False, False),
    ("organisation-create", True, False),
    ("organisation-edit", True, False),
    ("organisation-delete", True, False),
    ("person-create", True, False),
    ("person-edit", True, False),
    ("person-delete", True, False),
]


def _url(name, project, caf, person):
    if name.startswith("organisation-") and name != "organisation-create":
        return reverse(name, args=[project.slug, caf.pk])
    if name in ("person-edit", "person-delete"):
        return reverse(name, args=[project.slug, person.pk])
    return reverse(name, args=[project.slug])


@pytest.mark.parametrize("published", [False, True], ids=["private", "published"])
@pytest.mark.parametrize(("name", "manage", "public_redirect"), VIEWS, ids=[v[0] for v in VIEWS])
def test_every_view_for_every_role(client, directory, published, name, manage, public_redirect):
    project, caf, _school, person, _action = directory(published)
    url = _url(name, project, caf, person)
    assert check_every_role(client, project, url, manage=manage, public_redirect=public_redirect) == {}


@pytest.mark.parametrize("published", [False, True], ids=["private", "published"])
def test_only_coordinators_change_the_directory(client, directory, published):
    project, caf, _school, person, _action = directory(published)
    for name, pk in [
        ("organisation-create", None),
        ("organisation-edit", caf.pk),
        ("organisation-delete", caf.pk),
        ("person-create", None),
        ("person-edit", person.pk),
        ("person-delete", person.pk),
    ]:
        url = reverse(name, args=[project.slug] + ([pk] if pk else []))
        assert check_refused_posts(client, project, url, {"name": "Intrus", "kind": "other"}) == {}, name
    assert set(Organisation.objects.filter(project=project).values_list("name", flat=True)) == {
        "Caisse d'allocations familiales",
        "Éducation nationale",
    }
    assert list(Person.objects.filter(project=project).values_list("name", flat=True)) == ["Chloé Martin"]


def test_members_see_contacts_and_participations(client, directory):
    project, caf, _school, _person, action = directory()
    login_as(client, project, "reader")
    page = client.get(reverse("partner-directory", args=[project.slug])).content.decode()
    assert "Caisse d&#x27;allocations familiales" in page
    # The directory counts each organisation's actions by role and links to them; its page names them.
    assert "Pilote : 1 action" in page and "Relais d&#x27;information / orienteur : 1 action" in page
    assert f"{reverse('action-list', args=[project.slug])}?partenaire={caf.pk}" in page
    assert "Santé" in page
    assert 'id="add-organisation"' not in page  # a reader gets no edit control
    detail = client.get(reverse("organisation-detail", args=[project.slug, caf.pk])).content.decode()
    assert "Chloé Martin" in detail and "chloe.martin@caf.fr" in detail and "04 73 00 00 00" in detail
    assert "Accès aux droits numériques" in detail
    assert reverse("action-detail", args=[project.slug, "A1"]) in detail
    assert 'id="edit-organisation"' not in detail
    people = client.get(reverse("people-directory", args=[project.slug])).content.decode()
    assert "Conseillère territoriale" in people and "chloe.martin@caf.fr" in people


def test_a_published_directory_shows_no_contact_to_visitors(client, directory):
    project, caf, *_ = directory(published=True)
    for url in (
        reverse("partner-directory", args=[project.slug]),
        reverse("people-directory", args=[project.slug]),
        reverse("organisation-detail", args=[project.slug, caf.pk]),
    ):
        page = client.get(url, follow=True).content.decode()
        assert "chloe.martin@caf.fr" not in page and "04 73 00 00 00" not in page


def test_search_ignores_accents_and_case_and_filters_by_domain_and_kind(client, directory):
    project, *_ = directory()
    login_as(client, project, "reader")
    url = reverse("partner-directory", args=[project.slug])

    def names(**params):
        page = client.get(url, params)
        return [org.name for org, _parts in page.context["rows"]]

    assert names() == ["Caisse d'allocations familiales", "Éducation nationale"]
    assert names(q="EDUCATION") == ["Éducation nationale"]
    assert names(q="clermont") == ["Éducation nationale"]
    assert names(q="caf") == ["Caisse d'allocations familiales"]
    assert names(domain=Domain.objects.get(name="Santé").pk) == ["Caisse d'allocations familiales"]
    assert names(kind="state") == ["Éducation nationale"]
    empty = client.get(url, {"q": "introuvable"}).content.decode()
    assert "Aucune organisation ne correspond à cette recherche." in empty


def test_coordinator_creates_and_edits_an_organisation(client, directory):
    project, caf, *_ = directory()
    login_as(client, project, "coordinator")
    response = client.post(
        reverse("organisation-create", args=[project.slug]),
        {"name": "Centre social Léo Lagrange", "kind": "association", "email": "contact@leo.fr"},
    )
    created = Organisation.objects.get(project=project, name="Centre social Léo Lagrange")
    assert response["Location"] == reverse("organisation-detail", args=[project.slug, created.pk])
    assert created.key == "centre-social-leo-lagrange"
    response = client.post(
        reverse("organisation-edit", args=[project.slug, caf.pk]),
        {"name": "Caf du Puy-de-Dôme", "acronym": "CAF", "kind": "caf"},
    )
    assert response.status_code == 302
    caf.refresh_from_db()
    assert caf.name == "Caf du Puy-de-Dôme"


def test_bad_organisation_input_gets_french_errors_and_saves_nothing(client, directory):
    project, caf, *_ = directory()
    login_as(client, project, "coordinator")
    before = Organisation.objects.count()
    url = reverse("organisation-create", args=[project.slug])
    response = client.post(url, {"name": "", "email": "pas-une-adresse"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in page
    assert "Saisissez une adresse de courriel valide." in page
    response = client.post(url, {"name": "EDUCATION NATIONALE"})
    assert "Une organisation de ce nom existe déjà dans l&#x27;annuaire du projet." in response.content.decode()
    response = client.post(url, {"name": "Association", "kind": "pas-un-type"})
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert Organisation.objects.count() == before


def test_deleting_an_organisation_used_by_actions_says_what_it_removes(client, directory):
    project, caf, *_ = directory()
    body = Body.objects.create(project=project, key="copil", kind="copil", name="Comité de pilotage")
    BodyMember.objects.create(body=body, organisation=caf, role="administrateurs")
    Action.objects.filter(project=project).update(lead_organisation=caf)
    login_as(client, project, "coordinator")
    url = reverse("organisation-delete", args=[project.slug, caf.pk])
    page = client.get(url).content.decode()
    assert "La suppression retire 1 ligne de partenariat d’action" in page
    assert "A1 — Accès aux droits numériques (Pilote)" in page
    assert "1 action n’aura plus de structure pilote" in page
    assert "Comité de pilotage (administrateurs)" in page
    assert "1 personne reste dans l’annuaire, sans organisation" in page and "Chloé Martin" in page
    assert Organisation.objects.filter(pk=caf.pk).exists()  # asking is not deleting
    response = client.post(url)
    assert response["Location"] == reverse("partner-directory", args=[project.slug])
    assert not Organisation.objects.filter(pk=caf.pk).exists()
    assert not ActionPartner.objects.filter(organisation_id=caf.pk).exists()
    assert Action.objects.get(project=project, ref="A1").lead_organisation is None
    assert Person.objects.get(project=project, key="chloe").organisation is None
    assert not BodyMember.objects.filter(body=body).exists()


def test_coordinator_manages_people_and_links_only_project_members(client, directory):
    project, caf, _school, person, _action = directory()
    coordinator = login_as(client, project, "coordinator")
    outsider = User.objects.create(username="quelqu-un-d-ailleurs")
    form = client.get(reverse("person-create", args=[project.slug]) + f"?organisation={caf.pk}")
    page = form.content.decode()
    assert coordinator.username in page and "quelqu-un-d-ailleurs" not in page
    assert (
        form.context["form"].initial.get("organisation") == caf.pk or form.context["form"].instance.organisation == caf
    )
    response = client.post(
        reverse("person-create", args=[project.slug]),
        {"name": "Malik Benali", "function": "Agent de développement", "organisation": caf.pk, "user": coordinator.pk},
    )
    assert response["Location"] == reverse("organisation-detail", args=[project.slug, caf.pk])
    malik = Person.objects.get(project=project, name="Malik Benali")
    assert malik.user == coordinator and malik.key == "malik-benali"
    response = client.post(
        reverse("person-create", args=[project.slug]), {"name": "Intrus", "user": outsider.pk, "email": "x"}
    )
    page = response.content.decode()
    assert "Sélectionnez un choix valide" in page and "Saisissez une adresse de courriel valide." in page
    assert not Person.objects.filter(name="Intrus").exists()
    response = client.post(reverse("person-delete", args=[project.slug, person.pk]))
    assert response.status_code == 302 and not Person.objects.filter(pk=person.pk).exists()


def test_objects_of_another_project_are_not_found(client, directory):
    project, caf, _school, person, _action = directory()
    other, other_caf, _s, other_person, _a = directory()
    login_as(client, project, "coordinator")
    for name, pk in [
        ("organisation-detail", other_caf.pk),
        ("organisation-edit", other_caf.pk),
        ("organisation-delete", other_caf.pk),
        ("person-edit", other_person.pk),
        ("person-delete", other_person.pk),
    ]:
        url = reverse(name, args=[project.slug, pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"name": "Piratage"}).status_code == 404, name
    assert Organisation.objects.filter(pk=other_caf.pk, name="Caisse d'allocations familiales").exists()
    assert Person.objects.filter(pk=other_person.pk).exists()
    # A person cannot be attached to another project's organisation by a forged id.
    response = client.post(
        reverse("person-create", args=[project.slug]), {"name": "Faux", "organisation": other_caf.pk}
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Person.objects.filter(name="Faux").exists()


@pytest.fixture
def big_project():
    """500 actions and 300 organisations, each action with two partner lines."""
    project = ProjectFactory()
    domains = [Domain.objects.get_or_create(name=name)[0] for name in ("Santé", "Insertion", "Petite enfance")]
    organisations = Organisation.objects.bulk_create(
        Organisation(project=project, key=f"org-{i}", name=f"Organisation {i:03d}", kind="association")
        for i in range(300)
    )
    Organisation.domains.through.objects.bulk_create(
        Organisation.domains.through(organisation=org, domain=domains[i % 3]) for i, org in enumerate(organisations)
    )
    actions = Action.objects.bulk_create(
        Action(
            project=project, ref=f"A{i:03d}", title=f"Action {i}", position=i, lead_organisation=organisations[i % 300]
        )
        for i in range(500)
    )
    ActionPartner.objects.bulk_create(
        ActionPartner(action=action, organisation=organisations[(i + k) % 300], role=role)
        for i, action in enumerate(actions)
        for k, role in ((0, "lead"), (7, "funder"))
    )
    Person.objects.bulk_create(
        Person(project=project, key=f"p-{i}", name=f"Personne {i}", organisation=organisations[i % 300])
        for i in range(400)
    )
    return project


def test_directory_queries_do_not_grow_with_the_plan(client, big_project, django_assert_max_num_queries):
    login_as(client, big_project, "reader")
    url = reverse("partner-directory", args=[big_project.slug])
    with django_assert_max_num_queries(14):
        response = client.get(url, {"page": 2})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 50
    assert response.context["total"] == 300
    with django_assert_max_num_queries(14):
        client.get(url, {"q": "organisation 01", "domain": Domain.objects.get(name="Santé").pk})
    with django_assert_max_num_queries(12):
        assert client.get(reverse("people-directory", args=[big_project.slug])).status_code == 200
    org = Organisation.objects.get(project=big_project, key="org-1")
    with django_assert_max_num_queries(16):
        page = client.get(reverse("organisation-detail", args=[big_project.slug, org.pk]))
    found = [(part.action.ref, part.roles) for part in page.context["participations"]]
    assert page.context["participations_total"] == 3
    assert found == [("A001", ["Pilote"]), ("A294", ["Financeur"]), ("A301", ["Pilote"])]


def test_clermont_sud_directory(client, demo_db):
    client.force_login(User.objects.get(username="coord-clermont-sud"))
    page = client.get(reverse("partner-directory", args=["clermont-sud"]))
    assert page.context["total"] == 97
    html = page.content.decode()
    assert 'id="add-organisation"' in html
    caf = Organisation.objects.get(project__slug="clermont-sud", key="caf-63")
    detail = client.get(reverse("organisation-detail", args=["clermont-sud", caf.pk])).content.decode()
    assert "Caisse d&#x27;Allocations Familiales du Puy-de-Dôme" in detail
    for ref in ("A1-06", "A2-04", "A2-10"):
        assert reverse("action-detail", args=["clermont-sud", ref]) in detail
    assert "Comité de pilotage" in detail  # the CAF sits in the COPIL
    found = client.get(reverse("partner-directory", args=["clermont-sud"]), {"q": "ecole"}).context["rows"]
    assert [org.name for org, _parts in found][:2] == [
        "École des Parents et des Éducateurs",
        "École élémentaire V. Hugo",
    ]


def test_the_pagination_marks_its_dead_ends_as_disabled_links(client):
    """On the first page « first » and « previous » lead nowhere: disabled links, as in the DSFR's markup
    (without it, axe-core reported their grey text as a contrast violation); on the last page, the others."""
    project = project_with_network()
    Organisation.objects.bulk_create(
        Organisation(project=project, key=f"asso-{n}", name=f"Association {n:03d}") for n in range(60)
    )
    login_as(client, project, "reader")
    url = reverse("partner-directory", args=[project.slug])

    def links(page):
        html = client.get(url, {"page": page} if page else {}).content.decode()
        nav = html[html.index('class="fr-pagination"') : html.index("</nav>", html.index('class="fr-pagination"'))]
        return {
            kind: re.search(rf'<a class="fr-pagination__link fr-pagination__link--{kind}[^"]*" ([^>]*)>', nav).group(1)
            for kind in ("first", "prev", "next", "last")
        }

    first = links(None)
    assert first["first"] == first["prev"] == 'aria-disabled="true" role="link"'
    assert first["next"] == 'href="?page=2"' and first["last"] == 'href="?page=2"'
    last = links(2)
    assert last["next"] == last["last"] == 'aria-disabled="true" role="link"'
    assert last["first"] == 'href="?page=1"'
