"""The forms of the fiche action screens: the sheet, its partners and budget, indicators, notes,
comments, the quick status change and the list's filters. Choices always come from the action's own
project, so a forged id of another project is refused as an invalid choice."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import inlineformset_factory
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from maillage.accounts.forms import DsfrModelForm, set_help_text
from maillage.choosers import SuggestSelect
from maillage.evaluation.models import FollowUpNote, Indicator, IndicatorTarget, IndicatorValue
from maillage.evaluation.years import YearRule
from maillage.partners.models import Organisation, Person
from maillage.projects.models import Node, Period, Theme
from maillage.territories.models import Territory

from .choosing import lead_candidates, parent_candidates, partner_candidates
from .filtering import MISSING, SORTS
from .models import SECTIONS, Action, ActionPartner, BudgetLine, Comment
from .vocabulary import Origin, Priority, Scale, Status, project_labels


def _worded(choices, words: dict, blank: bool) -> list:
    """A vocabulary's choices in the project's own words."""
    options = [(code, words.get(code, label)) for code, label in choices.choices]
    return [("", "—")] + options if blank else options


def _node_label(node) -> str:
    return node.heading if node.code else str(node.title)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class UnixNewlines:
    """Browsers send textareas with CRLF line ends; the database keeps LF, so that saving a sheet
    unchanged does not look like a change in the history."""

    def clean(self):
        data = super().clean()
        for name, value in data.items():
            if isinstance(value, str) and "\r" in value:
                data[name] = value.replace("\r\n", "\n").replace("\r", "\n")
        return data


class FrenchDecimalField(forms.DecimalField):
    """A number as the French write it: « 1 500,50 » (any space between thousands, comma or point)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"\s", "", value).replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return floatformat(value, "-4").replace("\u202f", " ").replace("\xa0", " ")


class NodeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _node_label(obj)


class ActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.ref} — {obj.title}"[:120]


