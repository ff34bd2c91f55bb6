"""The five seed projects shipped as demo data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "maillage.demo"
    verbose_name = _("Démonstration")
