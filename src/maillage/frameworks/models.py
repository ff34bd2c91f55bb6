"""The links from a child plan to its framework.

A parent's tree *is* the framework (the PMS engagements, the GEA axes): a child's node or action
declares the framework nodes it serves, several allowed, only in the plans it is declined from
(:mod:`maillage.frameworks.rules`). The framework may define common indicators; a child's indicator
reports against one of them, in the same unit, and the framework sums or averages them by year.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rules


class NodeContribution(models.Model):
    """A node of a child plan serves a node of a plan it is declined from."""

    node = models.ForeignKey(
        "projects.Node", on_delete=models.CASCADE, related_name="contributions", verbose_name=_("nœud")
    )
    framework_node = models.ForeignKey(
        "projects.Node",
        on_delete=models.CASCADE,
        related_name="node_contributions",
        verbose_name=_("nœud du cadre"),
    )

    class Meta:
        verbose_name = _("contribution d'un nœud au cadre")
        verbose_name_plural = _("contributions des nœuds au cadre")
        constraints = [models.UniqueConstraint(fields=["node", "framework_node"], name="node_contribution_unique")]

    def __str__(self):
        return f"{self.node} → {self.framework_node}"

    def save(self, *args, **kwargs):
        # Checked on every save, not only in forms: a link across unrelated networks never exists.
        rules.check_framework_node(self.node.project, self.framework_node)
        super().save(*args, **kwargs)


class ActionContribution(models.Model):
    """An action of a child plan serves a node of a plan it is declined from."""

    action = models.ForeignKey(
        "actions.Action", on_delete=models.CASCADE, related_name="contributions", verbose_name=_("action")
    )
    framework_node = models.ForeignKey(
        "projects.Node",
        on_delete=models.CASCADE,
        related_name="action_contributions",
        verbose_name=_("nœud du cadre"),
    )

    class Meta:
        verbose_name = _("contribution d'une action au cadre")
        verbose_name_plural = _("contributions des actions au cadre")
        constraints = [models.UniqueConstraint(fields=["action", "framework_node"], name="action_contribution_unique")]

    def __str__(self):
        return f"{self.action} → {self.framework_node}"

    def save(self, *args, **kwargs):
        rules.check_framework_node(self.action.project, self.framework_node)
        super().save(*args, **kwargs)


class FrameworkIndicator(models.Model):
    """An indicator the framework asks its child plans to report: their values add up (or average) here."""

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Somme des plans")
        MEAN = "mean", _("Moyenne des plans")

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="framework_indicators",
        verbose_name=_("projet cadre"),
    )
    key = models.SlugField(_("clé"), max_length=100, help_text=_("Identifiant stable, repris par les plans déclinés."))
    title = models.CharField(_("intitulé"), max_length=500)
    unit = models.CharField(_("unité"), max_length=50, help_text=_("Les indicateurs qui s'y rapportent ont la même."))
    aggregation = models.CharField(_("agrégation"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM)
    node = models.ForeignKey(
        "projects.Node",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="framework_indicators",
        verbose_name=_("nœud du cadre mesuré"),
    )
    description = models.TextField(_("définition"), blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("indicateur commun du cadre")
        verbose_name_plural = _("indicateurs communs du cadre")
        ordering = ["project", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "key"], name="framework_indicator_unique_key")]

    def __str__(self):
        return self.title

    def clean(self):
        if self.node_id and self.project_id and self.node.project_id != self.project_id:
            raise ValidationError({"node": _("Ce nœud n'appartient pas à ce projet.")})


class IndicatorReport(models.Model):
    """A child plan's indicator reports against a common indicator of its framework."""

    indicator = models.OneToOneField(
        "evaluation.Indicator",
        on_delete=models.CASCADE,
        related_name="framework_report",
        verbose_name=_("indicateur"),
    )
    framework_indicator = models.ForeignKey(
        FrameworkIndicator, on_delete=models.CASCADE, related_name="reports", verbose_name=_("indicateur commun")
    )

    class Meta:
        verbose_name = _("indicateur rapporté au cadre")
        verbose_name_plural = _("indicateurs rapportés au cadre")

    def __str__(self):
        return f"{self.indicator} → {self.framework_indicator}"

    def save(self, *args, **kwargs):
        rules.check_report(self.indicator, self.framework_indicator)
        super().save(*args, **kwargs)
