"""The rules of a framework link, in one place: the models check them on every save, the forms and the
import before they write.

A child plan may only serve the plans it is declined from (its parent, its parent's parent…): a PST
serves its PMS, a perimeter its CTG and the CAF's plan above it, never a plan of another network. A
child's indicator may only report against a common indicator of those plans, and in the same unit:
the framework adds the values up.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maillage.french import normalise
from maillage.projects.network import ancestor_ids


def framework_project_ids(project) -> list[int]:
    """The plans ``project`` is declined from, nearest first (not the project itself)."""
    return ancestor_ids(project)[1:]


def check_framework_node(project, framework_node, ancestors=None) -> None:
    """Refuse a framework node outside the plans ``project`` is declined from."""
    ancestors = framework_project_ids(project) if ancestors is None else ancestors
    if framework_node.project_id not in ancestors:
        raise ValidationError(
            _("« %(node)s » n'appartient pas à un cadre dont « %(project)s » est décliné.")
            % {"node": framework_node.title, "project": project.title}
        )


def same_unit(first: str, second: str) -> bool:
    """« Structures », « structures » and « structures » are one unit; « % » and « pourcentage » are not."""
    return (
        normalise(first) == normalise(second)
        if normalise(first) or normalise(second)
        else first.strip() == second.strip()
    )


def check_report(indicator, framework_indicator, ancestors=None) -> None:
    """Refuse a report to a common indicator outside the framework, of another unit, or from a
    qualitative indicator (there is nothing to add up)."""
    project = indicator.action.project
    ancestors = framework_project_ids(project) if ancestors is None else ancestors
    if framework_indicator.project_id not in ancestors:
        raise ValidationError(
            _("L'indicateur commun « %(common)s » n'appartient pas à un cadre dont « %(project)s » est décliné.")
            % {"common": framework_indicator.title, "project": project.title}
        )
    if indicator.kind != indicator.Kind.QUANTITATIVE:
        raise ValidationError(
            _("Seul un indicateur quantitatif peut se rapporter à l'indicateur commun « %(common)s ».")
            % {"common": framework_indicator.title}
        )
    if not same_unit(indicator.unit, framework_indicator.unit):
        raise ValidationError(
            _("L'indicateur « %(title)s » est en « %(unit)s », l'indicateur commun en « %(common_unit)s ».")
            % {"title": indicator.title, "unit": indicator.unit or "—", "common_unit": framework_indicator.unit}
        )
