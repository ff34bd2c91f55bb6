"""Forms of the versions screens: a version taken by hand, the update's start, carry-over, closing,
a new period, the adoption. The rules live in ``taking``; the forms check shapes and French words."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from maillage.actions.models import Action

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
KEEP_OPEN = [Action.Status.PLANNED, Action.Status.IN_PROGRESS, Action.Status.BLOCKED]


class TakeVersionForm(DsfrBaseForm):
    label = forms.CharField(
        label=_("Libellé de la version"),
        max_length=255,
        help_text=_("Par exemple « État avant le COPIL de mars » ou « Plan adopté en conseil municipal »."),
    )
    adopted = forms.BooleanField(
        label=_("Cette version a été adoptée"), required=False, help_text=_("Indiquez alors la délibération.")
    )
    deliberation_date = forms.DateField(label=_("Date de la délibération"), required=False, widget=DATE)
    reference = forms.CharField(label=_("Référence de la délibération"), max_length=255, required=False)
    body = forms.CharField(label=_("Instance qui a délibéré"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "adoption-%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("adopted") and not data.get("deliberation_date"):
            self.add_error("deliberation_date", _("Une version adoptée a la date de sa délibération."))
        if not data.get("adopted") and (data.get("deliberation_date") or data.get("reference")):
            self.add_error("adopted", _("Cochez « adoptée » pour noter une délibération, ou videz ses champs."))
        return data


class StartUpdateForm(DsfrBaseForm):
    label = forms.CharField(label=_("Nom de la mise à jour"), max_length=255)
    note = forms.CharField(
        label=_("Objet"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce que la mise à jour doit faire : « bilan mi-parcours, nouveaux axes du COPIL »…"),
    )
    base_date = forms.DateField(
        label=_("Date de la délibération qui a adopté le plan"),
        required=False,
        widget=DATE,
        help_text=_("Le plan n'a pas encore de version adoptée : la mise à jour partira de son état d'aujourd'hui."),
    )
    base_reference = forms.CharField(label=_("Référence de cette délibération"), max_length=255, required=False)

    def __init__(self, *args, needs_base=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_base = needs_base
        if not needs_base:
            del self.fields["base_date"]
            del self.fields["base_reference"]
        else:
            self.fields["base_date"].required = True


class CarryOverForm(forms.Form):
    actions = forms.ModelMultipleChoiceField(
        queryset=Action.objects.none(),
        error_messages={"required": _("Cochez au moins une action à reconduire.")},
    )
    periods = forms.ModelMultipleChoiceField(
        queryset=None,
        error_messages={"required": _("Choisissez au moins une période où reconduire les actions.")},
    )
    status = forms.ChoiceField(
        label=_("Statut des actions reportées après reconduction"),
        required=False,
        choices=[("", _("Inchangé"))] + [(s.value, s.label) for s in KEEP_OPEN],
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = Action.objects.filter(
            project=project, parent__isnull=True, status__in=[Action.Status.POSTPONED, Action.Status.CONTINUOUS]
        )
        self.fields["periods"].queryset = project.periods.all()


class CloseForm(forms.Form):
    actions = forms.ModelMultipleChoiceField(
        queryset=Action.objects.none(), error_messages={"required": _("Cochez au moins une action à clore.")}
    )
    status = forms.ChoiceField(
        label=_("Clore comme"),
        choices=[(Action.Status.DONE.value, _("Terminée")), (Action.Status.ABANDONED.value, _("Abandonnée"))],
    )
    reason = forms.CharField(
        label=_("Précision pour l'historique"),
        max_length=150,
        required=False,
        help_text=_("Facultatif : « objectif atteint », « financement arrêté »…"),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = Action.objects.filter(project=project, parent__isnull=True).exclude(
            status__in=[Action.Status.DONE, Action.Status.ABANDONED]
        )


class PeriodForm(DsfrBaseForm):
    label = forms.CharField(label=_("Libellé de la période"), max_length=255, help_text=_("Par exemple « 2025-2026 »."))
    first_year = forms.IntegerField(label=_("Première année"), min_value=1990, max_value=2100)
    last_year = forms.IntegerField(label=_("Dernière année"), min_value=1990, max_value=2100)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "periode-%s")  # the update screen holds the adoption form's fields too
        super().__init__(*args, **kwargs)


class AdoptForm(DsfrBaseForm):
    label = forms.CharField(label=_("Libellé de la version adoptée"), max_length=255)
    date = forms.DateField(label=_("Date de la délibération"), widget=DATE)
    reference = forms.CharField(
        label=_("Référence de la délibération"),
        max_length=255,
        help_text=_("Par exemple « Délibération n° 2025-042 du conseil municipal »."),
    )
    body = forms.CharField(label=_("Instance qui a délibéré"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "adoption-%s")
        super().__init__(*args, **kwargs)
