"""« Actions similaires »: actions of other projects the user may read, ranked by TF-IDF on the words of
their title and sections — a provisional ranking over ``Action.search_text``, with the signature of the
search engine's ``similar_actions`` so that one can replace the other.

Cost is bounded whatever the size of the database: the source's ``TERMS`` most frequent words (title
words counted thrice) are weighed by their rarity among the readable actions (one aggregate query),
the ``CANDIDATES`` best matches are picked in the database by the sum of the weights of the words they
hold, and only those are read back (their title and search text) to be ranked by cosine similarity.
"""

import math
import re
from collections import Counter

from django.db.models import Case, Count, FloatField, Q, Value, When
from django.db.models.functions import Coalesce

from maillage.accounts.access import readable_projects
from maillage.actions.models import SECTIONS, Action
from maillage.french import normalise

from .sharing import shared_q

TERMS = 12
CANDIDATES = 60
TITLE_WEIGHT = 3

STOPWORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cette",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "etc",
        "il",
        "ils",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "lors",
        "mais",
        "ne",
        "ni",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sont",
        "sur",
        "ta",
        "te",
        "tes",
        "ton",
        "tous",
        "tout",
        "toute",
        "toutes",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "y",
        "est",
        "sera",
        "etre",
        "avoir",
        "afin",
        "ainsi",
        "entre",
        "plus",
        "tres",
        "aussi",
        "comme",
        "chaque",
        "fait",
        "faire",
        "mise",
        "mettre",
        "action",
        "actions",
        "projet",
        "territoire",
        "cadre",
    ]
)


def words(text: str) -> list[str]:
    """Normalised words worth comparing: no stopwords, no short words, plural folded to singular."""
    found = []
    for word in re.split(r"\s+", normalise(text)):
        if len(word) < 3 or word in STOPWORDS or word.isdigit():
            continue
        if len(word) > 4 and word[-1] in "sx":
            word = word[:-1]
        found.append(word)
    return found


def source_terms(action) -> Counter:
    counts = Counter()
    for word in words(action.title):
        counts[word] += TITLE_WEIGHT
    for name in SECTIONS:
        counts.update(words(getattr(action, name)))
    return counts


def readable_q(user) -> Q:
    """Actions the user may read: in a readable project, or shared with one of their networks."""
    condition = Q(project__in=readable_projects(user))
    if user.is_authenticated:
        condition |= shared_q(user)
    return condition


def _vector(counts: Counter, idf: dict[str, float]) -> dict[str, float]:
    return {term: (1 + math.log(n)) * idf[term] for term, n in counts.items() if term in idf and n}


def _cosine(a: dict, b: dict) -> float:
    dot = sum(weight * b.get(term, 0.0) for term, weight in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def similar_actions(action, user, limit: int = 5) -> list[Action]:
    """Up to ``limit`` actions of other projects that ``user`` may read, most similar first."""
    terms = [term for term, _n in source_terms(action).most_common(TERMS)]
    if not terms or limit <= 0:
        return []
    pool = Action.objects.filter(readable_q(user)).exclude(project_id=action.project_id)
    # A word is held when it starts a word of the text: " assistante" finds « assistantes ».
    held = {term: Q(search_text__contains=" " + term) for term in terms}
    frequencies = pool.aggregate(
        total=Count("pk"), **{f"t{i}": Count("pk", filter=held[t]) for i, t in enumerate(terms)}
    )
    total = frequencies.pop("total")
    idf = {}
    for i, term in enumerate(terms):
        if frequencies[f"t{i}"]:
            idf[term] = math.log(1 + total / frequencies[f"t{i}"])
    if not idf:
        return []
    score = sum(
        (
            Case(When(held[term], then=Value(weight)), default=Value(0.0), output_field=FloatField())
            for term, weight in idf.items()
        ),
        Value(0.0),
    )
    any_term = Q()
    for term in idf:
        any_term |= held[term]
    candidates = list(
        pool.filter(any_term)
        .annotate(score=Coalesce(score, Value(0.0)))
        .order_by("-score", "pk")
        .only("pk", "title", "search_text")[:CANDIDATES]
    )
    mine = _vector(source_terms(action), idf)
    ranked = []
    for candidate in candidates:
        counts = Counter()
        for word in words(candidate.title):
            counts[word] += TITLE_WEIGHT
        counts.update(words(candidate.search_text))
        ranked.append((_cosine(mine, _vector(counts, idf)), candidate.pk))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    best = [pk for similarity, pk in ranked if similarity > 0][:limit]
    by_pk = {a.pk: a for a in Action.objects.filter(pk__in=best).select_related("project")}
    return [by_pk[pk] for pk in best if pk in by_pk]
