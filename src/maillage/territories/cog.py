"""The communes of the Code officiel géographique, offline: the file ``data/communes.json.gz`` built by
``maillage cog update`` (``cog_build``), read once per process.

Used to check a commune's INSEE code, to find the code of a commune written by name (a directory entry's
city, a perimeter's commune as the document wrote it), and to give a commune's centre and outline to
the map and the geocoder's offline fallback.
"""

import gzip
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .cog_build import COMMUNES_FILE, OUTLINES_DIR

CODE_PATTERN = re.compile(r"^(\d[\dAB]\d{3})$")


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    departement: str
    epci: str
    postal_codes: tuple[str, ...]
    latitude: float | None
    longitude: float | None
    parent: str = ""  # a municipal arrondissement's commune (Lyon, Marseille, Paris)

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def name_key(name: str) -> str:
    """A commune name without accents, case, punctuation nor the "St/Ste" abbreviations."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    words = re.split(r"[^a-z0-9]+", text)
    expanded = {"st": "saint", "ste": "sainte", "s": "saint"}
    return " ".join(expanded.get(word, word) for word in words if word)


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, Commune], dict[str, list[Commune]], str]:
    with gzip.open(COMMUNES_FILE, "rt", encoding="utf-8") as source:
        document = json.load(source)
    by_code, by_name = {}, {}
    for code, name, departement, epci, postal_codes, lat, lon, parent in document["communes"]:
        commune = Commune(code, name, departement, epci, tuple(postal_codes), lat, lon, parent)
        by_code[code] = commune
        by_name.setdefault(name_key(name), []).append(commune)
    return by_code, by_name, document.get("source", "")


def source() -> str:
    """Which edition of the sources the shipped file was built from."""
    return _index()[2]


def commune(code: str) -> Commune | None:
    """The commune (or municipal arrondissement) of this INSEE code, None if the COG has none."""
    return _index()[0].get((code or "").strip().upper())


def is_commune_code(code: str) -> bool:
    return commune(code) is not None


def find(name: str, *, postal_code: str = "", departements: set[str] | frozenset = frozenset()) -> Commune | None:
    """The one commune of this name, narrowed by postal code or by départements; None when unknown or
    ambiguous (several Châteauneuf and nothing to choose between them)."""
    candidates = [c for c in _index()[1].get(name_key(name), []) if not c.parent]
    if postal_code:
        narrowed = [c for c in candidates if postal_code.strip() in c.postal_codes]
        candidates = narrowed or candidates
    if departements and len(candidates) > 1:
        candidates = [c for c in candidates if c.departement in departements]
    if len(candidates) == 1:
        return candidates[0]
    if not name and postal_code:  # a postal code alone: its commune when it has one only
        by_code = [c for c in _index()[0].values() if postal_code.strip() in c.postal_codes and not c.parent]
        return by_code[0] if len(by_code) == 1 else None
    return None


@lru_cache(maxsize=128)
def _outlines_of(departement: str) -> dict:
    path = OUTLINES_DIR / f"{departement}.json.gz"
    if not re.fullmatch(r"[0-9AB]{2,3}", departement) or not path.exists():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as source:
        return json.load(source)


def outline(code: str) -> list | None:
    """The simplified outline of a commune: a list of rings of [lon, lat] (GeoJSON MultiPolygon order)."""
    found = commune(code)
    if found is None:
        return None
    return _outlines_of(found.departement).get(found.code)


def outline_feature(found: Commune, properties: dict | None = None) -> dict | None:
    """A GeoJSON feature of the commune's outline, None when the COG file has no outline for it."""
    rings = outline(found.code)
    if not rings:
        return None
    return {
        "type": "Feature",
        "geometry": {"type": "MultiPolygon", "coordinates": [[ring] for ring in rings]},
        "properties": {"code": found.code, "name": found.name, **(properties or {})},
    }
