"""Django settings for Maillage.

Everything that differs between a laptop, CI and production comes from the environment:
``DATABASE_URL`` (SQLite file or PostgreSQL), ``MAILLAGE_DATA_DIR``, ``DJANGO_SECRET_KEY``,
``DJANGO_DEBUG`` and ``DJANGO_ALLOWED_HOSTS``.
"""

import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent


def _default_data_dir() -> Path:
    """The git-ignored ``data/`` folder of a source checkout, else the user's data folder."""
    checkout = PACKAGE_DIR.parent.parent
    if (checkout / "pyproject.toml").exists():
        return checkout / "data"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "maillage"


DATA_DIR = Path(os.environ.get("MAILLAGE_DATA_DIR") or _default_data_dir())

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "maillage-development-key-not-for-production")
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "maillage.home",  # first: its registration templates replace the admin's
    "maillage.accounts.apps.MaillageAdminConfig",  # django.contrib.admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "widget_tweaks",
    "dsfr",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "maillage.accounts",
    "maillage.territories",
    "maillage.partners",
    "maillage.projects",
    "maillage.actions",
    "maillage.governance",
    "maillage.diagnostic",
    "maillage.evaluation",
    "maillage.campaigns",
    "maillage.interchange",
    "maillage.documents",
    "maillage.imports",
    "maillage.demo",
    "maillage.publication",
    "maillage.versions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "maillage.accounts.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "maillage.urls"
WSGI_APPLICATION = "maillage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maillage.home.context.layout",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'maillage.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers on the embedded database: WAL lets readers go on while one writes;
    # IMMEDIATE takes the write lock when a transaction starts, so two writers queue instead of one
    # failing with "database is locked" when it upgrades a read lock; the busy timeout is how long
    # one waits for the other (seconds).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("MAILLAGE_SQLITE_TIMEOUT", "20")),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's cache framework: visitors' pages and public documents (publication.caching), the plans'
# stamps (projects.stamp). A file cache beside the database by default, shared by the processes of one
# machine; Redis when REDIS_URL is set, shared by several machines behind a load balancer.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("MAILLAGE_CACHE_MAX_ENTRIES", "20000"))},
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["maillage.accounts.backends.UsernameOrEmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Written documents of background exports (served only through the documents views, which check access).
MEDIA_ROOT = DATA_DIR / "media"

# Background tasks (imports of large files, long exports): stored in the database, run by
# `maillage db_worker` (`make demo` starts one). MAILLAGE_TASKS_IMMEDIATE=1 runs them in the request
# instead (no worker needed).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("MAILLAGE_TASKS_IMMEDIATE") == "1"
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# The digest e-mailed to action leads (maillage.evaluation.digest): once a "month" (or a "week"),
# prepared by a daily background task at this hour, local time (maillage.evaluation.tasks).
MAILLAGE_DIGEST_PERIOD = os.environ.get("MAILLAGE_DIGEST_PERIOD", "month")
MAILLAGE_DIGEST_HOUR = int(os.environ.get("MAILLAGE_DIGEST_HOUR", "7"))

# Where Maillage is served, for the addresses it prints (calendar subscriptions).
MAILLAGE_BASE_URL = os.environ.get("MAILLAGE_BASE_URL", "http://127.0.0.1:8000")
# Spreadsheet imports larger than this are refused before they are parsed (bytes).
MAILLAGE_IMPORT_MAX_BYTES = int(os.environ.get("MAILLAGE_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
MAILLAGE_IMPORT_MAX_PAGES = int(os.environ.get("MAILLAGE_IMPORT_MAX_PAGES", 300))

DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Maillage <ne-pas-repondre@maillage.example>")
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Mark optional fields rather than required ones, as the DSFR recommends.
DSFR_MARK_OPTIONAL_FIELDS = True
