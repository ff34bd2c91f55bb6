"""Adding, inviting and removing members: the rules behind the project's members screen."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from maillage.accounts import members
from maillage.accounts.access import access_for
from maillage.accounts.models import Membership
from maillage.partners.models import Person
from maillage.projects.tests.factories import ProjectFactory

from .factories import UserFactory, member

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_an_account_is_found_by_username_or_email_whatever_the_case():
    user = UserFactory(username="Chloe", email="chloe@mairie.fr")
    assert members.find_user("chloe") == user
    assert members.find_user(" CHLOE@mairie.fr ") == user
    assert members.find_user("inconnu") is None


def test_two_accounts_with_one_email_ask_for_the_username():
    UserFactory(username="a", email="double@exemple.fr")
    UserFactory(username="b", email="double@exemple.fr")
    with pytest.raises(ValidationError) as error:
        members.find_user("double@exemple.fr")
    assert "saisissez plutôt l'identifiant" in str(error.value)


def test_a_new_email_gets_an_account_without_password_and_an_invitation():
    project, inviter = ProjectFactory(title="PST du Gier"), UserFactory(first_name="Chloé", last_name="Martin")
    UserFactory(username="jean-dupont")
    membership, invited = members.add_member(
        project, "Jean.Dupont@asso.fr", Role.READER, inviter=inviter, base_url="https://maillage.example/"
    )
    assert invited and membership.role == Role.READER
    user = membership.user
    assert user.username == "jean-dupont-2" and user.email == "Jean.Dupont@asso.fr"
    assert not user.has_usable_password() and user.is_active
    (message,) = mail.outbox
    assert message.subject == "Maillage : invitation au projet « PST du Gier »"
    assert "Chloé Martin vous invite à rejoindre le projet « PST du Gier »" in message.body
    assert "https://maillage.example/mot-de-passe/nouveau/" in message.body
    assert "jean-dupont-2" in message.body


def test_an_existing_account_is_added_without_mail():
    project = ProjectFactory()
    user = UserFactory()
    membership, invited = members.add_member(project, user.username, Role.CONTRIBUTOR, inviter=user, base_url="/")
    assert not invited and membership.user == user and not mail.outbox


def test_a_failed_invitation_leaves_nothing_behind():
    project = ProjectFactory()
    with pytest.raises(ValidationError):
        members.add_member(project, "pas-une-adresse", Role.READER, inviter=UserFactory(), base_url="/")
    assert not Membership.objects.filter(project=project).exists()


def test_the_last_manager_stays():
    project = ProjectFactory()
    coordinator = member(project, Role.COORDINATOR)
    own = Membership.objects.get(user=coordinator)
    with pytest.raises(ValidationError):
        members.change_role(own, Role.READER)
    with pytest.raises(ValidationError):
        members.remove_member(own)
    second = Membership.objects.get(user=member(project, Role.NETWORK_ADMIN))
    members.change_role(own, Role.READER)
    with pytest.raises(ValidationError):
        members.remove_member(second)


def test_linking_a_person_opens_the_actions_they_lead():
    from maillage.actions.tests.factories import ActionFactory

    project = ProjectFactory()
    user = member(project, Role.CONTRIBUTOR)
    membership = Membership.objects.get(user=user)
    person = Person.objects.create(project=project, key="nadia", name="Nadia")
    action = ActionFactory(project=project)
    action.leads.add(person)
    assert not access_for(user, project).can_edit_action(action)
    members.link_person(membership, person)
    assert access_for(user, project).can_edit_action(action)
    members.unlink_person(membership, person)
    assert not access_for(user, project).can_edit_action(action)
    foreign = Person.objects.create(project=ProjectFactory(), key="autre", name="Autre")
    with pytest.raises(ValidationError):
        members.link_person(membership, foreign)


def test_only_network_admins_grant_the_network_role():
    project = ProjectFactory()
    coordinator = access_for(member(project, Role.COORDINATOR), project)
    admin = access_for(member(project, Role.NETWORK_ADMIN), project)
    assert Role.NETWORK_ADMIN not in dict(members.grantable_roles(coordinator))
    assert Role.NETWORK_ADMIN in dict(members.grantable_roles(admin))
