from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.Model):
    """A domain of intervention (santé, petite enfance, insertion…), shared by all directories."""

    name = models.CharField(_("nom"), max_length=255, unique=True)

    class Meta:
        verbose_name = _("domaine d'intervention")
        verbose_name_plural = _("domaines d'intervention")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """An entry of a project's directory: partner, funder or the project owner."""

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", _("Collectivité")
        STATE = "state", _("Service de l'État")
        CAF = "caf", _("Caf")
        PUBLIC_BODY = "public_body", _("Établissement public")
        ASSOCIATION = "association", _("Association")
        SCHOOL = "school", _("Établissement scolaire")
        HEALTH = "health", _("Acteur de santé")
        COMPANY = "company", _("Entreprise")
        SOCIAL_LANDLORD = "social_landlord", _("Bailleur social")
        COLLECTIVE = "collective", _("Collectif")
        OTHER = "other", _("Autre")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="organisations", verbose_name=_("projet")
    )
    key = models.SlugField(_("clé"), max_length=100)
    name = models.CharField(_("nom"), max_length=255)
    acronym = models.CharField(_("sigle"), max_length=50, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, blank=True)
    domains = models.ManyToManyField(Domain, blank=True, verbose_name=_("domaines d'intervention"))
    description = models.TextField(_("présentation"), blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    website = models.CharField(_("site internet"), max_length=255, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["project", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["project", "key"], name="organisation_unique_key")]

    def __str__(self):
        return self.name


class Person(models.Model):
    """Someone the plan names: an action lead, an elected referent, a chair, a contact."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="people", verbose_name=_("projet")
    )
    key = models.SlugField(_("clé"), max_length=100)
    name = models.CharField(_("nom"), max_length=255)
    function = models.CharField(_("fonction"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    elected = models.BooleanField(_("élu·e"), default=False)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("compte"),
        help_text=_(
            "Le compte avec lequel cette personne se connecte : elle peut alors modifier les actions qu'elle pilote."
        ),
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["project", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["project", "key"], name="person_unique_key")]

    def __str__(self):
        return self.name