class ActionForm(UnixNewlines, DsfrModelForm):
    """Every field of the sheet. ``version`` is the version the form was drawn from: a save from an
    older version is a conflict (``maillage.actions.editing``), never a silent overwrite."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Action
        fields = [
            "title",
            "code",
            "status",
            "origin",
            "priority",
            "participation",
            "parent",
            "nodes",
            "scale",
            "territory",
            "start_date",
            "end_date",
            "periods",
            "themes",
            "leads",
            "lead_organisation",
            "elected_referent",
            *SECTIONS,
        ]
        field_classes = {"nodes": NodeChoiceField, "parent": ActionChoiceField}
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "periods": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "nodes": forms.SelectMultiple(attrs={"size": 8}),
            "leads": forms.SelectMultiple(attrs={"size": 6}),
            **{name: forms.Textarea(attrs={"rows": 4}) for name in SECTIONS},
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project
        labels = project_labels(project)
        for name in ("status", "origin", "priority", "participation"):
            self.fields[name].choices = self._choices(name, labels[name])
        self.fields["nodes"].queryset = Node.objects.filter(project=project).select_related("level")
        self.fields["nodes"].help_text = _(
            "Une fiche peut servir plusieurs objectifs (Ctrl ou Cmd pour en choisir plusieurs)."
        )
        self.fields["periods"].queryset = Period.objects.filter(project=project)
        self.fields["themes"].queryset = Theme.objects.filter(project=project)
        people = Person.objects.filter(project=project)
        self.fields["leads"].queryset = people
        self.fields["leads"].help_text = _("Personnes de l'annuaire du projet (Ctrl ou Cmd pour en choisir plusieurs).")
        referent = self.instance.elected_referent_id
        self.fields["elected_referent"].queryset = people.filter(Q(elected=True) | Q(pk=referent))
        self.fields["lead_organisation"].queryset = Organisation.objects.filter(project=project)
        parent = self.fields["parent"]
        parent.queryset = parent_candidates(project, self.instance.pk)
        url = reverse("action-choices", args=[project.slug, "action"])
        parent.widget = SuggestSelect(
            url=f"{url}?sauf={self.instance.pk}" if self.instance.pk else url, search_label=parent.label
        )
        parent.widget.choices = parent.choices
        parent.help_text = _(
            "Pour une sous-action : la fiche dont elle fait partie (cherchez-la par son numéro ou son intitulé)."
        )
        territories = Q(project=project) | Q(actions__project=project)
        if project.territory_id:
            territories |= Q(pk=project.territory_id) | Q(perimeters=project.territory_id)
        if self.instance.territory_id:
            territories |= Q(pk=self.instance.territory_id)
        self.fields["territory"].queryset = Territory.objects.filter(territories).distinct()
        self.fields["title"].widget.attrs.setdefault("maxlength", 500)

    def _choices(self, name, words):
        field = Action._meta.get_field(name)
        options = [(code, words.get(code, label)) for code, label in field.choices]
        return options if not field.blank else [("", "—"), *options]


class ActionCreateForm(ActionForm):
    """A new sheet also needs its reference, unique in the project (the address of its page)."""

    class Meta(ActionForm.Meta):
        fields = ["ref", *ActionForm.Meta.fields]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, project=project, **kwargs)
        if not self.is_bound and not self.initial.get("ref"):
            self.initial["ref"] = next_free_ref(project)

    def clean_ref(self):
        ref = self.cleaned_data["ref"].strip()
        if not ref or "/" in ref:
            raise ValidationError(_("La référence ne peut pas être vide ni contenir de « / »."))
        if Action.objects.filter(project=self.project, ref=ref).exists():
            raise ValidationError(_("La référence « %(ref)s » est déjà utilisée dans ce projet.") % {"ref": ref})
        return ref


def next_free_ref(project) -> str:
    """The reference a new sheet is offered: the project's own numbering carried on from its latest sheet
    (« 1.1.2-09 » → « 1.1.2-10 », « AXE 2 – 15 » → « AXE 2 – 16 »), else « A01 », « A02 »… — in a few
    queries, whatever the number of sheets."""
    actions = Action.objects.filter(project=project)
    latest = actions.order_by("-created_at", "-pk").values_list("ref", flat=True).first()
    match = re.search(r"(\d+)(\D*)$", latest or "")
    if match:
        prefix, digits, suffix = latest[: match.start(1)], match.group(1), match.group(2)
        number = int(digits) + 1
        for _attempt in range(20):
            ref = f"{prefix}{number:0{len(digits)}d}{suffix}"
            if not actions.filter(ref=ref).exists():
                return ref
            number += 1
    number = actions.count() + 1
    while actions.filter(ref=f"A{number:02d}").exists():
        number += 1
    return f"A{number:02d}"


class PartnerForm(DsfrModelForm):
    """A partner of the action: picked from the project's directory, or created on the fly by name."""

    new_organisation = forms.CharField(
        label=_("ou nouvelle organisation"),
        help_text=_("Nom d'une organisation absente de l'annuaire : elle y sera ajoutée."),
        max_length=255,
        required=False,
    )

    class Meta:
        model = ActionPartner
        fields = ["organisation", "new_organisation", "role", "detail"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(project=project)
        self.fields["organisation"].required = False
        self.fields["role"].choices = _worded(ActionPartner.Role, project_labels(project)["role"], blank=True)

    def clean(self):
        data = super().clean()
        if data.get("DELETE"):
            return data
        organisation, name = data.get("organisation"), (data.get("new_organisation") or "").strip()
        if organisation and name:
            self.add_error(
                "new_organisation",
                _("Choisissez une organisation de l'annuaire ou saisissez un nouveau nom, pas les deux."),
            )
        elif not organisation and not name and self.has_changed():
            self.add_error(
                "organisation", _("Choisissez une organisation de l'annuaire ou saisissez le nom d'une nouvelle.")
            )
        return data


class BasePartnerFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            key = (data.get("organisation") and data["organisation"].pk, data.get("new_organisation"), data.get("role"))
            if key in seen:
                form.add_error("role", _("Cette organisation a déjà ce rôle dans l'action."))
            seen.add(key)


PartnerFormSet = inlineformset_factory(
    Action, ActionPartner, form=PartnerForm, formset=BasePartnerFormSet, extra=2, can_delete=True
)


class BudgetLineForm(DsfrModelForm):
    class Meta:
        model = BudgetLine
        fields = ["label", "nature", "kind", "year", "amount", "unit", "funder"]
        field_classes = {"amount": FrenchDecimalField}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = Organisation.objects.filter(project=project)
        self.fields["year"].help_text = _("Vide : toute la période (%(first)s-%(last)s).") % {
            "first": project.first_year,
            "last": project.last_year,
        }


BudgetFormSet = inlineformset_factory(Action, BudgetLine, form=BudgetLineForm, extra=2, can_delete=True)


class StatusForm(DsfrBaseForm):
    status = forms.ChoiceField(label=_("Statut"))

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _worded(Status, project_labels(project)["status"], blank=False)


class NoteForm(UnixNewlines, DsfrModelForm):
    """On the sheet next to the comment form: its own ids (``note-…``), so that each label names its own field."""

    class Meta:
        model = FollowUpNote
        fields = ["date", "text"]
        labels = {"text": _("Note de suivi")}  # set in __init__, the label came too late for the DSFR drawing
        widgets = {"date": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "note-%s")
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = datetime.date.today()


class CommentForm(UnixNewlines, DsfrModelForm):
    class Meta:
        model = Comment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "commentaire-%s")
        super().__init__(*args, **kwargs)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Le commentaire est vide."))
        return text


