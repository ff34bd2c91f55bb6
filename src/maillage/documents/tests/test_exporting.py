"""The background export task, the progress the writers report, the command line's progress bar."""

from io import StringIO

import pytest
from django.core.management import call_command

from maillage.documents import exporting
from maillage.documents.annex import docx, odt, pdf
from maillage.documents.annex.writers import build
from maillage.documents.models import Export
from maillage.documents.registry import What
from maillage.documents.tasks import export_document
from maillage.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("render", [pdf.render, docx.render, odt.render])
def test_renderers_report_progress_up_to_every_fiche(demo_db, render):
    project = Project.objects.get(slug="clermont-sud")
    document = build(project, What("project"))
    calls = []
    render(document, progress=lambda done, total: calls.append((done, total)))
    total = calls[-1][1]
    assert calls[-1] == (total, total)
    assert total >= project.actions.filter(parent__isnull=True).count()  # a fiche is one step at least
    assert [done for done, _total in calls] == sorted(done for done, _total in calls)


def test_the_task_writes_the_file_and_reports_progress(demo_db):
    project = Project.objects.get(slug="genas-pset-2")
    export = exporting.start_export(project, "project", "docx")
    seen = []
    original = exporting.Progress.__call__

    def spy(self, done, total):
        original(self, done, total)
        seen.append(Export.objects.values_list("done", "total").get(pk=export.pk))

    exporting.Progress.__call__ = spy
    try:
        export_document.call(str(export.pk))  # what `maillage db_worker` runs
    finally:
        exporting.Progress.__call__ = original
    export.refresh_from_db()
    assert export.status == Export.Status.DONE and export.finished is not None
    # One call per page-starting unit (Genas' title-and-status fiches share pages); the last one is stored.
    assert len(seen) == seen[-1][0] == seen[-1][1] > 10
    assert export.filename == "genas-pset-2-project.docx"
    from docx import Document

    word = Document(export.file.open("rb"))
    assert any("PSET II" in paragraph.text for paragraph in word.paragraphs)


def test_a_failing_export_stores_its_french_message(demo_db):
    project = Project.objects.get(slug="genas-pset-2")
    export = Export.objects.create(project=project, what="action:NOPE", format="pdf")
    exporting.run_export(export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED
    assert export.error == "Fiche action « NOPE » introuvable dans le projet « genas-pset-2 »."
    assert not export.file


def test_start_refuses_a_bad_request_before_storing_anything(demo_db):
    project = Project.objects.get(slug="genas-pset-2")
    with pytest.raises(exporting.ExportError, match="Format « rtf » non pris en charge"):
        exporting.start_export(project, "project", "rtf")
    assert not Export.objects.filter(project=project).exists()


def test_the_command_line_shows_a_progress_bar(demo_db, tmp_path):
    errors = StringIO()
    output = tmp_path / "annexe.odt"
    call_command("export", "genas-pset-2", "--format", "odt", "-o", str(output), "--progress", stderr=errors)
    text = errors.getvalue()
    assert "\r[" in text and "] 100 % (" in text
    assert output.read_bytes()[:2] == b"PK"


def test_png_tree(demo_db, tmp_path):
    output = tmp_path / "arbre.png"
    call_command("export", "genas-pset-2", "--format", "png", "--what", "tree", "-o", str(output))
    from PIL import Image

    image = Image.open(output)
    assert image.format == "PNG" and image.width > 1000
    assert image.getpixel((2, 2))[:3] == (255, 255, 255)  # a white background, not a transparent one
