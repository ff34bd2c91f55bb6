"""An import in progress: the uploaded file, the draft read from it, and the report, until it is saved."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One file brought in by one person. The draft (an interchange document) is reviewed and edited here
    before anything reaches a project; the file itself is dropped once read."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("En attente")
        READING = "reading", _("Lecture en cours")
        READY = "ready", _("Prêt à relire")
        FAILED = "failed", _("Échec")
        SAVED = "saved", _("Enregistré")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imports", verbose_name=_("auteur")
    )
    name = models.CharField(_("fichier"), max_length=255)
    content = models.BinaryField(_("contenu"), null=True, blank=True)
    slug = models.SlugField(_("identifiant du projet à créer"), max_length=100, blank=True)
    title = models.CharField(_("titre du projet à créer"), max_length=255, blank=True)
    into = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("projet où fusionner"),
    )
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.WAITING)
    done = models.PositiveIntegerField(_("avancement"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    draft = models.JSONField(_("brouillon"), null=True, blank=True)
    report = models.JSONField(_("rapport"), null=True, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    # Written by the worker every few seconds while it reads: a run whose heartbeat stopped lost its worker.
    heartbeat = models.DateTimeField(_("dernier signe de vie"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("lectures commencées"), default=0)
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("projet créé ou complété"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.WAITING, self.Status.READING)
