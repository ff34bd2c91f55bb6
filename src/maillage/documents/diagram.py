"""The strategy tree as an SVG diagram: one column per level, a box per node with its actions by status.

Each box counts the actions of its whole branch (an action placed under several nodes of a branch counts
once) and shows a bar of their statuses, so a reader sees at a glance where the plan is done or stuck.
The SVG is built with ElementTree, which escapes every French text.
"""

import textwrap
import xml.etree.ElementTree as ET

from django.utils import translation

from maillage.actions.models import ActionNode
from maillage.actions.progress import COLOURS
from maillage.actions.vocabulary import Status, project_labels
from maillage.projects.models import Node

from .registry import ExportError, register

SVG_NS = "http://www.w3.org/2000/svg"

# One colour per status, in the order of the vocabulary (done in green, stuck in red, dropped in grey).
STATUS_COLOURS = {status: colour.hex for status, colour in COLOURS.items()}  # actions.progress: one colour a status

BOX_WIDTH = 260
COLUMN_GAP = 60
ROW_GAP = 14
MARGIN = 20
HEADER_HEIGHT = 70
LINE_HEIGHT = 15
TITLE_LINES = 3
WRAP_CHARACTERS = 36
BOX_HEIGHT = 12 + LINE_HEIGHT * (1 + TITLE_LINES) + 16 + 10 + 10
FONT = "DejaVu Sans, Arial, sans-serif"


def wrapped(text: str) -> list[str]:
    lines = textwrap.wrap(text, WRAP_CHARACTERS) or [""]
    if len(lines) > TITLE_LINES:
        lines = lines[:TITLE_LINES]
        lines[-1] = lines[-1][: WRAP_CHARACTERS - 1].rstrip() + "…"
    return lines


class TreeLayout:
    """Where each node's box goes: leaves one under the other, each parent centred on its children."""

    def __init__(self, nodes):
        self.children: dict[int | None, list] = {}
        for node in nodes:
            self.children.setdefault(node.parent_id, []).append(node)
        self.y: dict[int, float] = {}
        self.rows = 0
        for root in self.children.get(None, []):
            self._place(root)

    def _place(self, node) -> float:
        kids = self.children.get(node.pk, [])
        if kids:
            centres = [self._place(child) for child in kids]
            centre = (centres[0] + centres[-1]) / 2
        else:
            centre = self.rows * (BOX_HEIGHT + ROW_GAP) + BOX_HEIGHT / 2
            self.rows += 1
        self.y[node.pk] = centre
        return centre

    def branch(self, node) -> list:
        found = [node]
        for child in self.children.get(node.pk, []):
            found += self.branch(child)
        return found


def sub(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, tag, {key.replace("_", "-"): str(value) for key, value in attributes.items()})
    if text is not None:
        element.text = text
    return element


def status_bar(group, x, y, width, counts: dict[str, int]):
    total = sum(counts.values())
    if not total:
        sub(group, "rect", x=x, y=y, width=width, height=8, fill="#eeeeee")
        return
    offset = 0.0
    for status in Status.values:
        if counts.get(status):
            part = width * counts[status] / total
            sub(group, "rect", x=f"{x + offset:.1f}", y=y, width=f"{part:.1f}", height=8, fill=STATUS_COLOURS[status])
            offset += part


def _size(levels: int, rows: int) -> tuple[int, int]:
    """The diagram's width and height in pixels, for so many levels (columns) and leaves (rows)."""
    columns = max(levels, 1)
    width = 2 * MARGIN + columns * BOX_WIDTH + (columns - 1) * COLUMN_GAP
    return width, HEADER_HEIGHT + max(rows, 1) * (BOX_HEIGHT + ROW_GAP) + 10 + 40


def tree_size(project, leaves: int) -> tuple[int, int]:
    """The size of :func:`tree_svg`'s drawing for a tree of so many leaves (nodes without children),
    without drawing it: a page shows the diagram at its real size, where its 12-pixel text is readable,
    and zooms from there."""
    return _size(project.levels.count(), leaves)


