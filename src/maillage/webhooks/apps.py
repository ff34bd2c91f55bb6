"""Webhooks: a project's events posted, signed, to the addresses its coordinators subscribe."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "maillage.webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from django.db.models.signals import post_save

        from . import events

        # A decision has no write function of its own (its form is saved by the meeting page, the demo,
        # the API): the signal covers every path. Other events are emitted by their domain functions.
        post_save.connect(events.decision_saved, sender="governance.Decision", dispatch_uid="webhooks-decision")
