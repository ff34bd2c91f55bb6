"""Evaluation campaigns (annual bilan, mid-term review, final evaluation) and their report."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "maillage.campaigns"
    verbose_name = _("Campagnes d'évaluation")
