"""Personal API tokens: a member's key to the API, shown once, stored as a hash.

The secret is 32 random bytes (``secrets.token_urlsafe``): guessing it is out of reach, so one SHA-256
is enough to keep the table useless to whoever reads it. A slow password hash (PBKDF2, Argon2) exists
to stretch the few bits of a human-chosen password; it would only cost every API request its time here.
The prefix (the token's first characters, not secret) finds the row with an index, then the hashes are
compared in constant time.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("Lecture seule")
        WRITE = "write", _("Lecture et écriture")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("compte")
    )
    name = models.CharField(
        _("nom"), max_length=100, help_text=_("Pour vous souvenir de son usage : « tableur de suivi ».")
    )
    prefix = models.CharField(_("préfixe"), max_length=16, db_index=True, editable=False)
    hashed_secret = models.CharField(_("empreinte du secret"), max_length=64, editable=False)
    scope = models.CharField(_("portée"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernier usage"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def writes(self) -> bool:
        return self.scope == self.Scope.WRITE

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
