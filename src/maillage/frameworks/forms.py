"""The forms of framework links: the framework nodes a node or an action serves (grouped by the plan
they belong to), the common indicator each of an action's indicators reports against, and a common
indicator of the framework itself."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

from maillage.projects.models import Node

from .alignment import framework_choices
from .models import FrameworkIndicator
from .rules import framework_project_ids, same_unit


class ServedNodesField(forms.MultipleChoiceField):
    """Framework nodes, as checkboxes grouped by plan, answered as the Node objects chosen."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, project, **kwargs):
        self.trees = framework_choices(project)
        self.nodes = {str(node.pk): node for _plan, nodes in self.trees for node, _depth in nodes}
        choices = [
            (plan.title, [(str(node.pk), f"{'— ' * (depth - 1)}{node.level.name} : {node}") for node, depth in nodes])
            for plan, nodes in self.trees
            if nodes
        ]
        super().__init__(choices=choices, required=False, **kwargs)

    def clean(self, value):
        return [self.nodes[pk] for pk in super().clean(value)]


class NodeLinksForm(DsfrBaseForm):
    def __init__(self, *args, node, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["serves"] = ServedNodesField(
            node.project,
            label=_("Nœuds du cadre que ce nœud sert"),
            help_text=_("Les actions placées dans ce nœud comptent pour chacun d'eux."),
        )
        self.initial.setdefault(
            "serves", [str(pk) for pk in node.contributions.values_list("framework_node_id", flat=True)]
        )


class ActionLinksForm(DsfrBaseForm):
    """What an action serves, and for each of its quantitative indicators, the common indicator it
    reports against: only those of the same unit are offered."""

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["serves"] = ServedNodesField(action.project, label=_("Nœuds du cadre que cette action sert"))
        self.initial.setdefault(
            "serves", [str(pk) for pk in action.contributions.values_list("framework_node_id", flat=True)]
        )
        commons = list(
            FrameworkIndicator.objects.filter(project_id__in=framework_project_ids(action.project)).select_related(
                "project"
            )
        )
        self.indicators = []
        for indicator in action.indicators.select_related("framework_report"):
            if indicator.kind != indicator.Kind.QUANTITATIVE:
                continue
            fitting = [common for common in commons if same_unit(indicator.unit, common.unit)]
            if not fitting:
                continue
            name = f"indicator_{indicator.pk}"
            self.fields[name] = forms.ChoiceField(
                label=_("« %(title)s » (%(unit)s) se rapporte à") % {"title": indicator.title, "unit": indicator.unit},
                choices=[("", _("Aucun indicateur commun"))]
                + [(str(common.pk), f"{common.title} — {common.project.title}") for common in fitting],
                required=False,
            )
            report = getattr(indicator, "framework_report", None)  # the reverse one-to-one raises when absent
            self.initial.setdefault(name, str(report.framework_indicator_id) if report else "")
            self.indicators.append((indicator, name, {str(common.pk): common for common in fitting}))

    @property
    def has_choices(self) -> bool:
        return bool(self.fields["serves"].nodes or self.indicators)

    def reports(self) -> dict:
        return {
            indicator: commons.get(self.cleaned_data.get(name) or "") for indicator, name, commons in self.indicators
        }


class FrameworkIndicatorForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = FrameworkIndicator
        fields = ["title", "key", "unit", "aggregation", "node", "description"]
        help_texts = {"key": gettext_lazy("Lettres, chiffres et tirets : « structures-partenaires ».")}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        self.fields["node"].queryset = Node.objects.filter(project=project).select_related("level")
        self.fields["node"].label_from_instance = lambda node: f"{node.level.name} : {node}"

    def clean_key(self):
        key = self.cleaned_data["key"]
        taken = FrameworkIndicator.objects.filter(project=self.instance.project, key=key).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Un indicateur commun de ce projet a déjà la clé « %(key)s ».") % {"key": key}
            )
        return key
