"""Forms of the campaign screens. Choice lists hold only the project's own nodes and programmes, so a
forged id of another project is refused like any invalid choice."""

import datetime

from django import forms
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from maillage.accounts.forms import DsfrModelForm
from maillage.actions.forms import DateInput, FrenchDecimalField, UnixNewlines
from maillage.actions.models import Programme
from maillage.actions.vocabulary import Participation, Status, project_labels
from maillage.evaluation.models import Indicator
from maillage.projects.models import Node

from .answering import NUMBER_DECIMALS, NUMBER_DIGITS, TEXT_LIMIT, check_answer, indicator_field
from .models import Campaign, Proposal, Question

# What may still change once a campaign is open: the set of actions and the period are fixed.
OPEN_FIELDS = ["title", "due_date", "instructions"]


def node_label(node) -> str:
    """ "Axe 1 — Accéder à ses droits", indented by its depth in the tree."""
    prefix = "\u00a0\u00a0" * (node.depth - 1)
    code = node.code if node.code and not node.code.casefold().startswith(node.level.name.casefold()) else ""
    name = f"{node.level.name} {code}".strip() if code else (node.code or node.level.name)
    return f"{prefix}{name} — {node.title}"[:150]


def tree_ordered_nodes(project) -> list[Node]:
    nodes = list(Node.objects.filter(project=project).select_related("level").order_by("position", "pk"))
    children: dict = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    ordered = []

    def visit(parent_id, depth):
        for node in children.get(parent_id, []):
            node.depth = depth
            ordered.append(node)
            visit(node.pk, depth + 1)

    visit(None, 1)
    return ordered


