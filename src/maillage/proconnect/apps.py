"""Sign-in with ProConnect, the State's OpenID Connect federation for professionals."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProConnectConfig(AppConfig):
    name = "maillage.proconnect"
    verbose_name = _("ProConnect")
