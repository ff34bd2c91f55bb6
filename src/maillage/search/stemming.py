"""A light French stemmer for the SQLite engine, which has no French of its own.

PostgreSQL stems with Snowball (``french_stem``) after ``unaccent``; SQLite's FTS5 only folds case and
accents. So that a search finds the same things on both, the SQLite engine indexes and queries the
words through :func:`stems`: accents folded as :func:`maillage.french.normalise` folds them, PostgreSQL's
French stop words left out (only the ones without an accent: after ``unaccent``, « été » is no longer
the stop word it was), and each word reduced to a common form for its plural and feminine:

    assistantes, assistante, assistants → assistant      maternelles, maternel → maternel
    sociaux, sociales, social → social                    citoyennes → citoyen

It is lighter than Snowball (« parentalité » and « parent » stay apart, as in PostgreSQL); what it
must agree with PostgreSQL on is that plural and singular, feminine and masculine, meet.
"""

from maillage.french import normalise

# PostgreSQL's french.stop, as its maillage_fr configuration applies it (after unaccent).
_STOP_WORDS = """
    au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me mes moi mon ne nos notre
    nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t
    y suis es est sommes sont serai seras sera serons serez seront serais serait serions seriez seraient fus fut
    furent sois soit soyons soyez soient fusse fusses fussions fussiez fussent ayant ayante ayantes ayants eu eue
    eues eus ai as avons avez ont aurai auras aura aurons aurez auront aurais aurait aurions auriez auraient avais
    avait avions aviez avaient eut eurent aie aies ait ayons ayez aient eusse eusses eussions eussiez
    eussent"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

# Feminine endings and the masculine they fold to, longest first (after the plural is gone).
_FEMININE = (
    ("trice", "teur"),
    ("euse", "eur"),
    ("elle", "el"),
    ("enne", "en"),
    ("onne", "on"),
    ("ive", "if"),
)


def stem(word: str) -> str:
    """One normalised word (no accent, lower case) → its stem; short words and numbers are kept."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("aux"):
        word = word[:-3] + "al"  # sociaux → social, locaux → local
    elif word.endswith(("s", "x")) and not word.endswith(("ss", "us", "is")):
        word = word[:-1]  # maisons → maison, jeux → jeu (but « processus », « accès »…)
    for ending, masculine in _FEMININE:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + masculine
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]  # assistante → assistant, sociale → social, école → ecol
        if word.endswith("e"):
            word = word[:-1]  # journée → journ
    return word


def words(text) -> list[str]:
    """The normalised words of a text, in order (stop words included: the extracts show them)."""
    return normalise(text).split()


def stems(text) -> list[str]:
    """The stems a text is searched by, in order, without stop words."""
    return [stem(word) for word in words(text) if word not in STOP_WORDS]


def stemmed(text) -> str:
    """:func:`stems` as one string, the form the SQLite engine indexes."""
    return " ".join(stems(text))
