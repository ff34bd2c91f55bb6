"""Projects and their strategy tree."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "maillage.projects"
    verbose_name = _("Projets")

    def ready(self):
        from . import stamp

        stamp.connect()
