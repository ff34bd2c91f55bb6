"""Fiches actions: the sheet itself, where it sits in the tree, its partners, budget and programmes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.french import normalise
from maillage.projects.models import would_loop

from .search import SEARCHED, search_text
from .vocabulary import Origin, Participation, Priority, Role, Scale, Status

# The sheet sections, in the order of the seed's fiches (Contexte | Objectifs; Public | Présentation;
# Échéancier | Moyens | Partenariat; Résultats attendus | Indicateurs; Freins à lever).
SECTIONS = [
    "context",
    "general_objective",
    "operational_objectives",
    "target_public",
    "description",
    "schedule",
    "human_means",
    "material_means",
    "financial_means",
    "partnership",
    "expected_results",
    "obstacles",
]


# The fields whose text the search text and the title sort key copy.
COPIED = SEARCHED + SECTIONS


class Action(models.Model):
    """A fiche action. Sub-actions are actions with a parent; they have their own status and schedule."""

    Status = Status
    Origin = Origin
    Priority = Priority
    Participation = Participation
    Scale = Scale

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="actions", verbose_name=_("projet")
    )
    ref = models.CharField(_("référence"), max_length=50, help_text=_("Identifiant de la fiche dans le projet."))
    code = models.CharField(_("code"), max_length=50, blank=True, help_text=_("Tel qu'écrit : « AXE 2 – 05 »."))
    title = models.CharField(_("intitulé"), max_length=500)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    origin = models.CharField(_("origine"), max_length=20, choices=Origin.choices, blank=True)
    priority = models.CharField(_("priorité"), max_length=20, choices=Priority.choices, blank=True)
    participation = models.CharField(
        _("participation des habitants"), max_length=20, choices=Participation.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("action parente"),
    )
    nodes = models.ManyToManyField(
        "projects.Node",
        through="ActionNode",
        related_name="actions",
        blank=True,
        verbose_name=_("nœuds servis"),
    )
    scale = models.CharField(_("échelon"), max_length=20, choices=Scale.choices, blank=True)
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("territoire"),
    )
    periods = models.ManyToManyField("projects.Period", blank=True, related_name="actions", verbose_name=_("périodes"))
    start_date = models.DateField(_("date de début"), null=True, blank=True)
    end_date = models.DateField(_("date de fin"), null=True, blank=True)

    context = models.TextField(_("contexte"), blank=True)
    general_objective = models.TextField(_("objectif général"), blank=True)
    operational_objectives = models.TextField(_("objectifs opérationnels"), blank=True)
    target_public = models.TextField(_("public cible"), blank=True)
    description = models.TextField(_("présentation de l'action"), blank=True)
    schedule = models.TextField(_("échéancier"), blank=True)
    human_means = models.TextField(_("moyens humains"), blank=True)
    material_means = models.TextField(_("moyens matériels"), blank=True)
    financial_means = models.TextField(_("moyens financiers"), blank=True)
    partnership = models.TextField(_("partenariat (compléments)"), blank=True)
    expected_results = models.TextField(_("résultats attendus"), blank=True)
    obstacles = models.TextField(_("freins à lever"), blank=True)

    leads = models.ManyToManyField("partners.Person", blank=True, related_name="led_actions", verbose_name=_("pilotes"))
    lead_organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_actions",
        verbose_name=_("structure pilote"),
    )
    elected_referent = models.ForeignKey(
        "partners.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referent_of_actions",
        verbose_name=_("élu·e référent·e"),
    )
    themes = models.ManyToManyField("projects.Theme", blank=True, related_name="actions", verbose_name=_("thèmes"))
    position = models.PositiveIntegerField(_("ordre"), default=0)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Incrémentée à chaque enregistrement, pour refuser les écrasements."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    search_text = models.TextField(
        _("texte de recherche"),
        blank=True,
        editable=False,
        help_text=_("Intitulé et sections sans accents ni majuscules, tenu à jour à chaque enregistrement."),
    )
    title_key = models.CharField(
        _("clé de tri de l'intitulé"),
        max_length=500,
        blank=True,
        editable=False,
        help_text=_("L'intitulé sans accents ni majuscules : « École » se range avec les E, pas après Z."),
    )

    class Meta:
        verbose_name = _("fiche action")
        verbose_name_plural = _("fiches actions")
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "ref"], name="action_unique_ref"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(start_date__lte=F("end_date")),
                name="action_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.ref} — {self.title}"

    def save(self, *args, **kwargs):
        # The search column follows the text it copies, even on a partial save.
        self.fill_computed()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(SEARCHED + SECTIONS):
            kwargs["update_fields"] = {*update_fields, "search_text", "title_key"}
        super().save(*args, **kwargs)

    def fill_computed(self) -> None:
        """Set the columns copied from others (search text, title sort key), as every save does."""
        self.search_text, self.title_key = self.computed_columns({name: getattr(self, name) for name in COPIED})

    @staticmethod
    def computed_columns(values) -> tuple[str, str]:
        """``search_text`` and ``title_key`` from the values of ``COPIED`` (a bulk import has no instance)."""
        return search_text(values.get(name, "") for name in COPIED), normalise(values.get("title", ""))[:500]

    def computed_search_text(self) -> str:
        return self.computed_columns({name: getattr(self, name) for name in COPIED})[0]

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.start_date > self.end_date:
            errors["end_date"] = _("La date de fin ne peut pas précéder la date de début.")
        if self.parent_id:
            if self.parent.project_id != self.project_id:
                errors["parent"] = _("L'action parente appartient à un autre projet.")
            if would_loop(self):
                errors["parent"] = _("Une action ne peut pas être sa propre sous-action.")
        if errors:
            raise ValidationError(errors)


class ActionNode(models.Model):
    """An action placed under a node of the tree; an action under several nodes is a shared sheet."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="placements")
    node = models.ForeignKey("projects.Node", on_delete=models.CASCADE, related_name="placements")
    position = models.PositiveIntegerField(_("ordre dans le nœud"), default=0)

    class Meta:
        verbose_name = _("rattachement à un nœud")
        verbose_name_plural = _("rattachements aux nœuds")
        ordering = ["node", "position"]
        constraints = [models.UniqueConstraint(fields=["action", "node"], name="action_node_unique")]

    def __str__(self):
        return f"{self.action.ref} → {self.node}"

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)

    def clean(self):
        if self.node.project_id != self.action.project_id:
            raise ValidationError({"node": _("Ce nœud appartient à un autre projet que l'action.")})


