"""Communes, EPCI, QPV, IRIS and custom perimeters."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "maillage.territories"
    verbose_name = _("Territoires")
