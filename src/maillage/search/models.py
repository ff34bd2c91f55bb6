"""The search index: one row per searchable object, with the text it is found by.

Each row points to its object by a key of its kind (exactly one is set), so that deleting an object
deletes its row with it, in the database's cascade, whatever path deletes it. The engines' own columns
are kept beside: ``vector`` (PostgreSQL's ``tsvector``, GIN-indexed) and ``stemmed_title``/``stemmed_text``
(what SQLite's FTS5 table ``search_entry_fts`` indexes, kept in step by triggers); see ``engines.py``.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ACTION = "action", _("Fiches actions")
    NODE = "node", _("Arborescence")
    ORGANISATION = "organisation", _("Organisations")
    MEETING = "meeting", _("Réunions")
    DECISION = "decision", _("Décisions")
    FINDING = "finding", _("Constats")


# What a visitor of a published project may find (the public pages show these, without personal data).
PUBLIC_KINDS = (Kind.ACTION, Kind.NODE)
# The key to the object, by kind.
KEYS = {
    Kind.ACTION: "action",
    Kind.NODE: "node",
    Kind.ORGANISATION: "organisation",
    Kind.MEETING: "meeting",
    Kind.DECISION: "decision",
    Kind.FINDING: "finding",
}


class SearchEntry(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    action = models.OneToOneField("actions.Action", on_delete=models.CASCADE, null=True, related_name="+")
    node = models.OneToOneField("projects.Node", on_delete=models.CASCADE, null=True, related_name="+")
    organisation = models.OneToOneField("partners.Organisation", on_delete=models.CASCADE, null=True, related_name="+")
    meeting = models.OneToOneField("governance.Meeting", on_delete=models.CASCADE, null=True, related_name="+")
    decision = models.OneToOneField("governance.Decision", on_delete=models.CASCADE, null=True, related_name="+")
    finding = models.OneToOneField("diagnostic.Finding", on_delete=models.CASCADE, null=True, related_name="+")
    title = models.CharField(_("titre"), max_length=600)
    text = models.TextField(_("texte"), blank=True)
    stemmed_title = models.TextField(blank=True, editable=False)
    stemmed_text = models.TextField(blank=True, editable=False)
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        db_table = "search_entry"
        verbose_name = _("entrée de l'index de recherche")
        verbose_name_plural = _("entrées de l'index de recherche")
        indexes = [models.Index(fields=["project", "kind"], name="search_entry_project_kind")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=Kind.ACTION, action__isnull=False)
                    | Q(kind=Kind.NODE, node__isnull=False)
                    | Q(kind=Kind.ORGANISATION, organisation__isnull=False)
                    | Q(kind=Kind.MEETING, meeting__isnull=False)
                    | Q(kind=Kind.DECISION, decision__isnull=False)
                    | Q(kind=Kind.FINDING, finding__isnull=False)
                ),
                name="search_entry_has_its_object",
            )
        ]

    def __str__(self):
        return f"{self.kind}: {self.title}"

    @property
    def object_id(self) -> int:
        return getattr(self, KEYS[self.kind] + "_id")
