"""Issue 16, fuzzing: random changes anywhere in a real interchange document give either an imported
project or a French refusal with nothing written — never another exception.

The document is a demo plan (every kind of entity the schema holds); hypothesis picks a place at any
depth (a key of an object, an item of a list) and replaces, removes or duplicates what is there, a few
times over. Bounded: ``max_examples`` and no per-example deadline (an import takes a fraction of a second).
"""

import copy
import json
from functools import cache

import pytest
from django.apps import apps
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from maillage.demo.loading import demo_documents
from maillage.interchange.importing import import_document
from maillage.interchange.validation import InvalidDocument

pytestmark = pytest.mark.django_db

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=5),
    st.sampled_from(["", " ", "\n", "2024-02-30", "0000-01-01", "12:61", "1e999", "axe-1", "A1", "done", "caf"]),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)

SIMILAR = {
    str: st.one_of(st.text(alphabet="abcdeéèàçôABCÉ-' 0123456789", min_size=1, max_size=40), st.text(max_size=40)),
    int: st.integers(min_value=-5, max_value=3000),
    float: st.floats(min_value=-1e6, max_value=1e9),
    bool: st.booleans(),
}


@cache
def _document() -> str:
    """The smallest demo plan that still has governance, budget and indicators (kept as JSON text)."""
    document = next(doc for doc in demo_documents() if doc["project"]["slug"] == "clermont-sud")
    document = copy.deepcopy(document)
    document["project"]["slug"] = "essai-fuzz"
    return json.dumps(document)


def _places(node, path=()):
    """Every place of the document: (path to its container, key or index)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key
            yield from _places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield path, index
            yield from _places(value, (*path, index))


@cache
def _all_places() -> tuple:
    return tuple(_places(json.loads(_document())))


def _container(document, path):
    for step in path:
        document = document[step]
    return document


def rows() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models(include_auto_created=True)}


@st.composite
def mutated(draw):
    document = json.loads(_document())
    for _change in range(draw(st.sampled_from([1, 1, 2, 3]))):
        path, key = draw(st.sampled_from(_all_places()))
        try:
            container = _container(document, path)
            container[key]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change took this place away
        how = draw(st.sampled_from(["similar", "similar", "replace", "remove", "duplicate"]))
        if how == "similar":  # a value of the same type: what a person or another tool might write
            container[key] = draw(SIMILAR.get(type(container[key]), VALUES))
        elif how == "replace":
            container[key] = draw(VALUES)
        elif how == "remove":
            del container[key]
        elif isinstance(container, list):
            container.append(copy.deepcopy(container[key]))
        else:
            container[key] = [container[key], container[key]]
    return document


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=mutated())
def test_a_changed_document_imports_or_is_refused_in_french_with_nothing_written(document):
    before = rows()
    try:
        project = import_document(document)
    except InvalidDocument as refusal:
        event("refusé")
        assert "Document refusé" in str(refusal) and "Rien n'a été enregistré" in str(refusal)
        assert rows() == before
        return
    event("importé")
    project.delete()  # accepted: the next example starts from the same base
