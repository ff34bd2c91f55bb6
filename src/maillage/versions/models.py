"""A version of the plan: a dated snapshot of the whole project, stored as its interchange document.

The document is the ``maillage/project@1`` JSON that ``maillage export --format json`` writes, kept
byte for byte (zlib-compressed, see :meth:`Version.store`), so a version is self-contained: it stays
readable after the live plan changed, and any tool that reads the interchange format reads it.

The default manager leaves the document out of every query (``defer``): lists never load it; the
pages that show one version read it once through :meth:`Version.read`.
"""

import hashlib
import json
import zlib
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.interchange.exporting import to_json


class VersionQuerySet(models.QuerySet):
    def adopted(self):
        return self.filter(state=Version.State.ADOPTED)

    def newest_first(self):
        return self.order_by("-date", "-taken_at", "-pk")


class VersionManager(models.Manager.from_queryset(VersionQuerySet)):
    def get_queryset(self):
        return super().get_queryset().defer("document")


class Version(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        ADOPTED = "adopted", _("Adoptée")

    class Kind(models.TextChoices):
        ADOPTION = "adoption", _("Adoption du plan")
        UPDATE = "update", _("Mise à jour du plan")
        MANUAL = "manual", _("Version prise à la main")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="versions", verbose_name=_("projet")
    )
    label = models.CharField(_("libellé"), max_length=255)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices, default=Kind.MANUAL)
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.DRAFT)
    date = models.DateField(
        _("date"),
        help_text=_("La date de l'état du plan : celle de la délibération pour une version adoptée."),
    )
    deliberation_date = models.DateField(_("date de la délibération"), null=True, blank=True)
    deliberation_reference = models.CharField(_("référence de la délibération"), max_length=255, blank=True)
    deliberation_body = models.CharField(_("instance qui a délibéré"), max_length=255, blank=True)
    note = models.TextField(_("objet"), blank=True)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="updates",
        verbose_name=_("version de départ"),
        help_text=_("Pour une mise à jour : la version adoptée qu'elle met à jour."),
    )
    document = models.BinaryField(
        _("document d'échange (compressé)"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Le document maillage/project@1 du plan, compressé ; vide pour une mise à jour en cours."),
    )
    digest = models.CharField(_("empreinte SHA-256 du document"), max_length=64, blank=True, editable=False)
    size = models.PositiveIntegerField(_("taille du document (octets)"), default=0, editable=False)
    summary = models.JSONField(_("chiffres clés"), default=dict, blank=True, editable=False)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prise par"),
    )
    taken_by_name = models.CharField(_("prise par (nom)"), max_length=255, blank=True)
    taken_at = models.DateTimeField(_("prise le"), default=timezone.now)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adoption enregistrée par"),
    )
    adopted_at = models.DateTimeField(_("adoption enregistrée le"), null=True, blank=True)

    objects = VersionManager()

    class Meta:
        verbose_name = _("version du plan")
        verbose_name_plural = _("versions du plan")
        ordering = ["project", "date", "taken_at", "pk"]
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(kind="update", state="draft"),
                name="version_one_open_update",
                violation_error_message=_("Une mise à jour du plan est déjà en cours."),
            ),
            models.CheckConstraint(
                condition=Q(kind="update", state="draft") | Q(document__isnull=False),
                name="version_holds_its_document",
            ),
        ]
        indexes = [models.Index(fields=["project", "state", "-date"], name="version_project_state_date")]

    def __str__(self):
        return f"{self.label} ({self.date:%d/%m/%Y})"

    @property
    def is_open_update(self) -> bool:
        """The working draft of an update: its content is the live plan until it is adopted."""
        return self.kind == self.Kind.UPDATE and self.state == self.State.DRAFT

    @property
    def is_adopted(self) -> bool:
        return self.state == self.State.ADOPTED

    def clean(self):
        if self.is_adopted and not self.date:
            raise ValidationError({"date": _("Une version adoptée a une date.")})

    # --- the stored document -------------------------------------------------------------------

    def store(self, document: dict) -> None:
        """Keep ``document`` as the canonical JSON text of the export, zlib-compressed.

        Why compressed bytes rather than a JSONField: the text is kept exactly as exported (PostgreSQL's
        jsonb would reorder its keys, SQLite would keep it uncompressed), a plan's document takes a
        fourth or a fifth of its size, and the page that needs it reads one value (docs/versions.md)."""
        text = to_json(document).encode("utf-8")
        self.document = zlib.compress(text, 6)
        self.digest = hashlib.sha256(text).hexdigest()
        self.size = len(text)
        self.summary = summarise(document)

    def json_text(self) -> str:
        """The document as exported (the same bytes ``maillage export`` wrote at that moment)."""
        if self.document is None:
            raise ValueError("an open update holds no document: its content is the live plan")
        return zlib.decompress(bytes(self.document)).decode("utf-8")

    def read(self) -> dict:
        """The stored interchange document (a fresh dict each call: callers may change it)."""
        return json.loads(self.json_text())


def summarise(document: dict) -> dict:
    """The figures the versions list shows, so that it never reads a document."""
    actions = document.get("actions", [])
    statuses = Counter(action["status"] for action in actions if not action.get("parent"))
    nodes = 0
    stack = list(document.get("nodes", []))
    while stack:
        node = stack.pop()
        nodes += 1
        stack.extend(node.get("children", []))
    return {
        "nodes": nodes,
        "actions": sum(statuses.values()),
        "sub_actions": len(actions) - sum(statuses.values()),
        "statuses": dict(statuses),
    }
