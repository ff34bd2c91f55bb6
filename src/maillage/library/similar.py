"""« Actions similaires » as the library reads them: the search engine's ranking
(:func:`maillage.search.similar.similar_actions`), over the actions the user may read — in a readable
project, or shared with one of their networks."""

from django.db.models import Q

from maillage.accounts.access import readable_projects
from maillage.search.similar import similar_actions as ranked_by_engine

from .sharing import shared_q


def readable_q(user) -> Q:
    """Actions the user may read: in a readable project, or shared with one of their networks."""
    condition = Q(project__in=readable_projects(user))
    if user.is_authenticated:
        condition |= shared_q(user)
    return condition


def similar_actions(action, user, limit: int = 5):
    """Up to ``limit`` actions of other projects the user may read or that their network shares."""
    return ranked_by_engine(action, user, limit, also=shared_q(user) if user.is_authenticated else None)
