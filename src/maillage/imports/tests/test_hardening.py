"""Issue 16: hostile and unlucky uploads. Findings 3 (decompression bombs), 4 (runs stuck "Lecture en
cours"), 11 (a large sheet within the limits, a million-item JSON) and 13 (error messages that name a
temporary file and English exceptions).

Every bomb is generated here; each test says what the file would have cost before (issue 16)."""

import io
import json
import os
import signal
import time
import zipfile

import pytest
from django.urls import reverse

from maillage.accounts.tests.factories import UserFactory
from maillage.imports.models import ImportRun
from maillage.imports.plan import read_document
from maillage.imports.reading import UnreadableFile
from maillage.imports.running import fail_stale_runs, read_run, read_upload
from maillage.imports.spreadsheet import read_spreadsheet
from maillage.jobs.sandbox import SandboxFailure, run_limited

from . import bombs

pytestmark = pytest.mark.django_db
MB = bombs.MB
ENGLISH_EXCEPTIONS = ("BadZipFile", "KeyError", "ValueError", "XMLSyntaxError", "ParseError", "Error:", "Traceback")


def run_of(content: bytes, name: str, **fields) -> ImportRun:
    return ImportRun.objects.create(
        owner=UserFactory(), name=name, content=content, slug="essai", title="Essai", **fields
    )


def assert_failed_in_french(run: ImportRun, *words: str) -> None:
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.content is None  # the stored upload is dropped
    for word in words:
        assert word in run.error
    assert not any(name in run.error for name in ENGLISH_EXCEPTIONS), run.error


@pytest.fixture(scope="module")
def odt_bomb() -> bytes:
    return bombs.zip_bomb(".odt", 300 * MB)  # 0.3 MB that inflates to 300 MB (issue 16: 37 s, 1.5 GB)


# --- finding 3: decompression bombs --------------------------------------------------------------------


def test_finding_3_an_odt_of_300_kb_that_inflates_to_300_mb_is_refused_before_parsing(odt_bomb):
    assert len(odt_bomb) < 400 * 1024
    run = run_of(odt_bomb, "plan.odt")
    started = time.monotonic()
    read_run(run)
    assert time.monotonic() - started < 5
    assert_failed_in_french(run, "« plan.odt »", "300,0 Mo une fois décompressé", "MAILLAGE_IMPORT_MAX_UNPACKED_BYTES")


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".ods"])
def test_finding_3_docx_xlsx_and_ods_bombs_are_refused_before_parsing(suffix, tmp_path):
    path = bombs.write(tmp_path, f"bombe{suffix}", bombs.zip_bomb(suffix, 120 * MB))
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match="MAILLAGE_IMPORT_MAX_UNPACKED_BYTES"):
        if suffix == ".docx":
            read_document(path)
        else:
            read_spreadsheet(path, slug="essai", title="Essai")
    assert time.monotonic() - started < 5


def test_finding_3_a_member_compressed_beyond_the_ratio_is_refused_even_under_the_total(tmp_path, settings):
    path = bombs.write(tmp_path, "plan.docx", bombs.zip_bomb(".docx", 60 * MB))  # under the 100 MB total
    with pytest.raises(UnreadableFile, match="MAILLAGE_IMPORT_MAX_RATIO"):
        read_document(path)
    settings.MAILLAGE_IMPORT_MAX_RATIO = 100_000
    settings.MAILLAGE_IMPORT_MAX_UNPACKED_BYTES = 30 * MB
    with pytest.raises(UnreadableFile, match="30,0 Mo"):  # every bound is a setting
        read_document(path)


@pytest.mark.parametrize("variant", bombs.ENTITY_VARIANTS)
@pytest.mark.parametrize("suffix", [".docx", ".odt", ".xlsx", ".ods"])
def test_finding_3_xml_entity_bombs_are_refused_in_every_zipped_format(suffix, variant):
    run = run_of(bombs.entity_bomb(suffix, variant), f"plan{suffix}")
    read_run(run)
    assert_failed_in_french(run, f"« plan{suffix} »", "<!DOCTYPE>")


@pytest.mark.parametrize("double", [False, True], ids=["one-filter", "flate-twice"])
def test_finding_3_a_pdf_with_a_300_mb_content_stream_is_refused(double):
    run = run_of(bombs.pdf_stream_bomb(300 * MB, double=double), "annexe.pdf")
    started = time.monotonic()
    read_run(run)
    assert time.monotonic() - started < 10
    assert_failed_in_french(run, "« annexe.pdf »", "MAILLAGE_IMPORT_MAX_PDF_STREAM_BYTES")


