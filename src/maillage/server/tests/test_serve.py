"""Issue 11, item 5: ``maillage serve`` — gunicorn with the task worker beside it, refusing unsafe
settings, and static files with hashed names once collected (WhiteNoise)."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.templatetags.static import static

from maillage.home.tests.test_security_settings import _free_port, clean_environment
from maillage.server import static as static_module
from maillage.server.management.commands.serve import gunicorn_command
from maillage.server.workers import default_workers


@pytest.fixture
def small_static(tmp_path, settings):
    """Static sources of two files only (the DSFR's 1,600 take half a minute to hash and compress)."""
    sources = tmp_path / "sources"
    (sources / "maillage").mkdir(parents=True)
    (sources / "maillage" / "essai.css").write_text("body { color: #000091; }\n" * 50)
    (sources / "maillage" / "essai.js").write_text("console.log('essai');\n")
    settings.STATICFILES_DIRS = [sources]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "collected"  # Django's setting_changed handlers reset the storage
    return sources


def test_before_any_collection_static_names_are_plain_so_the_finders_serve_them(small_static):
    assert static("maillage/essai.css") == "/static/maillage/essai.css"


def test_once_collected_names_are_hashed_and_compressed_copies_are_written(small_static, settings):
    assert static_module.collect_if_changed() is True
    url = static("maillage/essai.css")
    assert url.startswith("/static/maillage/essai.") and url.endswith(".css") and url != "/static/maillage/essai.css"
    hashed = settings.STATIC_ROOT / url.removeprefix("/static/")
    assert hashed.exists() and hashed.with_name(hashed.name + ".gz").exists()


def test_a_restart_without_changes_collects_nothing_and_a_changed_source_collects_again(small_static):
    assert static_module.collect_if_changed() is True
    assert static_module.collect_if_changed() is False
    source = small_static / "maillage" / "essai.js"
    source.write_text("console.log('changé');\n")
    os.utime(source, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert static_module.collect_if_changed() is True


def test_serve_refuses_unsafe_production_settings(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    with pytest.raises(CommandError, match="DJANGO_SECRET_KEY n'est pas défini"):
        call_command("serve", "--no-worker", stderr=StringIO())


def test_gunicorn_runs_threaded_workers_recycled_and_bounded_in_time():
    command = gunicorn_command("127.0.0.1:9000", 3, 4, 60, access_log=False)
    assert command[1:4] == ["-m", "gunicorn", "maillage.wsgi:application"]
    given = dict(zip(command[4::2], command[5::2], strict=False))
    assert given["--bind"] == "127.0.0.1:9000" and given["--workers"] == "3"
    assert given["--worker-class"] == "gthread" and given["--threads"] == "4"
    assert given["--timeout"] == "60" and int(given["--max-requests"]) > 0
    assert default_workers() >= 3


def test_serve_answers_with_gunicorn_french_errors_and_stops_on_sigterm(tmp_path):
    port = _free_port()
    environment = clean_environment(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="une-cle-de-test-assez-longue-pour-la-production-0123456789",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        MAILLAGE_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'base.sqlite3'}",
    )
    command = [sys.executable, "-m", "maillage", "serve", "--bind", f"127.0.0.1:{port}", "--no-worker"]
    command += ["--no-collectstatic", "--migrate", "--workers", "1", "--threads", "2"]
    server = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):
            try:
                health = urllib.request.urlopen(f"http://127.0.0.1:{port}/sante/", timeout=10)
                break
            # Not listening yet, or a first answer slower than the timeout on a loaded machine (the
            # worker still importing Django): ask again while the server runs.
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert server.poll() is None, server.stderr.read()
                time.sleep(0.2)
        assert health.status == 200
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nimporte-quoi/", timeout=10)
        assert missing.value.code == 404 and "Page introuvable" in missing.value.read().decode()
        assert "script-src 'self'" in missing.value.headers["Content-Security-Policy"]
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
    log = server.stderr.read()
    assert "gunicorn" in log and "1 processus web × 2 fils" in log
    assert code == 0
