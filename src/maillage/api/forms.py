from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from .models import ApiToken

DURATIONS = [(30, _("30 jours")), (90, _("90 jours")), (180, _("180 jours")), (366, _("un an"))]


class TokenForm(DsfrBaseForm):
    name = forms.CharField(label=_("Nom du jeton"), max_length=100, help_text=_("Pour vous souvenir de son usage."))
    scope = forms.ChoiceField(
        label=_("Portée"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ, widget=forms.RadioSelect
    )
    days = forms.TypedChoiceField(label=_("Durée de validité"), choices=DURATIONS, coerce=int, initial=90)
