"""A document written in the background (the whole project document of a big plan takes seconds)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Export(models.Model):
    """One request for a written document, its progress, then its file.

    The id is a UUID: the progress and download URLs cannot be guessed, and every view still checks
    that the person may read the project."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("prêt")
        FAILED = "failed", _("échec")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    what = models.CharField(_("document"), max_length=80)
    format = models.CharField(_("format"), max_length=8)
    query = models.CharField(_("filtres de la liste"), max_length=2000, blank=True)
    # Asked by a visitor of a published plan: the document names organisations, never people.
    public = models.BooleanField(_("pour un visiteur"), default=False)
    status = models.CharField(_("état"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    # Written by the worker every few seconds while it writes: an export whose heartbeat stopped lost its worker.
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return f"{self.project} — {self.what} ({self.format})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def title(self) -> str:
        """The document's name ("Document du projet", "Rapport d'évaluation")."""
        from .registry import title_of

        return title_of(self.what)

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def finished_ok(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)


class CalendarSubscription(models.Model):
    """A member's own address to subscribe to a project's calendar. It works while the person is a member
    of the project (checked at each request): a removed member loses the feed at once, and nobody else
    does. The person can draw a new one from the documents page."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_subscriptions")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="calendar_subscriptions")
    token = models.CharField(_("jeton"), max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement au calendrier")
        verbose_name_plural = _("abonnements au calendrier")
        constraints = [models.UniqueConstraint(fields=["user", "project"], name="one_calendar_subscription_per_member")]

    def __str__(self):
        return f"{self.user} — {self.project}"
