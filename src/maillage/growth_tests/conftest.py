import pytest


@pytest.fixture(autouse=True)
def no_cache(settings):
    """The growth tests measure what rendering a page reads: a visitor's cached page would read nothing."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