class IndicatorForm(DsfrModelForm):
    class Meta:
        model = Indicator
        fields = ["title", "kind", "unit", "baseline", "baseline_year"]
        field_classes = {"baseline": FrenchDecimalField}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        set_help_text(self, "baseline_year", YearRule.of(project).baseline_help())

    def clean_baseline_year(self):
        year = self.cleaned_data.get("baseline_year")
        if problem := YearRule.of(self.project).baseline_problem(year):
            raise ValidationError(problem)
        return year


class TargetForm(DsfrModelForm):
    class Meta:
        model = IndicatorTarget
        fields = ["year", "value"]
        field_classes = {"value": FrenchDecimalField}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        set_help_text(self, "year", YearRule.of(project).target_help())

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if problem := YearRule.of(self.project).target_problem(year):
            raise ValidationError(problem)
        return year


class ValueForm(UnixNewlines, DsfrModelForm):
    class Meta:
        model = IndicatorValue
        fields = ["period", "date", "value", "assessment", "comment", "source"]
        field_classes = {"value": FrenchDecimalField}
        widgets = {
            "date": DateInput(),
            "assessment": forms.Textarea(attrs={"rows": 2}),
            "comment": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        set_help_text(self, "period", YearRule.of(project).value_help())


class BaseTargetFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        years = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data and not data.get("DELETE") and data.get("year") is not None:
                if data["year"] in years:
                    form.add_error("year", _("Une seule cible par année."))
                years.add(data["year"])


TargetFormSet = inlineformset_factory(
    Indicator, IndicatorTarget, form=TargetForm, formset=BaseTargetFormSet, extra=1, can_delete=True
)
ValueFormSet = inlineformset_factory(Indicator, IndicatorValue, form=ValueForm, extra=1, can_delete=True)


class FilterForm(DsfrBaseForm):
    """The list's filters, drawn from the URL parameters of :mod:`maillage.actions.filtering`."""

    q = forms.CharField(label=_("Rechercher"), required=False, help_text=_("Dans l'intitulé et toute la fiche."))
    statut = forms.MultipleChoiceField(label=_("Statut"), required=False, widget=forms.CheckboxSelectMultiple)
    origine = forms.ChoiceField(label=_("Origine"), required=False)
    priorite = forms.ChoiceField(label=_("Priorité"), required=False)
    noeud = forms.ChoiceField(label=_("Nœud de l'arborescence"), required=False)
    pilote = forms.ModelChoiceField(label=_("Pilote"), required=False, queryset=Person.objects.none())
    partenaire = forms.ModelChoiceField(label=_("Partenaire"), required=False, queryset=Organisation.objects.none())
    theme = forms.ChoiceField(label=_("Thème"), required=False)
    echelon = forms.ChoiceField(label=_("Échelon"), required=False)
    annee = forms.ChoiceField(label=_("Année"), required=False)
    periode = forms.ChoiceField(label=_("Période"), required=False)
    retard = forms.BooleanField(label=_("En retard seulement"), required=False)
    sans = forms.ChoiceField(label=_("Fiches incomplètes"), required=False)
    tri = forms.ChoiceField(label=_("Trier par"), required=False)

    def __init__(self, *args, project, labels, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", _("Tous"))]
        self.fields["statut"].choices = _worded(Status, labels["status"], blank=False)
        self.fields["origine"].choices = blank + _worded(Origin, labels["origin"], blank=False)
        self.fields["priorite"].choices = blank + _worded(Priority, labels["priority"], blank=False)
        self.fields["echelon"].choices = blank + list(Scale.choices)
        nodes = Node.objects.filter(project=project).select_related("level").order_by("position", "pk")
        self.fields["noeud"].choices = blank + [(str(node.pk), _node_label(node)[:100]) for node in nodes]
        # Leads and partners can be thousands in a large directory: searched, never all drawn.
        for name, candidates in (("pilote", lead_candidates(project)), ("partenaire", partner_candidates(project))):
            field = self.fields[name]
            field.queryset = candidates
            field.empty_label = _("Tous")
            field.widget = SuggestSelect(
                url=reverse("action-choices", args=[project.slug, name]), search_label=field.label
            )
            field.widget.choices = field.choices
        self.fields["theme"].choices = blank + [(str(t.pk), t.name) for t in Theme.objects.filter(project=project)]
        self.fields["periode"].choices = blank + [(str(p.pk), p.label) for p in Period.objects.filter(project=project)]
        years = range(project.first_year, project.last_year + 1)
        self.fields["annee"].choices = [("", _("Toutes"))] + [(str(y), str(y)) for y in years]
        self.fields["sans"].choices = [("", "—")] + [(code, label) for code, label in MISSING.items()]
        options = []
        for code, (_field, label) in SORTS.items():
            options.append((code, label))
            options.append((f"-{code}", _("%(label)s (ordre inverse)") % {"label": label}))
        self.fields["tri"].choices = options