def tree_svg(project) -> bytes:
    labels = project_labels(project)["status"]
    levels = list(project.levels.all())
    depth_index = {level.depth: index for index, level in enumerate(levels)}
    nodes = list(Node.objects.filter(project=project).select_related("level").order_by("position"))
    statuses: dict[int, dict[int, str]] = {}
    for node_id, action_id, status in ActionNode.objects.filter(node__project=project).values_list(
        "node_id", "action_id", "action__status"
    ):
        statuses.setdefault(node_id, {})[action_id] = status
    layout = TreeLayout(nodes)
    width, height = _size(len(levels), layout.rows)
    legend_top = height - 40
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "font-family": FONT,
            "font-size": "12",
            "lang": "fr",
        },
    )
    sub(svg, "title", f"Arborescence — {project.title}")
    sub(svg, "text", project.title, x=MARGIN, y=28, font_size=18, font_weight="bold")

    def left(node) -> int:
        return MARGIN + depth_index.get(node.level.depth, 0) * (BOX_WIDTH + COLUMN_GAP)

    for level in levels:
        x = MARGIN + depth_index[level.depth] * (BOX_WIDTH + COLUMN_GAP)
        sub(svg, "text", level.name, x=x, y=55, font_weight="bold", fill="#555555")

    links = sub(svg, "g", id="liens", stroke="#999999", fill="none")
    boxes = sub(svg, "g", id="noeuds")
    for node in nodes:
        top = HEADER_HEIGHT + layout.y[node.pk] - BOX_HEIGHT / 2
        x = left(node)
        for child in layout.children.get(node.pk, []):
            middle = x + BOX_WIDTH + COLUMN_GAP / 2
            child_y = HEADER_HEIGHT + layout.y[child.pk]
            own_y = HEADER_HEIGHT + layout.y[node.pk]
            sub(links, "path", d=f"M{x + BOX_WIDTH},{own_y:.1f} H{middle} V{child_y:.1f} H{left(child)}")
        actions: dict[int, str] = {}
        for member in layout.branch(node):
            actions.update(statuses.get(member.pk, {}))
        counts: dict[str, int] = {}
        for status in actions.values():
            counts[status] = counts.get(status, 0) + 1
        group = sub(boxes, "g", id=f"noeud-{node.pk}")
        sub(group, "title", " ; ".join(f"{labels.get(s, s)} : {counts[s]}" for s in Status.values if counts.get(s)))
        sub(
            group,
            "rect",
            x=x,
            y=f"{top:.1f}",
            width=BOX_WIDTH,
            height=BOX_HEIGHT,
            rx=6,
            fill="#ffffff",
            stroke="#444444",
        )
        line_y = top + 12 + LINE_HEIGHT - 3
        sub(group, "text", node.code or node.level.name, x=x + 10, y=f"{line_y:.1f}", font_weight="bold")
        for line in wrapped(node.title):
            line_y += LINE_HEIGHT
            sub(group, "text", line, x=x + 10, y=f"{line_y:.1f}")
        count = len(actions)
        sub(
            group,
            "text",
            f"{count} action{'s' if count > 1 else ''}",
            x=x + 10,
            y=f"{top + BOX_HEIGHT - 16:.1f}",
            font_size=11,
            fill="#555555",
        )
        status_bar(group, x + 10, f"{top + BOX_HEIGHT - 12:.1f}", BOX_WIDTH - 20, counts)

    legend = sub(svg, "g", id="legende", font_size=11)
    x = MARGIN
    for status in Status.values:
        sub(legend, "rect", x=x, y=legend_top, width=12, height=12, fill=STATUS_COLOURS[status])
        label = labels.get(status, status)
        sub(legend, "text", label, x=x + 16, y=legend_top + 10)
        x += 28 + 7 * len(label)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(svg, encoding="utf-8", xml_declaration=False)


@register("svg", "tree")
def write_svg_tree(project, what, progress=None) -> bytes:
    with translation.override("fr"):
        return tree_svg(project)


def tree_png(project, max_height: int | None = None) -> bytes:
    """The diagram as a PNG at twice its size (sharp when printed), or smaller so as to be at most
    ``max_height`` pixels tall (a big tree printed on one page needs no more, and cairo's memory stays
    bounded); ExportError without the cairo library."""
    try:
        import cairosvg
    except OSError as error:  # cairosvg is there but the system's cairo library is not
        raise ExportError(
            "L'image PNG demande la bibliothèque système cairo (paquet Debian libcairo2) ; "
            "le format svg donne le même schéma."
        ) from error

    with translation.override("fr"):
        svg = tree_svg(project)
    scale = 2.0
    if max_height:
        scale = min(scale, max_height / float(ET.fromstring(svg).get("height")))
    return cairosvg.svg2png(bytestring=svg, scale=scale, background_color="white")


@register("png", "tree")
def write_png_tree(project, what, progress=None) -> bytes:
    """The same diagram as a PNG (for a slide or a document that takes no SVG), at twice its size."""
    return tree_png(project)
