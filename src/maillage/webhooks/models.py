"""A project's webhook subscriptions and the log of what was delivered to them."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    ACTION_CREATED = "action.created", _("Une action est créée")
    ACTION_CHANGED = "action.changed", _("Une fiche action est modifiée")
    ACTION_STATUS_CHANGED = "action.status_changed", _("Le statut d'une action change")
    INDICATOR_VALUE_ADDED = "indicator.value_added", _("Une valeur d'indicateur est ajoutée")
    DECISION_RECORDED = "decision.recorded", _("Une décision est enregistrée")
    VERSION_ADOPTED = "version.adopted", _("Une version du plan est adoptée")


PING = "ping"  # the test a coordinator sends by hand; every subscription receives it


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Subscription(models.Model):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="webhook_subscriptions", verbose_name=_("projet")
    )
    url = models.URLField(_("adresse de réception"), max_length=500)
    label = models.CharField(_("libellé"), max_length=120, blank=True)
    # Kept in clear: every delivery is signed with it. Shown once, when it is made.
    secret = models.CharField(_("secret"), max_length=100, default=new_secret)
    events = models.JSONField(_("événements"), default=list)
    active = models.BooleanField(_("actif"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("échecs consécutifs"), default=0)
    disabled_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("abonnement webhook")
        verbose_name_plural = _("abonnements webhook")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["project", "active"], name="webhook_project_active")]

    def __str__(self):
        return self.label or self.url

    def event_labels(self) -> list[str]:
        labels = dict(Event.choices)
        return [str(labels.get(code, code)) for code in self.events]


class Delivery(models.Model):
    """One event for one subscription: its exact signed body, and where its attempts stand."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        RETRYING = "retrying", _("nouvel essai prévu")
        DELIVERED = "delivered", _("livré")
        FAILED = "failed", _("échec")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("événement"), max_length=40)
    body = models.TextField(_("contenu"))
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    next_attempt_at = models.DateTimeField(_("prochain essai"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("livraison webhook")
        verbose_name_plural = _("livraisons webhook")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_recent")]

    def __str__(self):
        return f"{self.event} → {self.subscription_id} ({self.status})"


class Attempt(models.Model):
    """One try of a delivery: the status code received, or why there was none."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField(_("essai"))
    at = models.DateTimeField(_("le"), auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(_("code HTTP"), null=True, blank=True)
    error = models.CharField(_("erreur"), max_length=255, blank=True)
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), default=0)

    class Meta:
        verbose_name = _("essai de livraison")
        verbose_name_plural = _("essais de livraison")
        ordering = ["delivery", "number"]

    def __str__(self):
        return f"{self.delivery_id} #{self.number}: {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
