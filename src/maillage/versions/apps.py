"""Versions of the plan: dated snapshots, their comparison, and the update of the plan."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VersionsConfig(AppConfig):
    name = "maillage.versions"
    verbose_name = _("Versions du plan")
