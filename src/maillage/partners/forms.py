"""Directory forms: an organisation, a person, and the directory's search and filters."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from maillage.accounts.forms import DsfrModelForm
from maillage.french import normalise
from maillage.governance.models import Body

from . import identity, partnering
from .models import Domain, Organisation, PartnerEvent, Person, Solicitation, Structure


class ProjectModelForm(DsfrModelForm):
    """A model form whose instance belongs to ``project``, so model validation sees the project."""

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project


class StructureFieldsMixin(forms.Form):
    """The shared record's identifiers, edited with the entry: a SIRET given here links the entry to the
    structure other plans already know by it."""

    siret = forms.CharField(
        label=_("SIRET"),
        required=False,
        max_length=20,
        help_text=_("14 chiffres ; relie l’entrée à la même structure dans les autres plans."),
    )
    insee_code = forms.RegexField(
        label=_("Code INSEE de la commune"),
        required=False,
        regex=r"^[0-9][0-9AB][0-9]{3}$",
        error_messages={"invalid": _("Un code INSEE compte 5 caractères, par exemple 63113.")},
    )


class OrganisationForm(ProjectModelForm):
    siret = StructureFieldsMixin.base_fields["siret"]
    insee_code = StructureFieldsMixin.base_fields["insee_code"]

    class Meta:
        model = Organisation
        fields = [
            "name",
            "acronym",
            "kind",
            "domains",
            "description",
            "address",
            "postal_code",
            "city",
            "website",
            "email",
            "phone",
        ]
        widgets = {"domains": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 4})}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Organisation.objects.filter(project=self.project).exclude(pk=self.instance.pk)
        if any(normalise(other) == normalise(name) for other in others.values_list("name", flat=True)):
            raise ValidationError(_("Une organisation de ce nom existe déjà dans l'annuaire du projet."))
        return name

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        structure = self.instance.structure if self.instance.structure_id else None
        if structure is not None and not self.is_bound:
            self.initial |= {"siret": structure.siret, "insee_code": structure.insee_code}

    def clean_siret(self):
        text = self.cleaned_data["siret"]
        siret = identity.clean_siret(text)
        if text.strip() and not siret:
            raise ValidationError(_("Un SIRET compte 14 chiffres."))
        return siret

    def save(self, commit=True):
        """The entry, then its structure: found again by the SIRET when one is given."""
        organisation = super().save(commit=commit)
        siret, insee_code = self.cleaned_data.get("siret", ""), self.cleaned_data.get("insee_code", "")
        structure = organisation.structure
        if siret and structure.siret != siret:
            other = Structure.objects.filter(siret=siret).exclude(pk=structure.pk).first()
            if other is not None:
                organisation.structure = structure = other
                organisation.save(update_fields=["structure"])
            else:
                structure.siret = siret
        if insee_code:
            structure.insee_code = insee_code
        structure.save()
        return organisation


class PersonForm(ProjectModelForm):
    class Meta:
        model = Person
        fields = ["name", "function", "organisation", "elected", "email", "phone", "user"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, project=project, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(project=project).order_by("name")
        # Only the project's members may be linked: the list names no one from elsewhere.
        self.fields["user"].queryset = (
            get_user_model().objects.filter(memberships__project=project).distinct().order_by("username")
        )
        self.fields["user"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.username})" if user.get_full_name() else user.username
        )


class DirectoryFilterForm(DsfrBaseForm):
    """Search and filters of the directory; they live in the URL so a filtered directory can be shared."""

    q = forms.CharField(label=_("Rechercher"), required=False, help_text=_("Nom, sigle, commune ou présentation."))
    domain = forms.ModelChoiceField(label=_("Domaine d'intervention"), queryset=Domain.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Type de structure"), required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = Domain.objects.filter(organisation__project=project).distinct()
        self.fields["domain"].empty_label = _("Tous les domaines")
        self.fields["kind"].choices = [("", _("Tous les types")), *Organisation.Kind.choices]


class PeopleFilterForm(DsfrBaseForm):
    q = forms.CharField(label=_("Rechercher"), required=False, help_text=_("Nom, fonction ou organisation."))


class DataInclusionUploadForm(DsfrBaseForm):
    file = forms.FileField(label=_("Fichier data·inclusion (JSON ou CSV)"))
    skip_invalid = forms.BooleanField(
        label=_("Importer les structures valides et écarter les autres"),
        required=False,
        help_text=_("Sans cette case, une seule structure invalide fait refuser tout le fichier."),
    )


class MergeForm(DsfrBaseForm):
    kept = forms.ModelChoiceField(label=_("Organisation gardée"), queryset=Organisation.objects.none())
    removed = forms.ModelChoiceField(
        label=_("Organisation fusionnée dans la première"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        entries = Organisation.objects.filter(project=project).order_by("name")
        self.fields["kept"].queryset = entries
        self.fields["removed"].queryset = entries

    def clean(self):
        data = super().clean()
        if data.get("kept") and data.get("kept") == data.get("removed"):
            raise ValidationError(_("Choisissez deux organisations différentes."))
        return data


class SolicitationForm(DsfrModelForm):
    """One organisation approached for the project or one of its bodies; saving it again updates it."""

    class Meta:
        model = Solicitation
        fields = ["organisation", "body", "status", "approached_on", "answered_on", "note"]
        widgets = {
            "approached_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "answered_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project
        self.fields["organisation"].queryset = Organisation.objects.filter(project=project).order_by("name")
        self.fields["body"].queryset = Body.objects.filter(project=project).order_by("name")
        self.fields["body"].empty_label = _("Le projet dans son ensemble")

    def clean(self):
        data = super().clean()
        approached, answered = data.get("approached_on"), data.get("answered_on")
        if approached and answered and answered < approached:
            self.add_error("answered_on", _("La réponse ne peut pas précéder la sollicitation."))
        if data.get("status") == Solicitation.Status.APPROACHED and answered:
            self.add_error("answered_on", _("Une organisation seulement sollicitée n’a pas encore répondu."))
        # Approaching the same organisation again for the same body updates its row.
        if data.get("organisation"):
            existing = Solicitation.objects.filter(
                project=self.project, organisation=data["organisation"], body=data.get("body")
            ).first()
            if existing is not None:
                self.instance = existing
        return data


class ProposalForm(DsfrBaseForm):
    """A partner's correction of their organisation's entry, prefilled with what the directory says."""

    message = forms.CharField(
        label=_("Message à la coordination"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        fields = forms.models.fields_for_model(Organisation, fields=partnering.PROPOSABLE)
        for name in reversed(partnering.PROPOSABLE):
            self.fields = {name: fields[name], **self.fields}
            if not self.is_bound:
                self.initial[name] = getattr(organisation, name)
        self.fields["description"].widget = forms.Textarea(attrs={"rows": 4})


class PartnerEventForm(DsfrModelForm):
    class Meta:
        model = PartnerEvent
        fields = ["title", "date", "start_time", "end_time", "place", "description"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if end and not start:
            self.add_error("start_time", _("Indiquez l’heure de début."))
        if start and end and end <= start:
            self.add_error("end_time", _("La fin doit suivre le début."))
        return data
