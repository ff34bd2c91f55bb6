"""Django settings for Maillage.

Everything that differs between a laptop, CI and production comes from the environment:
``DATABASE_URL`` (SQLite file or PostgreSQL), ``MAILLAGE_DATA_DIR``, ``DJANGO_SECRET_KEY``,
``DJANGO_DEBUG`` and ``DJANGO_ALLOWED_HOSTS``, then the security variables below.

Safe by default: ``DEBUG`` is off unless ``DJANGO_DEBUG=1``, and outside DEBUG every protection of
``check --deploy`` is on (HTTPS redirect, HSTS, Secure cookies); a variable turns one off where a proxy
provides it. A server refuses to start outside DEBUG with the development key or without
``DJANGO_ALLOWED_HOSTS`` (``maillage.deployment``); commands that do not serve (export, import, backup)
still run, so a laptop needs no configuration. docs/deployment.md lists every variable.
"""

import os
import warnings
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent


def _default_data_dir() -> Path:
    """The git-ignored ``data/`` folder of a source checkout, else the user's data folder."""
    checkout = PACKAGE_DIR.parent.parent
    if (checkout / "pyproject.toml").exists():
        return checkout / "data"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "maillage"


def env_flag(name: str, default: bool) -> bool:
    """``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``; unset or empty: the default."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name}={value!r} : attendu 1 ou 0.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("MAILLAGE_DATA_DIR") or _default_data_dir())

DEBUG = env_flag("DJANGO_DEBUG", False)
# Known to everyone who reads the code: a server refuses it outside DEBUG (maillage.deployment).
DEVELOPMENT_SECRET_KEY = "django-insecure-maillage-development-key-never-for-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEVELOPMENT_SECRET_KEY
# Unset: no host outside DEBUG (a server refuses to start); DEBUG accepts localhost by itself.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

# --- HTTPS, cookies and proxies: on outside DEBUG, each one can be turned off by its variable ---------
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_flag("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_flag("DJANGO_SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_flag("DJANGO_CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Full origins (https://plan.example.fr) a proxy may send in the Origin header.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Behind a proxy that terminates TLS: DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
_proxy_ssl_header = env_list("DJANGO_SECURE_PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if len(_proxy_ssl_header) == 2 else None
USE_X_FORWARDED_HOST = env_flag("DJANGO_USE_X_FORWARDED_HOST", False)
USE_X_FORWARDED_PORT = env_flag("DJANGO_USE_X_FORWARDED_PORT", False)
# How many proxies append to X-Forwarded-For in front of Maillage (0: the client is REMOTE_ADDR). The
# sign-in lockout and the job limits count per client address (maillage.accounts.throttling).
MAILLAGE_PROXY_COUNT = env_int("MAILLAGE_PROXY_COUNT", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "maillage.home.views.csrf_failure"

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
    "axes",
    "csp",
    "maillage.accounts",
    "maillage.proconnect",
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
    "maillage.frameworks",
    "maillage.library",
    "maillage.jobs",
    "maillage.backups",
    "maillage.search",
    "maillage.server",
    "maillage.webhooks",
    "maillage.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "maillage.api.middleware.ApiMiddleware",  # preflights of /api/v1/ answered before anything else
    # Static files with hashed names and far-future caching, once collected (maillage.server.static).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "maillage.accounts.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "maillage.home.middleware.FrenchErrorPagesMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it turns a locked-out sign-in into the French page
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
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account or address
    "maillage.accounts.backends.UsernameOrEmailBackend",
    # Only ProConnect's callback reaches it (maillage.proconnect); a password sign-in costs it nothing.
    "maillage.proconnect.backend.ProConnectBackend",
]
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
STATIC_ROOT = Path(os.environ.get("MAILLAGE_STATIC_ROOT") or DATA_DIR / "static")
# Written documents of background exports and backups' files (served only through the documents views,
# which check access), through Django's storage API: a local folder, or S3-compatible object storage
# shared by several machines when MAILLAGE_S3_BUCKET is set (django-storages: pip install maillage[s3];
# credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY as boto3 reads them).
MEDIA_ROOT = Path(os.environ.get("MAILLAGE_MEDIA_ROOT") or DATA_DIR / "media")
if os.environ.get("MAILLAGE_S3_BUCKET"):
    _files = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["MAILLAGE_S3_BUCKET"],
            "endpoint_url": os.environ.get("MAILLAGE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MAILLAGE_S3_REGION") or None,
            "location": os.environ.get("MAILLAGE_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _files = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {"default": _files, "staticfiles": {"BACKEND": "maillage.server.static.StaticFiles"}}
# Until `maillage serve` (or collectstatic) has collected them, STATIC_ROOT does not exist and the
# finders serve the static files (runserver, the demo, the tests): WhiteNoise need not say so.
warnings.filterwarnings("ignore", message="No directory at")

# Background tasks (imports of large files, long exports): stored in the database, run by
# `maillage worker` (`make demo` starts it), which supervises one `db_worker` per queue so that an
# import never waits behind exports. MAILLAGE_TASKS_IMMEDIATE=1 runs them in the request instead.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("MAILLAGE_TASKS_IMMEDIATE") == "1"
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "imports", "exports", "webhooks"],
    }
}

# The digest e-mailed to action leads (maillage.evaluation.digest): once a "month" (or a "week"),
# prepared by a daily background task at this hour, local time (maillage.evaluation.tasks).
MAILLAGE_DIGEST_PERIOD = os.environ.get("MAILLAGE_DIGEST_PERIOD", "month")
MAILLAGE_DIGEST_HOUR = int(os.environ.get("MAILLAGE_DIGEST_HOUR", "7"))

# Where Maillage is served, for the addresses it prints (calendar subscriptions).
MAILLAGE_BASE_URL = os.environ.get("MAILLAGE_BASE_URL", "http://127.0.0.1:8000")

# The open data of the published plans (docs/opendata.md): the licence of the files, and who the
# catalogue names as its publisher. Licence Ouverte 2.0 is the French State's licence for open data.
MAILLAGE_OPEN_DATA_LICENSE = os.environ.get(
    "MAILLAGE_OPEN_DATA_LICENSE", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
)
MAILLAGE_OPEN_DATA_PUBLISHER = os.environ.get("MAILLAGE_OPEN_DATA_PUBLISHER", "Maillage")
MAILLAGE_OPEN_DATA_TITLE = os.environ.get("MAILLAGE_OPEN_DATA_TITLE", "Plans publiés sur Maillage")

# --- Uploads: every bound is checked before the file is parsed (maillage.imports.limits) -------------
# Imported files larger than this are refused before they are read (bytes).
MAILLAGE_IMPORT_MAX_BYTES = env_int("MAILLAGE_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
MAILLAGE_IMPORT_MAX_PAGES = env_int("MAILLAGE_IMPORT_MAX_PAGES", 300)
# A zipped file (DOCX, ODT, XLSX, ODS): the sum of its members once unpacked, and each member's ratio.
MAILLAGE_IMPORT_MAX_UNPACKED_BYTES = env_int("MAILLAGE_IMPORT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
MAILLAGE_IMPORT_MAX_RATIO = env_int("MAILLAGE_IMPORT_MAX_RATIO", 200)
MAILLAGE_IMPORT_MAX_MEMBERS = env_int("MAILLAGE_IMPORT_MAX_MEMBERS", 5000)
# A PDF: the sum of its decompressed streams, and the largest one.
MAILLAGE_IMPORT_MAX_PDF_STREAM_BYTES = env_int("MAILLAGE_IMPORT_MAX_PDF_STREAM_BYTES", 20 * 1024 * 1024)
# Spreadsheet rows (CSV, XLSX, ODS, every sheet together).
MAILLAGE_IMPORT_MAX_ROWS = env_int("MAILLAGE_IMPORT_MAX_ROWS", 20000)
# A JSON document: how deep its brackets nest, how many values it holds, how many digits a number has.
MAILLAGE_IMPORT_MAX_JSON_DEPTH = env_int("MAILLAGE_IMPORT_MAX_JSON_DEPTH", 64)
MAILLAGE_IMPORT_MAX_JSON_VALUES = env_int("MAILLAGE_IMPORT_MAX_JSON_VALUES", 2_000_000)
MAILLAGE_IMPORT_MAX_NUMBER_DIGITS = env_int("MAILLAGE_IMPORT_MAX_NUMBER_DIGITS", 30)
# The reader runs in a child process with these limits (address space in bytes, wall clock in seconds).
MAILLAGE_IMPORT_MAX_MEMORY = env_int("MAILLAGE_IMPORT_MAX_MEMORY", 1024 * 1024 * 1024)
MAILLAGE_IMPORT_TIME_LIMIT = env_int("MAILLAGE_IMPORT_TIME_LIMIT", 300)
# Problems listed in an error message (the rest are counted).
MAILLAGE_MAX_LISTED_PROBLEMS = env_int("MAILLAGE_MAX_LISTED_PROBLEMS", 50)

# --- Jobs: a run or an export whose worker stopped beating for this long is failed (seconds) ---------
MAILLAGE_JOB_HEARTBEAT_SECONDS = env_int("MAILLAGE_JOB_HEARTBEAT_SECONDS", 10)
MAILLAGE_JOB_STALE_SECONDS = env_int("MAILLAGE_JOB_STALE_SECONDS", 120)
# Queued and never started for this long (no worker running): failed, the person may retry.
MAILLAGE_JOB_QUEUE_TIMEOUT = env_int("MAILLAGE_JOB_QUEUE_TIMEOUT", 3600)
# Running for longer than this: failed, whatever the heartbeat says.
MAILLAGE_JOB_TIME_LIMIT = env_int("MAILLAGE_JOB_TIME_LIMIT", 1800)
# Jobs waiting or running at once: per person (or visitor's session), and for every visitor together.
MAILLAGE_EXPORTS_PER_REQUESTER = env_int("MAILLAGE_EXPORTS_PER_REQUESTER", 2)
MAILLAGE_ANONYMOUS_EXPORTS = env_int("MAILLAGE_ANONYMOUS_EXPORTS", 5)
MAILLAGE_EXPORTS_TOTAL = env_int("MAILLAGE_EXPORTS_TOTAL", 20)
MAILLAGE_IMPORTS_PER_USER = env_int("MAILLAGE_IMPORTS_PER_USER", 3)
MAILLAGE_IMPORTS_TOTAL = env_int("MAILLAGE_IMPORTS_TOTAL", 20)

# Geocoding and the map (docs/territories.md). The geocoder is the Géoplateforme's (successor of
# api-adresse.data.gouv.fr); an empty URL means none: directory entries go to their commune's centre
# (COG file, offline). A result scored below MAILLAGE_GEOCODER_MIN_SCORE is not kept.
MAILLAGE_GEOCODER_URL = os.environ.get("MAILLAGE_GEOCODER_URL", "https://data.geopf.fr/geocodage")
MAILLAGE_GEOCODER_MIN_SCORE = float(os.environ.get("MAILLAGE_GEOCODER_MIN_SCORE") or 0.5)
MAILLAGE_GEOCODER_TIMEOUT = float(os.environ.get("MAILLAGE_GEOCODER_TIMEOUT") or 10)
MAILLAGE_GEOCODER_RETRIES = env_int("MAILLAGE_GEOCODER_RETRIES", 2)
MAILLAGE_GEOCODER_BACKOFF = float(os.environ.get("MAILLAGE_GEOCODER_BACKOFF") or 0.5)
MAILLAGE_GEOCODER_BATCH_SIZE = env_int("MAILLAGE_GEOCODER_BATCH_SIZE", 200)
# Map tiles ({z}/{x}/{y} template, plan IGN by default); empty: no tiles, the shipped commune outlines only.
MAILLAGE_MAP_TILES_URL = os.environ.get(
    "MAILLAGE_MAP_TILES_URL",
    "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2"
    "&STYLE=normal&TILEMATRIXSET=PM&FORMAT=image/png&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
)
MAILLAGE_MAP_TILES_ATTRIBUTION = os.environ.get("MAILLAGE_MAP_TILES_ATTRIBUTION", "© IGN – Plan IGN")

# --- Sign-in: django-axes locks an account, or an address, after repeated failures ------------------
AXES_FAILURE_LIMIT = env_int("MAILLAGE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("MAILLAGE_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one alone locks
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "maillage.accounts.throttling.axes_username"
AXES_CLIENT_IP_CALLABLE = "maillage.accounts.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "maillage.accounts.throttling.locked_out"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # failures are kept (the lockout needs them), successful sign-ins are not
# Password reset mails: per client address and per e-mail address, within an hour.
MAILLAGE_PASSWORD_RESETS_PER_ADDRESS = env_int("MAILLAGE_PASSWORD_RESETS_PER_ADDRESS", 5)
MAILLAGE_PASSWORD_RESETS_PER_EMAIL = env_int("MAILLAGE_PASSWORD_RESETS_PER_EMAIL", 3)
# The API's rate limits (maillage.api.throttling): requests a minute per token, and per client address
# for anonymous clients; past them, 429 with Retry-After.
MAILLAGE_API_TOKEN_PER_MINUTE = env_int("MAILLAGE_API_TOKEN_PER_MINUTE", 600)
MAILLAGE_API_ANONYMOUS_PER_MINUTE = env_int("MAILLAGE_API_ANONYMOUS_PER_MINUTE", 120)


# --- Content Security Policy (django-csp): scripts only from Maillage's own static files -------------
# Every script is a file (DSFR, htmx, the DSFR charts, home/static/maillage/*.js): no inline script, no
# on…= handler, no hx-on, no eval (htmx's allowEval is off in base.html). Style sheets are files too;
# style="" attributes are allowed (the public plan's progress bar sizes its parts with them): they run
# nothing, and a <style> element, which could read the page with selectors, stays refused.
def _tile_origin(url: str) -> list[str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme in ("http", "https") and parts.netloc else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        # The map's tiles (MAILLAGE_MAP_TILES_URL) are images from the tile server's origin.
        "img-src": ["'self'", "data:", *_tile_origin(MAILLAGE_MAP_TILES_URL)],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- ProConnect (OpenID Connect): the button appears once the issuer and the client are set ----------
# The endpoints come from {issuer}/.well-known/openid-configuration (docs/proconnect.md). Production:
# https://proconnect.gouv.fr/api/v2 ; integration: https://fca.integ01.dev-agentconnect.fr/api/v2
MAILLAGE_PROCONNECT_ISSUER = os.environ.get("MAILLAGE_PROCONNECT_ISSUER", "").strip().rstrip("/")
MAILLAGE_PROCONNECT_CLIENT_ID = os.environ.get("MAILLAGE_PROCONNECT_CLIENT_ID", "").strip()
MAILLAGE_PROCONNECT_CLIENT_SECRET = os.environ.get("MAILLAGE_PROCONNECT_CLIENT_SECRET", "")
MAILLAGE_PROCONNECT_SCOPES = os.environ.get("MAILLAGE_PROCONNECT_SCOPES", "openid email given_name usual_name")
# The algorithm the ID token and the userinfo are signed with, as registered at ProConnect.
MAILLAGE_PROCONNECT_SIGN_ALGO = os.environ.get("MAILLAGE_PROCONNECT_SIGN_ALGO", "RS256")
MAILLAGE_PROCONNECT_TIMEOUT = env_int("MAILLAGE_PROCONNECT_TIMEOUT", 10)
# Refuse an address without email_verified=true (another provider than ProConnect, which sends no such claim).
MAILLAGE_PROCONNECT_REQUIRE_EMAIL_VERIFIED = env_flag("MAILLAGE_PROCONNECT_REQUIRE_EMAIL_VERIFIED", False)
if MAILLAGE_PROCONNECT_ISSUER:
    # The sign-out form is redirected to ProConnect's end_session_endpoint: CSP's form-action must allow it.
    _issuer = urlsplit(MAILLAGE_PROCONNECT_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_issuer.scheme}://{_issuer.netloc}")

# --- Webhooks (maillage.webhooks, docs/webhooks.md) ---------------------------------------------------
# Seconds a receiver has to answer one attempt; failed deliveries in a row before a subscription is
# disabled; days the delivery log is kept. Private and local addresses are refused (SSRF) unless this
# flag is on (a receiver on the same private network; the tests' local receiver).
MAILLAGE_WEBHOOK_TIMEOUT = env_int("MAILLAGE_WEBHOOK_TIMEOUT", 10)
MAILLAGE_WEBHOOK_DISABLE_AFTER = env_int("MAILLAGE_WEBHOOK_DISABLE_AFTER", 5)
MAILLAGE_WEBHOOK_LOG_DAYS = env_int("MAILLAGE_WEBHOOK_LOG_DAYS", 30)
MAILLAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_flag("MAILLAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
MAILLAGE_WEBHOOKS_PER_PROJECT = env_int("MAILLAGE_WEBHOOKS_PER_PROJECT", 10)

DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Maillage <ne-pas-repondre@maillage.example>")
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Mark optional fields rather than required ones, as the DSFR recommends.
DSFR_MARK_OPTIONAL_FIELDS = True

# Errors go to standard error in every mode (Django's default sends them nowhere outside DEBUG but to
# ADMINS by mail): the server's log is where an administrator finds a 500's traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MAILLAGE_LOG_LEVEL", "WARNING")},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}
