from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    """The published plan: what residents and partners read without an account, and nothing personal."""

    name = "maillage.publication"
    verbose_name = _("Publication")
