"""Where a link to another project's action leads, for this user: the public fiche of a published plan,
else the member fiche if they may open the project, else the library's fiche if it is shared with
their network, else nowhere (the text stays, the link goes)."""

from django.urls import reverse

from maillage.accounts.access import member_projects

from .sharing import published_q, shared_q


def action_urls(actions, user) -> dict[int, str]:
    """``{action pk: url}`` for the actions this user may follow, in three queries whatever their number."""
    from maillage.actions.models import Action

    ids = [action.pk for action in actions]
    if not ids:
        return {}
    public = set(Action.objects.filter(published_q(), pk__in=ids).values_list("pk", flat=True))
    members = set(member_projects(user).filter(pk__in={a.project_id for a in actions}).values_list("pk", flat=True))
    shared = set(Action.objects.filter(shared_q(user), pk__in=ids).values_list("pk", flat=True))
    urls = {}
    for action in actions:
        slug = action.project.slug
        if action.pk in public:
            urls[action.pk] = reverse("public-action", args=[slug, action.ref])
        elif action.project_id in members:
            urls[action.pk] = reverse("action-detail", args=[slug, action.ref])
        elif action.pk in shared:
            urls[action.pk] = reverse("library-action", args=[action.pk])
    return urls
