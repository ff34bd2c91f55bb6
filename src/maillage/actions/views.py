"""Fiche action screens."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from maillage.accounts.decorators import project_view
from maillage.actions.models import Action, ActionPartner
from maillage.actions.sheet import filled_rows
from maillage.actions.vocabulary import project_labels


@project_view(public="public-action")
def action_detail(request, project, ref):
    queryset = Action.objects.filter(project=project).select_related("lead_organisation", "parent", "territory")
    action = get_object_or_404(
        queryset.prefetch_related(
            "nodes__level",
            "periods",
            "themes",
            "children",
            "leads",
            Prefetch("partner_roles", queryset=ActionPartner.objects.select_related("organisation")),
            "indicators__values",
        ),
        ref=ref,
    )
    context = {
        "project": project,
        "action": action,
        "labels": project_labels(project),
        "rows": filled_rows(action),
        "can_edit": request.access.can_edit_action(action),
        "breadcrumb_data": {
            "links": [{"url": f"/projets/{project.slug}/", "title": project.title}],
            "current": f"{action.ref} — {action.title}"[:80],
        },
    }
    return render(request, "actions/detail.html", context)