class CampaignForm(UnixNewlines, DsfrModelForm):
    class Meta:
        model = Campaign
        fields = [
            "kind",
            "title",
            "first_year",
            "last_year",
            "due_date",
            "scope",
            "node",
            "programme",
            "include_sub_actions",
            "skip_closed",
            "instructions",
        ]
        widgets = {
            "due_date": DateInput(),
            "instructions": forms.Textarea(attrs={"rows": 4}),
            "scope": forms.RadioSelect,
        }
        help_texts = {
            "title": _("Laissé vide : « Bilan annuel 2024 », d'après le type et la période."),
            "node": _("La campagne porte sur les actions de ce nœud et de tout ce qui est en dessous."),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project
        self.fields["title"].required = False
        # The fields are changed in place: DSFR's form has already bound them (a replaced field would
        # still be the one drawn and validated).
        node = self.fields["node"]
        node.queryset = Node.objects.filter(project=project)
        node.label = _("Branche de l'arborescence")
        node.required = False
        node.choices = [("", "—")] + [(one.pk, node_label(one)) for one in tree_ordered_nodes(project)]
        self.fields["programme"].queryset = Programme.objects.filter(project=project).order_by("position", "title")
        self.fields["programme"].required = False
        self.fields["programme"].empty_label = "—"
        if not self.instance.pk:
            year = datetime.date.today().year - 1
            self.initial.setdefault("first_year", max(min(year, project.last_year), project.first_year))
            self.initial.setdefault("last_year", self.initial["first_year"])
            self.initial.setdefault("due_date", datetime.date.today() + datetime.timedelta(days=30))
        if self.instance.pk and not self.instance.is_draft:
            for name in list(self.fields):
                if name not in OPEN_FIELDS:
                    del self.fields[name]

    def clean(self):
        data = super().clean()
        scope = data.get("scope", self.instance.scope)
        if "scope" in self.fields:
            if scope != Campaign.Scope.NODE:
                data["node"] = None
            if scope != Campaign.Scope.PROGRAMME:
                data["programme"] = None
        return data


class QuestionForm(UnixNewlines, DsfrModelForm):
    """A question; ``choices`` is typed one per line."""

    choices_text = forms.CharField(
        label=_("Choix proposés"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pour une question à choix : un choix par ligne."),
    )

    class Meta:
        model = Question
        fields = [
            "kind",
            "label",
            "help_text",
            "required",
            "unit",
            "scale_min",
            "scale_max",
            "scale_min_label",
            "scale_max_label",
        ]
        widgets = {"help_text": forms.Textarea(attrs={"rows": 2}), "label": forms.TextInput}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.campaign = campaign
        taken = set(
            campaign.questions.filter(removed_at__isnull=True, kind__in=Question.BUILT_IN)
            .exclude(pk=self.instance.pk)
            .values_list("kind", flat=True)
        )
        self.fields["kind"].choices = [(code, label) for code, label in Question.Kind.choices if code not in taken]
        if self.instance.pk:
            self.initial["choices_text"] = "\n".join(self.instance.choices)
        for name in ("scale_min", "scale_max"):
            self.fields[name].required = False
            self.fields[name].help_text = _("De 0 à 10 ; vide : 1 à 5.")

    def clean(self):
        data = super().clean()
        if data.get("scale_min") is None:
            data["scale_min"] = self.instance.scale_min if self.instance.pk else 1
        if data.get("scale_max") is None:
            data["scale_max"] = self.instance.scale_max if self.instance.pk else 5
        lines = [line.strip() for line in (data.get("choices_text") or "").splitlines()]
        data["choices"] = [line for line in lines if line]
        self.instance.choices = data["choices"]
        return data

    def _update_errors(self, errors):
        # The model checks ``choices``; the form types them in ``choices_text``.
        if hasattr(errors, "error_dict") and "choices" in errors.error_dict:
            errors.error_dict["choices_text"] = errors.error_dict.pop("choices")
        super()._update_errors(errors)

    def values(self) -> dict:
        """The question's fields as ``questions.add_question`` / ``update_question`` take them."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["choices"] = self.cleaned_data["choices"]
        return data


def _indicator_hint(indicator, period_year: int) -> str:
    """What the lead needs beside the input: unit, baseline, the target of the year, the last value."""
    parts = []
    if indicator.unit:
        parts.append(str(_("Unité : %(unit)s")) % {"unit": indicator.unit})
    targets = {target.year: target.value for target in indicator.targets.all()}
    if period_year in targets:
        parts.append(
            str(_("cible %(year)s : %(value)s"))
            % {"year": period_year, "value": floatformat(targets[period_year], "-2")}
        )
    values = list(indicator.values.all())
    if values:
        last = values[-1]
        measured = floatformat(last.value, "-2") if last.value is not None else last.assessment[:80]
        parts.append(str(_("dernière valeur (%(period)s) : %(value)s")) % {"period": last.period, "value": measured})
    elif indicator.baseline is not None:
        parts.append(str(_("valeur de départ : %(value)s")) % {"value": floatformat(indicator.baseline, "-2")})
    return " · ".join(parts)


class AnswerForm(DsfrBaseForm):
    """One action's questionnaire, drawn from the campaign's questions and the action's indicators.

    ``check_answer`` decides what sending requires, so that the rules live in one place; the fields of
    required questions are drawn required (no « Optionnel » beside them) but only checked as such on
    sending, so that a draft can be saved half-filled."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    use_required_attribute = False  # a draft may leave required questions empty: the server decides

    def __init__(self, *args, answer, questions, indicators, submit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer, self.questions, self.indicators, self.submit = answer, questions, indicators, submit
        project = answer.campaign.project
        labels = project_labels(project)
        self.initial["version"] = answer.version
        self.groups = []  # (question, [field names]) in the questionnaire's order
        self.pairs = []  # (value field, comment field) of each indicator
        for number, question in enumerate(questions, start=1):
            names = []
            label = f"{number}. {question.label}"
            if question.kind == Question.Kind.TEXT:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_LIMIT)
            elif question.kind == Question.Kind.NUMBER:
                field = FrenchDecimalField(max_digits=NUMBER_DIGITS, decimal_places=NUMBER_DECIMALS)
                if question.unit:
                    label = f"{label} ({question.unit})"
            elif question.kind == Question.Kind.CHOICE:
                field = forms.ChoiceField(
                    choices=[(choice, choice) for choice in question.choices], widget=forms.RadioSelect
                )
            elif question.kind == Question.Kind.SCALE:
                field = forms.ChoiceField(choices=self._scale_choices(question), widget=forms.RadioSelect)
            elif question.kind == Question.Kind.PARTICIPATION:
                field = forms.ChoiceField(
                    choices=[(code, labels["participation"].get(code, label)) for code, label in Participation.choices],
                    widget=forms.RadioSelect,
                )
                self._add("participation", field, label, question.help_text, names, question.required)
                self.groups.append((question, names))
                continue
            elif question.kind == Question.Kind.PROPOSAL:
                field = forms.ChoiceField(choices=Proposal.choices, widget=forms.RadioSelect)
                self._add("proposal", field, label, question.help_text, names, question.required)
                comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_LIMIT)
                self._add("proposal_comment", comment, _("Pourquoi cette proposition ?"), "", names)
                self.groups.append((question, names))
                continue
            else:  # the action's indicators
                for indicator in indicators:
                    hint = _indicator_hint(indicator, answer.campaign.last_year)
                    if indicator.kind == Indicator.Kind.QUANTITATIVE:
                        value = FrenchDecimalField(max_digits=NUMBER_DIGITS, decimal_places=NUMBER_DECIMALS)
                        self._add(indicator_field(indicator, "value"), value, indicator.title, hint, names)
                    else:
                        text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_LIMIT)
                        self._add(indicator_field(indicator, "assessment"), text, indicator.title, hint, names)
                    note = forms.CharField(max_length=2000)
                    self._add(
                        indicator_field(indicator, "comment"),
                        note,
                        _("Commentaire sur « %(title)s »") % {"title": indicator.title[:80]},
                        "",
                        names,
                    )
                    self.pairs.append(tuple(names[-2:]))
                self.groups.append((question, names))
                continue
            self._add(question.key, field, label, question.help_text, names, question.required)
            self.groups.append((question, names))
        if not self.is_bound:
            self._fill_initial()

    def indicator_pairs(self):
        return [(self[value], self[comment]) for value, comment in self.pairs]

    def grouped(self):
        """(question, its bound fields) in the questionnaire's order, for the template."""
        return [(question, [self[name] for name in names]) for question, names in self.groups]

    @staticmethod
    def _scale_choices(question):
        choices = []
        for note in question.scale_values:
            text = str(note)
            if note == question.scale_min and question.scale_min_label:
                text = f"{note} — {question.scale_min_label}"
            elif note == question.scale_max and question.scale_max_label:
                text = f"{note} — {question.scale_max_label}"
            choices.append((str(note), text))
        return choices

    def _add(self, name, field, label, help_text, names, required=False):
        field.required = required
        field.error_messages["required"] = _("Cette question est obligatoire pour envoyer la réponse.")
        field.label = label
        field.help_text = help_text
        self.fields[name] = field
        names.append(name)

    def _fill_initial(self):
        answer = self.answer
        for question in self.questions:
            if question.key in answer.responses and question.key in self.fields:
                value = answer.responses[question.key]
                self.initial[question.key] = str(value) if question.kind == Question.Kind.SCALE else value
        self.initial["participation"] = answer.participation
        self.initial["proposal"] = answer.proposal
        self.initial["proposal_comment"] = answer.proposal_comment
        for row in answer.indicator_values.all():
            self.initial[f"i{row.indicator_id}_value"] = row.value
            self.initial[f"i{row.indicator_id}_assessment"] = row.assessment
            self.initial[f"i{row.indicator_id}_comment"] = row.comment

    def answer_data(self) -> dict:
        """The cleaned values in the shape ``answering.save_answer`` takes."""
        data = self.cleaned_data
        return {
            "responses": {
                question.key: data.get(question.key)
                for question in self.questions
                if not question.is_built_in and question.key in data
            },
            "participation": data.get("participation") or "",
            "proposal": data.get("proposal") or "",
            "proposal_comment": data.get("proposal_comment") or "",
            "indicators": {
                indicator.pk: {
                    "value": data.get(indicator_field(indicator, "value")),
                    "assessment": data.get(indicator_field(indicator, "assessment")) or "",
                    "comment": data.get(indicator_field(indicator, "comment")) or "",
                }
                for indicator in self.indicators
            },
        }

    def full_clean(self):
        """Required questions are required only when sending; the fields keep their look afterwards."""
        drawn = {name: field.required for name, field in self.fields.items()}
        if not self.submit:
            for field in self.fields.values():
                field.required = False
        try:
            super().full_clean()
        finally:
            for name, required in drawn.items():
                self.fields[name].required = required

    def clean(self):
        data = super().clean()
        for name, value in data.items():
            if isinstance(value, str) and "\r" in value:
                data[name] = value.replace("\r\n", "\n").replace("\r", "\n")
        if not self.errors:
            for name, message in check_answer(self.questions, self.indicators, self.answer_data(), self.submit).items():
                self.add_error(name if name in self.fields else None, message)
        return data


