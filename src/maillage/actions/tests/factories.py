import factory

from maillage.actions.models import Action
from maillage.projects.tests.factories import ProjectFactory


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    project = factory.SubFactory(ProjectFactory)
    ref = factory.Sequence(lambda n: f"A{n:03d}")
    title = factory.Sequence(lambda n: f"Fiche action n° {n}")
