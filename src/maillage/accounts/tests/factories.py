import factory

from maillage.accounts.models import Membership, User
from maillage.projects.tests.factories import ProjectFactory

PASSWORD = "mot-de-passe-de-test"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"personne-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@exemple.fr")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    project = factory.SubFactory(ProjectFactory)
    role = Membership.Role.READER


def member(project, role):
    """A new user holding ``role`` on ``project``."""
    return MembershipFactory(project=project, role=role).user
