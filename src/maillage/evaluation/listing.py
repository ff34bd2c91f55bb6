"""Which indicators of a project the indicators page shows: the filters of its URL.

    noeud       node id: the indicators of the actions placed under it or anything beneath it
                (and of their sub-actions), as the actions list reads it
    pilote      person id: actions this person leads
    structure   organisation id: actions it leads (lead organisation, or partner with the lead role)
    programme   programme id: actions the cross-cutting programme gathers
    type        quantitative | qualitative
    manquant=1  only the indicators without a value for the last period (``progress.expected_year``)

Unknown or malformed values are ignored, as on the actions list: a shared link never breaks the page.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from maillage.actions.filtering import filter_actions
from maillage.actions.models import ActionPartner, ProgrammeAction

from . import progress
from .models import Indicator, IndicatorValue

NAMES = ("noeud", "pilote", "structure", "programme", "type", "manquant")


def _int(params, name) -> int | None:
    value = str(params.get(name) or "").strip()
    return int(value) if value.isdigit() else None


def is_filtered(params) -> bool:
    return any(str(params.get(name) or "").strip() for name in NAMES)


def filter_indicators(project, params, today: datetime.date | None = None) -> QuerySet[Indicator]:
    """The project's indicators matching ``params``, in the plan's order (action, then indicator).
    Every filter is a subquery: no duplicate rows, and the caller paginates."""
    params = params or {}
    indicators = Indicator.objects.filter(action__project=project)
    by_actions = {name: params.get(name) for name in ("noeud", "pilote") if _int(params, name) is not None}
    if by_actions:
        indicators = indicators.filter(action__in=filter_actions(project, by_actions).order_by().values("pk"))
    if (organisation := _int(params, "structure")) is not None:
        led = ActionPartner.objects.filter(organisation_id=organisation, role=ActionPartner.Role.LEAD)
        indicators = indicators.filter(
            Q(action__lead_organisation_id=organisation) | Q(action__in=led.values("action_id"))
        )
    if (programme := _int(params, "programme")) is not None:
        gathered = ProgrammeAction.objects.filter(programme_id=programme, programme__project=project)
        indicators = indicators.filter(action__in=gathered.values("action_id"))
    if (kind := str(params.get("type") or "")) in Indicator.Kind.values:
        indicators = indicators.filter(kind=kind)
    if str(params.get("manquant") or "") in ("1", "on", "oui"):
        indicators = indicators.filter(progress.missing_q(project, today))
    return indicators.order_by("action__position", "action__pk", "position", "pk")


def summary(indicators: QuerySet[Indicator], project, today: datetime.date | None = None) -> dict:
    """How many indicators the filters keep, how many have a value, how many miss the last period —
    counted in the database, in one query."""
    expected = progress.expected_year(project, today)
    measured = Exists(IndicatorValue.objects.filter(indicator=OuterRef("pk")))
    counts = {"total": Count("pk"), "measured": Count("pk", filter=Q(measured))}
    if expected is not None:
        counts["missing"] = Count("pk", filter=progress.missing_q(project, today))
    figures = indicators.order_by().aggregate(**counts)
    figures.setdefault("missing", 0)
    figures["expected"] = expected
    return figures
