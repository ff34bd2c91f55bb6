"""Fixtures of the browser tests: one live server and one Chromium for the whole package, a fresh
browser context (cookies, storage) per test, on top of the demo database loaded once.

Why the package scope and ``DJANGO_ALLOW_ASYNC_UNSAFE``: Playwright's sync API keeps an asyncio loop
marked as running in the test thread for as long as it is started, so Django's async-safety check
would refuse every ORM call of the test thread (even the ``db`` fixture's transaction) although no
coroutine runs there. The flag is set only while Playwright runs, i.e. while this package's tests run
(they are collected together), and removed afterwards so the rest of the suite keeps the check. The
views themselves run in the live server's threads, which have no event loop. A side effect: seeing that
loop, asgiref stores this thread's database connections apart, so the browser tests open their own
connections (closed before Playwright stops) next to the one that loaded the demo.

Why not pytest-django's ``live_server``: it forces ``transactional_db``, which empties the database
after each test and would wipe the session's demo load. Here each test runs in the ``db`` fixture's
transaction: with the in-memory SQLite test database the server thread shares the test's connection,
so it sees the demo projects and everything the test (or the browser) writes is rolled back at the
end of the test. On PostgreSQL the server has its own connection: it reads the committed demo load,
and what the browser writes (sessions, last login) stays until the test database is dropped.
"""

import os
from pathlib import Path

import pytest

from .steps import ARTIFACTS, SCREENSHOTS, clean_artifacts, written_screenshots

CHROMIUM = os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium")
DESKTOP = {"width": 1280, "height": 900}
failure_reports = pytest.StashKey[dict]()
_launched = []  # the browsers of this run, for the summary


@pytest.fixture(scope="package")
def live_url(django_db_setup, playwright):
    """The address of a Django server running on the test database, in a thread of this process.

    Started after Playwright, so that it shares the test thread's SQLite connection as the tests see it
    while Playwright runs (see the module doc).
    """
    from django.test.utils import modify_settings
    from pytest_django.live_server_helper import LiveServer

    with modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"}):
        server = LiveServer("127.0.0.1:0")
        yield server.url
        server.stop()


@pytest.fixture(scope="package")
def playwright():
    from django.db import connection

    if connection.vendor != "sqlite":
        # The live server shares the test's own connection (so the browser's writes are rolled back
        # with the test) only on SQLite; on PostgreSQL its writes would be committed and leak into the
        # tests that follow. The same views are covered on PostgreSQL by the client tests.
        pytest.skip("browser tests run on SQLite only (the live server shares the test's transaction there).")
    if not Path(CHROMIUM).exists():
        missing = f"Chromium not found at {CHROMIUM} (`apt-get install chromium`)"
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: on CI the browser tests must run.", pytrace=False)
        pytest.skip(f"{missing}: browser tests skipped.")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        # Seeing a running loop, asgiref gave this thread a separate set of database connections;
        # close them now, while they are still visible (PostgreSQL would refuse to drop the test database).
        from django.db import connections

        connections.close_all()
        manager.stop()
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright):
    """Debian's Chromium, launched once; MAILLAGE_HEADED=1 shows it, MAILLAGE_SLOWMO=500 slows each step (ms)."""
    clean_artifacts()
    launched = playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=os.environ.get("MAILLAGE_HEADED", "") in ("", "0"),
        slow_mo=float(os.environ.get("MAILLAGE_SLOWMO", "0")),
    )
    _launched.append(launched)
    yield launched
    launched.close()


@pytest.fixture
def new_context(browser, live_url, request):
    """Open a fresh context (another person's browser: own cookies) on the live server; closed after the test.

    On failure, every page still open is saved (PNG + HTML) to test-artifacts/failures/.
    """
    contexts = []

    def open_context(**options):
        options = {"base_url": live_url, "locale": "fr-FR", "viewport": DESKTOP, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(float(os.environ.get("MAILLAGE_BROWSER_TIMEOUT", "10000")))
        contexts.append(context)
        return context

    yield open_context
    report = request.node.stash.get(failure_reports, {}).get("call")
    for n, context in enumerate(contexts):
        if report is not None and report.failed:
            _save_failure(request.node, n, context)
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh context, at a desktop width, for a visitor who has not logged in yet."""
    return new_context().new_page()


@pytest.fixture(autouse=True)
def _demo_database(db, demo_db):
    """Every browser test reads the demo projects; its own writes are rolled back (see the module doc)."""


def _save_failure(item, n, context):
    folder = ARTIFACTS / "failures"
    folder.mkdir(parents=True, exist_ok=True)
    stem = item.nodeid.split("::", 1)[-1].replace("/", "_").replace("[", "-").rstrip("]")
    for m, open_page in enumerate(context.pages):
        target = folder / f"{stem}-{n}-{m}"
        try:
            open_page.screenshot(path=f"{target}.png", full_page=True)
            target.with_suffix(".html").write_text(open_page.content(), encoding="utf-8")
        except Exception as error:  # a crashed page must not hide the test's own failure
            print(f"could not save {target}: {error}")


def pytest_collection_modifyitems(items):
    """Every test of this package is a browser test: ``-m browser`` selects them, ``-m "not browser"`` skips them."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(failure_reports, {})[report.when] = report
    return report


def pytest_terminal_summary(terminalreporter):
    shots = written_screenshots()
    if _launched:
        terminalreporter.write_sep("-", "browser tests")
        terminalreporter.write_line(f"{len(shots)} screenshots in {SCREENSHOTS}")
        if (ARTIFACTS / "axe.txt").exists():
            terminalreporter.write_line(f"accessibility report (axe-core): {ARTIFACTS / 'axe.txt'}")
        if (ARTIFACTS / "failures").exists():
            terminalreporter.write_line(f"pages at failure: {ARTIFACTS / 'failures'}")
