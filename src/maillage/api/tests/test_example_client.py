"""The example client of docs/api.md, run as it is written against a live test server.

The server is pytest-django's ``LiveServer`` in a thread of this process, as the browser tests start it
(``browser_tests/conftest.py`` says why not the ``live_server`` fixture: its ``transactional_db`` would
empty the session's demo load). On the in-memory SQLite test database the server thread shares the
test's connection, so it sees the test's data and everything is rolled back; on PostgreSQL it would
read only committed rows, so the test runs on SQLite.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from maillage.evaluation.models import IndicatorValue

DOC = Path(__file__).resolve().parents[4] / "docs" / "api.md"


def example_code() -> str:
    text = DOC.read_text()
    block = re.search(r"<!-- example-client -->\s*```python\n(.*?)```\s*<!-- /example-client -->", text, re.S)
    assert block, "docs/api.md has the example client between its markers"
    return block.group(1)


@pytest.fixture
def live_url(db):
    from django.db import connection
    from django.test.utils import modify_settings
    from pytest_django.live_server_helper import LiveServer

    if connection.vendor != "sqlite":
        pytest.skip("the live server shares the test's transaction on SQLite only (see the module doc)")
    with modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"}):
        server = LiveServer("127.0.0.1:0")
        yield server.url
        server.stop()


def test_the_documented_client_reads_a_plan_and_records_a_value(world, live_url, tmp_path):
    script = tmp_path / "client.py"
    script.write_text(example_code())
    env = {
        "PATH": os.environ.get("PATH", ""),
        "MAILLAGE_URL": live_url,
        "MAILLAGE_PLAN": world.plan.project.slug,
        "MAILLAGE_TOKEN": world.secrets["contributor_write"],
        "MAILLAGE_PERIOD": "2026",
    }
    # Only the standard library: -I -S leaves out PYTHONPATH, the user's and the venv's site-packages.
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(script)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr + done.stdout
    lines = done.stdout.splitlines()
    assert lines[0] == world.plan.project.title
    assert lines[2].startswith("4 actions")
    assert lines[-1] == "« Guides distribués » 2026 = 42"
    value = IndicatorValue.objects.get(indicator__action=world.plan.actions["guide"], period="2026")
    assert (value.value, value.assessment) == (42, "Saisi par l'API")
