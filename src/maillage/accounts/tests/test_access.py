"""Roles become permissions in one place: every role, on its project, on another, and across a network."""

import pytest

from maillage.accounts.access import access_for, managed_projects, member_projects, readable_projects, role_in
from maillage.accounts.models import Membership
from maillage.actions.tests.factories import ActionFactory
from maillage.partners.models import Person
from maillage.projects.tests.factories import ProjectFactory

from .factories import UserFactory, member

Role = Membership.Role
pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory(published=False)


def test_each_role_gets_its_rights(project):
    action = ActionFactory(project=project)
    expected = {
        Role.COORDINATOR: (True, True, True, True),
        Role.NETWORK_ADMIN: (True, True, True, True),
        Role.CONTRIBUTOR: (True, False, True, False),
        Role.READER: (True, False, False, False),
    }
    for role, (read, manage, contribute, edit) in expected.items():
        access = access_for(member(project, role), project)
        assert (access.can_read, access.can_manage, access.can_contribute, access.can_edit_action(action)) == (
            read,
            manage,
            contribute,
            edit,
        ), role
        assert access.can_comment


def test_contributor_edits_only_the_actions_they_lead_and_their_sub_actions(project):
    user = member(project, Role.CONTRIBUTOR)
    person = Person.objects.create(project=project, key="p", name="Léa Martin", user=user)
    led, other = ActionFactory(project=project), ActionFactory(project=project)
    child = ActionFactory(project=project, parent=led)
    led.leads.add(person)
    access = access_for(user, project)
    assert access.can_edit_action(led)
    assert access.can_edit_action(child)
    assert not access.can_edit_action(other)
    assert not access.can_manage


def test_no_right_carries_to_another_project(project):
    other = ProjectFactory(published=False)
    user = member(project, Role.COORDINATOR)
    assert role_in(user, other) is None
    access = access_for(user, project)
    assert not access.can_edit_action(ActionFactory(project=other))
    assert not access_for(user, other).can_read


def test_network_admin_covers_the_projects_declined_from_the_network():
    pms = ProjectFactory(published=False)
    pst = ProjectFactory(published=False, parent=pms)
    neighbourhood = ProjectFactory(published=False, parent=pst)
    elsewhere = ProjectFactory(published=False)
    admin = member(pms, Role.NETWORK_ADMIN)
    assert access_for(admin, pst).can_manage
    assert access_for(admin, neighbourhood).can_manage
    assert not access_for(admin, elsewhere).can_read
    assert set(readable_projects(admin).filter(published=False)) == {pms, pst, neighbourhood}
    assert set(member_projects(admin)) == {pms, pst, neighbourhood}


def test_the_strongest_role_wins_but_a_pst_role_does_not_climb_to_the_network():
    pms = ProjectFactory(published=False)
    pst = ProjectFactory(published=False, parent=pms)
    user = member(pst, Role.COORDINATOR)
    Membership.objects.create(user=user, project=pms, role=Role.READER)
    assert role_in(user, pst) == Role.COORDINATOR
    assert role_in(user, pms) == Role.READER


def test_visitors_read_published_projects_only(project):
    from django.contrib.auth.models import AnonymousUser

    published = ProjectFactory(published=True)
    visitor = AnonymousUser()
    assert access_for(visitor, published).is_public
    assert not access_for(visitor, published).can_comment
    assert not access_for(visitor, project).can_read
    assert project not in readable_projects(visitor)
    assert published in readable_projects(visitor)


def test_superuser_coordinates_everything(project):
    boss = UserFactory(is_superuser=True)
    assert access_for(boss, project).can_manage


def test_managed_projects_are_exactly_those_access_lets_manage(django_assert_max_num_queries):
    pms = ProjectFactory(published=False)
    pst = ProjectFactory(published=False, parent=pms)
    coordinated, read = ProjectFactory(published=False), ProjectFactory(published=True)
    user = member(coordinated, Role.COORDINATOR)
    Membership.objects.create(user=user, project=read, role=Role.READER)
    Membership.objects.create(user=user, project=pms, role=Role.NETWORK_ADMIN)
    with django_assert_max_num_queries(1):
        managed = set(managed_projects(user))
    assert managed == {coordinated, pms, pst}
    assert managed == {p for p in member_projects(user) if access_for(user, p).can_manage}
