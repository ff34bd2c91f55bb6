import uuid

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


class Structure(models.Model):
    """An organisation as one record across every plan that works with it: what identifies it (SIRET,
    commune), where it is (coordinates with their source and score) and what data·inclusion says of it.

    Each project's directory holds an :class:`Organisation` entry pointing here, with the plan's own key,
    wording and order; roles stay per action. ``partners.identity`` finds or creates the structure of an
    entry (SIRET first, otherwise name and commune) so that two plans naming the same association share
    it, and merges duplicates with a trace.
    """

    class GeoSource(models.TextChoices):
        ADDRESS = "address", _("Adresse géocodée")
        STREET = "street", _("Voie géocodée")
        MUNICIPALITY = "municipality", _("Commune géocodée")
        CENTROID = "centroid", _("Centre de la commune (COG, hors ligne)")
        IMPORTED = "imported", _("Fournie par le fichier importé")
        MANUAL = "manual", _("Saisie à la main")

    name = models.CharField(_("nom"), max_length=255)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, db_index=True)
    insee_code = models.CharField(
        _("code INSEE de la commune"), max_length=5, blank=True, help_text=_("Code officiel géographique (COG).")
    )
    match_key = models.CharField(
        _("clé de rapprochement"),
        max_length=400,
        db_index=True,
        editable=False,
        help_text=_("Nom et commune sans accents ni casse : deux plans qui écrivent la même structure la partagent."),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    geo_source = models.CharField(_("origine des coordonnées"), max_length=20, choices=GeoSource.choices, blank=True)
    geo_score = models.FloatField(_("score du géocodage"), null=True, blank=True)
    geo_label = models.CharField(_("adresse trouvée"), max_length=255, blank=True)
    geocoded_at = models.DateTimeField(_("géocodée le"), null=True, blank=True)
    thematiques = models.JSONField(_("thématiques (data·inclusion)"), default=list, blank=True)
    publics = models.JSONField(_("publics (data·inclusion)"), default=list, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def siren(self) -> str:
        """The SIREN is the SIRET's first nine digits: derived, never stored apart."""
        return self.siret[:9]

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Organisation(models.Model):
    """An entry of a project's directory: partner, funder or the project owner, as the plan writes it.
    Its :class:`Structure` is the organisation itself, shared with the other plans that name it."""

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
    structure = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("structure"),
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

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.structure_id is None:
            from .identity import attach  # identity reads these models

            attach(self)


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


class Merge(models.Model):
    """The trace of two directory entries made one: what was kept, what disappeared and what moved."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="organisation_merges", verbose_name=_("projet")
    )
    kept = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, related_name="merges", verbose_name=_("entrée gardée")
    )
    kept_name = models.CharField(_("nom gardé"), max_length=255)
    removed_name = models.CharField(_("nom fusionné"), max_length=255)
    removed_key = models.CharField(_("clé fusionnée"), max_length=100)
    moved = models.JSONField(_("éléments déplacés"), default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("par")
    )
    at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("fusion d'organisations")
        verbose_name_plural = _("fusions d'organisations")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.removed_name} → {self.kept_name}"


class Solicitation(models.Model):
    """A project's call to an organisation to join it, or one of its bodies (a working group, the
    COPIL): approached, then joined or declined. Genas counts « 70 partenaires sur 70 sollicités »."""

    class Status(models.TextChoices):
        APPROACHED = "approached", _("Sollicitée")
        JOINED = "joined", _("A rejoint")
        DECLINED = "declined", _("A décliné")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="solicitations", verbose_name=_("projet")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="solicitations", verbose_name=_("organisation")
    )
    body = models.ForeignKey(
        "governance.Body",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="solicitations",
        verbose_name=_("instance ou groupe de travail"),
        help_text=_("Vide : la sollicitation porte sur le projet dans son ensemble."),
    )
    status = models.CharField(_("état"), max_length=12, choices=Status.choices, default=Status.APPROACHED)
    approached_on = models.DateField(_("sollicitée le"))
    answered_on = models.DateField(_("réponse le"), null=True, blank=True)
    note = models.CharField(_("remarque"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("sollicitation")
        verbose_name_plural = _("sollicitations")
        ordering = ["project", "body", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "body"], name="solicitation_once_per_body"),
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(body__isnull=True), name="solicitation_once_for_project"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_status_display()}"


class EntryProposal(models.Model):
    """A partner's correction of their organisation's entry, applied when a coordinator accepts it."""

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        REFUSED = "refused", _("Refusée")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("organisation")
    )
    changes = models.JSONField(_("modifications proposées"), help_text=_("Champ → nouvelle valeur."))
    message = models.TextField(_("message au coordinateur"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("proposée par")
    )
    proposed_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposition de correction")
        verbose_name_plural = _("propositions de correction")
        ordering = ["-proposed_at"]

    def __str__(self):
        return f"{self.organisation} — {self.get_state_display()}"


class PartnerEvent(models.Model):
    """An event a partner adds to the project's shared calendar (a forum, an open day): in the calendar
    feed, marked as that organisation's."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="partner_events", verbose_name=_("projet")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="events", verbose_name=_("organisation")
    )
    uid = models.UUIDField(_("identifiant"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("titre"), max_length=255)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("début"), null=True, blank=True)
    end_time = models.TimeField(_("fin"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("ajouté par")
    )
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    class Meta:
        verbose_name = _("événement d'un partenaire")
        verbose_name_plural = _("événements des partenaires")
        ordering = ["date", "start_time", "pk"]

    def __str__(self):
        return f"{self.title} ({self.organisation})"