@receiver(m2m_changed, sender=ActionNode)
@receiver(m2m_changed, sender=Action.periods.through)
@receiver(m2m_changed, sender=Action.themes.through)
@receiver(m2m_changed, sender=Action.leads.through)
def _same_project_only(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Refuse linking an action to a node, period, theme or person of another project."""
    if action != "pre_add" or not pk_set:
        return
    if reverse:
        # instance is the node/period/theme/person, pk_set are actions.
        foreign = Action.objects.filter(pk__in=pk_set).exclude(project_id=instance.project_id)
    else:
        foreign = model.objects.filter(pk__in=pk_set).exclude(project_id=instance.project_id)
    if foreign.exists():
        raise ValidationError(_("Une fiche action ne peut être liée qu'à des éléments de son propre projet."))


class ActionPartner(models.Model):
    """An organisation taking part in an action, with its role (pilote, opérationnel, relais…)."""

    Role = Role

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="partner_roles")
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.CASCADE,
        related_name="action_roles",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    detail = models.CharField(_("précision"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("partenaire de l'action")
        verbose_name_plural = _("partenaires de l'action")
        ordering = ["action", "position"]
        constraints = [
            models.UniqueConstraint(fields=["action", "organisation", "role"], name="action_partner_unique_role")
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"

    def clean(self):
        # An inline form of a sheet whose own form is invalid has no action yet: nothing to compare.
        if not hasattr(self, "action"):
            return
        if self.organisation_id and self.action.project_id and self.organisation.project_id != self.action.project_id:
            raise ValidationError({"organisation": _("Cette organisation n'est pas dans l'annuaire du projet.")})


class BudgetLine(models.Model):
    """A line of an action's budget: operating or investment, planned or actual, for a year or the whole plan."""

    class Nature(models.TextChoices):
        OPERATING = "operating", _("Fonctionnement")
        INVESTMENT = "investment", _("Investissement")

    class Kind(models.TextChoices):
        PLANNED = "planned", _("Prévisionnel")
        ACTUAL = "actual", _("Réalisé")

    class Unit(models.TextChoices):
        EUR = "eur", _("euros")
        FTE = "fte", _("équivalents temps plein")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="budget_lines")
    label = models.CharField(_("libellé"), max_length=255, blank=True)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices, default=Nature.OPERATING)
    kind = models.CharField(_("prévu ou réalisé"), max_length=20, choices=Kind.choices, default=Kind.PLANNED)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True, help_text=_("Vide : toute la période."))
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unité"), max_length=5, choices=Unit.choices, default=Unit.EUR)
    funder = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funded_lines",
        verbose_name=_("financeur"),
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")
        ordering = ["action", "position"]

    def __str__(self):
        return f"{self.label or self.get_nature_display()} : {self.amount}"

    def clean(self):
        # An inline form of a sheet whose own form is invalid has no action yet: nothing to compare.
        if self.year is not None and hasattr(self, "action") and self.action.project_id:
            self.action.project.check_years("year", self.year)


