"""How ``maillage demo`` serves: a local server with DEBUG off, so that a visitor sees Maillage's French
error pages (never Django's English debug page listing every URL), and its static files served by
``runserver --insecure``. HTTPS-only protections are off: the demo answers on http://127.0.0.1."""

import os
import secrets
from pathlib import Path

KEY_FILE = "demo-secret-key"


def demo_secret_key(data_dir: Path) -> str:
    """A key drawn once per data folder (sessions survive a restart of the demo), readable by its owner only."""
    path = Path(data_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def server_environment(data_dir: Path, addrport: str) -> dict[str, str]:
    """The variables of the demo's server and worker; a variable already set by the person wins."""
    host = addrport.rsplit(":", 1)[0] if ":" in addrport else "127.0.0.1"
    host = host.strip("[]") or "127.0.0.1"
    hosts = list(dict.fromkeys([host, "127.0.0.1", "localhost"]))
    values = {
        "MAILLAGE_DATA_DIR": str(data_dir),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": demo_secret_key(data_dir),
        "DJANGO_ALLOWED_HOSTS": ",".join(hosts),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_SESSION_COOKIE_SECURE": "0",
        "DJANGO_CSRF_COOKIE_SECURE": "0",
        # The demo calls no geocoder: « Géolocaliser l'annuaire » places at the COG's commune centres.
        "MAILLAGE_GEOCODER_URL": "",
    }
    return {name: os.environ.get(name) or value for name, value in values.items()}
