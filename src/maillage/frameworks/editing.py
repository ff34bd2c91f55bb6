"""Writing framework links: each save replaces a node's or an action's links in one transaction, checks
every link against :mod:`maillage.frameworks.rules` first, and writes the action's history."""

from django.db import transaction
from django.utils.translation import gettext as _

from maillage.actions.history import record
from maillage.actions.models import ActionChange

from . import rules
from .models import ActionContribution, IndicatorReport, NodeContribution


def node_label(node) -> str:
    """« PMS — Engagement : Accueillir sans condition », as the history and the fiche name it."""
    code = f"{node.code} " if node.code else ""
    return f"{node.project.title} — {node.level.name} : {code}{node.title}"


def _labels(nodes) -> str:
    return "\n".join(sorted(node_label(node) for node in nodes))


@transaction.atomic
def set_action_links(action, framework_nodes, reports: dict, user) -> ActionChange | None:
    """Replace what ``action`` serves (``framework_nodes``) and what its indicators report against
    (``reports``: indicator → common indicator or None). Nothing is written if one link is refused."""
    ancestors = rules.framework_project_ids(action.project)
    for node in framework_nodes:
        rules.check_framework_node(action.project, node, ancestors)
    for indicator, common in reports.items():
        if indicator.action_id != action.pk:
            raise ValueError("indicator of another action")
        if common is not None:
            rules.check_report(indicator, common, ancestors)
    before_nodes = [
        link.framework_node
        for link in action.contributions.select_related("framework_node__project", "framework_node__level")
    ]
    before_reports = {
        report.indicator_id: report.framework_indicator
        for report in IndicatorReport.objects.filter(indicator__action=action).select_related("framework_indicator")
    }
    wanted = {node.pk for node in framework_nodes}
    ActionContribution.objects.filter(action=action).exclude(framework_node_id__in=wanted).delete()
    existing = set(ActionContribution.objects.filter(action=action).values_list("framework_node_id", flat=True))
    for node in framework_nodes:
        if node.pk not in existing:
            ActionContribution(action=action, framework_node=node).save()
    changes = []
    if {n.pk for n in before_nodes} != wanted:
        changes.append(
            {
                "field": "framework",
                "label": _("Cadre de référence"),
                "old": _labels(before_nodes),
                "new": _labels(framework_nodes),
            }
        )
    for indicator, common in reports.items():
        previous = before_reports.get(indicator.pk)
        if (previous.pk if previous else None) == (common.pk if common else None):
            continue
        IndicatorReport.objects.filter(indicator=indicator).delete()
        if common is not None:
            IndicatorReport(indicator=indicator, framework_indicator=common).save()
        changes.append(
            {
                "field": "framework_indicator",
                "label": _("Indicateur « %(title)s » rapporté au cadre") % {"title": indicator.title},
                "old": previous.title if previous else "",
                "new": common.title if common else "",
            }
        )
    return record(action, user, ActionChange.Kind.EDITED, changes)


@transaction.atomic
def set_node_links(node, framework_nodes) -> None:
    """Replace the framework nodes a node of a child plan serves."""
    ancestors = rules.framework_project_ids(node.project)
    for framework_node in framework_nodes:
        rules.check_framework_node(node.project, framework_node, ancestors)
    wanted = {framework_node.pk for framework_node in framework_nodes}
    NodeContribution.objects.filter(node=node).exclude(framework_node_id__in=wanted).delete()
    existing = set(NodeContribution.objects.filter(node=node).values_list("framework_node_id", flat=True))
    for framework_node in framework_nodes:
        if framework_node.pk not in existing:
            NodeContribution(node=node, framework_node=framework_node).save()
