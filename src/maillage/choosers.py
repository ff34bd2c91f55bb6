"""Choosing one item among thousands (an action of a 10,000-action plan, a person of a large directory)
without drawing thousands of ``<option>``: a ``<select>`` that holds the current choice and the first
few candidates, and a search box beside it whose answers (htmx) replace those options.

Without JavaScript the select still offers the current choice and the first ``SHOWN`` candidates; the
server checks any submitted id against the whole queryset, as a plain select would.
"""

from django import forms
from django.core.exceptions import ValidationError

SHOWN = 30


def _is_key(model, value) -> bool:
    try:
        model._meta.pk.to_python(value)
    except ValidationError:
        return False
    return True


class SuggestSelect(forms.Select):
    """A select rendered from its chosen value and ``SHOWN`` candidates only; ``url`` answers ``?q=``."""

    template_name = "maillage/widgets/suggest_select.html"

    def __init__(self, url="", search_label="", attrs=None):
        super().__init__({"class": "fr-select", **(attrs or {})})
        self.url = url
        self.search_label = search_label

    def optgroups(self, name, value, attrs=None):
        iterator = self.choices  # a ModelChoiceIterator (model fields) or a list of pairs
        queryset = getattr(iterator, "queryset", None)
        chosen = [str(v) for v in value if v not in ("", None)]
        if queryset is not None:  # a form drawn again with what was posted: only what can be an id
            chosen = [v for v in chosen if _is_key(queryset.model, v)]
        if queryset is None:  # plain choices, already bounded by whoever built them
            return super().optgroups(name, value, attrs)
        label = iterator.field.label_from_instance
        picked = list(queryset.filter(pk__in=chosen)) if chosen else []
        others = list(queryset.exclude(pk__in=chosen)[:SHOWN])
        options = [("", iterator.field.empty_label or "—")] if iterator.field.empty_label is not None else []
        options += [(str(obj.pk), label(obj)) for obj in picked + others]
        groups = []
        for index, (option_value, option_label) in enumerate(options):
            selected = option_value in chosen or (not chosen and option_value == "")
            groups.append(
                (None, [self.create_option(name, option_value, option_label, selected, index, attrs=attrs)], index)
            )
        return groups

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["suggest_url"] = self.url
        context["widget"]["search_label"] = self.search_label
        return context
