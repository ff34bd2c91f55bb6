"""The library's filters, read from the URL: a shared link gives the same list.

    q           words of the text, through the search engine (``text_filter``)
    theme       a library theme code (``facets.THEMES``)
    public      a library public code (``facets.PUBLICS``)
    type        project kind code (``Project.Kind``)
    territoire  words of the territory: the project's or the action's territory, or the project's title
    statut      action status codes (several allowed); « terminées » are the useful examples

Unknown values are ignored rather than refused.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from maillage.actions.vocabulary import Status
from maillage.french import normalise
from maillage.projects.models import Project
from maillage.search.similar import matching_actions

from . import facets


def text_filter(actions, query: str):
    """Actions whose title and sections hold every word of ``query``, through the search engine: plural
    and singular, accents aside, as the search page and the actions list."""
    if not query.strip():
        return actions
    return actions.filter(pk__in=matching_actions(None, query))


def territory_q(text: str) -> Q:
    words = normalise(text).split()[:5]
    if not words:
        return Q()
    by_name = Q()
    for spelling in {text.strip(), " ".join(words)}:
        by_name |= Q(project__territory__name__icontains=spelling) | Q(territory__name__icontains=spelling)
        by_name |= Q(project__territory__code=spelling)
    in_title = Q()
    for word in words:
        in_title &= Q(project__search_key__contains=word)
    return by_name | in_title


class LibraryFilterForm(DsfrBaseForm):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200)
    theme = forms.ChoiceField(label=_("Thème"), required=False)
    public = forms.ChoiceField(label=_("Public cible"), required=False)
    type = forms.ChoiceField(label=_("Type de projet"), required=False)
    territoire = forms.CharField(label=_("Territoire"), required=False, max_length=100)
    statut = forms.MultipleChoiceField(
        label=_("Statut"), required=False, choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Tous les thèmes")), *facets.choices(facets.THEMES)]
        self.fields["public"].choices = [("", _("Tous les publics")), *facets.choices(facets.PUBLICS)]
        self.fields["type"].choices = [("", _("Tous les types")), *Project.Kind.choices]

    def filter(self, actions):
        """``actions`` narrowed by the valid filters (an invalid one narrows nothing)."""
        if not self.is_bound:
            return actions
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("theme"):
            actions = actions.filter(facets.theme_q(data["theme"]))
        if data.get("public"):
            actions = actions.filter(facets.public_q(data["public"]))
        if data.get("type"):
            actions = actions.filter(project__kind=data["type"])
        if data.get("territoire"):
            actions = actions.filter(territory_q(data["territoire"]))
        if data.get("statut"):
            actions = actions.filter(status__in=data["statut"])
        if data.get("q"):
            actions = text_filter(actions, data["q"])
        return actions

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)
