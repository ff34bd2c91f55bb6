"""Plans aligned on their framework: what a child plan's nodes, actions and indicators serve in the
plans it is declined from."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "maillage.frameworks"
    verbose_name = _("Cadres de référence")
