"""Project screens for its members."""

from django.shortcuts import render

from maillage.accounts.decorators import project_view
from maillage.actions.progress import STATUS_ORDER, status_counts
from maillage.actions.vocabulary import project_labels


@project_view()
def dashboard(request, project):
    labels = project_labels(project)
    counts = status_counts(project.actions.filter(parent__isnull=True))
    total = sum(counts.values())
    context = {
        "project": project,
        "labels": labels,
        "counts": [(code, labels["status"][code], counts[code]) for code in STATUS_ORDER if counts[code]],
        "total": total,
        "breadcrumb_data": {"current": project.title},
    }
    return render(request, "projects/dashboard.html", context)
