"""Governance: the bodies that steer the plan, their meetings and the decisions taken there."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.actions.vocabulary import Status


class Body(models.Model):
    """A steering or working body: COPIL, COTECH, groupe projet, comité d'usagers, séminaire…"""

    class Kind(models.TextChoices):
        COPIL = "copil", _("Comité de pilotage (COPIL)")
        COTECH = "cotech", _("Comité technique (COTECH)")
        PROJECT_GROUP = "project_group", _("Groupe projet")
        WORKING_GROUP = "working_group", _("Groupe de travail")
        USERS_COMMITTEE = "users_committee", _("Comité d'usagers")
        PLENARY = "plenary", _("Plénière des partenaires")
        SEMINAR = "seminar", _("Séminaire")
        OTHER = "other", _("Autre instance")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="bodies", verbose_name=_("projet")
    )
    key = models.SlugField(_("clé"), max_length=100)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("nom"), max_length=255)
    description = models.TextField(_("rôle et composition"), blank=True)
    frequency = models.CharField(_("fréquence"), max_length=255, blank=True)
    chair = models.ForeignKey(
        "partners.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_bodies",
        verbose_name=_("présidence"),
    )
    node = models.ForeignKey(
        "projects.Node",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("nœud suivi"),
        help_text=_("Pour un groupe projet par visée ou par axe."),
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("instance")
        verbose_name_plural = _("instances")
        ordering = ["project", "position"]
        constraints = [models.UniqueConstraint(fields=["project", "key"], name="body_unique_key")]

    def __str__(self):
        return self.name


class BodyMember(models.Model):
    """A seat in a body: a person, an organisation, or a person for an organisation."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "partners.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=255, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["body", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(organisation__isnull=False), name="member_is_someone"
            )
        ]

    def __str__(self):
        return str(self.person or self.organisation)


class Meeting(models.Model):
    """A meeting of a body (or a one-off event such as a partner plenary)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="meetings", verbose_name=_("projet")
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("instance"),
    )
    title = models.CharField(_("intitulé"), max_length=255)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("heure de début"), null=True, blank=True)
    end_time = models.TimeField(_("heure de fin"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    agenda = models.TextField(_("ordre du jour"), blank=True)
    minutes = models.TextField(_("compte rendu"), blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")
        ordering = ["project", "date", "position"]

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Présent·e")
        EXCUSED = "excused", _("Excusé·e")
        ABSENT = "absent", _("Absent·e")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey("partners.Person", on_delete=models.CASCADE, null=True, blank=True)
    organisation = models.ForeignKey("partners.Organisation", on_delete=models.CASCADE, null=True, blank=True)
    status = models.CharField(_("présence"), max_length=10, choices=Status.choices, default=Status.PRESENT)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        ordering = ["meeting", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(organisation__isnull=False),
                name="attendance_is_someone",
            )
        ]

    def __str__(self):
        return f"{self.person or self.organisation} : {self.get_status_display()}"


class Decision(models.Model):
    """A decision taken in a meeting; it names the actions it changes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("décision"))
    actions = models.ManyToManyField(
        "actions.Action", blank=True, related_name="decisions", verbose_name=_("actions concernées")
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["meeting", "position"]

    def __str__(self):
        return self.text[:80]


class DecisionChange(models.Model):
    """A concrete change of the plan a decision orders, applied by a coordinator in one step with the
    decision's other changes (``maillage.governance.changes.apply_decision``).

    One row per change; ``kind`` says which fields it uses:

    - ``status``: ``action`` goes from ``from_status`` (its status when the decision was written down)
      to ``status``;
    - ``new_action``: an action ``ref`` / ``title`` placed under ``node`` (or under the node added by
      ``node_change``, another change of the same decision); ``action`` is the created one once applied;
    - ``postpone``: ``action`` is postponed to ``period`` and/or to a new ``end_date``;
    - ``new_node``: a node ``code`` / ``title`` at ``level``, under ``node`` (or ``node_change``), or at the
      top; ``key`` names it; ``created_node`` is the created one once applied.

    ``ref`` also keeps the reference of the action a change is about, so that it still reads after the
    action is deleted.
    """

    class Kind(models.TextChoices):
        STATUS = "status", _("Changement de statut")
        NEW_ACTION = "new_action", _("Nouvelle action")
        POSTPONE = "postpone", _("Report d'une action")
        NEW_NODE = "new_node", _("Nouveau nœud de l'arborescence")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    action = models.ForeignKey(
        "actions.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decision_changes",
        verbose_name=_("action"),
    )
    ref = models.CharField(_("référence"), max_length=50, blank=True)
    title = models.CharField(_("intitulé"), max_length=500, blank=True)
    status = models.CharField(_("nouveau statut"), max_length=20, choices=Status.choices, blank=True)
    from_status = models.CharField(_("statut lors de la décision"), max_length=20, choices=Status.choices, blank=True)
    period = models.ForeignKey(
        "projects.Period",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reportée à la période"),
    )
    end_date = models.DateField(_("nouvelle date de fin"), null=True, blank=True)
    node = models.ForeignKey(
        "projects.Node",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nœud"),
        help_text=_("Le nœud où placer la nouvelle action, ou le parent du nouveau nœud."),
    )
    node_change = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sous le nœud ajouté par"),
    )
    level = models.ForeignKey(
        "projects.Level", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("niveau")
    )
    code = models.CharField(_("code"), max_length=50, blank=True)
    key = models.SlugField(_("clé"), max_length=100, blank=True)
    created_node = models.ForeignKey(
        "projects.Node",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nœud créé"),
    )
    applied_at = models.DateTimeField(_("appliqué le"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appliqué par"),
    )
    applied_by_name = models.CharField(_("appliqué par (nom)"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("changement décidé")
        verbose_name_plural = _("changements décidés")
        ordering = ["decision", "position", "pk"]
        indexes = [models.Index(fields=["action", "decision"], name="decision_change_action")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.ref or self.code or self.title}".strip()

    def save(self, *args, **kwargs):
        # The interchange document names nodes by key: the node a change points at must have one.
        from .changes import ensure_node_key

        ensure_node_key(self.node if self.node_id else None)
        super().save(*args, **kwargs)

    @property
    def applied(self) -> bool:
        return self.applied_at is not None
