"""Projects and their strategy tree: levels, nodes, periods, themes, acronyms, labels."""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.french import normalise

MAX_LEVELS = 6
# Levels of a network below its top framework (a CAF → CTGs → perimeters → sub-perimeters…): the access
# rules and the roll-up reach this deep in one query each, so it is a bound, checked on every attach.
MAX_NETWORK_DEPTH = 5


def would_loop(instance) -> bool:
    """True when ``instance.parent`` leads back to ``instance`` (or into any loop) — a tree must stay a tree."""
    seen = {instance.pk} if instance.pk else set()
    ancestor = instance.parent
    while ancestor is not None:
        if ancestor.pk in seen:
            return True
        seen.add(ancestor.pk)
        ancestor = ancestor.parent
    return False


def project_search_key(project) -> str:
    return normalise(f"{project.title} {project.subtitle} {project.slug}")[:600]


def new_calendar_token() -> str:
    """A secret for the project's calendar feed URL: whoever has it reads the meetings, nobody else."""
    return secrets.token_urlsafe(24)


class Project(models.Model):
    """A social project of territory: one living plan (PST, PSET, CTG, projet social…)."""

    class Kind(models.TextChoices):
        PST = "pst", _("Projet social de territoire (PST)")
        PSET = "pset", _("Projet social et éducatif de territoire (PSET)")
        CTG = "ctg", _("Convention territoriale globale (CTG)")
        CENTRE_SOCIAL = "centre_social", _("Projet social de centre social")
        PEDT = "pedt", _("Projet éducatif de territoire (PEdT)")
        PMS = "pms", _("Cadre métropolitain (PMS)")
        CLS = "cls", _("Contrat local de santé (CLS)")
        CONTRAT_DE_VILLE = "contrat_de_ville", _("Contrat de ville")
        OTHER = "other", _("Autre")

    class State(models.TextChoices):
        DIAGNOSTIC = "diagnostic", _("Diagnostic")
        DRAFTING = "drafting", _("Rédaction")
        ADOPTED = "adopted", _("Adopté")
        IN_PROGRESS = "in_progress", _("En cours")
        UNDER_EVALUATION = "under_evaluation", _("En évaluation")
        CLOSED = "closed", _("Clos")

    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    title = models.CharField(_("titre"), max_length=255)
    subtitle = models.CharField(_("sous-titre"), max_length=255, blank=True)
    kind = models.CharField(_("type de projet"), max_length=20, choices=Kind.choices)
    first_year = models.PositiveSmallIntegerField(_("première année"))
    last_year = models.PositiveSmallIntegerField(_("dernière année"))
    state = models.CharField(_("état du plan"), max_length=20, choices=State.choices, default=State.DRAFTING)
    deliberation_date = models.DateField(_("date de la délibération"), null=True, blank=True)
    deliberation_reference = models.CharField(_("référence de la délibération"), max_length=255, blank=True)
    deliberation_body = models.CharField(_("instance qui a délibéré"), max_length=255, blank=True)
    version = models.CharField(_("version"), max_length=255, blank=True)
    updated_on = models.DateField(_("date de la dernière mise à jour"), null=True, blank=True)
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("territoire"),
    )
    owner = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_projects",
        verbose_name=_("porteur"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("projet parent"),
        help_text=_("Le cadre que ce projet décline : un PMS pour ses PST, une CTG pour ses périmètres."),
    )
    description = models.TextField(_("présentation"), blank=True)
    published = models.BooleanField(_("publié"), default=False)
    calendar_token = models.CharField(
        _("jeton du calendrier"),
        max_length=64,
        unique=True,
        default=new_calendar_token,
        editable=False,
        help_text=_("Secret de l'adresse d'abonnement au calendrier (maillage calendar-url)."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modifié le"), auto_now=True)
    plan_changed_at = models.DateTimeField(
        _("dernier changement du plan"),
        default=timezone.now,
        editable=False,
        help_text=_("Tenu à jour à chaque changement de ce que le plan montre : la clé des pages publiques en cache."),
    )
    search_key = models.CharField(
        _("clé de recherche"),
        max_length=600,
        blank=True,
        editable=False,
        help_text=_(
            "Titre, sous-titre et identifiant sans accents ni majuscules, tenus à jour à chaque enregistrement."
        ),
    )

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(first_year__lte=F("last_year")), name="project_period_in_order"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The lists of projects search this column: « Genas » finds « GÉNAS », on SQLite as on PostgreSQL.
        self.search_key = project_search_key(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & {"title", "subtitle", "slug"}:
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    def clean(self):
        if self.first_year and self.last_year and self.first_year > self.last_year:
            raise ValidationError(
                {
                    "last_year": _("La dernière année ne peut pas précéder la première année (%(first)s).")
                    % {"first": self.first_year}
                }
            )
        if self.parent_id and would_loop(self):
            raise ValidationError({"parent": _("Un projet ne peut pas être son propre ancêtre.")})
        if self.parent_id:
            from .network import check_depth

            check_depth(self, self.parent)

    def check_years(self, field, first, last=None):
        """Raise a French ValidationError on ``field`` when the years leave the project's period."""
        last = first if last is None else last
        if first is None:
            return
        if first < self.first_year or last > self.last_year:
            raise ValidationError(
                {
                    field: _("Les années doivent être comprises dans la période du projet (%(first)s-%(last)s).")
                    % {"first": self.first_year, "last": self.last_year}
                }
            )


class NetworkRequest(models.Model):
    """A change of a project's place in a network: asked, then accepted or refused, kept as its history.

    A child's coordinator asks to join a framework (``pending`` until the framework's network admin
    decides); a change made directly by someone allowed to (``accounts.access.may_attach``) is stored
    already ``accepted``, and a detachment too, so the list of a project's requests is the history of
    its network links.
    """

    class Kind(models.TextChoices):
        ATTACH = "attach", _("Rattachement")
        DETACH = "detach", _("Détachement")

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        REFUSED = "refused", _("Refusée")
        CANCELLED = "cancelled", _("Retirée")

    child = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="network_requests", verbose_name=_("projet décliné")
    )
    parent = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="network_requests_received",
        verbose_name=_("projet cadre"),
    )
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices, default=Kind.ATTACH)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING)
    message = models.CharField(_("message"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("par")
    )
    requested_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de rattachement")
        verbose_name_plural = _("demandes de rattachement")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(state="pending"), name="network_request_one_pending_per_child"
            ),
            models.CheckConstraint(condition=~Q(child=F("parent")), name="network_request_not_self"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.child} → {self.parent} ({self.get_state_display()})"


