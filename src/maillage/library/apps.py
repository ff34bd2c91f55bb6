"""The library of actions: published and network-shared actions across projects, similar actions, and
the copy of an action into one's own project with its provenance."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "maillage.library"
    verbose_name = _("Bibliothèque d'actions")
