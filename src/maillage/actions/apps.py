"""Fiches actions, their partners, budget and cross-cutting programmes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "maillage.actions"
    verbose_name = _("Fiches actions")
