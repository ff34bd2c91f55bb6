"""The canonical vocabularies of a fiche action (PRODUCT.md), with their default French labels.

A project may rename a label (``projects.VocabularyLabel``); the codes never change: they are what
the interchange document, exports and filters speak.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PLANNED = "planned", _("À venir")
    IN_PROGRESS = "in_progress", _("En cours")
    CONTINUOUS = "continuous", _("En continu")
    POSTPONED = "postponed", _("Reportée")
    BLOCKED = "blocked", _("Bloquée")
    DONE = "done", _("Terminée")
    ABANDONED = "abandoned", _("Abandonnée")


class Origin(models.TextChoices):
    NEW = "new", _("Nouvelle action (NA)")
    EVOLUTION = "evolution", _("Évolution d'une action existante (E)")
    EXISTING = "existing", _("Action existante (AE)")


class Priority(models.TextChoices):
    HIGH = "high", _("Haute")
    MEDIUM = "medium", _("Moyenne")
    LOW = "low", _("Basse")


class Participation(models.TextChoices):
    NONE = "none", _("Aucune")
    INFORMATION = "information", _("Information")
    CONSULTATION = "consultation", _("Consultation")
    CONCERTATION = "concertation", _("Concertation")
    CO_CONSTRUCTION = "co_construction", _("Co-construction")
    INITIATIVE = "initiative", _("Initiative des habitants")


class Role(models.TextChoices):
    LEAD = "lead", _("Pilote")
    OPERATIONAL = "operational", _("Partenaire opérationnel")
    RELAY = "relay", _("Relais d'information / orienteur")
    SPEAKER = "speaker", _("Intervenant")
    FUNDER = "funder", _("Financeur")
    TO_APPROACH = "to_approach", _("À solliciter")


class Scale(models.TextChoices):
    INTERCOMMUNAL = "intercommunal", _("Intercommunal")
    PERIMETER = "perimeter", _("Périmètre")
    COMMUNAL = "communal", _("Communal")


VOCABULARIES = {
    "status": Status,
    "origin": Origin,
    "priority": Priority,
    "participation": Participation,
    "role": Role,
}


def codes_of(vocabulary: str) -> set[str]:
    return set(VOCABULARIES[vocabulary].values) if vocabulary in VOCABULARIES else set()


def project_labels(project) -> dict[str, dict[str, str]]:
    """The word the project uses for each code of each vocabulary: its own where it renames one
    (``projects.VocabularyLabel``, "Nouvelle" for ``planned``), else the default French label."""
    labels = {name: {code: str(label) for code, label in choices.choices} for name, choices in VOCABULARIES.items()}
    for label in project.labels.all():
        labels.setdefault(label.vocabulary, {})[label.code] = label.label
    return labels
