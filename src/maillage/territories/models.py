import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Territory(models.Model):
    """A place a project covers or compares itself with.

    Territories with an official code (INSEE/COG code of a commune, SIREN of an EPCI, QPV code) are
    shared reference data. Territories without a code (a CTG perimeter, a neighbourhood as the
    document names it) belong to the project that declared them and go with it.
    """

    class Kind(models.TextChoices):
        REGION = "region", _("Région")
        DEPARTEMENT = "departement", _("Département")
        EPCI = "epci", _("EPCI")
        COMMUNE = "commune", _("Commune")
        QPV = "qpv", _("Quartier prioritaire (QPV)")
        IRIS = "iris", _("IRIS")
        NEIGHBOURHOOD = "neighbourhood", _("Quartier")
        PERIMETER = "perimeter", _("Périmètre")
        OTHER = "other", _("Autre")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("nom"), max_length=255)
    code = models.CharField(
        _("code officiel"),
        max_length=20,
        blank=True,
        help_text=_("Code INSEE (COG), SIREN d'EPCI, code QPV ou IRIS."),
    )
    members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="perimeters",
        verbose_name=_("territoires membres"),
        help_text=_("Les territoires dont se compose un périmètre."),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_territories",
        verbose_name=_("projet propriétaire"),
        help_text=_("Vide pour un territoire officiel partagé par tous les projets."),
    )

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"], condition=~Q(code=""), name="territory_unique_official_code"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})" if self.code else self.name

    def clean(self):
        """A commune's code is checked against the COG shipped with Maillage (``territories.cog``)."""
        from django.core.exceptions import ValidationError

        from .cog import commune

        if self.kind == self.Kind.COMMUNE and self.code and commune(self.code) is None:
            raise ValidationError(
                {"code": _("« %(code)s » n'est le code INSEE d'aucune commune du COG.") % {"code": self.code}}
            )


class GeocodingRun(models.Model):
    """One "Géolocaliser l'annuaire" of a project: its progress, then what it found (``locating``).

    Run by a background task (django-tasks), it reports progress as the exports do (``done`` / ``total``,
    a heartbeat); ``maillage.jobs`` fails it when its worker dies."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminée")
        FAILED = "failed", _("échec")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="geocoding_runs", verbose_name=_("projet")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("état"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    located = models.PositiveIntegerField(_("placées à l'adresse"), default=0)
    centred = models.PositiveIntegerField(_("placées au centre de leur commune"), default=0)
    low_score = models.PositiveIntegerField(_("résultats au score trop bas"), default=0)
    unlocated = models.PositiveIntegerField(_("non placées"), default=0)
    kept = models.PositiveIntegerField(_("coordonnées saisies ou importées gardées"), default=0)
    unavailable = models.BooleanField(_("géocodeur injoignable"), default=False)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("géolocalisation de l'annuaire")
        verbose_name_plural = _("géolocalisations de l'annuaire")

    def __str__(self):
        return f"{self.project} — {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
