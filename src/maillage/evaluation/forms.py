"""The short forms of follow-up: a value for an indicator (from the fiche, the indicator page and the
project's indicators page), the quick update of an action reached from the digest, and the filters
of the indicators page. Saving goes through ``record_value`` and ``maillage.actions.editing``, which
write the history."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

from maillage.accounts.forms import set_help_text
from maillage.actions import editing
from maillage.actions.forms import DateInput, FrenchDecimalField, NoteForm, UnixNewlines
from maillage.actions.models import Action, ActionPartner, Programme
from maillage.actions.vocabulary import Status, project_labels
from maillage.partners.models import Organisation, Person
from maillage.projects.models import Node

from .models import Indicator
from .periods import place
from .progress import current_date
from .recording import record_value
from .years import YearRule


def _refused(form, error: ValidationError, field_map: dict | None = None):
    """Put the errors of ``record_value`` on the form's fields (its own field names may differ)."""
    field_map = field_map or {}
    for name, messages in error.message_dict.items():
        target = field_map.get(name, name)
        form.add_error(target if target in form.fields else None, messages)


class ValueEntryForm(UnixNewlines, DsfrBaseForm):
    """One value of one indicator: the period, the number (or the appreciation of a qualitative
    indicator), and optionally the date, a comment and the source."""

    period = forms.CharField(label=gettext_lazy("Période mesurée"), max_length=255)
    value = FrenchDecimalField(label=gettext_lazy("Valeur"), max_digits=16, decimal_places=4, required=False)
    assessment = forms.CharField(
        label=gettext_lazy("Appréciation"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    date = forms.DateField(label=gettext_lazy("Date de la mesure"), widget=DateInput(), required=False)
    comment = forms.CharField(
        label=gettext_lazy("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    source = forms.CharField(label=gettext_lazy("Source"), max_length=255, required=False)

    def __init__(self, *args, indicator: Indicator, project, **kwargs):
        kwargs.setdefault("auto_id", f"valeur-{indicator.pk}-%s")
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.project = project
        self.rule = YearRule.of(project)
        set_help_text(self, "period", self.rule.value_help())
        if indicator.kind == Indicator.Kind.QUALITATIVE:
            del self.fields["value"]
            self.fields["assessment"].required = True
            set_help_text(self, "assessment", _("Ce qui a été observé sur la période."))
        else:
            self.fields["value"].required = True
            self.fields["value"].label = (
                _("Valeur (%(unit)s)") % {"unit": indicator.unit} if indicator.unit else _("Valeur")
            )
            del self.fields["assessment"]
            self._bound_fields_cache.pop("value", None)  # drawn again with its new label (see set_help_text)

    def clean(self):
        data = super().clean()
        if "period" in data:
            placed = place(data["period"], data.get("date"))
            if problem := self.rule.value_problem(placed.year if placed else None):
                self.add_error("period", problem)
        return data

    def save(self, user, reason: str = ""):
        """Write the value and its history line; on a refusal, the errors go on the form and None is returned."""
        data = self.cleaned_data
        try:
            return record_value(
                self.indicator,
                period=data["period"],
                value=data.get("value"),
                assessment=data.get("assessment", ""),
                comment=data.get("comment", ""),
                source=data.get("source", ""),
                date=data.get("date"),
                user=user,
                reason=reason,
            )
        except ValidationError as error:
            _refused(self, error)
            return None


class QuickUpdateForm(UnixNewlines, DsfrBaseForm):
    """The digest's "quick update" of one action: its status, a value of one of its indicators, a
    follow-up note. Whatever is filled is saved together, in one transaction, or nothing is."""

    status = forms.ChoiceField(label=gettext_lazy("Statut"))
    indicator = forms.ChoiceField(label=gettext_lazy("Indicateur"), required=False)
    period = forms.CharField(label=gettext_lazy("Période mesurée"), max_length=255, required=False)
    value = FrenchDecimalField(
        label=gettext_lazy("Valeur"),
        max_digits=16,
        decimal_places=4,
        required=False,
        help_text=gettext_lazy("Pour un indicateur quantitatif."),
    )
    assessment = forms.CharField(
        label=gettext_lazy("Appréciation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=gettext_lazy("Pour un indicateur qualitatif, ou en complément de la valeur."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note de suivi"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("Ce qui s'est passé, ce qui bloque : datée d'aujourd'hui et signée de votre nom."),
    )

    def __init__(self, *args, action: Action, project, indicators, **kwargs):
        kwargs.setdefault("auto_id", "maj-%s")
        super().__init__(*args, **kwargs)
        self.action = action
        self.project = project
        self.rule = YearRule.of(project)
        self.indicators = {str(indicator.pk): indicator for indicator in indicators}
        words = project_labels(project)["status"]
        self.fields["status"].choices = [(code, words.get(code, label)) for code, label in Status.choices]
        self.fields["status"].initial = action.status
        self.fields["indicator"].choices = [("", "—")] + [
            (pk, indicator.title[:120]) for pk, indicator in self.indicators.items()
        ]
        set_help_text(self, "period", self.rule.value_help())
        if not self.indicators:
            for name in ("indicator", "period", "value", "assessment"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        indicator = self.indicators.get(data.get("indicator") or "")
        data["indicator"] = indicator
        measured = indicator is not None and (
            (data.get("period") or "").strip()
            or data.get("value") is not None
            or (data.get("assessment") or "").strip()
        )
        if indicator is not None and measured:
            if not (data.get("period") or "").strip():
                self.add_error("period", _("Indiquez la période mesurée."))
            else:
                placed = place(data["period"])
                if problem := self.rule.value_problem(placed.year if placed else None):
                    self.add_error("period", problem)
            if data.get("value") is None and not (data.get("assessment") or "").strip():
                self.add_error("value", _("Indiquez une valeur ou une appréciation."))
        elif indicator is None and (data.get("value") is not None or (data.get("assessment") or "").strip()):
            self.add_error("indicator", _("Choisissez l'indicateur que mesure cette valeur."))
        data["measured"] = bool(measured)
        changed = data.get("status") != self.action.status or data["measured"] or (data.get("note") or "").strip()
        if not self.errors and not changed:
            raise ValidationError(_("Rien à enregistrer : changez le statut, saisissez une valeur ou une note."))
        return data

    def save(self, user) -> list[str]:
        """Apply what was filled, together; returns what was done (French sentences) or [] when refused."""
        data = self.cleaned_data
        done = []
        try:
            with transaction.atomic():
                if data["status"] != self.action.status:
                    editing.change_status(self.action, data["status"], user)
                    words = project_labels(self.project)["status"]
                    done.append(_("Statut : %(status)s.") % {"status": words.get(data["status"], data["status"])})
                if data.get("measured"):
                    indicator = data["indicator"]
                    record_value(
                        indicator,
                        period=data["period"],
                        value=data.get("value"),
                        assessment=data.get("assessment", ""),
                        user=user,
                    )
                    done.append(_("Valeur enregistrée pour « %(title)s ».") % {"title": indicator.title})
                if text := (data.get("note") or "").strip():
                    note = NoteForm({"date": current_date().isoformat(), "text": text})
                    if not note.is_valid():
                        raise ValidationError(note.errors.get("text") or _("Note refusée."))
                    editing.add_note(self.action, note, user)
                    done.append(_("Note de suivi ajoutée."))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                _refused(self, error, {NON_FIELD_ERRORS: NON_FIELD_ERRORS})
            else:
                self.add_error(None, error)
            return []
        return done


def node_label(node) -> str:
    label = node.heading if node.code else node.title
    return " ".join(str(label).split())[:100]


class IndicatorFilterForm(DsfrBaseForm):
    """The filters of the project's indicators page, read from the URL (see ``listing``)."""

    noeud = forms.ChoiceField(label=gettext_lazy("Nœud de l'arborescence"), required=False)
    pilote = forms.ChoiceField(label=gettext_lazy("Pilote (personne)"), required=False)
    structure = forms.ChoiceField(label=gettext_lazy("Structure pilote"), required=False)
    programme = forms.ChoiceField(label=gettext_lazy("Programme transversal"), required=False)
    type = forms.ChoiceField(label=gettext_lazy("Type d'indicateur"), required=False)
    manquant = forms.BooleanField(label=gettext_lazy("Sans valeur pour la dernière période"), required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", _("Tous"))]
        nodes = Node.objects.filter(project=project).select_related("level").order_by("position", "pk")
        self.fields["noeud"].choices = blank + [(str(node.pk), node_label(node)) for node in nodes]
        people = Person.objects.filter(project=project, led_actions__isnull=False).distinct().order_by("name")
        self.fields["pilote"].choices = blank + [(str(person.pk), person.name) for person in people]
        leading = ActionPartner.objects.filter(role=ActionPartner.Role.LEAD, action__project=project).values(
            "organisation_id"
        )
        lead_organisations = Action.objects.filter(project=project).values("lead_organisation_id")
        organisations = (
            Organisation.objects.filter(project=project)
            .filter(Q(pk__in=lead_organisations) | Q(pk__in=leading))
            .order_by("name")
        )
        self.fields["structure"].choices = blank + [(str(o.pk), o.name) for o in organisations]
        programmes = Programme.objects.filter(project=project).order_by("position", "pk")
        self.fields["programme"].choices = blank + [(str(p.pk), p.title) for p in programmes]
        self.fields["type"].choices = [("", _("Tous"))] + list(Indicator.Kind.choices)
