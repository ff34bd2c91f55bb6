from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Bringing an existing plan in: spreadsheets and documents read into a draft that is reviewed, then saved."""

    name = "maillage.imports"
    verbose_name = _("Imports")
