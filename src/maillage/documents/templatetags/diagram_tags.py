"""The tree diagram on a page: the SVG export shown at its real size in a scrolling frame, with a zoom
chosen without script, and a clickable outline of the same tree that leads to each node on the page."""

from django import template

from maillage.documents.diagram import tree_size

register = template.Library()


@register.inclusion_tag("documents/_tree_diagram.html")
def tree_diagram(project, branches):
    """``branches``: the page's ``(branch, depth)`` pairs (``projects.tree.walk``); each node of the page
    carries the anchor ``noeud-<pk>`` that the outline links to."""
    width, height = tree_size(project, sum(1 for branch, _depth in branches if not branch.children))
    return {
        "project": project,
        "roots": [branch for branch, depth in branches if depth == 1],
        "width": width,
        "height": height,
    }
