"""French words compared as a reader compares them: accents, ligatures, case and punctuation aside.

One folding for the whole platform — the actions' search and sort keys, the import's header and word
matching, the directory's search and order, the acronyms table — so that « École », « ecole » and
« ÉCOLE » are the same word everywhere.
"""

import re
import unicodedata


def normalise(text) -> str:
    """« L'École  des Œuvres » → "l ecole des oeuvres": no accent, no case, no punctuation."""
    text = str(text or "").replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())
