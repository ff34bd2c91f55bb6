"""One status, one colour: the badge, the progress bar's CSS, the diagram and the documents all read
actions.progress.COLOURS, and each colour is the DSFR's own (its flat value, its badge)."""

import re
from pathlib import Path

import dsfr

from maillage.actions.progress import BADGE, COLOURS
from maillage.actions.vocabulary import Status
from maillage.documents.diagram import STATUS_COLOURS

CSS = Path(__file__).resolve().parents[2] / "home" / "static" / "maillage" / "maillage.css"
DSFR_CSS = Path(dsfr.__file__).parent / "static" / "dsfr" / "dist" / "dsfr" / "dsfr.min.css"


def test_every_status_has_one_colour_used_everywhere():
    assert set(COLOURS) == set(Status)
    assert {status: colour.hex for status, colour in COLOURS.items()} == STATUS_COLOURS
    assert {status: colour.badge for status, colour in COLOURS.items()} == BADGE
    assert len({colour.family for colour in COLOURS.values()}) == len(COLOURS)  # no two statuses alike
    css = CSS.read_text()
    for status, colour in COLOURS.items():
        rule = re.search(rf"\.maillage-status--{status.value} {{ background: var\(([^)]+)\); }}", css)
        assert rule and rule.group(1) == colour.css_variable, status


def test_the_colours_are_the_design_systems_own():
    dsfr_css = DSFR_CSS.read_text()
    for status, colour in COLOURS.items():
        token = re.search(rf"{re.escape(colour.css_variable)}:var\((--[a-z0-9-]+)\)", dsfr_css)
        assert token, colour.css_variable
        value = re.search(rf"{re.escape(token.group(1))}:(#[0-9a-f]{{6}})", dsfr_css)
        assert value and value.group(1) == colour.hex, (status, token.group(1))
        if colour.badge:
            assert f".{colour.badge}{{" in dsfr_css, colour.badge
