"""One organisation across plans: structures shared by SIRET or name and commune, merges that lose
nothing and leave a trace, the screens with their permissions, and the migration carried over on the demo."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from maillage.actions.models import Action, ActionPartner, BudgetLine
from maillage.actions.tests.factories import ActionFactory
from maillage.governance.models import Body, BodyMember
from maillage.partners import identity, merging
from maillage.partners.models import Domain, Merge, Organisation, Person, Structure
from maillage.projects.tests.factories import ProjectFactory

from .roles import check_every_role, check_refused_posts, login_as, project_with_network

pytestmark = pytest.mark.django_db


def test_same_name_and_commune_share_a_structure_across_plans_but_not_a_bare_name():
    one, two = ProjectFactory(slug="id-one"), ProjectFactory(slug="id-two")
    a = Organisation.objects.create(project=one, key="a", name="Centre social L'Arche", city="Clermont-Ferrand")
    b = Organisation.objects.create(project=two, key="b", name="centre social l arche", city="CLERMONT FERRAND")
    assert a.structure_id and a.structure_id == b.structure_id
    c = Organisation.objects.create(project=one, key="c", name="Centre social")
    d = Organisation.objects.create(project=two, key="d", name="Centre social")
    assert c.structure_id != d.structure_id  # every town has one: no commune, no sharing


def test_a_siret_decides_before_the_name():
    one, two = ProjectFactory(slug="id-siret-1"), ProjectFactory(slug="id-siret-2")
    a = Organisation.objects.create(project=one, key="a", name="Caf du Puy-de-Dôme", city="Clermont-Ferrand")
    identity.attach(a)
    a.structure.siret = "53449543600015"
    a.structure.save()
    found = identity.structure_for("CAF 63", "Aubière", siret="534 495 436 00015")
    assert found == a.structure
    b = Organisation.objects.create(project=two, key="b", name="CAF 63", city="Aubière", structure=found)
    assert b.structure.siren == "534495436"


@pytest.fixture
def twins():
    project = ProjectFactory(slug="merge-twins")
    other = ProjectFactory(slug="merge-elsewhere")
    kept = Organisation.objects.create(project=project, key="caf", name="Caf", city="Clermont-Ferrand")
    removed = Organisation.objects.create(
        project=project, key="caf-63", name="CAF du Puy-de-Dôme", city="Clermont", website="caf.fr", acronym="CAF"
    )
    removed.domains.add(Domain.objects.get_or_create(name="Familles")[0])
    elsewhere = Organisation.objects.create(project=other, key="caf", name="CAF du Puy-de-Dôme", city="Clermont")
    action = ActionFactory(project=project, ref="M1", lead_organisation=removed)
    both = ActionFactory(project=project, ref="M2")
    ActionPartner.objects.create(action=action, organisation=removed, role="funder")
    ActionPartner.objects.create(action=both, organisation=removed, role="lead")
    ActionPartner.objects.create(action=both, organisation=kept, role="lead")
    person = Person.objects.create(project=project, key="p", name="Chloé", organisation=removed)
    BudgetLine.objects.create(action=action, funder=removed, label="Subvention", amount=1000)
    body = Body.objects.create(project=project, key="copil", name="Comité de pilotage")
    BodyMember.objects.create(body=body, organisation=removed)
    project.owner = removed
    project.save()
    return project, kept, removed, elsewhere, action, both, person


def test_merge_moves_everything_and_keeps_a_trace(twins):
    project, kept, removed, elsewhere, action, both, person = twins
    removed_structure = removed.structure
    trace = merging.merge(kept, removed)
    assert not Organisation.objects.filter(pk=removed.pk).exists()
    action.refresh_from_db(), person.refresh_from_db(), project.refresh_from_db(), kept.refresh_from_db()
    assert action.lead_organisation_id == kept.pk and person.organisation_id == kept.pk
    assert project.owner_id == kept.pk
    assert set(ActionPartner.objects.filter(action=action).values_list("organisation_id", "role")) == {
        (kept.pk, "funder")
    }
    assert ActionPartner.objects.filter(action=both, organisation=kept, role="lead").count() == 1  # not twice
    assert BudgetLine.objects.get(action=action).funder_id == kept.pk
    assert BodyMember.objects.get(body__project=project).organisation_id == kept.pk
    assert list(kept.domains.values_list("name", flat=True)) == ["Familles"]
    assert (kept.website, kept.acronym) == ("caf.fr", "CAF")  # empty fields filled, the name kept
    # The two structures are one across plans: the other plan's entry follows.
    elsewhere.refresh_from_db()
    assert elsewhere.structure_id == kept.structure_id
    assert not Structure.objects.filter(pk=removed_structure.pk).exists()
    assert trace.removed_name == "CAF du Puy-de-Dôme" and trace.moved["actions.actionpartner"] == 2
    assert Merge.objects.filter(project=project).count() == 1


def test_merge_refuses_entries_of_two_projects(twins):
    _project, kept, _removed, elsewhere, *_ = twins
    with pytest.raises(merging.MergeRefused):
        merging.merge(kept, elsewhere)


def test_suggestions_name_twins_by_structure_and_by_name():
    project = ProjectFactory(slug="merge-suggest")
    a = Organisation.objects.create(project=project, key="a", name="Mission locale", city="Vienne")
    b = Organisation.objects.create(project=project, key="b", name="MISSION LOCALE", city="Givors")
    found = merging.suggestions(project)
    assert [(s.first.pk, s.second.pk, s.reason) for s in found] == [(a.pk, b.pk, "name")]


def test_duplicates_and_merge_screens(client, twins):
    project, kept, removed, *_ = twins
    project.parent = ProjectFactory(kind="pms")
    project.save()
    url = reverse("partner-duplicates", args=[project.slug])
    assert check_every_role(client, project, url, manage=True, public_redirect=False) == {}
    merge_url = reverse("organisation-merge", args=[project.slug, kept.pk, removed.pk])
    assert check_refused_posts(client, project, merge_url) == {}
    login_as(client, project, "coordinator")
    page = client.get(merge_url).content.decode()
    assert "Ce qui sera déplacé" in page and "Chloé" in page
    response = client.post(merge_url)
    assert response.status_code == 302 and not Organisation.objects.filter(pk=removed.pk).exists()
    assert "fusionnée dans" in client.get(url).content.decode()


def test_merge_screen_refuses_ids_of_another_project(client, twins):
    project, kept, _removed, elsewhere, *_ = twins
    login_as(client, project, "coordinator")
    response = client.post(reverse("organisation-merge", args=[project.slug, kept.pk, elsewhere.pk]))
    assert response.status_code == 404 and Organisation.objects.filter(pk=elsewhere.pk).exists()


def test_organisation_page_lists_the_other_plans_the_viewer_may_read(client):
    mine, theirs, hidden = (
        project_with_network(slug="org-mine"),
        ProjectFactory(slug="org-theirs", published=True),
        ProjectFactory(slug="org-hidden"),
    )
    entries = [
        Organisation.objects.create(project=p, key="asso", name="Association Relais", city="Vienne")
        for p in (mine, theirs, hidden)
    ]
    shown = ActionFactory(project=theirs, ref="R1", title="Forum des métiers")
    ActionPartner.objects.create(action=shown, organisation=entries[1], role="relay")
    ActionFactory(project=hidden, ref="H1", title="Action cachée", lead_organisation=entries[2])
    login_as(client, mine, "reader")
    page = client.get(reverse("organisation-detail", args=[mine.slug, entries[0].pk])).content.decode()
    assert theirs.title in page and reverse("public-plan", args=[theirs.slug]) in page
    assert "Forum des métiers" in page and reverse("public-action", args=[theirs.slug, "R1"]) in page
    assert hidden.title not in page and "Action cachée" not in page


def test_form_siret_links_the_entry_to_the_known_structure(client):
    project = project_with_network(slug="org-form")
    known = Structure.objects.create(name="Régie de quartier", siret="12345678901234", match_key="x")
    login_as(client, project, "coordinator")
    response = client.post(
        reverse("organisation-create", args=[project.slug]),
        {"name": "Régie de quartier Nord", "siret": "123 456 789 01234", "insee_code": "69266"},
    )
    assert response.status_code == 302
    entry = Organisation.objects.get(project=project)
    assert entry.structure_id == known.pk
    known.refresh_from_db()
    assert known.insee_code == "69266"
    bad = client.post(reverse("organisation-create", args=[project.slug]), {"name": "Autre", "siret": "12"})
    assert "14 chiffres" in bad.content.decode()


def test_migration_carries_the_demo_directories_over_with_nothing_lost(demo_db):
    before = list(Organisation.objects.order_by("pk").values_list("pk", "project_id", "key", "name", "city", "address"))
    roles = ActionPartner.objects.count()
    Organisation.objects.update(structure=None)
    Structure.objects.all().delete()
    migration = importlib.import_module("maillage.partners.migrations.0005_carry_entries_to_structures")
    migration.carry_over(apps, None)
    after = list(Organisation.objects.order_by("pk").values_list("pk", "project_id", "key", "name", "city", "address"))
    assert after == before and ActionPartner.objects.count() == roles
    assert not Organisation.objects.filter(structure__isnull=True).exists()
    # An organisation named with its commune in two demo plans is one structure.
    shared = {s.pk for s in Structure.objects.all() if s.entries.values("project").distinct().count() > 1}
    for structure_id in shared:
        names = {
            identity.match_key(n, c)
            for n, c in Organisation.objects.filter(structure_id=structure_id).values_list("name", "city")
        }
        assert len(names) == 1
    assert Action.objects.exists()
