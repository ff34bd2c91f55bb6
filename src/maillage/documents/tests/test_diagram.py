"""The tree diagram: valid SVG, a box per node with its branch's actions and status bar, French text intact."""

import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command

from maillage.actions.models import Action
from maillage.documents.diagram import STATUS_COLOURS
from maillage.documents.registry import What, writer_for
from maillage.projects.models import Node, Project

pytestmark = pytest.mark.django_db

NS = {"svg": "http://www.w3.org/2000/svg"}


def diagram(slug):
    project = Project.objects.get(slug=slug)
    return ET.fromstring(writer_for("svg", What("tree"))(project, What("tree")))


def boxes(root) -> dict[str, ET.Element]:
    return {group.get("id"): group for group in root.findall("svg:g[@id='noeuds']/svg:g", NS)}


def texts(element) -> list[str]:
    return [text.text for text in element.iter(f"{{{NS['svg']}}}text")]


def test_genas_tree_with_counts_and_status_bars(demo_db):
    root = diagram("genas-pset-2")
    assert root.tag == f"{{{NS['svg']}}}svg"
    nodes = list(Node.objects.filter(project__slug="genas-pset-2"))
    found = boxes(root)
    assert len(found) == len(nodes) == 16
    assert {"Visée", "Objectif", "Sous-objectif"} <= set(texts(root))
    roots = [node for node in nodes if node.parent_id is None]
    counts = [int(texts(found[f"noeud-{node.pk}"])[-1].split()[0]) for node in roots]
    assert sum(counts) == 142  # each action sits under one visée
    first = found[f"noeud-{Node.objects.get(project__slug='genas-pset-2', code='1.1.1').pk}"]
    assert texts(first)[0] == "1.1.1" and texts(first)[-1] == "15 actions"
    assert first.find("svg:title", NS).text == "Nouvelle : 4 ; En continu : 4 ; Reportée : 2 ; Terminée : 5"
    bar = [rect.get("fill") for rect in first.findall("svg:rect", NS)[1:]]
    assert bar == [STATUS_COLOURS[s] for s in ("planned", "continuous", "postponed", "done")]
    widths = [float(rect.get("width")) for rect in first.findall("svg:rect", NS)[1:]]
    assert widths[3] > widths[2]  # 5 done, 2 postponed
    assert "Nouvelle" in texts(root.find("svg:g[@id='legende']", NS))


def test_french_text_escaped_and_long_titles_wrapped(demo_db):
    project = Project.objects.get(slug="clermont-sud")
    node = Node.objects.filter(project=project, parent=None).first()
    node.title = (
        "Accès aux droits & « santé » <pour tous> — une très longue ligne qui doit revenir à la ligne, "
        "puis être coupée net"
    )
    node.save()
    root = diagram("clermont-sud")
    lines = texts(boxes(root)[f"noeud-{node.pk}"])
    assert lines[1] == "Accès aux droits & « santé » <pour"
    assert all(len(line) <= 36 for line in lines[1:-1])
    assert len(lines) == 1 + 3 + 1  # code, at most three lines of title, count
    assert lines[3].endswith("…")
    assert root.find("svg:text", NS).text == "Projet social — Centre Social Territoire Sud"


def test_every_action_of_a_branch_counts_once(demo_db):
    project = Project.objects.get(slug="clermont-sud")
    axis = Node.objects.filter(project=project, parent=None).first()
    leaves = Node.objects.filter(parent__parent=axis)[:2]
    action = Action.objects.filter(project=project).exclude(nodes__in=leaves).first()
    for leaf in leaves:
        action.nodes.add(leaf)
    shown = int(texts(boxes(diagram("clermont-sud"))[f"noeud-{axis.pk}"])[-1].split()[0])
    expected = Action.objects.filter(project=project, nodes__in=Node.objects.filter(parent__parent=axis)).distinct()
    assert shown == expected.count()


def test_from_the_command_line(demo_db, tmp_path):
    target = tmp_path / "arbre.svg"
    call_command("export", "pays-du-gier-ctg-p3", "--format", "svg", "--what", "tree", "-o", str(target))
    root = ET.parse(target).getroot()
    assert len(boxes(root)) == Node.objects.filter(project__slug="pays-du-gier-ctg-p3").count()


def test_png_for_a_printed_page_is_capped_in_height(demo_db):
    import struct

    from maillage.documents.diagram import tree_png

    project = Project.objects.get(slug="genas-pset-2")
    full = tree_png(project)
    capped = tree_png(project, max_height=1000)
    full_size = struct.unpack(">II", full[16:24])
    capped_size = struct.unpack(">II", capped[16:24])
    assert full_size == (1880, 3168)  # twice the SVG's size
    assert capped_size[1] <= 1000 and abs(capped_size[0] / capped_size[1] - 1880 / 3168) < 0.01


def test_pages_know_the_diagrams_real_size_and_outline_every_node(client, demo_db):
    """Issue 15 item 5: the public plan showed the diagram shrunk to 80 % of the window's height (5-pixel
    text). It is now drawn at its real size (the page names it: width and height of the SVG), zoomable,
    beside a clickable outline whose every link leads to its node on the page."""
    import re

    from django.urls import reverse
    from django.utils.html import escape

    from maillage.documents.diagram import tree_size

    for slug in ("genas-pset-2", "lyon-pms", "gea-orientations-cst"):
        project = Project.objects.get(slug=slug)
        root = diagram(slug)
        leaves = Node.objects.filter(project=project, children__isnull=True).count()
        assert tree_size(project, leaves) == (int(root.get("width")), int(root.get("height"))), slug
        html = client.get(reverse("public-plan", args=[slug])).content.decode()
        assert f'width="{root.get("width")}" height="{root.get("height")}"' in html
        assert f"--diagram-width: {root.get('width')}px" in html
        outline = html[html.index('id="tree-outline"') : html.index('id="tree-diagram-details"')]
        links = re.findall(r'href="#noeud-(\d+)"', outline)
        assert sorted(map(int, links)) == sorted(project.nodes.values_list("pk", flat=True)), slug
        assert all(f'id="noeud-{pk}"' in html for pk in links)
        assert 'value="real" checked' in html  # real size by default, the fitted view on demand
    genas = client.get(reverse("public-plan", args=["genas-pset-2"])).content.decode()
    first = Node.objects.get(project__slug="genas-pset-2", code="1.1.1")
    assert f'<a href="#noeud-{first.pk}">Sous-objectif 1.1.1 — {escape(first.title)}</a>' in genas
