"""Governance: the bodies that steer the plan, their meetings and the decisions taken there."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