class Level(models.Model):
    """A level of the project's tree, named the project's own way (Visée, Axe, Enjeu…)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="levels", verbose_name=_("projet"))
    depth = models.PositiveSmallIntegerField(_("profondeur"), help_text=_("1 pour le niveau le plus haut."))
    name = models.CharField(_("nom"), max_length=255)

    class Meta:
        verbose_name = _("niveau de l'arborescence")
        verbose_name_plural = _("niveaux de l'arborescence")
        ordering = ["project", "depth"]
        constraints = [
            models.UniqueConstraint(fields=["project", "depth"], name="level_unique_depth"),
            models.UniqueConstraint(fields=["project", "name"], name="level_unique_name"),
            models.CheckConstraint(condition=Q(depth__gte=1, depth__lte=MAX_LEVELS), name="level_depth_range"),
        ]

    def __str__(self):
        return self.name


class Node(models.Model):
    """A node of the strategy tree: a visée, an axe, an enjeu, an objective…"""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="nodes", verbose_name=_("projet"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    level = models.ForeignKey(Level, on_delete=models.RESTRICT, related_name="nodes", verbose_name=_("niveau"))
    key = models.SlugField(_("clé"), max_length=100, blank=True)
    code = models.CharField(
        _("code"), max_length=50, blank=True, help_text=_("Tel qu'écrit : « 1.1.1 », « Enjeu n° 4 ».")
    )
    title = models.CharField(_("intitulé"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    referent = models.ForeignKey(
        "partners.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referent_of_nodes",
        verbose_name=_("élu·e référent·e"),
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("nœud de l'arborescence")
        verbose_name_plural = _("nœuds de l'arborescence")
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], condition=~Q(code=""), name="node_unique_code"),
            models.UniqueConstraint(fields=["project", "key"], condition=~Q(key=""), name="node_unique_key"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}".strip()

    def save(self, *args, **kwargs):
        # The tree must never mix projects: checked on every save, not only in forms.
        if self.level_id and self.project_id and self.level.project_id != self.project_id:
            raise ValidationError({"level": _("Ce niveau n'existe pas dans le projet de ce nœud.")})
        if self.parent_id and self.parent.project_id != self.project_id:
            raise ValidationError({"parent": _("Le nœud parent appartient à un autre projet.")})
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.level_id and self.project_id and self.level.project_id != self.project_id:
            errors["level"] = _("Ce niveau n'existe pas dans le projet « %(project)s ».") % {"project": self.project}
        if self.parent_id:
            if self.parent.project_id != self.project_id:
                errors["parent"] = _("Le nœud parent appartient à un autre projet.")
            elif self.level_id and self.parent.level.depth >= self.level.depth:
                errors["level"] = _(
                    "Le niveau « %(level)s » doit être plus profond que celui du parent (« %(parent)s »)."
                ) % {"level": self.level, "parent": self.parent.level}
            if would_loop(self):
                errors["parent"] = _("Un nœud ne peut pas être placé sous lui-même.")
        if errors:
            raise ValidationError(errors)

    @property
    def numbered(self) -> str:
        """ "Objectif 1.1" with the project's level name, once: a code that already says it ("Visée 1",
        as the seeds number their visées) is not prefixed again ("Visée Visée 1")."""
        level = self.level.name
        if not self.code:
            return level
        if self.code.casefold().startswith(level.casefold()):
            return self.code
        return f"{level} {self.code}"

    @property
    def heading(self) -> str:
        """ "Objectif 1.1 — Favoriser…", or "Objectif : Favoriser…" for a node without a code."""
        return f"{self.numbered} — {self.title}" if self.code else f"{self.numbered} : {self.title}"


class Period(models.Model):
    """A named period of the plan ("2023-2024", or a single year) that actions are scheduled in."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="periods", verbose_name=_("projet"))
    label = models.CharField(_("libellé"), max_length=255)
    first_year = models.PositiveSmallIntegerField(_("première année"))
    last_year = models.PositiveSmallIntegerField(_("dernière année"))
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("période")
        verbose_name_plural = _("périodes")
        ordering = ["project", "position", "first_year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "label"], name="period_unique_label"),
            models.CheckConstraint(condition=Q(first_year__lte=F("last_year")), name="period_years_in_order"),
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)

    def clean(self):
        if self.first_year and self.last_year and self.first_year > self.last_year:
            raise ValidationError({"last_year": _("La dernière année ne peut pas précéder la première.")})
        if self.project_id:
            self.project.check_years("first_year", self.first_year, self.last_year)


