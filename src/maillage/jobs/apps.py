from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background work that never hangs: the supervised worker, the reader's sandbox, stale job detection."""

    name = "maillage.jobs"
    verbose_name = _("Tâches de fond")
