from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The shell of the web application: layout, home page, error pages."""

    name = "maillage.home"
    verbose_name = _("Accueil")

    def ready(self):
        from maillage import deployment  # noqa: F401 — registers the production settings check
