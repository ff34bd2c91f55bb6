"""The shared diagnostic: key figures, findings, consultations, enjeux."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticConfig(AppConfig):
    name = "maillage.diagnostic"
    verbose_name = _("Diagnostic")