def test_finding_3_a_normal_pdf_still_reads_under_the_stream_bounds(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("Helvetica-Bold", 18)
    page.drawString(72, 760, "AXE 1 : Favoriser l'accès aux droits")
    page.setFont("Helvetica", 11)
    page.drawString(72, 730, "Action 1.1 : Accompagner les démarches en ligne")
    page.save()
    draft, _report = read_document(bombs.write(tmp_path, "plan.pdf", buffer.getvalue()))
    assert [a["title"] for a in draft["actions"]] == ["Accompagner les démarches en ligne"]


def test_finding_3_the_reader_runs_in_a_child_with_a_memory_limit(settings, odt_bomb):
    """With the bounds opened wide, the bomb reaches the parser: the child runs out of its memory, the run
    fails in French, the worker (this process) stays as it was."""
    settings.MAILLAGE_IMPORT_MAX_UNPACKED_BYTES = 10**12
    settings.MAILLAGE_IMPORT_MAX_RATIO = 10**9
    settings.MAILLAGE_IMPORT_MAX_MEMORY = 200 * MB
    run = run_of(odt_bomb, "plan.odt")
    read_run(run)
    assert_failed_in_french(run, "« plan.odt »", "MAILLAGE_IMPORT_MAX_MEMORY")


def _hog(progress=None):
    hoard = []
    while True:
        hoard.append(bytearray(50 * MB))


def _loop(progress=None):
    while True:
        pass


def _killed(progress=None):
    os.kill(os.getpid(), signal.SIGKILL)


def test_finding_3_the_sandbox_bounds_memory_and_time_and_survives_a_crash():
    with pytest.raises(SandboxFailure, match="mémoire"):
        run_limited(_hog, memory=300 * MB, seconds=30)
    started = time.monotonic()
    with pytest.raises(SandboxFailure, match="limite de 2 secondes"):
        run_limited(_loop, memory=300 * MB, seconds=2)
    assert time.monotonic() - started < 10
    with pytest.raises(SandboxFailure, match="s'est arrêté"):
        run_limited(_killed, memory=300 * MB, seconds=30)
    assert run_limited(lambda progress=None: "encore là", memory=300 * MB, seconds=30) == "encore là"


# --- finding 4: runs that never hang -------------------------------------------------------------------


def test_finding_4_deeply_nested_json_fails_the_run_with_a_french_message():
    run = run_of(("[" * 100_000 + "]" * 100_000).encode(), "projet.json")
    read_run(run)
    assert_failed_in_french(run, "trop profond")


def test_finding_4_a_5000_digit_integer_fails_the_run_with_a_french_message():
    run = run_of(
        b'{"schema": "maillage/project@1", "project": {"slug": "x", "title": "x", "n": ' + b"7" * 5000 + b"}}",
        "projet.json",
    )
    read_run(run)
    assert_failed_in_french(run, "plus de 30 chiffres")


def test_finding_4_a_reader_bug_fails_the_run_and_drops_the_upload(monkeypatch):
    def broken(*args, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'text'")

    monkeypatch.setattr("maillage.imports.running.read_document", broken)
    run = run_of(b"AXE 1 : Agir\n", "plan.txt")
    read_run(run)
    assert_failed_in_french(run, "« plan.txt »", "erreur imprévue")


def _reports_its_pid_then_sleeps(progress=None):
    progress(os.getpid(), 0)
    time.sleep(60)


def test_finding_4_killing_the_readers_child_fails_the_run_and_the_worker_goes_on():
    killed = []

    def kill_it(pid, _total):
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    with pytest.raises(SandboxFailure, match="s'est arrêté"):
        run_limited(_reports_its_pid_then_sleeps, progress=kill_it, seconds=30)
    assert killed and killed[0] != os.getpid()


def test_finding_4_a_run_left_reading_by_a_dead_worker_is_failed_and_can_be_retried(
    client, immediate_tasks, django_capture_on_commit_callbacks
):
    """kill -9 of the worker during an import left the run "reading" for ever, and no retry."""
    from datetime import timedelta

    from django.utils import timezone

    run = run_of(b"AXE 1 : Agir ensemble\n01. Ouvrir un lieu d'accueil\n", "plan.txt")
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.READING, attempts=1, heartbeat=timezone.now() - timedelta(minutes=10)
    )
    client.force_login(run.owner)
    poll = client.get(reverse("import-progress", args=[run.pk]))
    assert poll.status_code == 204 and poll["HX-Refresh"] == "true"  # the page stops polling
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and run.content is not None  # kept for the retry
    assert "le travailleur des tâches de fond s'est arrêté" in run.error
    page = client.get(reverse("import-review", args=[run.pk])).content.decode()
    assert "Relancer la lecture" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import-retry", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.READY and run.content is None
    assert run.attempts == 2


def test_finding_4_the_sweeper_leaves_live_runs_and_gives_up_after_three_attempts():
    from datetime import timedelta

    from django.utils import timezone

    live = run_of(b"x", "vivant.txt", status=ImportRun.Status.READING, heartbeat=timezone.now())
    tired = run_of(
        b"x", "las.txt", status=ImportRun.Status.READING, attempts=3, heartbeat=timezone.now() - timedelta(hours=1)
    )
    assert fail_stale_runs() == 1
    live.refresh_from_db()
    tired.refresh_from_db()
    assert live.status == ImportRun.Status.READING
    assert tired.status == ImportRun.Status.FAILED and tired.content is None
    assert "déposez le fichier de nouveau" in tired.error


# --- finding 11: a large sheet within the limits, a million-item JSON ------------------------------------


def big_csv(rows: int) -> bytes:
    lines = ["Référence;Intitulé;Statut;Axe;Contexte"]
    for number in range(1, rows + 1):
        lines.append(f"A{number};Action numéro {number};En cours;Axe {number % 7};")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def test_finding_11_a_420000_row_csv_is_refused_by_its_row_count_while_read(tmp_path):
    data = big_csv(420_000)
    assert 19_000_000 < len(data) < 20 * MB  # 19.5 MB: within the size limit, as in the audit
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match="plus de 20000 lignes"):
        read_spreadsheet(bombs.write(tmp_path, "plan.csv", data), slug="essai", title="Essai")
    assert time.monotonic() - started < 10