class AcceptForm(DsfrBaseForm):
    status = forms.ChoiceField(label=_("Statut de l'action après acceptation"), required=False)
    comment = forms.CharField(
        label=_("Commentaire pour le pilote"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def __init__(self, *args, answer, suggested: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        words = project_labels(answer.campaign.project)["status"]
        current = words.get(answer.action.status, answer.action.status)
        keep = str(_("Garder le statut actuel (%(status)s)")) % {"status": current}
        self.fields["status"].choices = [("", keep)] + [
            (code, words.get(code, label)) for code, label in Status.choices
        ]
        self.initial["status"] = suggested if suggested and suggested != answer.action.status else ""
        if suggested:
            proposal = Proposal(answer.proposal).label
            self.fields["status"].help_text = str(
                _(
                    "Proposition du pilote : « %(proposal)s » ; statut proposé : %(status)s. "
                    "Vous pouvez en choisir un autre."
                )
            ) % {"proposal": proposal, "status": words.get(suggested, suggested)}
        else:
            self.fields["status"].help_text = _(
                "Le pilote n'a pas fait de proposition : le statut ne change que si vous le choisissez."
            )


class ReturnForm(UnixNewlines, DsfrBaseForm):
    comment = forms.CharField(
        label=_("Ce qu'il faut compléter ou corriger"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Dites au pilote ce qu'il faut compléter ou corriger.")},
    )


class AnswerFilterForm(DsfrBaseForm):
    """The progress page's filters (query string: etat, pilote, retard, sans)."""

    etat = forms.ChoiceField(label=_("État de la réponse"), required=False)
    pilote = forms.ChoiceField(label=_("Pilote"), required=False)
    sans = forms.BooleanField(label=_("Seulement les actions sans pilote"), required=False)

    def __init__(self, *args, leads, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Answer

        self.fields["etat"].choices = [("", _("Tous"))] + list(Answer.State.choices)
        self.fields["pilote"].choices = [("", _("Tous"))] + [(str(person.pk), person.name) for person in leads]
