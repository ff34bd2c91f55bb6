"""« Actions similaires »: actions of other projects that read like this one, and the actions list's
matching, both through the search engine.

An action's most telling words (its title's above its sections', stop words and the plan's stock words
aside, each stem once) make an OR query; the engine ranks the actions of the other projects the user
may read by it (bm25 on SQLite, ``ts_rank`` on PostgreSQL, title words weighing more). The cost is bounded: the
index gives at most ``CANDIDATES`` matching actions (in its own order, not by relevance), and only those
are ranked: on a network where more actions share a word with this one, a better match may be left out.
"""

from collections import Counter

from maillage.actions.models import SECTIONS, Action

from .engines import engine_for
from .models import Kind, SearchEntry
from .querying import visible_entries
from .stemming import STOP_WORDS, stem, stems, words

MAX_TERMS = 12
CANDIDATES = 1000
TITLE_BONUS = 3
# Words every plan writes, which say nothing of what an action is about.
_STOCK_WORDS = """
    action actions projet projets mise mettre place plan fiche territoire territoires partenaire partenaires
    developper developpement permettre favoriser ainsi afin entre leurs plus tous toutes tout sont etre faire
    mieux cette cet autres autre"""
STOCK_WORDS = frozenset(_STOCK_WORDS.split())


def _telling(action, limit: int = MAX_TERMS) -> list[tuple[str, str, int]]:
    """(stem, first spelling, weight) of the action's ``limit`` telling words, most telling first: title
    words count thrice, stop words, the plans' stock words, short words and numbers aside."""
    counts, spelling = Counter(), {}
    for weight, text in ((TITLE_BONUS, action.title), *((1, getattr(action, name)) for name in SECTIONS)):
        for word in words(text):
            if len(word) < 4 or word in STOP_WORDS or word in STOCK_WORDS or not word.isalpha():
                continue
            key = stem(word)
            spelling.setdefault(key, word)
            counts[key] += weight
    order = {key: position for position, key in enumerate(spelling)}
    ranked = sorted(counts, key=lambda key: (-counts[key], order[key]))
    return [(key, spelling[key], counts[key]) for key in ranked[:limit]]


def significant_words(action, limit: int = MAX_TERMS) -> list[str]:
    """The action's telling words, most telling first: one word per stem (its first spelling)."""
    return [word for _key, word, _weight in _telling(action, limit)]


def weighted_stems(action, limit: int = MAX_TERMS) -> dict[str, int]:
    """The stems of :func:`significant_words` with their weight in the action."""
    return {key: weight for key, _word, weight in _telling(action, limit)}


def similar_actions(action, user, limit: int = 5, also=None) -> list[Action]:
    """Up to ``limit`` actions of other projects that ``user`` may read, most similar first, each with
    its ``project`` loaded and its score in ``similarity``. ``also``: a condition on ``Action`` rows the
    user may read besides (the library's actions shared with a network).

    The engine's rank weighs every word of the query alike and depends on the whole index (bm25's and
    ts_rank's word rarity): its best ``limit`` are ordered again by the weight each shared word has in
    this action — in the candidate's title, thrice — so that sharing the action's subject comes before
    sharing an aside, whatever else the database holds. Only ``limit`` rows are read (the fiche reads no
    more when the network grows: ``growth_tests``), so which actions are shown stays the engine's choice."""
    found = significant_words(action)
    if not found:
        return []
    engine, query = engine_for(), " ".join(found)
    entries = visible_entries(user)
    if also is not None:
        entries = entries | SearchEntry.objects.filter(action_id__in=Action.objects.filter(also).values("pk"))
    entries = entries.filter(kind=Kind.ACTION).exclude(project_id=action.project_id)
    # Ranking every action that shares one common word with this one would cost as much as the
    # network is large: the index hands the first CANDIDATES matches, and only they are ranked.
    candidates = engine.search(entries, query, any_word=True).order_by().values("pk")[:CANDIDATES]
    ranked = engine.search(SearchEntry.objects.filter(pk__in=candidates), query, any_word=True)
    best = list(ranked.values_list("action_id", "rank", "title", "text")[:limit])
    weights = weighted_stems(action)

    def score(title: str, text: str) -> int:
        in_title, in_text = set(stems(title)), set(stems(text))
        return sum(
            n * (TITLE_BONUS if key in in_title else 1) for key, n in weights.items() if key in in_title | in_text
        )

    scored = sorted(
        ((score(title, text), position, pk, rank) for position, (pk, rank, title, text) in enumerate(best)),
        key=lambda item: (-item[0], item[1]),
    )[:limit]
    by_id = Action.objects.select_related("project").in_bulk([pk for _score, _position, pk, _rank in scored])
    result = []
    for weight, _position, pk, rank in scored:
        if pk in by_id:
            by_id[pk].similarity = rank
            by_id[pk].shared_weight = weight
            result.append(by_id[pk])
    return result


def matching_actions(project, query):
    """The ids of the project's actions matching every word of ``query``, for the actions list's ``q=``;
    of every project's when ``project`` is None (the library, which filters by permission after)."""
    entries = SearchEntry.objects.filter(kind=Kind.ACTION)
    if project is not None:
        entries = entries.filter(project=project)
    return engine_for().search(entries, query).order_by().values("action_id")
