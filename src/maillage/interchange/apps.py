"""The maillage/project@1 JSON document: schema, export, import."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterchangeConfig(AppConfig):
    name = "maillage.interchange"
    verbose_name = _("Document d'échange")
