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