class Programme(models.Model):
    """A cross-cutting programme (projet familles, projet jeunesse) gathering actions from the whole tree."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="programmes", verbose_name=_("projet")
    )
    key = models.SlugField(_("clé"), max_length=100)
    title = models.CharField(_("intitulé"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    actions = models.ManyToManyField(
        Action, through="ProgrammeAction", blank=True, related_name="programmes", verbose_name=_("actions")
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("programme transversal")
        verbose_name_plural = _("programmes transversaux")
        ordering = ["project", "position"]
        constraints = [models.UniqueConstraint(fields=["project", "key"], name="programme_unique_key")]

    def __str__(self):
        return self.title


class ProgrammeAction(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE)
    action = models.ForeignKey(Action, on_delete=models.CASCADE)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("action du programme")
        verbose_name_plural = _("actions du programme")
        ordering = ["programme", "position"]
        constraints = [models.UniqueConstraint(fields=["programme", "action"], name="programme_action_unique")]

    def __str__(self):
        return f"{self.programme} — {self.action.ref}"

    def clean(self):
        if self.action.project_id != self.programme.project_id:
            raise ValidationError({"action": _("Cette action appartient à un autre projet.")})


class ProgrammeObjective(models.Model):
    """An objective of a programme's own small tree, listing the actions that serve it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="objectives")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    title = models.CharField(_("intitulé"), max_length=500)
    actions = models.ManyToManyField(
        Action, through="ProgrammeObjectiveAction", blank=True, related_name="programme_objectives"
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("objectif de programme")
        verbose_name_plural = _("objectifs de programme")
        ordering = ["programme", "position"]

    def __str__(self):
        return self.title


class ProgrammeObjectiveAction(models.Model):
    objective = models.ForeignKey(ProgrammeObjective, on_delete=models.CASCADE)
    action = models.ForeignKey(Action, on_delete=models.CASCADE)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["objective", "position"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "action"], name="programme_objective_action_unique")
        ]

    def __str__(self):
        return f"{self.objective} — {self.action.ref}"


class ActionChange(models.Model):
    """One entry of an action's history: who changed what, when (field label, old value, new value).

    ``changes`` is a list of ``{"field", "label", "old", "new"}`` with values as the page showed them,
    so that the history stays readable after a person, a node or a label is renamed or deleted.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Création")
        EDITED = "edited", _("Modification de la fiche")
        STATUS = "status", _("Changement de statut")
        INDICATOR = "indicator", _("Indicateurs")
        NOTE = "note", _("Note de suivi")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="changes", verbose_name=_("action"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte"),
    )
    author = models.CharField(_("auteur"), max_length=255, blank=True)
    at = models.DateTimeField(_("le"), default=timezone.now)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version de la fiche après le changement"))
    changes = models.JSONField(_("changements"), default=list)
    reason = models.CharField(
        _("motif"),
        max_length=255,
        blank=True,
        help_text=_(
            "Ce qui a causé le changement quand ce n'est pas une saisie : « Décision du COPIL du 12/03/2025 »."
        ),
    )

    class Meta:
        verbose_name = _("changement d'une action")
        verbose_name_plural = _("historique des actions")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action", "-at"], name="action_change_newest")]

    def __str__(self):
        return f"{self.action.ref} — {self.get_kind_display()} ({self.at:%d/%m/%Y %H:%M})"


class Comment(models.Model):
    """A member's comment on an action (readers "read all, comment"); not part of the plan itself."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="comments", verbose_name=_("action"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte"),
    )
    author = models.CharField(_("auteur"), max_length=255)
    created_at = models.DateTimeField(_("le"), default=timezone.now)
    text = models.TextField(_("commentaire"))

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.author} — {self.text[:60]}"
