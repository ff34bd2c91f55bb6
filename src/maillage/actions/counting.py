"""What « the actions of a project » counts, on every page that gives a number: its fiches actions,
sub-actions aside (a sub-action is a step of its fiche, listed on it). The home page, the dashboard and
the list of published plans say so under the figure."""

from django.db.models import Count, Q

from .models import Action

FICHES = Q(parent__isnull=True)


def fiches(project):
    return Action.objects.filter(FICHES, project=project)


def fiche_counts(project_ids) -> dict[int, int]:
    """Project id → its number of fiches actions, in one grouped query."""
    rows = Action.objects.filter(FICHES, project_id__in=list(project_ids)).values("project_id").annotate(n=Count("pk"))
    counts = dict.fromkeys(project_ids, 0)
    counts.update({row["project_id"]: row["n"] for row in rows})
    return counts
