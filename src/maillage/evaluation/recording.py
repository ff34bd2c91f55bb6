"""Writing an indicator value from outside the indicator form: one function for every path that
measures (the value form of the indicators page, an accepted campaign answer, a quick update).

The value and its history entry are written together, so that a measured value is never without
the trace of who recorded it and why.
"""

from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from maillage.actions.history import record
from maillage.actions.models import ActionChange
from maillage.webhooks import events as webhooks

from .models import Indicator, IndicatorValue


def _text(value: IndicatorValue) -> str:
    measured = floatformat(value.value, "-2") if value.value is not None else ""
    text = " — ".join(part for part in (measured, value.assessment) if part)
    return f"{value.period} : {text}"


def record_value(
    indicator: Indicator,
    *,
    period: str,
    value=None,
    assessment: str = "",
    comment: str = "",
    source: str = "",
    date=None,
    user=None,
    reason: str = "",
) -> IndicatorValue:
    """Add one value (a number or an appreciation) to ``indicator`` and its line in the action's history.

    Raises a French ``ValidationError`` and writes nothing when the value breaks the model's rules: a
    number or an appreciation is needed, and the period (else the date) must name a year the plan
    measures (:class:`maillage.evaluation.years.YearRule`: from its first year to two years after its
    last). ``reason`` says why when the value was not typed on the indicator (see ``history.record``)."""
    with transaction.atomic():
        last = indicator.values.aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
        measure = IndicatorValue(
            indicator=indicator,
            period=period.strip(),
            value=value,
            assessment=(assessment or "").strip(),
            comment=(comment or "").strip(),
            source=(source or "").strip(),
            date=date,
            position=position,
        )
        measure.full_clean()
        measure.save()
        label = _("Indicateur « %(title)s »") % {"title": indicator.title}
        change = {"field": f"indicator-{indicator.pk}", "label": label, "old": "", "new": _text(measure)}
        record(indicator.action, user, ActionChange.Kind.INDICATOR, [change], reason=reason)
        webhooks.indicator_value_added(indicator, measure)
    return measure
