"""What the library adds beside the plan: which actions a project shares with its network, and where
a copied action came from."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SharedAction(models.Model):
    """An action its project shares with its network: every member of a project under the same root
    project (``maillage.library.sharing``) reads it in the library, even when its project is private.

    A row of its own rather than a column of ``Action``: sharing is a coordinator's choice about the
    library, not part of the plan the interchange document carries."""

    action = models.OneToOneField(
        "actions.Action", on_delete=models.CASCADE, related_name="network_share", verbose_name=_("action")
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partagée par"),
    )
    shared_at = models.DateTimeField(_("partagée le"), default=timezone.now)

    class Meta:
        verbose_name = _("action partagée avec le réseau")
        verbose_name_plural = _("actions partagées avec le réseau")

    def __str__(self):
        return str(self.action)


class Provenance(models.Model):
    """Where a copied action came from (« inspirée de … »).

    The source is kept both as a link (emptied if the source is deleted) and as text (its project's
    title and slug, its reference and title at the time of the copy), so that the provenance still
    reads after the source or its project is gone."""

    action = models.OneToOneField(
        "actions.Action", on_delete=models.CASCADE, related_name="provenance", verbose_name=_("action reprise")
    )
    source = models.ForeignKey(
        "actions.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("action d'origine"),
    )
    source_project_title = models.CharField(_("projet d'origine"), max_length=255)
    source_project_slug = models.CharField(_("identifiant du projet d'origine"), max_length=100)
    source_ref = models.CharField(_("référence d'origine"), max_length=50)
    source_title = models.CharField(_("intitulé d'origine"), max_length=500)
    copied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reprise par"),
    )
    copied_at = models.DateTimeField(_("reprise le"), default=timezone.now)

    class Meta:
        verbose_name = _("provenance d'une action reprise")
        verbose_name_plural = _("provenances des actions reprises")

    def __str__(self):
        return f"{self.action} ← {self.source_project_title} {self.source_ref}"
