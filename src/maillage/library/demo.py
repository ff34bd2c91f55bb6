"""The Lyon seed's « exemples d'actions menées dans les PST d'autres territoires » as the network's library:
the actions of the seven small PSTs under the PMS (every one but Villeurbanne's, whose plan is the
seed itself) are shared with the Lyon network. The projects stay as they are (published)."""

from maillage.actions.models import Action
from maillage.projects.models import Project

from .sharing import set_shared

NETWORK = "lyon-pms"
NOT_EXAMPLES = {"lyon-pst-villeurbanne"}


def share_lyon_examples() -> int:
    examples = Project.objects.filter(parent__slug=NETWORK).exclude(slug__in=NOT_EXAMPLES)
    actions = list(Action.objects.filter(project__in=examples).only("pk"))
    set_shared(actions, True, _nobody())
    return len(actions)


def _nobody():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
