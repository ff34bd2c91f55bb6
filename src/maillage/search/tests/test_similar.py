"""« Actions similaires »: other projects' actions the user may read, the closest first."""

from django.contrib.auth.models import AnonymousUser

from maillage.actions.models import Action
from maillage.search.similar import significant_words, similar_actions


def test_similar_actions_come_from_other_readable_projects_closest_first(world):
    source = world.actions["private"]
    Action.objects.create(project=world.public, ref="P2", title="Jardin partagé", description="Des légumes.")
    Action.objects.create(
        project=world.public,
        ref="P3",
        title="Permanence emploi",
        description="Une permanence pour trouver une assistante maternelle.",
    )
    reader = world.users["reader"]
    found = similar_actions(source, reader)
    assert [a.ref for a in found] == ["P1", "P3"]  # its title's words in P1's title, in P3's text only
    assert found[0].project == world.public and found[0].similarity >= found[1].similarity
    assert all(a.project_id != source.project_id for a in found)  # never its own project
    assert "H1" not in [a.ref for a in found]  # a private project the reader is no member of
    assert [a.ref for a in similar_actions(source, reader, limit=1)] == ["P1"]


def test_a_member_of_the_other_project_sees_its_actions_and_anonymous_only_published_ones(world):
    source = world.actions["public"]
    assert {a.ref for a in similar_actions(source, world.users["outsider"])} == {"H1"}
    assert {a.ref for a in similar_actions(source, world.users["reader"])} == {"V1"}
    assert similar_actions(source, AnonymousUser()) == []


def test_the_query_is_the_actions_telling_words(world):
    action = Action(
        title="Mise en place d'un relais d'assistantes maternelles",
        description="Le relais accueille les assistantes maternelles et les parents du territoire.",
    )
    words = significant_words(action)
    assert words[:3] == ["relais", "assistantes", "maternelles"]  # title words, then by count and order
    assert "mise" not in words and "territoire" not in words and "les" not in words
    assert similar_actions(Action(project=world.public, title="de la"), world.users["reader"]) == []


def test_similar_actions_cost_two_queries(world, django_assert_max_num_queries):
    source = world.actions["private"]
    with django_assert_max_num_queries(2):
        similar_actions(source, world.users["reader"])
