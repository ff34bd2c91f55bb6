"""Governance forms. Every choice list holds only the project's own people, organisations, nodes and
actions, so a forged id from another project is refused like any invalid choice."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maillage.accounts.forms import DsfrModelForm
from maillage.actions.forms import next_free_ref
from maillage.actions.models import Action
from maillage.actions.vocabulary import Status, project_labels
from maillage.partners.models import Organisation, Person
from maillage.projects.models import Level, Node, Period

from .models import Attendance, Body, BodyMember, Decision, DecisionChange, Meeting


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


# --- the changes a decision orders -------------------------------------------------------------------


class ProjectActionField(forms.ModelChoiceField):
    def label_from_instance(self, action):
        return f"{action.code or action.ref} — {action.title}"[:120]


def _project_actions(project):
    return Action.objects.filter(project=project).only("pk", "ref", "code", "title", "position").order_by("position")


def _node_choice_label(node) -> str:
    text = node.heading
    return text[:120]


class ChangeForm(DsfrModelForm):
    """A change of the plan written down with a decision; ``changes.add_change`` checks and saves it."""

    kind = None
    # Where a new action or a new node goes (the ``place`` field): "n<id>" an existing node, "c<id>" a node
    # another change of the same decision adds.
    place_required = True

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision
        self.project = decision.meeting.project
        self.instance.kind = self.kind
        self.instance.decision = decision
        if "action" in self.fields:
            self.fields["action"].queryset = _project_actions(self.project)
            self.fields["action"].required = True
        if "place" in self.fields:
            nodes = _tree_order(Node.objects.filter(project=self.project).select_related("level"))
            new_nodes = decision.changes.filter(kind="new_node", applied_at__isnull=True).select_related("level")
            choices = [] if self.place_required else [("", _("Au premier niveau de l'arborescence"))]
            if self.place_required:
                choices.append(("", "—"))
            choices += [
                (f"c{change.pk}", _("Ajouté par cette décision : %(node)s") % {"node": _new_node_label(change)})
                for change in new_nodes
            ]
            choices += [(f"n{node.pk}", _node_choice_label(node)) for node in nodes]
            self.fields["place"].choices = choices
            self.fields["place"].required = self.place_required

    def clean_place(self):
        value = self.cleaned_data.get("place") or ""
        self.instance.node = None
        self.instance.node_change = None
        if value.startswith("n"):
            self.instance.node = Node.objects.filter(project=self.project, pk=value[1:]).first()
        elif value.startswith("c"):
            self.instance.node_change = self.decision.changes.filter(pk=value[1:], kind="new_node").first()
        return value


def _tree_order(nodes) -> list:
    """The nodes as the tree reads, each followed by its children."""
    children = {}
    for node in sorted(nodes, key=lambda node: (node.position, node.pk)):
        children.setdefault(node.parent_id, []).append(node)
    ordered, stack = [], list(reversed(children.get(None, [])))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children.get(node.pk, [])))
    return ordered


def _new_node_label(change) -> str:
    level = change.level.name if change.level_id else ""
    return f"{level} {change.code} — {change.title}".replace("  ", " ").strip()[:100]


class StatusChangeForm(ChangeForm):
    kind = "status"

    class Meta:
        model = DecisionChange
        fields = ["action", "status"]
        field_classes = {"action": ProjectActionField}
        labels = {"action": _("Action"), "status": _("Nouveau statut")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        words = project_labels(self.project)["status"]
        self.fields["status"].choices = [(code, words.get(code, label)) for code, label in Status.choices]
        self.fields["status"].required = True


class NewActionChangeForm(ChangeForm):
    kind = "new_action"
    place = forms.ChoiceField(label=_("Placée sous"), help_text=_("Le nœud de l'arborescence où placer l'action."))

    class Meta:
        model = DecisionChange
        fields = ["ref", "title"]
        labels = {"ref": _("Référence de la nouvelle action"), "title": _("Intitulé de la nouvelle action")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ref"].required = True
        self.fields["title"].required = True
        if not self.is_bound:
            self.initial.setdefault("ref", next_free_ref(self.project))


class PostponeChangeForm(ChangeForm):
    kind = "postpone"

    class Meta:
        model = DecisionChange
        fields = ["action", "period", "end_date"]
        field_classes = {"action": ProjectActionField}
        widgets = {"end_date": DATE}
        labels = {"action": _("Action reportée")}
        help_texts = {
            "period": _("La période où l'action est reportée : elle remplace ses périodes."),
            "end_date": _(
                "Facultative avec une période : sans elle, une action qui avait une date de fin finit avec la "
                "période (le 31 décembre de sa dernière année)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = Period.objects.filter(project=self.project).order_by("position", "first_year")
        self.fields["period"].empty_label = _("Aucune (seulement une nouvelle date de fin)")


class NewNodeChangeForm(ChangeForm):
    kind = "new_node"
    place = forms.ChoiceField(label=_("Placé sous"), required=False)
    place_required = False

    class Meta:
        model = DecisionChange
        fields = ["level", "code", "title"]
        labels = {"level": _("Niveau"), "code": _("Code (« 5 », « 2.4 »…)"), "title": _("Intitulé du nouveau nœud")}
        help_texts = {"level": _("Laissé vide : le niveau qui suit celui du parent.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = Level.objects.filter(project=self.project).order_by("depth")
        self.fields["level"].required = False
        self.fields["title"].required = True

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("level") and not self.errors:
            parent = self.instance.node or self.instance.node_change
            parent_level = parent.level if parent is not None and parent.level_id else None
            depth = parent_level.depth + 1 if parent_level else 1
            level = Level.objects.filter(project=self.project, depth=depth).first()
            if level is None:
                raise ValidationError(_("Aucun niveau ne suit celui du parent : choisissez le niveau du nouveau nœud."))
            cleaned["level"] = level  # the model form copies it onto the change after this
        return cleaned


CHANGE_FORMS = {
    "statut": StatusChangeForm,
    "nouvelle-action": NewActionChangeForm,
    "report": PostponeChangeForm,
    "nouveau-noeud": NewNodeChangeForm,
}
