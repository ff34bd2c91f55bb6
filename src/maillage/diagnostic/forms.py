"""Diagnostic forms: findings, consultations and enjeux (with the tree nodes that answer them)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.accounts.forms import DsfrModelForm
from maillage.french import normalise
from maillage.projects.models import Acronym, Node

from .models import Consultation, Enjeu, Finding, KeyFigureTable

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectModelForm(DsfrModelForm):
    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project


class FindingForm(ProjectModelForm):
    class Meta:
        model = Finding
        fields = ["theme", "title", "text", "source"]
        widgets = {"text": forms.Textarea(attrs={"rows": 10})}


class NodeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, node):
        return node.heading


class EnjeuForm(ProjectModelForm):
    nodes = NodeChoiceField(
        label=_("Nœuds de l'arborescence qui y répondent"),
        queryset=Node.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les actions placées sous ces nœuds répondent à l'enjeu."),
    )

    class Meta:
        model = Enjeu
        fields = ["code", "title", "theme", "description", "validated_on", "nodes"]
        widgets = {"validated_on": DATE, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, project=project, **kwargs)
        self.fields["nodes"].queryset = (
            Node.objects.filter(project=project).select_related("level").order_by("level__depth", "position", "pk")
        )


class ConsultationForm(ProjectModelForm):
    class Meta:
        model = Consultation
        fields = [
            "title",
            "method",
            "start_date",
            "end_date",
            "residents",
            "young",
            "partners",
            "invited",
            "meetings",
            "responses",
            "actions_evaluated",
            "description",
        ]
        widgets = {"start_date": DATE, "end_date": DATE, "description": forms.Textarea(attrs={"rows": 6})}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La date de fin ne peut pas précéder la date de début."))
        residents, young = cleaned.get("residents"), cleaned.get("young")
        if residents is not None and young is not None and young > residents:
            self.add_error(
                "young", _("Les jeunes interrogés font partie des habitants : pas plus de %(n)s.") % {"n": residents}
            )
        return cleaned


class AcronymForm(ProjectModelForm):
    """A line of the project's table of acronyms (the annex's « Sigles et abréviations »)."""

    class Meta:
        model = Acronym
        fields = ["acronym", "expansion"]

    def clean_acronym(self):
        acronym = self.cleaned_data["acronym"].strip()
        others = Acronym.objects.filter(project=self.project).exclude(pk=self.instance.pk)
        if any(normalise(other) == normalise(acronym) for other in others.values_list("acronym", flat=True)):
            raise forms.ValidationError(_("Ce sigle est déjà dans la table du projet."))
        return acronym


class KeyFigureTableForm(ProjectModelForm):
    """A key-figure table's title and source; its grid is edited on its own page (``keyfigures``)."""

    class Meta:
        model = KeyFigureTable
        fields = ["title", "source", "year"]

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not 1800 <= year <= 2200:
            raise forms.ValidationError(_("Une année de quatre chiffres, comme « 2019 »."))
        return year
