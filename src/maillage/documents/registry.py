"""Which document each (format, what) pair produces, and the errors a bad request gets.

A writer is a function ``write(project, what: What, progress=None) -> bytes``; the long ones call
``progress(done, total)`` as they go (a fiche is one step). Writers register themselves in
``WRITERS`` from their own module; ``EXPORT_MODULES`` lists those modules so that the command line
and the web views find every writer without knowing them.
"""

import importlib
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from maillage.actions.models import Action

WHATS = ["project", "panorama", "calendar", "tree", "action", "tables", "meetings"]
# Documents named with an argument ("comparison:12:current"): kind -> parse(project, argument) -> What,
# registered by the module that writes them (``register_what``).
PARSERS: dict[str, object] = {}

# What an export's progress and page call the document.
TITLES = {"project": _("Document du projet")}

# (format, what kind) -> writer; filled by the modules below.
WRITERS: dict[tuple[str, str], object] = {}
EXPORT_MODULES: list[str] = [
    "maillage.documents.tabular",
    "maillage.documents.ical",
    "maillage.documents.diagram",
    "maillage.documents.annex.writers",
    "maillage.governance.note",
    "maillage.versions.documents",
    "maillage.campaigns.report",
    "maillage.documents.rollup",
    "maillage.interchange.writer",
]


class ExportError(Exception):
    """A request that cannot produce a file; the message is French and says what to do."""


@dataclass(frozen=True)
class What:
    """The document asked for; ``actions``: the actions of a filtered list (a QuerySet), None for all;
    ``public``: for a visitor of a published plan, so it names organisations, never people."""

    kind: str
    action: Action | None = None
    actions: object = None
    argument: str = ""  # what follows the kind for the documents of ``PARSERS``
    subject: object = None  # the object a document of ``PARSERS`` is about: a meeting, a campaign
    public: bool = False  # for a visitor: organisations, never people (annex.loading)

    @property
    def suffix(self) -> str:
        if self.action:
            return f"{self.kind}-{self.action.ref}"
        if self.subject is not None:
            return f"{self.kind}-{getattr(self.subject, 'key', None) or self.subject.pk}"
        if self.argument:
            return f"{self.kind}-{self.argument.replace(':', '-')}"
        return self.kind


def register(format: str, *kinds: str):
    def decorator(writer):
        for kind in kinds:
            WRITERS[(format, kind)] = writer
        return writer

    return decorator


def register_what(kind: str, parse, title=None):
    """A document kind that takes an argument ("kind:ARG", or "kind" alone): ``parse(project, argument)``
    returns its What or raises ExportError; ``title`` is what an export's progress and page call it."""
    PARSERS[kind] = parse
    if title:
        TITLES[kind] = title
    return parse


def title_of(what: str) -> str:
    return str(TITLES.get(what.partition(":")[0], _("Document")))


def load_writers():
    for module in EXPORT_MODULES:
        importlib.import_module(module)


def formats() -> list[str]:
    load_writers()
    return sorted({format for format, _kind in WRITERS})


def parse_what(project, text: str) -> What:
    """``project``, ``panorama``… ``action:REF`` for one fiche, or a registered "kind:ARG" (``PARSERS``)."""
    kind, _colon, ref = text.partition(":")
    load_writers()
    if kind in PARSERS:
        return PARSERS[kind](project, ref)
    if kind not in WHATS:
        known = ", ".join([*WHATS, *PARSERS])
        raise ExportError(f"Document « {text} » inconnu. Documents possibles : {known} (action:RÉF, copil:ID…).")
    if kind == "action":
        if not ref:
            raise ExportError("Précisez la fiche : --what action:RÉF (par exemple action:A1-01).")
        action = Action.objects.filter(project=project, ref=ref).first()
        if action is None:
            raise ExportError(f"Fiche action « {ref} » introuvable dans le projet « {project.slug} ».")
        return What(kind, action)
    if ref:
        raise ExportError(f"« {text} » : ce document ne se précise pas avec « : ».")
    return What(kind)


def writer_for(format: str, what: What):
    load_writers()
    if format not in formats():
        raise ExportError(f"Format « {format} » non pris en charge. Formats possibles : {', '.join(formats())}.")
    writer = WRITERS.get((format, what.kind))
    if writer is None:
        possible = sorted(kind for fmt, kind in WRITERS if fmt == format)
        raise ExportError(
            f"Le format « {format} » ne produit pas le document « {what.kind} »"
            + (f" ; il produit : {', '.join(possible)}." if possible else ".")
        )
    return writer


def write(format: str, project, what: What, progress=None) -> bytes:
    """The file's bytes; raises ExportError for a request no writer answers."""
    return writer_for(format, what)(project, what, progress=progress)
