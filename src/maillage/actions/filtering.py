"""Which actions of a project a list shows: the filters of the URL, read the same way by every screen.

The parameter names are a contract: the dashboard, the tree and the partner directory link to the
list with them, and exports started from a filtered list pass them back to :func:`filter_actions`.

    statut, origine, priorite, echelon   codes (several allowed: ``?statut=planned&statut=blocked``)
    noeud        node id, the node and everything under it
    pilote       person id (a lead of the action)
    partenaire   organisation id (partner with any role, or lead organisation)
    theme        theme id
    periode      period id
    annee        a year the action runs in (its periods or its dates)
    retard=1     late actions (``maillage.actions.progress.late_q``)
    sans         pilote | indicateur | partenaire: what the sheet is missing (several allowed);
                 "sans pilote" is neither a lead person nor a lead organisation
    q            words searched in the reference, code, title and every section by the search engine
                 (``maillage.search``): every word, accents ignored, plural and singular alike
    tri          sort key (``SORTS``), ``-`` in front for the reverse order

Unknown or malformed values are ignored rather than refused: a shared link must never break a page.
"""

import datetime

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.evaluation.models import Indicator
from maillage.projects.models import Node
from maillage.search.similar import matching_actions

from .models import Action, ActionNode, ActionPartner, ProgrammeAction
from .progress import late_q, with_last_year
from .vocabulary import Origin, Priority, Scale, Status

MISSING = {
    "pilote": _("sans pilote"),
    "indicateur": _("sans indicateur"),
    "partenaire": _("sans partenaire"),
}
# Sort keys of ``tri`` → the ordering they stand for (then the project's order, for a stable page).
SORTS = {
    "ordre": ("position", _("Ordre du plan")),
    "ref": ("ref", _("Référence")),
    "titre": ("title_key", _("Intitulé")),  # accents ignored: « École » sorts among the E
    "statut": ("status", _("Statut")),
    "fin": ("end_date", _("Date de fin")),
    "modification": ("modified_at", _("Dernière modification")),
}
DEFAULT_SORT = "ordre"


def _values(params, name) -> list[str]:
    if hasattr(params, "getlist"):
        values = params.getlist(name)
    else:
        value = params.get(name)
        values = value if isinstance(value, list | tuple) else [value]
    return [str(value).strip() for value in values if value is not None and str(value).strip() != ""]


def _ints(params, name) -> list[int]:
    result = []
    for value in _values(params, name):
        try:
            result.append(int(value))
        except ValueError:
            continue
    return result


def _codes(params, name, choices) -> list[str]:
    return [value for value in _values(params, name) if value in choices.values]


def _descendants(project, node_ids) -> set[int]:
    """The nodes and everything under them, from one query on the project's tree."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Node.objects.filter(project=project).values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    known = {pk for pks in children.values() for pk in pks}
    found, stack = set(), [pk for pk in node_ids if pk in known]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def _year_q(year: int) -> Q:
    """An action runs in ``year`` when one of its periods covers it, or its dates span it."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    by_period = Q(periods__first_year__lte=year, periods__last_year__gte=year)
    starts = Q(start_date__isnull=True) | Q(start_date__lte=last)
    ends = Q(end_date__isnull=True) | Q(end_date__gte=first)
    dated = Q(start_date__isnull=False) | Q(end_date__isnull=False)
    return Q(pk__in=Action.objects.filter(by_period).values("pk")) | (dated & starts & ends)


def filter_actions(project, params) -> QuerySet[Action]:
    """The project's actions matching ``params`` (a QueryDict or a dict of the list's parameters),
    sorted by ``tri``. Every filter is a subquery on ``pk``: no duplicate rows, and callers may add
    their own ``select_related``/``prefetch_related``/pagination."""
    params = params or {}
    actions = Action.objects.filter(project=project)
    conditions = Q()

    for name, field, choices in (
        ("statut", "status", Status),
        ("origine", "origin", Origin),
        ("priorite", "priority", Priority),
        ("echelon", "scale", Scale),
    ):
        if codes := _codes(params, name, choices):
            conditions &= Q(**{f"{field}__in": codes})

    if node_ids := _ints(params, "noeud"):
        nodes = _descendants(project, node_ids)
        placed = ActionNode.objects.filter(node_id__in=nodes).values("action_id")
        # A sub-action serves the nodes of its parent.
        conditions &= Q(pk__in=placed) | Q(parent_id__in=placed)
    if people := _ints(params, "pilote"):
        conditions &= Q(pk__in=Action.leads.through.objects.filter(person_id__in=people).values("action_id"))
    if organisations := _ints(params, "partenaire"):
        partnered = ActionPartner.objects.filter(organisation_id__in=organisations).values("action_id")
        conditions &= Q(pk__in=partnered) | Q(lead_organisation_id__in=organisations)
    if programmes := _ints(params, "programme"):
        member = ProgrammeAction.objects.filter(programme_id__in=programmes, programme__project=project)
        conditions &= Q(pk__in=member.values("action_id"))
    if themes := _ints(params, "theme"):
        conditions &= Q(pk__in=Action.themes.through.objects.filter(theme_id__in=themes).values("action_id"))
    if periods := _ints(params, "periode"):
        conditions &= Q(pk__in=Action.periods.through.objects.filter(period_id__in=periods).values("action_id"))
    if years := [year for year in _ints(params, "annee") if 1900 <= year <= 2200]:
        any_year = Q()
        for year in years:
            any_year |= _year_q(year)
        conditions &= any_year
    if _values(params, "retard")[:1] in (["1"], ["on"], ["oui"]):
        late = with_last_year(Action.objects.filter(project=project)).filter(late_q()).values("pk")
        conditions &= Q(pk__in=late)
    for missing in _values(params, "sans"):
        if missing == "pilote":  # neither a lead person nor a lead organisation, as the dashboard counts
            conditions &= ~Q(pk__in=Action.leads.through.objects.values("action_id")) & Q(
                lead_organisation__isnull=True
            )
        elif missing == "indicateur":
            conditions &= ~Q(pk__in=Indicator.objects.values("action_id"))
        elif missing == "partenaire":
            conditions &= ~Q(pk__in=ActionPartner.objects.values("action_id"))
    if query := " ".join(_values(params, "q")):
        conditions &= Q(pk__in=matching_actions(project, query))

    return actions.filter(conditions).order_by(*ordering(params))


def ordering(params) -> list:
    """The ``tri`` order; empty values (no end date) last either way, on SQLite as on PostgreSQL."""
    value = (_values(params, "tri") or [DEFAULT_SORT])[0]
    descending = value.startswith("-")
    field, _label = SORTS.get(value.lstrip("-"), SORTS[DEFAULT_SORT])
    first = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return [first, "position", "pk"]


def is_filtered(params) -> bool:
    """True when the list shows only part of the project (a reset link is then offered)."""
    names = ("statut", "origine", "priorite", "echelon", "noeud", "pilote", "partenaire", "theme", "periode")
    return any(_values(params, name) for name in (*names, "annee", "retard", "sans", "q"))
