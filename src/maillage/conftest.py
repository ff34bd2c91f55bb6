import pytest


def pytest_configure(config):
    """Tests hash passwords with MD5: the real hasher (PBKDF2, ~0.45 s a password here) made the demo load hash
    each demo account's password for seconds, and every browser login wait as long. Never outside tests."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()
    # The suite runs the production settings (DEBUG off), but the test client speaks plain HTTP: without
    # this every request would be redirected to https:// (the redirect has its own test).
    settings.SECURE_SSL_REDIRECT = False
    # A second, empty database for the backup round trip (created only when a test asks for it).
    from django.db import connections

    default = settings.DATABASES["default"]
    settings.DATABASES["restore"] = {
        **default,
        "TEST": {"NAME": f"{default.get('TEST', {}).get('NAME') or 'test_' + str(default['NAME'])}_restore"}
        if default["ENGINE"].endswith("postgresql")
        else {},
    }
    connections.__dict__.pop("settings", None)
    # Each test process its own memory cache (the file cache of the checkout would outlive the run).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: a page cached by one test is not another test's answer."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def demo_db(django_db_setup, django_db_blocker):
    """The five demo projects, loaded once for the whole session (each test rolls its changes back)."""
    from maillage.demo.loading import ensure_demo_accounts, load_demo

    with django_db_blocker.unblock():
        projects = load_demo()
        ensure_demo_accounts()
    return {project.slug: project for project in projects}


@pytest.fixture
def immediate_tasks(settings):
    """Background tasks run in the request that enqueues them (after commit), so tests see their result."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASKS["default"]["QUEUES"],
        }
    }


@pytest.fixture
def fetched():
    """``with fetched() as measure: client.get(url)``: rows read and model instances built (maillage.testing)."""
    from maillage.testing.fetching import counting

    return counting
