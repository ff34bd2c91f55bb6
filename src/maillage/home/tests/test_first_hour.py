"""Issue 15, the first hour: ``make demo`` on another address, and the French page for a wrong method
(the levels form opened by typing its address answered a blank 405)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import member
from maillage.projects.tests.factories import ProjectFactory

CHECKOUT = Path(__file__).resolve().parents[4]


@pytest.mark.skipif(shutil.which("make") is None or not (CHECKOUT / "Makefile").exists(), reason="no make here")
@pytest.mark.parametrize(
    ("arguments", "address"),
    [([], "127.0.0.1:8000"), (["PORT=8101"], "127.0.0.1:8101"), (["ADDR=0.0.0.0", "PORT=8102"], "0.0.0.0:8102")],
)
def test_make_demo_serves_where_it_is_told_and_the_printed_addresses_follow(arguments, address):
    """``make -n`` prints the command without running it: the address reaches ``maillage demo`` and
    MAILLAGE_BASE_URL (unless one is set already, which wins)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("ADDR", "PORT", "MAKEFLAGS")}
    printed = subprocess.run(
        ["make", "-n", "--no-print-directory", "-C", str(CHECKOUT), "demo", *arguments],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    ).stdout
    command = printed.strip().splitlines()[-1]
    assert f"--addrport {address}" in command
    assert f"MAILLAGE_BASE_URL=${{MAILLAGE_BASE_URL:-http://{address}}}" in command


@pytest.mark.django_db
def test_typing_the_levels_address_gets_the_french_405_page(client):
    project = ProjectFactory()
    client.force_login(member(project, Membership.Role.COORDINATOR))
    url = reverse("project-levels", args=[project.slug])
    assert url.endswith("/parametres/niveaux/")
    response = client.get(url)
    assert response.status_code == 405 and response["Allow"] == "POST"
    page = response.content.decode()
    assert "Action impossible à cette adresse" in page and 'lang="fr"' in page
    # An htmx request gets the bare status (a whole page swapped into a fragment would be worse).
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 405


@pytest.mark.django_db
def test_an_unknown_address_under_a_project_gets_the_french_404_page(client):
    project = ProjectFactory()
    client.force_login(member(project, Membership.Role.COORDINATOR))
    response = client.get(f"/projets/{project.slug}/parametres/inconnu/")
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()
