"""The WSGI application (runserver, gunicorn, ``maillage serve``): refuses unsafe production settings."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
django.setup(set_prefix=False)

from django.core.wsgi import get_wsgi_application  # noqa: E402

from maillage.deployment import refuse_unsafe_settings  # noqa: E402

refuse_unsafe_settings()
application = get_wsgi_application()
