"""Static files in production: hashed names, compressed copies and far-future caching (WhiteNoise).

``maillage serve`` runs ``collectstatic`` before it serves, which writes the hashed copies and their
manifest into ``STATIC_ROOT``; WhiteNoise then serves them with ``Cache-Control: immutable``. Before
anything is collected (``runserver``, ``maillage demo``, the tests), there is no manifest: the plain
names are given, which the static files finders serve.
"""

import os
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFiles(CompressedManifestStaticFilesStorage):
    def url(self, name, force=False):
        if not self.hashed_files and not force:
            return FileSystemStorage.url(self, name)
        return super().url(name, force)


FINGERPRINT = "maillage-static-fingerprint.txt"


def sources_fingerprint() -> str:
    """What the static files finders would collect: each file's path, size and modification time."""
    import hashlib

    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_if_changed() -> bool:
    """``collectstatic`` when the sources changed since the last collection (an upgrade, a new theme):
    hashing and compressing 1,600 DSFR files takes about half a minute, a restart should not."""
    from django.conf import settings
    from django.core.management import call_command

    stamp = Path(settings.STATIC_ROOT) / FINGERPRINT
    fingerprint = sources_fingerprint()
    if (
        stamp.exists()
        and stamp.read_text() == fingerprint
        and (Path(settings.STATIC_ROOT) / "staticfiles.json").exists()
    ):
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    return True
