"""The shared diagnostic: key-figure tables against comparison territories, findings, consultations, enjeux."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyFigureTable(models.Model):
    """A table of indicators: the project territory against comparison territories (QPV / ville / métropole)."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="key_figure_tables",
        verbose_name=_("projet"),
    )
    title = models.CharField(_("titre"), max_length=500)
    source = models.CharField(_("source"), max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(_("année des données"), null=True, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("tableau de chiffres clés")
        verbose_name_plural = _("tableaux de chiffres clés")
        ordering = ["project", "position"]

    def __str__(self):
        return self.title


class KeyFigureColumn(models.Model):
    table = models.ForeignKey(KeyFigureTable, on_delete=models.CASCADE, related_name="columns")
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.RESTRICT, related_name="+", verbose_name=_("territoire")
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("colonne de chiffres clés")
        verbose_name_plural = _("colonnes de chiffres clés")
        ordering = ["table", "position"]
        constraints = [models.UniqueConstraint(fields=["table", "territory"], name="key_figure_column_unique")]

    def __str__(self):
        return str(self.territory)


class KeyFigureRow(models.Model):
    table = models.ForeignKey(KeyFigureTable, on_delete=models.CASCADE, related_name="rows")
    indicator = models.CharField(_("indicateur"), max_length=500)
    unit = models.CharField(_("unité"), max_length=50, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("ligne de chiffres clés")
        verbose_name_plural = _("lignes de chiffres clés")
        ordering = ["table", "position"]

    def __str__(self):
        return self.indicator


class KeyFigureValue(models.Model):
    """A cell, kept as written ("36%", "1,5", "nc"): the documents print it as the source gave it."""

    row = models.ForeignKey(KeyFigureRow, on_delete=models.CASCADE, related_name="values")
    column = models.ForeignKey(KeyFigureColumn, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(_("valeur"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("valeur")
        verbose_name_plural = _("valeurs")
        constraints = [models.UniqueConstraint(fields=["row", "column"], name="key_figure_value_unique")]

    def __str__(self):
        return self.value


class Finding(models.Model):
    """A finding (constat) of the diagnostic, by theme."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="findings", verbose_name=_("projet")
    )
    theme = models.CharField(_("thème"), max_length=255, blank=True)
    title = models.CharField(_("titre"), max_length=500, blank=True)
    text = models.TextField(_("constat"))
    source = models.CharField(_("source"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("constat")
        verbose_name_plural = _("constats")
        ordering = ["project", "position"]

    def __str__(self):
        return self.title or self.text[:80]


class Consultation(models.Model):
    """How residents and partners were heard: a survey, workshops, a self-evaluation, and its figures."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="consultations", verbose_name=_("projet")
    )
    title = models.CharField(_("titre"), max_length=255)
    method = models.CharField(_("méthode"), max_length=500, blank=True)
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    residents = models.PositiveIntegerField(_("habitants interrogés"), null=True, blank=True)
    young = models.PositiveIntegerField(_("dont jeunes"), null=True, blank=True)
    partners = models.PositiveIntegerField(_("partenaires impliqués"), null=True, blank=True)
    invited = models.PositiveIntegerField(_("invitations"), null=True, blank=True)
    meetings = models.PositiveIntegerField(_("réunions ou ateliers"), null=True, blank=True)
    responses = models.PositiveIntegerField(_("questionnaires renseignés"), null=True, blank=True)
    actions_evaluated = models.PositiveIntegerField(_("actions auto-évaluées"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["project", "position"]

    def __str__(self):
        return self.title


class Enjeu(models.Model):
    """An issue drawn from the diagnostic, linked to the tree nodes that answer it."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="enjeux", verbose_name=_("projet")
    )
    code = models.CharField(_("code"), max_length=50, blank=True)
    title = models.CharField(_("intitulé"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    theme = models.CharField(_("thème"), max_length=255, blank=True)
    validated_on = models.DateField(_("validé le"), null=True, blank=True)
    nodes = models.ManyToManyField(
        "projects.Node", blank=True, related_name="enjeux", verbose_name=_("nœuds qui y répondent")
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("enjeu")
        verbose_name_plural = _("enjeux")
        ordering = ["project", "position"]

    def __str__(self):
        return f"{self.code} {self.title}".strip()
