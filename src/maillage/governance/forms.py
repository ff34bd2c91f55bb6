"""Governance forms. Every choice list holds only the project's own people, organisations, nodes and
actions, so a forged id from another project is refused like any invalid choice."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maillage.accounts.forms import DsfrModelForm
from maillage.actions.models import Action
from maillage.partners.models import Organisation, Person
from maillage.projects.models import Node

from .models import Attendance, Body, BodyMember, Decision, Meeting


def _people(project):
    return Person.objects.filter(project=project).select_related("organisation").order_by("name")


def _organisations(project):
    return Organisation.objects.filter(project=project).order_by("name")


class SomeoneMixin:
    """A seat or an attendance line names a person, an organisation, or a person for an organisation."""

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person") and not cleaned.get("organisation") and not self.errors:
            raise ValidationError(_("Choisissez une personne, une organisation, ou les deux."))
        return cleaned


class BodyForm(DsfrModelForm):
    class Meta:
        model = Body
        fields = ["kind", "name", "description", "frequency", "chair", "node"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        self.fields["chair"].queryset = _people(project)
        self.fields["node"].queryset = Node.objects.filter(project=project).select_related("level")


class BodyMemberForm(SomeoneMixin, DsfrModelForm):
    class Meta:
        model = BodyMember
        fields = ["person", "organisation", "role"]
        labels = {"person": _("Personne"), "organisation": _("Organisation")}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _people(project)
        self.fields["organisation"].queryset = _organisations(project)


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class MeetingForm(DsfrModelForm):
    class Meta:
        model = Meeting
        fields = ["title", "body", "date", "start_time", "end_time", "place", "agenda", "minutes"]
        widgets = {
            "date": DATE,
            "start_time": TIME,
            "end_time": TIME,
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        self.fields["body"].queryset = Body.objects.filter(project=project)
        self.fields["body"].empty_label = _("Aucune (réunion ponctuelle)")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("L'heure de fin doit suivre l'heure de début."))
        return cleaned


class AttendanceForm(SomeoneMixin, DsfrModelForm):
    class Meta:
        model = Attendance
        fields = ["person", "organisation", "status"]
        labels = {"person": _("Personne"), "organisation": _("Organisation")}

    def __init__(self, *args, project, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["person"].queryset = _people(project)
        self.fields["organisation"].queryset = _organisations(project)

    def clean(self):
        cleaned = super().clean()
        person, organisation = cleaned.get("person"), cleaned.get("organisation")
        if (person or organisation) and self.meeting.attendance.filter(
            person=person, organisation=organisation
        ).exists():
            raise ValidationError(_("Cette présence est déjà notée pour la réunion."))
        return cleaned


class AttendanceStatusForm(DsfrModelForm):
    class Meta:
        model = Attendance
        fields = ["status"]


class ActionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, action):
        return f"{action.code or action.ref} — {action.title}"


class DecisionForm(DsfrModelForm):
    actions = ActionChoiceField(
        label=_("Actions concernées"),
        queryset=Action.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Les fiches actions que cette décision change (Ctrl ou Cmd pour en choisir plusieurs)."),
    )

    class Meta:
        model = Decision
        fields = ["text", "actions"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = Action.objects.filter(project=project).only(
            "pk", "ref", "code", "title", "position"
        )
