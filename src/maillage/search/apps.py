from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "maillage.search"
    label = "search"
    verbose_name = _("Recherche")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import indexing

        indexing.connect_signals()
        post_migrate.connect(indexing.fill_after_migrate, sender=self)
