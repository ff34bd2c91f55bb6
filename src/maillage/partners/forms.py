"""Directory forms: an organisation, a person, and the directory's search and filters."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from maillage.accounts.forms import DsfrModelForm
from maillage.french import normalise

from .models import Domain, Organisation, Person


class ProjectModelForm(DsfrModelForm):
    """A model form whose instance belongs to ``project``, so model validation sees the project."""

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project


class OrganisationForm(ProjectModelForm):
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
