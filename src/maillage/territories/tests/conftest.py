import pytest

from . import fake_geocoder


@pytest.fixture
def geocoder_server(settings):
    """The fake geocoder, with the settings pointing at it and short pauses between retries."""
    server = fake_geocoder.start()
    settings.MAILLAGE_GEOCODER_URL = server.url
    settings.MAILLAGE_GEOCODER_BACKOFF = 0
    settings.MAILLAGE_GEOCODER_TIMEOUT = 2
    settings.MAILLAGE_GEOCODER_RETRIES = 2
    settings.MAILLAGE_GEOCODER_MIN_SCORE = 0.5
    yield server
    server.shutdown()
    server.server_close()
