"""Follow-up and evaluation: indicators with baseline and targets, values over time, follow-up notes,
and the log of the digests sent to action leads."""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .periods import place as place_period
from .years import YearRule


def _project_of(indicator):
    """The plan an indicator (saved or not) belongs to, or None while it has no action yet."""
    try:
        return indicator.action.project
    except (AttributeError, ObjectDoesNotExist):
        return None


def _project_through_indicator(line):
    """The plan of a target or value, whose indicator may be set but not saved yet (a new indicator's form)."""
    indicator = line._meta.get_field("indicator").get_cached_value(line, None)
    if indicator is None and line.indicator_id:
        indicator = line.indicator
    return _project_of(indicator)


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

    def clean(self):
        project = _project_of(self)
        if project is not None and (problem := YearRule.of(project).baseline_problem(self.baseline_year)):
            raise ValidationError({"baseline_year": problem})


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
        project = _project_through_indicator(self)
        if project is not None and (problem := YearRule.of(project).target_problem(self.year)):
            raise ValidationError({"year": problem})


class IndicatorValueQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Imports write values in bulk: their period is placed in time all the same."""
        objs = list(objs)
        for value in objs:
            value.place()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if {"period", "date"} & set(fields):
            for value in objs:
                value.place()
            fields = [*fields, *({"year", "sort_date"} - set(fields))]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def chronological(self):
        """In the order of the periods measured (``year``, then the period's end), values without a
        year last; the order they were typed in breaks ties. The default ordering stays the typing
        order, which the interchange document keeps."""
        return self.order_by(F("year").asc(nulls_last=True), F("sort_date").asc(nulls_last=True), "position", "pk")

    def newest_first(self):
        return self.order_by(F("year").desc(nulls_last=True), F("sort_date").desc(nulls_last=True), "-position", "-pk")


class IndicatorValue(models.Model):
    """A measure of an indicator: a number, or a qualitative assessment, for a period.

    ``year`` and ``sort_date`` are derived from the free-text ``period`` (else from ``date``) on every
    save (:mod:`maillage.evaluation.periods`): values sort by period and lists compare years in the
    database, while the period keeps the words it was given.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.CharField(_("période mesurée"), max_length=255, help_text=_("« 2023 », « fin 2023 »…"))
    date = models.DateField(_("date de la mesure"), null=True, blank=True)
    value = models.DecimalField(_("valeur"), max_digits=16, decimal_places=4, null=True, blank=True)
    assessment = models.TextField(_("appréciation"), blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    year = models.PositiveSmallIntegerField(
        _("année de la période"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Tirée de la période (« fin 2023 » → 2023), sinon de la date de la mesure."),
    )
    sort_date = models.DateField(
        _("fin de la période"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Le dernier jour que couvre la période (« juin 2024 » → 30/06/2024), pour ranger les valeurs."),
    )

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("valeur d'indicateur")
        verbose_name_plural = _("valeurs d'indicateur")
        ordering = ["indicator", "position", "date"]
        indexes = [models.Index(fields=["indicator", "year", "sort_date"], name="indicator_value_by_period")]

    def __str__(self):
        return f"{self.period} : {self.value if self.value is not None else self.assessment}"

    def save(self, *args, **kwargs):
        self.place()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"period", "date"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "year", "sort_date"}
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.value is None and not (self.assessment or "").strip():
            errors[NON_FIELD_ERRORS] = [_("Indiquez une valeur ou une appréciation.")]
        project = _project_through_indicator(self)
        if project is not None:
            self.place()
            if problem := YearRule.of(project).value_problem(self.year):
                errors["period"] = [problem]
        if errors:
            raise ValidationError(errors)

    def place(self):
        """Set ``year`` and ``sort_date`` from the period (else the date)."""
        self.year, self.sort_date = self.placed_columns(self.period, self.date)

    @staticmethod
    def placed_columns(period, date) -> tuple:
        """(``year``, ``sort_date``) of a value measuring ``period`` on ``date``: the one definition, for
        ``save()`` and for the importer, which writes rows without building instances."""
        placed = place_period(period, date)
        return (placed.year, placed.end) if placed else (None, None)


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


class DigestLog(models.Model):
    """A digest sent (or being sent) to one person for one period.

    The row is written *before* the mail leaves, under a unique constraint on (user, period): of two
    workers preparing the same digest, the second one fails to write it and sends nothing, so a
    digest goes out at most once per period (see :mod:`maillage.evaluation.digest`).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    period = models.CharField(_("période"), max_length=20, help_text=_("« 2026-12 » (mois) ou « 2026-S49 » (semaine)."))
    claimed_at = models.DateTimeField(_("préparé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    items = models.PositiveIntegerField(_("éléments"), default=0)

    class Meta:
        verbose_name = _("récapitulatif envoyé")
        verbose_name_plural = _("récapitulatifs envoyés")
        ordering = ["-claimed_at"]
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="digest_once_per_period")]

    def __str__(self):
        return f"{self.user} — {self.period}"
