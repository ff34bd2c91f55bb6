"""A client of the Géoplateforme's address geocoder (``/search`` for one address, ``/search/csv`` for a
batch), the successor of api-adresse.data.gouv.fr with the same answers (addok: GeoJSON for one
address, the sent CSV with ``latitude``, ``longitude``, ``result_*`` columns added for a batch).

Settings: ``MAILLAGE_GEOCODER_URL`` (the service's base URL, ``/search`` is added; empty: no geocoder,
the COG's commune centres only), ``MAILLAGE_GEOCODER_MIN_SCORE`` (a result below it is not kept),
``MAILLAGE_GEOCODER_TIMEOUT`` (seconds per request), ``MAILLAGE_GEOCODER_RETRIES`` (retries of a
connection error, a time-out or a 429/5xx answer, with a growing pause), ``MAILLAGE_GEOCODER_BATCH_SIZE``
(addresses per CSV request).
"""

import csv
import io
from dataclasses import dataclass

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter, Retry

# The result types of the service and the coordinates' origin they give (Structure.GeoSource values).
SOURCE_OF_TYPE = {"housenumber": "address", "street": "street", "locality": "street", "municipality": "municipality"}
USER_AGENT = "Maillage (plateforme des projets sociaux de territoire)"


class GeocoderUnavailable(Exception):
    """The service did not answer usably (time-out, connection refused, error status, unreadable answer)."""


@dataclass(frozen=True)
class Query:
    key: str  # the caller's id for this address, given back with its result
    address: str
    postal_code: str = ""
    city: str = ""
    citycode: str = ""  # an INSEE code known beforehand: the result is searched in that commune

    @property
    def text(self) -> str:
        return " ".join(part for part in (self.address, self.postal_code, self.city) if part).strip()


@dataclass(frozen=True)
class Hit:
    latitude: float
    longitude: float
    score: float
    label: str
    kind: str  # housenumber, street, locality, municipality
    citycode: str

    @property
    def source(self) -> str:
        return SOURCE_OF_TYPE.get(self.kind, "address")


@dataclass(frozen=True)
class Answer:
    """What the service said of one query: ``hit`` when kept; ``score`` the best score even when too low."""

    hit: Hit | None
    score: float | None = None

    @property
    def too_low(self) -> bool:
        return self.hit is None and self.score is not None


def configured() -> bool:
    return bool(settings.MAILLAGE_GEOCODER_URL)


class Geocoder:
    def __init__(self, url=None, *, min_score=None, timeout=None, retries=None, backoff=None):
        self.url = (url if url is not None else settings.MAILLAGE_GEOCODER_URL).rstrip("/")
        self.min_score = settings.MAILLAGE_GEOCODER_MIN_SCORE if min_score is None else min_score
        self.timeout = settings.MAILLAGE_GEOCODER_TIMEOUT if timeout is None else timeout
        retries = settings.MAILLAGE_GEOCODER_RETRIES if retries is None else retries
        backoff = settings.MAILLAGE_GEOCODER_BACKOFF if backoff is None else backoff
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=None,  # the CSV batch is a POST that changes nothing: retried too
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def _kept(self, hit: Hit | None, score: float | None) -> Answer:
        if hit is not None and hit.score >= self.min_score:
            return Answer(hit, hit.score)
        return Answer(None, score)

    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        if not self.url:
            raise GeocoderUnavailable("aucun géocodeur configuré (MAILLAGE_GEOCODER_URL)")
        try:
            response = self.session.request(method, self.url + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            raise GeocoderUnavailable(f"{type(error).__name__}: {error}") from error
        if response.status_code != 200:
            raise GeocoderUnavailable(f"réponse {response.status_code}")
        return response

    def search(self, query: Query) -> Answer:
        """The best result for one address (kept when its score reaches ``min_score``)."""
        params = {"q": query.text[:200], "limit": 1}
        if query.citycode:
            params["citycode"] = query.citycode
        elif query.postal_code:
            params["postcode"] = query.postal_code
        response = self._request("GET", "/search", params=params)
        try:
            features = response.json().get("features") or []
        except ValueError as error:
            raise GeocoderUnavailable("réponse illisible") from error
        if not features:
            return Answer(None)
        try:
            feature = features[0]
            lon, lat = feature["geometry"]["coordinates"][:2]
            props = feature.get("properties") or {}
            hit = Hit(
                float(lat),
                float(lon),
                float(props.get("score") or 0),
                str(props.get("label") or "")[:255],
                str(props.get("type") or ""),
                str(props.get("citycode") or ""),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise GeocoderUnavailable("réponse inattendue") from error
        return self._kept(hit, hit.score)

    def batch(self, queries: list[Query]) -> dict[str, Answer]:
        """Results for many addresses in one CSV request: ``{query.key: Answer}``."""
        if not queries:
            return {}
        sent = io.StringIO()
        writer = csv.writer(sent)
        writer.writerow(["cle", "adresse", "code_postal", "commune", "code_insee"])
        for query in queries:
            writer.writerow([query.key, query.address, query.postal_code, query.city, query.citycode])
        data = [("columns", "adresse"), ("columns", "code_postal"), ("columns", "commune")]
        if any(query.citycode for query in queries):
            data.append(("citycode", "code_insee"))
        files = {"data": ("adresses.csv", sent.getvalue().encode("utf-8"), "text/csv")}
        response = self._request("POST", "/search/csv", data=data, files=files)
        answers = {}
        try:
            text = response.content.decode("utf-8-sig")
            for row in csv.DictReader(io.StringIO(text)):
                key = row.get("cle")
                if key is None:
                    continue
                answers[key] = self._row_answer(row)
        except (UnicodeDecodeError, csv.Error) as error:
            raise GeocoderUnavailable("réponse CSV illisible") from error
        return answers

    def _row_answer(self, row: dict) -> Answer:
        try:
            score = float(row.get("result_score") or "")
        except ValueError:
            return Answer(None)
        try:
            hit = Hit(
                float(row["latitude"]),
                float(row["longitude"]),
                score,
                (row.get("result_label") or "")[:255],
                row.get("result_type") or "",
                row.get("result_citycode") or "",
            )
        except (KeyError, TypeError, ValueError):
            return Answer(None, score)
        return self._kept(hit, score)
