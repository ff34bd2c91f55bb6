"""The writers the export registry dispatches to: build the document once, render it in one format."""

from django.utils import translation

from maillage.documents.registry import What, register

from . import building, docx, odt, pdf
from .loading import load

RENDERERS = {"docx": docx.render, "pdf": pdf.render, "odt": odt.render}


def build(project, what: What):
    """The document representation of ``what`` (project, panorama, calendar or one fiche)."""
    with translation.override("fr"):
        if what.kind == "action":
            data = load(project, full=False, action=what.action, public=what.public)
            action = next(action for action in data.actions if action.pk == what.action.pk)
            return building.fiche_document(action, data)
        data = load(project, full=what.kind == "project", actions=what.actions, public=what.public)
        return {
            "project": building.project_document,
            "panorama": building.panorama_document,
            "calendar": building.calendar_document,
        }[what.kind](data)


def _writer(format: str):
    def write(project, what: What, progress=None) -> bytes:
        document = build(project, what)
        with translation.override("fr"):
            return RENDERERS[format](document, progress=progress)

    write.__name__ = f"write_{format}"
    return write


for _format in RENDERERS:
    register(_format, "project", "panorama", "calendar", "action")(_writer(_format))
