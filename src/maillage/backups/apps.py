from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    """Whole-instance backups: every table of every installed app, and the stored files."""

    name = "maillage.backups"
    verbose_name = _("Sauvegardes")
