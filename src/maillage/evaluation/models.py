"""Follow-up and evaluation: indicators with baseline and targets, values over time, follow-up notes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Indicator(models.Model):
    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", _("Quantitatif")
        QUALITATIVE = "qualitative", _("Qualitatif")

    action = models.ForeignKey(
        "actions.Action", on_delete=models.CASCADE, related_name="indicators", verbose_name=_("action")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("intitulé"), max_length=500)
    unit = models.CharField(_("unité"), max_length=50, blank=True)
    baseline = models.DecimalField(_("valeur de départ"), max_digits=16, decimal_places=4, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("année de la valeur de départ"), null=True, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["action", "position"]

    def __str__(self):
        return self.title


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("année"))
    value = models.DecimalField(_("cible"), max_digits=16, decimal_places=4)

    class Meta:
        verbose_name = _("cible")
        verbose_name_plural = _("cibles")
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="indicator_target_unique_year")]

    def __str__(self):
        return f"{self.year} : {self.value}"

    def clean(self):
        if self.indicator_id and self.year:
            self.indicator.action.project.check_years("year", self.year)


class IndicatorValue(models.Model):
    """A measure of an indicator: a number, or a qualitative assessment, for a period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.CharField(_("période mesurée"), max_length=255, help_text=_("« 2023 », « fin 2023 »…"))
    date = models.DateField(_("date de la mesure"), null=True, blank=True)
    value = models.DecimalField(_("valeur"), max_digits=16, decimal_places=4, null=True, blank=True)
    assessment = models.TextField(_("appréciation"), blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("valeur d'indicateur")
        verbose_name_plural = _("valeurs d'indicateur")
        ordering = ["indicator", "position", "date"]

    def __str__(self):
        return f"{self.period} : {self.value if self.value is not None else self.assessment}"

    def clean(self):
        if self.value is None and not self.assessment.strip():
            raise ValidationError(_("Indiquez une valeur ou une appréciation."))


class FollowUpNote(models.Model):
    """A dated follow-up note on an action (what happened, what is stuck)."""

    action = models.ForeignKey("actions.Action", on_delete=models.CASCADE, related_name="notes")
    date = models.DateField(_("date"))
    author = models.CharField(_("auteur"), max_length=255, blank=True)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("note"))
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("note de suivi")
        verbose_name_plural = _("notes de suivi")
        ordering = ["action", "date", "position"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} — {self.text[:60]}"
