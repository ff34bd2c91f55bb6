"""The same examples give the same results, in the same order, on SQLite (FTS5 with the light stemmer)
and on PostgreSQL (maillage_fr: unaccent and Snowball): the suite runs on either, CI on both."""

import pytest

from maillage.actions.models import Action
from maillage.projects.tests.factories import ProjectFactory
from maillage.search.engines import engine_for, terms
from maillage.search.models import Kind, SearchEntry
from maillage.search.stemming import stem, stems

SHEETS = [
    ("E1", "Assistantes maternelles du quartier", ""),
    ("E2", "Accueil des enfants", "Une assistante maternelle reçoit les enfants."),
    ("E3", "Fête de l'école", "Une fête pour les écoles et les familles."),
    ("E4", "Médiathèque", "Lectures pour les enfants des écoles, et des enfants avec leurs parents."),
    ("E5", "Jardins partagés", "Des jardins sociaux et un jardin familial."),
    ("E6", "Goûter", "Un goûter pour les enfants du centre."),
]


@pytest.fixture
def sheets(db):
    project = ProjectFactory(slug="moteur")
    for ref, title, description in SHEETS:
        Action.objects.create(project=project, ref=ref, title=title, description=description)
    return project


def found(project, query, any_word=False):
    entries = SearchEntry.objects.filter(project=project, kind=Kind.ACTION)
    return [entry.action.ref for entry in engine_for().search(entries, query, any_word).select_related("action")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("assistante maternelle", ["E1", "E2"]),  # the title's words rank above the text's
        ("assistantes maternelles", ["E1", "E2"]),  # plural finds singular, and the other way round
        ("ASSISTANTE Maternelle", ["E1", "E2"]),
        ("ecole", ["E3", "E4"]),  # "e" finds "é"
        ("écoles", ["E3", "E4"]),
        ("ÉCOLE", ["E3", "E4"]),
        ("enfants écoles", ["E4"]),  # every word must be found
        ("enfant", ["E2", "E4", "E6"]),  # in the title first, then twice in the text, then once
        ("jardin social", ["E5"]),  # « sociaux » is « social »
        ("les jardins de la ville", []),  # stop words aside, « ville » is still wanted
        ("fêtes", ["E3"]),
        ("introuvable", []),
        ("de la du", []),  # nothing but stop words: nothing found, nothing refused
        ("", []),
    ],
)
def test_the_same_examples_give_the_same_ranked_results(sheets, query, expected):
    assert found(sheets, query) == expected


def test_any_word_finds_the_sheets_holding_one_of_them_ranked(sheets):
    entries = SearchEntry.objects.filter(project=sheets, kind=Kind.ACTION)
    ranked = list(engine_for().search(entries, "assistante maternelle jardin", any_word=True).select_related("action"))
    assert {entry.action.ref for entry in ranked} == {"E1", "E2", "E5"}
    ranks = [entry.rank for entry in ranked]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] > 0


def test_query_syntax_is_only_words(sheets):
    # FTS5 and tsquery operators are read as words, never as syntax.
    for query in ('"', "NOT école", "école OR", "AND (", "enfant*", "'; DROP TABLE", "-école", "école & | !"):
        found(sheets, query)  # no error
    assert found(sheets, "école*") == ["E3", "E4"]


def test_the_light_stemmer_folds_plural_and_feminine():
    assert stems("assistantes maternelles") == stems("assistante maternelle") == ["assistant", "maternel"]
    assert stem("sociaux") == stem("sociale") == stem("social") == "social"
    assert stem("citoyennes") == stem("citoyen")
    assert stem("animatrices") == stem("animateur")
    assert stem("processus") == "processus"
    assert stems("Les écoles de l'Œuvre") == ["les", "ecol", "oeuvr"]  # « les » is no stop word in PostgreSQL
    assert terms("des Écoles et l'école") == ["ecoles", "ecole"]


def test_a_long_query_is_cut_before_it_reaches_the_engine(world, client):
    """Whoever asks (search page, actions list, library), a query costs at most MAX_TERMS words of its
    first MAX_QUERY characters: 5,000 words do not make a 5,000-term match."""
    from django.urls import reverse

    from maillage.search.engines import MAX_QUERY, MAX_TERMS, terms

    long = " ".join(f"mot{n}" for n in range(5000))
    assert len(terms(long)) <= MAX_TERMS and len(" ".join(terms(long))) <= MAX_QUERY
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("action-list", args=[world.private.slug]), {"q": long})
    assert response.status_code == 200