def test_finding_11_the_review_page_of_the_largest_sheet_allowed_renders_bounded(client, settings):
    settings.MAILLAGE_IMPORT_MAX_ROWS = 5000
    run = run_of(big_csv(4999), "plan.csv")
    read_run(run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.READY, run.error
    assert len(run.draft["actions"]) == 4999
    client.force_login(run.owner)
    response = client.get(reverse("import-review", args=[run.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "4999 actions" in page and "ne sont pas affichés ici" in page
    assert len(page) < 2 * MB
    assert page.count('id="action-A') == 300


def test_finding_11_a_million_item_json_gives_a_short_error():
    document = {"schema": "maillage/project@1", "project": {"slug": "x", "title": "x", "kind": "pst"}}
    document["actions"] = [f"action {number}" for number in range(1_000_000)]  # each should be an object
    run = run_of(json.dumps(document).encode(), "projet.json")
    read_run(run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and run.content is None
    assert "plus de 1000 problèmes" in run.error
    assert len(run.error) < 20_000  # the audit saw a 54 MB error page
    assert run.error.count("\n- ") == 50


def test_finding_11_a_json_of_too_many_values_is_refused_before_it_is_checked():
    document = {"schema": "maillage/project@1", "project": {"slug": "x", "title": "x", "kind": "pst"}}
    document["actions"] = [{"ref": f"A{number}"} for number in range(1_000_000)]
    run = run_of(json.dumps(document).encode(), "projet.json")
    read_run(run)
    assert_failed_in_french(run, "plus de 2000000 valeurs", "MAILLAGE_IMPORT_MAX_JSON_VALUES")


# --- finding 13: spreadsheet errors name the person's file, in French --------------------------------


def test_finding_13_spreadsheet_errors_name_the_users_file_and_no_english_exception():
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    for content, name in [
        (broken.getvalue(), "Plan d'actions 2024.xlsx"),
        (b"PK\x03\x04 tronque", "Plan d'actions 2024.xlsx"),
        (b"PK\x03\x04 tronque", "Tableau de bord.ods"),
        (b"Intitul\xe9;Statut\n\x00\x00", "Suivi.csv"),
    ]:
        run = run_of(content, name)
        read_run(run)
        assert_failed_in_french(run, f"« {name} »")
        assert "import.xlsx" not in run.error and "import.ods" not in run.error


def test_finding_13_read_upload_never_shows_its_temporary_copy():
    with pytest.raises(UnreadableFile) as refused:
        read_upload(b"ceci n'est pas un classeur", "Mon plan.xlsx", "essai", "Essai", None)
    assert "« Mon plan.xlsx »" in str(refused.value)
