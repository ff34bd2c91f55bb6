import factory

from maillage.projects.models import Level, Node, Period, Project


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    slug = factory.Sequence(lambda n: f"projet-{n}")
    title = factory.Sequence(lambda n: f"Projet social de territoire n° {n}")
    kind = Project.Kind.PST
    first_year = 2023
    last_year = 2026


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Level

    project = factory.SubFactory(ProjectFactory)
    depth = 1
    name = factory.Sequence(lambda n: f"Niveau {n}")


class NodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Node

    project = factory.SubFactory(ProjectFactory)
    level = factory.LazyAttribute(lambda node: node.project.levels.first() or LevelFactory(project=node.project))
    title = factory.Sequence(lambda n: f"Objectif {n}")


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period

    project = factory.SubFactory(ProjectFactory)
    label = factory.Sequence(lambda n: f"Période {n}")
    first_year = 2023
    last_year = 2024
