"""Issue 16, finding 6: production settings that fail closed, a CSP, French error pages in every mode."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

PACKAGE = Path(__file__).resolve().parents[2]
SETTINGS_VARIABLES = [
    name for name in os.environ if name.startswith(("DJANGO_", "MAILLAGE_")) or name == "DATABASE_URL"
]


def clean_environment(**values) -> dict:
    """The process's environment without any Django or Maillage variable, plus ``values``."""
    environment = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update(values)
    return environment


def python(code: str, **values) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], env=clean_environment(**values), capture_output=True, text=True, timeout=120
    )


def maillage(*args, **values) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "maillage", *args],
        env=clean_environment(**values),
        capture_output=True,
        text=True,
        timeout=180,
    )


SHOW = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'maillage.settings'; django.setup(); "
    "from django.conf import settings as s; "
)


def test_finding_6_debug_is_off_unless_asked_for(tmp_path):
    shown = python(SHOW + "print(s.DEBUG)", MAILLAGE_DATA_DIR=str(tmp_path))
    assert shown.stdout.strip() == "False", shown.stderr
    asked = python(SHOW + "print(s.DEBUG)", MAILLAGE_DATA_DIR=str(tmp_path), DJANGO_DEBUG="1")
    assert asked.stdout.strip() == "True"


def test_finding_6_a_server_refuses_the_development_key_outside_debug(tmp_path):
    served = python("import maillage.wsgi", MAILLAGE_DATA_DIR=str(tmp_path), DJANGO_ALLOWED_HOSTS="plan.example.fr")
    assert served.returncode != 0
    assert "DJANGO_SECRET_KEY n'est pas défini" in served.stderr


def test_finding_6_a_server_refuses_to_start_without_allowed_hosts(tmp_path):
    key = secrets.token_urlsafe(50)
    served = python("import maillage.wsgi", MAILLAGE_DATA_DIR=str(tmp_path), DJANGO_SECRET_KEY=key)
    assert served.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS n'est pas défini" in served.stderr
    good = python(
        "import maillage.wsgi",
        MAILLAGE_DATA_DIR=str(tmp_path),
        DJANGO_SECRET_KEY=key,
        DJANGO_ALLOWED_HOSTS="plan.example.fr",
    )
    assert good.returncode == 0, good.stderr


def test_finding_6_commands_that_do_not_serve_need_no_configuration(tmp_path):
    listed = maillage("projects", MAILLAGE_DATA_DIR=str(tmp_path))
    assert "DJANGO_SECRET_KEY" not in listed.stderr


def test_finding_6_check_deploy_gives_no_warning_with_the_three_variables(tmp_path):
    checked = maillage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        MAILLAGE_DATA_DIR=str(tmp_path),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="plan.example.fr",
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues (0 silenced)." in checked.stdout


def test_finding_6_check_deploy_reports_the_development_key_as_an_error(tmp_path):
    checked = maillage("check", "--deploy", MAILLAGE_DATA_DIR=str(tmp_path), DJANGO_ALLOWED_HOSTS="plan.example.fr")
    assert checked.returncode != 0
    assert "maillage.E001" in checked.stderr


def test_finding_6_every_security_setting_comes_from_the_environment(tmp_path):
    shown = python(
        SHOW + "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.CSRF_TRUSTED_ORIGINS, "
        "s.SECURE_PROXY_SSL_HEADER, s.USE_X_FORWARDED_HOST, s.MAILLAGE_PROXY_COUNT)",
        MAILLAGE_DATA_DIR=str(tmp_path),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_SECONDS="3600",
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        DJANGO_SECURE_HSTS_PRELOAD="0",
        DJANGO_SESSION_COOKIE_SECURE="0",
        DJANGO_CSRF_COOKIE_SECURE="0",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://plan.example.fr,https://www.plan.example.fr",
        DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        DJANGO_USE_X_FORWARDED_HOST="1",
        MAILLAGE_PROXY_COUNT="1",
    )
    assert shown.stdout.split() == [
        "False",
        "3600",
        "False",
        "False",
        "False",
        "False",
        "['https://plan.example.fr',",
        "'https://www.plan.example.fr']",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "1",
    ], shown.stderr
    defaults = python(
        SHOW + "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)",
        MAILLAGE_DATA_DIR=str(tmp_path),
    )
    assert defaults.stdout.split() == ["True", "31536000", "True"]


@pytest.mark.django_db
def test_finding_6_plain_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/plans/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    secure = Client().get("/plans/", secure=True)
    assert secure.status_code == 200
    assert "max-age=31536000" in secure["Strict-Transport-Security"]


@pytest.mark.django_db
def test_finding_6_every_page_has_a_content_security_policy_without_inline_scripts(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in directives["script-src"] and "unsafe" not in directives["default-src"]
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"""\s(on[a-z]+|hx-on[:\w-]*)\s*=\s*["']""", re.I)


def template_files():
    folders = [PACKAGE]
    import dsfr

    folders.append(Path(dsfr.__file__).parent / "templates" / "dsfr")
    for folder in folders:
        yield from (path for path in folder.rglob("*.html") if "tests" not in path.parts)


def test_finding_6_no_template_holds_an_inline_script_or_event_handler():
    used_dsfr = {"base.html", "global_js.html", "header.html", "footer.html", "theme_modale.html", "breadcrumb.html"}
    found = []
    for path in template_files():
        if "dsfr" in path.parts and "site-packages" in str(path) and path.name not in used_dsfr:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER):
            found += [f"{path.name}: {match.group(0).strip()}" for match in pattern.finditer(text)]
    assert found == []


@pytest.mark.django_db
def test_finding_6_errors_are_french_pages(client):
    missing = client.get("/nimporte-quoi/")
    assert missing.status_code == 404 and "Page introuvable" in missing.content.decode()
    not_allowed = client.get(reverse("logout"))
    assert not_allowed.status_code == 405
    assert "Action impossible à cette adresse" in not_allowed.content.decode()
    forged = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})
    assert forged.status_code == 403 and "Formulaire expiré" in forged.content.decode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_finding_6_the_demo_server_shows_french_errors_and_no_url_list(tmp_path):
    """The demo serves with DEBUG off (and its static files itself): a wrong URL gets the French 404,
    never Django's English debug page listing every URL."""
    from maillage.demo.serving import server_environment

    port = _free_port()
    environment = clean_environment(**server_environment(tmp_path, f"127.0.0.1:{port}"))
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'vide.sqlite3'}"
    server = subprocess.Popen(
        [sys.executable, "-m", "maillage", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/static/maillage/maillage.css", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nimporte-quoi/", timeout=10)
        page = missing.value.read().decode()
        assert missing.value.code == 404
        assert "Page introuvable" in page and "URLconf" not in page and "importer/" not in page
        assert "script-src 'self'" in missing.value.headers["Content-Security-Policy"]
        css = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/maillage/maillage.css", timeout=10)
        assert css.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
