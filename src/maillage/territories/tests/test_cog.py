"""The offline COG: the shipped file answers by code and by name; the build reads its two sources
(made here, small) and writes what the runtime reads; the command runs offline with --from."""

import csv
import gzip
import io
import json
import lzma
import struct

import pytest
from django.core.management import CommandError, call_command

from maillage.territories import cog
from maillage.territories.cog_build import build, compact_outline, parse_wkb, simplify


def test_the_shipped_file_knows_the_demo_communes():
    rive = cog.commune("42186")
    assert rive.name == "Rive-de-Gier" and rive.departement == "42" and "42800" in rive.postal_codes
    assert rive.located and 45.4 < rive.latitude < 45.6 and 4.5 < rive.longitude < 4.7
    assert cog.commune("69266").name == "Villeurbanne"
    assert cog.commune("2A004").name == "Ajaccio"  # Corsica's codes are not numbers
    assert cog.commune("99999") is None and cog.commune("") is None
    assert cog.outline("63113")  # outlines for the map with no tiles


def test_names_as_documents_write_them():
    assert cog.find("ST Romain en Jarez", departements={"42"}).code == "42283"
    assert cog.find("Ste Croix-en-Jarez").code == "42210"
    assert cog.find("La Terrasse sur Dorlay").code == "42308"
    # Several Châteauneuf in France: only a département (or a postal code) chooses.
    assert cog.find("Châteauneuf") is None
    assert cog.find("Châteauneuf", departements={"42"}).code == "42053"
    assert cog.find("Chateauneuf", postal_code="42800").code == "42053"
    assert cog.find("Nulle-Part-sur-Rien") is None


def _wkb_multipolygon(rings):
    body = struct.pack("<BII", 1, 6, len(rings))
    for ring in rings:
        body += struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring))
        for x, y in ring:
            body += struct.pack("<dd", x, y)
    return body.hex().upper()


@pytest.fixture
def sources(tmp_path):
    package = tmp_path / "package"
    (package / "data").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"version": "9.9.9"}))
    communes = [
        {
            "code": "42186",
            "nom": "Rive-de-Gier",
            "departement": "42",
            "type": "commune-actuelle",
            "codesPostaux": ["42800"],
        },
        {"code": "42999", "nom": "Sans-Contour", "departement": "42", "type": "commune-actuelle", "codesPostaux": []},
        {"code": "42500", "nom": "Déléguée", "departement": "42", "type": "commune-deleguee"},
    ]
    (package / "data" / "communes.json").write_text(json.dumps(communes))
    epci = [{"code": "244200770", "membres": [{"code": "42186"}]}]
    (package / "data" / "epci.json").write_text(json.dumps(epci))
    square = [(4.6, 45.5), (4.62, 45.5), (4.62, 45.52), (4.6, 45.52), (4.6, 45.5)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "type", "nom", "geometry"])
    writer.writerow(["42186", "COM", "Rive-de-Gier", _wkb_multipolygon([square])])
    writer.writerow(["42999", "COM", "Sans-Contour", "\\N"])
    outlines = tmp_path / "communes.csv.lzma"
    outlines.write_bytes(lzma.compress(out.getvalue().encode()))
    return package, outlines


def test_the_build_writes_communes_and_outlines(sources, tmp_path):
    package, outlines = sources
    figures = build(package, outlines, tmp_path / "out")
    assert (figures["communes"], figures["located"], figures["version"]) == (2, 1, "9.9.9")
    with gzip.open(tmp_path / "out" / "communes.json.gz", "rt") as f:
        document = json.load(f)
    rows = {row[0]: row for row in document["communes"]}
    assert set(rows) == {"42186", "42999"}  # the delegated commune is not a current one
    code, name, dep, epci, postal, lat, lon, parent = rows["42186"]
    assert (name, dep, epci, postal) == ("Rive-de-Gier", "42", "244200770", ["42800"])
    assert (lat, lon) == (pytest.approx(45.51), pytest.approx(4.61))
    assert rows["42999"][5] is None
    with gzip.open(tmp_path / "out" / "outlines" / "42.json.gz", "rt") as f:
        assert list(json.load(f)) == ["42186"]
    # The same sources give the same bytes: a rebuild shows no diff.
    first = (tmp_path / "out" / "communes.json.gz").read_bytes()
    build(package, outlines, tmp_path / "out")
    assert (tmp_path / "out" / "communes.json.gz").read_bytes() == first


def test_the_command_runs_offline_from_given_files(sources, tmp_path):
    package, outlines = sources
    out = io.StringIO()
    call_command(
        "cog", "update", "--from", str(package), "--outlines", str(outlines), "--target", str(tmp_path), stdout=out
    )
    assert "2 communes, 1 avec un centre" in out.getvalue()
    with pytest.raises(CommandError, match="illisible"):
        call_command(
            "cog", "update", "--from", str(tmp_path / "nowhere"), "--outlines", str(outlines), "--target", str(tmp_path)
        )


def test_wkb_and_simplification():
    ring = [(0, 0), (1, 0), (1, 0.0001), (2, 0), (2, 2), (0, 2), (0, 0)]
    assert parse_wkb(bytes.fromhex(_wkb_multipolygon([ring]))) == [[ring]]
    simplified = simplify(ring, tolerance=0.01)
    assert (1, 0.0001) not in simplified and simplified[0] == simplified[-1]
    assert compact_outline([[ring]])[0][0] == [0, 0]


@pytest.mark.django_db
def test_a_commune_code_outside_the_cog_is_refused_by_the_forms():
    from django.core.exceptions import ValidationError

    from maillage.territories.models import Territory

    with pytest.raises(ValidationError, match="99999"):
        Territory(kind="commune", name="Nulle part", code="99999").full_clean(validate_constraints=False)
    Territory(kind="commune", name="Rive-de-Gier", code="42186").full_clean(validate_constraints=False)
    # Only communes are checked.
    Territory(kind="qpv", name="Un quartier", code="QN04201M").full_clean(validate_constraints=False)
