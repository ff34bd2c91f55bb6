"""The rules of the tree and the periods, enforced on save and not only in forms."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maillage.projects.models import Level, Node, Period

from .factories import LevelFactory, NodeFactory, PeriodFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_node_level_must_exist_in_its_project():
    project, other = ProjectFactory(), ProjectFactory()
    foreign_level = LevelFactory(project=other, name="Axe")
    node = Node(project=project, level=foreign_level, title="Accéder à ses droits")
    with pytest.raises(ValidationError) as error:
        node.full_clean()
    assert "n'existe pas dans le projet" in str(error.value)
    with pytest.raises(ValidationError):
        node.save()
    assert not Node.objects.filter(project=project).exists()


def test_a_child_node_is_deeper_than_its_parent():
    project = ProjectFactory()
    axe = LevelFactory(project=project, depth=1, name="Axe")
    enjeu = LevelFactory(project=project, depth=2, name="Enjeu")
    parent = NodeFactory(project=project, level=enjeu)
    child = Node(project=project, parent=parent, level=axe, title="Mauvais niveau")
    with pytest.raises(ValidationError) as error:
        child.full_clean()
    assert "plus profond" in str(error.value)
    NodeFactory.build(project=project, parent=NodeFactory(project=project, level=axe), level=enjeu).full_clean()


def test_a_parent_node_of_another_project_is_refused():
    project, other = ProjectFactory(), ProjectFactory()
    level = LevelFactory(project=project)
    stranger = NodeFactory(project=other)
    with pytest.raises(ValidationError, match="autre projet"):
        Node(project=project, level=level, parent=stranger, title="Intrus").save()


def test_a_node_cannot_move_under_itself():
    project = ProjectFactory()
    level1, level2 = LevelFactory(project=project, depth=1), LevelFactory(project=project, depth=2)
    top = NodeFactory(project=project, level=level1)
    child = NodeFactory(project=project, level=level2, parent=top)
    top.parent = child
    with pytest.raises(ValidationError):
        top.full_clean()


def test_node_codes_are_unique_in_a_project_but_may_be_empty():
    project = ProjectFactory()
    level = LevelFactory(project=project)
    NodeFactory(project=project, level=level, code="1.1")
    NodeFactory(project=project, level=level, code="")
    NodeFactory(project=project, level=level, code="")
    NodeFactory(project=ProjectFactory(), code="1.1")
    with pytest.raises(IntegrityError), transaction.atomic():
        NodeFactory(project=project, level=level, code="1.1")


def test_a_project_has_at_most_six_levels():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        LevelFactory(project=project, depth=7)


def test_period_years_must_lie_inside_the_project_period():
    project = ProjectFactory(first_year=2021, last_year=2024)
    PeriodFactory(project=project, label="2023-2024", first_year=2023, last_year=2024)
    with pytest.raises(ValidationError) as error:
        PeriodFactory(project=project, label="2025-2026", first_year=2025, last_year=2026)
    assert "comprises dans la période du projet (2021-2024)" in str(error.value)
    assert list(Period.objects.filter(project=project).values_list("label", flat=True)) == ["2023-2024"]


def test_a_period_ends_after_it_starts():
    project = ProjectFactory(first_year=2021, last_year=2024)
    with pytest.raises(ValidationError, match="précéder"):
        PeriodFactory(project=project, first_year=2024, last_year=2022)


def test_a_project_period_is_in_order():
    project = ProjectFactory.build(first_year=2025, last_year=2023)
    with pytest.raises(ValidationError, match="précéder"):
        project.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


def test_a_node_is_numbered_with_its_level_name_once():
    project = ProjectFactory()
    visee = Level.objects.create(project=project, depth=1, name="Visée")
    objective = Level.objects.create(project=project, depth=2, name="Objectif")
    first = Node.objects.create(project=project, level=visee, code="Visée 1", title="Agir ensemble")
    second = Node.objects.create(project=project, level=objective, parent=first, code="1.1", title="Informer")
    bare = Node.objects.create(project=project, level=objective, parent=first, title="Accueillir")
    assert (first.numbered, second.numbered, bare.numbered) == ("Visée 1", "Objectif 1.1", "Objectif")
    assert first.heading == "Visée 1 — Agir ensemble" and bare.heading == "Objectif : Accueillir"


def test_no_level_name_is_doubled_on_the_demo_trees(client, demo_db):
    from django.urls import reverse

    from maillage.accounts.models import User

    client.force_login(User.objects.create(username="numbering-admin", is_superuser=True))
    for slug, project in demo_db.items():
        text = client.get(reverse("project-tree", args=[slug])).content.decode()
        if not project.nodes.exists():
            continue
        for level in project.levels.values_list("name", flat=True):
            assert f"{level} {level} " not in text, (slug, level)
