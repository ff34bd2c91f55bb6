"""Indicators, their targets and values over time, follow-up notes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "maillage.evaluation"
    verbose_name = _("Suivi et évaluation")
