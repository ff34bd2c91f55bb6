from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from .addresses import MAX_URL_LENGTH, check_url
from .models import Event


class SubscriptionForm(DsfrBaseForm):
    url = forms.CharField(
        label=_("Adresse de réception"),
        max_length=MAX_URL_LENGTH,
        help_text=_("L'adresse https:// à laquelle Maillage envoie les événements (requêtes POST en JSON)."),
    )
    label = forms.CharField(label=_("Libellé"), max_length=120, required=False)
    events = forms.MultipleChoiceField(
        label=_("Événements envoyés"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )

    def clean_url(self):
        return check_url(self.cleaned_data["url"])
