"""Documents out: the plan written as the files people use (annex, panorama, calendar, fiches, tables)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "maillage.documents"
    verbose_name = _("Documents produits")