class Theme(models.Model):
    """A theme of the project (petite enfance, parentalités…) that actions are tagged with."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="themes", verbose_name=_("projet"))
    name = models.CharField(_("nom"), max_length=255)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["project", "position"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="theme_unique_name")]

    def __str__(self):
        return self.name


class Acronym(models.Model):
    """An acronym of the project's table of acronyms (sigles et abréviations)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="acronyms", verbose_name=_("projet"))
    acronym = models.CharField(_("sigle"), max_length=255)
    expansion = models.CharField(_("signification"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("sigle")
        verbose_name_plural = _("sigles")
        ordering = ["project", "position"]
        constraints = [models.UniqueConstraint(fields=["project", "acronym"], name="acronym_unique")]

    def __str__(self):
        return self.acronym


class VocabularyLabel(models.Model):
    """The project's own word for a canonical code ("Nouvelle" for the status ``planned``)."""

    class Vocabulary(models.TextChoices):
        STATUS = "status", _("Statut d'action")
        ORIGIN = "origin", _("Origine d'action")
        PRIORITY = "priority", _("Priorité")
        PARTICIPATION = "participation", _("Participation des habitants")
        ROLE = "role", _("Rôle de partenaire")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="labels", verbose_name=_("projet"))
    vocabulary = models.CharField(_("vocabulaire"), max_length=20, choices=Vocabulary.choices)
    code = models.CharField(_("code"), max_length=30)
    label = models.CharField(_("libellé"), max_length=255)

    class Meta:
        verbose_name = _("libellé propre au projet")
        verbose_name_plural = _("libellés propres au projet")
        ordering = ["project", "vocabulary", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "vocabulary", "code"], name="vocabulary_label_unique")
        ]

    def __str__(self):
        return f"{self.vocabulary}.{self.code} = {self.label}"

    def clean(self):
        from maillage.actions.vocabulary import codes_of

        if self.vocabulary and self.code not in codes_of(self.vocabulary):
            raise ValidationError({"code": _("Code inconnu pour ce vocabulaire.")})
