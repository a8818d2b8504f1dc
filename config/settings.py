"""Pervichka settings: one module, configured from the environment (12-factor).

Every value that differs between a laptop and production comes from an environment
variable; a secret may also come from a file named by `<NAME>_FILE` (Docker/Kubernetes
secrets). With no environment at all the project runs on SQLite with DEBUG off, so
`make run` sets DJANGO_DEBUG=1 explicitly.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    """A string from NAME, else from the file named by NAME_FILE, else the default."""
    value = os.environ.get(name)
    if value is not None:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return default


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    value = env_str(name, default) or ""
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# pytest imports settings before any fixture runs, so detect it as well as the variable.
TESTING = env_bool("PERVICHKA_TESTING", False) or "pytest" in sys.modules

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set when DJANGO_DEBUG is off."
        )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The address in SMS and e-mail links; empty: the address each request came in on
# (pervichka.core.siteurl). Production sets it: a Celery worker has no request to ask.
SITE_URL = env_str("PERVICHKA_SITE_URL", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "template_partials",
    "django_htmx",
    # Swagger UI from ninja's bundled static files (ninja/static/ninja/), not from a CDN.
    "ninja",
    "treebeard",
    "simple_history",
    "axes",
    "pervichka.core",
    "pervichka.orgs",
    "pervichka.people",
    "pervichka.accounts",
    "pervichka.appeals",
    "pervichka.dues",
    "pervichka.youth",
    "pervichka.projects",
    "pervichka.greening",
    "pervichka.ideas",
    "pervichka.deputies",
    "pervichka.promises",
    "pervichka.training",
    "pervichka.outreach",
    "pervichka.privacy",
    "pervichka.media",
    "pervichka.rating",
    "pervichka.site",
    "pervichka.devdata",
    "django_prometheus",
]

MIDDLEWARE = [
    # First and last: the latency of the whole request, per view, for /metrics.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # The request id (from nginx's X-Request-ID) for the JSON log lines.
    "pervichka.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "pervichka.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The portal's home for readers without a session, from the cache, before the rest.
    "pervichka.site.portalcache.AnonymousPortalMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "pervichka.core.middleware.RequestSizeLimitMiddleware",
    "pervichka.core.errors.InputSanityMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After CommonMiddleware, which has checked the Host header against ALLOWED_HOSTS.
    "pervichka.core.siteurl.SiteURLMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the user's row and roles read from the cache (accounts.authcache).
    "pervichka.accounts.authcache.CachedAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Under DEBUG (`make run`) too, the site's 404 and 500 pages, never the URL list.
    "pervichka.core.errors.FriendlyErrorsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Cached figures are keyed by a write counter: a write makes them fresh (core.freshness).
    "pervichka.core.freshness.WriteCounterMiddleware",
    # After a write the client reads the primary for a while, also on replica pages.
    "pervichka.core.dbrouter.PinAfterWriteMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by the backend into a response.
    "axes.middleware.AxesMiddleware",
    # A database that is restarting answers 503 with Retry-After, never a stack trace.
    "pervichka.core.middleware.DatabaseUnavailableMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pervichka.site.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL is selected by DATABASE_URL.
SQLITE_PATH = env_str("PERVICHKA_SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASE_URL = env_str("DATABASE_URL")
# Behind PgBouncer in transaction pooling a server connection belongs to a client for one
# transaction only: no server-side cursors (they live across transactions) and no prepared
# statements (psycopg 3 prepares a query run five times; PgBouncer 1.18 cannot follow).
PGBOUNCER = env_bool("PERVICHKA_PGBOUNCER", False)


def postgres_database(url: str) -> dict:
    database = dj_database_url.parse(
        url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    # The same backend with per-alias query counts and latencies for /metrics.
    database["ENGINE"] = "django_prometheus.db.backends.postgresql"
    # A server that is down answers within seconds, not after the kernel's TCP timeout.
    database.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 3)
    if PGBOUNCER:
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        database["OPTIONS"]["prepare_threshold"] = None
    return database


if DATABASE_URL:
    DATABASES = {"default": postgres_database(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django_prometheus.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # WAL lets readers work while one writer commits; the busy timeout makes a
                # second writer wait instead of failing at once with "database is locked";
                # IMMEDIATE takes the write lock at BEGIN, so a transaction that reads and
                # then writes cannot deadlock against another one doing the same.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
            # Tests use a file, not memory: an in-memory database is one connection shared
            # by every thread of the live server, which hides the races real servers have.
            "TEST": {"NAME": str(BASE_DIR / ".test-db.sqlite3")},
        }
    }
# A streaming replica for the heavy reads (exports, rating, reports, portal pages): only
# code inside `reads_from_replica()` reads there (pervichka/core/dbrouter.py); when the
# replica lags more than PERVICHKA_REPLICA_MAX_LAG seconds or is down, the primary answers.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = postgres_database(DATABASE_REPLICA_URL)
    # Never the replica's own connection for writes, and no test database of its own.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["pervichka.core.dbrouter.ReplicaRouter"]
PERVICHKA_REPLICA_MAX_LAG = env_int("PERVICHKA_REPLICA_MAX_LAG", 30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes: lock a username out after repeated failures from the same address,
# for a cool-off period, so a village operator who mistypes is not locked for ever.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# --- Languages and time ---------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("kk", _("Kazakh")), ("en", _("English"))]
# Django has no formats for Kazakh, and its English writes 12/06/2026: ours (config/formats)
# write dates day first, as Kazakhstan does, in every language.
FORMAT_MODULE_PATH = ["config.formats"]
# Ours first; then Kazakh for Django's own password strings that Django leaves untranslated.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Almaty"
LANGUAGE_COOKIE_NAME = "pervichka_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
# Collected (production, and `make run`, which sets PERVICHKA_COLLECTED_STATIC=1 though DEBUG
# is on): `collectstatic` writes STATIC_ROOT compressed and with hashed names, and WhiteNoise
# serves it with a year's caching (pervichka/core/staticstorage.py): the first visit to the
# public form on a phone stays under 120 KB. Not collected (DEBUG on otherwise, tests):
# WhiteNoise serves straight from the app and vendor folders, so an edit shows at once.
COLLECTED_STATIC = env_bool("PERVICHKA_COLLECTED_STATIC", not DEBUG and not TESTING)
STATIC_ROOT = (
    Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))) if COLLECTED_STATIC else None
)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("PERVICHKA_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "pervichka.core.staticstorage.CollectedStaticStorage"
            if COLLECTED_STATIC
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not COLLECTED_STATIC
# Collected files are read once at start (DEBUG would otherwise rescan them on every request).
WHITENOISE_AUTOREFRESH = not COLLECTED_STATIC
# An uploaded import file larger than this is refused with a message, not read into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PERVICHKA_IMPORT_MAX_BYTES = env_int("PERVICHKA_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# Rows read from one member import (the rest of the file is refused, not ignored).
PERVICHKA_IMPORT_MAX_ROWS = env_int("PERVICHKA_IMPORT_MAX_ROWS", 200_000)
# A bank statement: its size and lines.
PERVICHKA_STATEMENT_MAX_BYTES = env_int("PERVICHKA_STATEMENT_MAX_BYTES", 5 * 1024 * 1024)
PERVICHKA_STATEMENT_MAX_ROWS = env_int("PERVICHKA_STATEMENT_MAX_ROWS", 20_000)
# The CSV of reach that a platform's statistics export (media.reach): its size and lines.
PERVICHKA_REACH_IMPORT_MAX_BYTES = env_int("PERVICHKA_REACH_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
PERVICHKA_REACH_IMPORT_MAX_ROWS = env_int("PERVICHKA_REACH_IMPORT_MAX_ROWS", 20_000)
# What an uploaded XLSX may expand to (core/uploads.py: check_xlsx), checked on the ZIP
# directory before any XML is parsed: zip bombs are refused with a message.
PERVICHKA_XLSX_MAX_ENTRIES = env_int("PERVICHKA_XLSX_MAX_ENTRIES", 200)
PERVICHKA_XLSX_MAX_ENTRY_BYTES = env_int("PERVICHKA_XLSX_MAX_ENTRY_BYTES", 400 * 1024 * 1024)
PERVICHKA_XLSX_MAX_TOTAL_BYTES = env_int("PERVICHKA_XLSX_MAX_TOTAL_BYTES", 500 * 1024 * 1024)
PERVICHKA_XLSX_MAX_SHARED_STRINGS_BYTES = env_int(
    "PERVICHKA_XLSX_MAX_SHARED_STRINGS_BYTES", 32 * 1024 * 1024
)
PERVICHKA_XLSX_MAX_SHARED_STRINGS = env_int("PERVICHKA_XLSX_MAX_SHARED_STRINGS", 500_000)
PERVICHKA_ZIP_MAX_RATIO = env_int("PERVICHKA_ZIP_MAX_RATIO", 200)
# Any request body larger than this is answered 413 before Django reads it (a second line
# behind the proxy's client_max_body_size); the largest upload limit above fits under it.
PERVICHKA_MAX_REQUEST_BYTES = env_int("PERVICHKA_MAX_REQUEST_BYTES", 60 * 1024 * 1024)

# --- Security -------------------------------------------------------------------------
SECURE = env_bool("PERVICHKA_SECURE", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
# Sessions are read from the cache (Redis in production) and written through to the
# database: a page view does not query the session table, and a restart of Redis logs
# nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The CSRF refusal in the site's look and the visitor's language (Django's is English).
CSRF_FAILURE_VIEW = "pervichka.core.errors.csrf_failure"
# Django's technical 404/500 pages under DEBUG (URL list, settings, local values); off by
# default so that `make run` shows what production shows (core.errors.FriendlyErrorsMiddleware).
PERVICHKA_TECHNICAL_ERROR_PAGES = env_bool("PERVICHKA_TECHNICAL_ERROR_PAGES", False)
if SECURE:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# X-Forwarded-Proto is trusted only when a proxy is declared to set it: without one, any
# client could send the header and pass for HTTPS.
PERVICHKA_BEHIND_PROXY = env_bool("PERVICHKA_BEHIND_PROXY", False)
if PERVICHKA_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Email and background work --------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "pervichka@localhost")

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
# Without a broker (the embedded default) tasks run in-process, right after commit.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged after it ran, not when it was taken: a worker killed in the middle
# leaves the message to be delivered again (every task is idempotent: the outbox claims a
# row before sending). One message at a time per process, so a killed worker holds few.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# An unacknowledged message comes back after this many seconds (Redis has no consumer
# heartbeat): longer than the longest task, short enough that a lost worker's batch resumes.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600)}
# With Redis down a request does not wait long to hand over a task (the outbox keeps it).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2

REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # Redis down is a cache miss, not an error: pages still serve, sessions are
                # read from the database (cached_db), rate limits count in the process.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Where the rate limits count while the shared cache is unreachable.
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# The logged-in user and their roles read through the shared cache (accounts.authcache).
# Only with a cache every worker shares: with each process's own memory, a revoked role
# would outlive the revocation in the other workers for the entry's five minutes.
PERVICHKA_AUTH_CACHE = env_bool("PERVICHKA_AUTH_CACHE", bool(REDIS_URL) or TESTING)

# JSON lines (PERVICHKA_JSON_LOGS=1, the cluster and production): one object per line with
# the request id that nginx passed on, so a request is found in nginx's log and ours.
JSON_LOGS = env_bool("PERVICHKA_JSON_LOGS", False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "pervichka.core.middleware.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if JSON_LOGS else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Pervichka ------------------------------------------------------------------------
PERVICHKA_API_PAGE_SIZE_MAX = 500
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = PERVICHKA_API_PAGE_SIZE_MAX
# The SMS gateway's adapter (a class with send(to, text)); the demo prints to the console.
PERVICHKA_SMS_CONFIGURED = bool(env_str("PERVICHKA_SMS_BACKEND"))
PERVICHKA_SMS_BACKEND = env_str(
    "PERVICHKA_SMS_BACKEND",
    "pervichka.core.notify." + ("LocmemSMSBackend" if TESTING else "ConsoleSMSBackend"),
)
# HTTPSMSBackend: the gateway's URL, its bearer token and how long a call may take.
PERVICHKA_SMS_URL = env_str("PERVICHKA_SMS_URL", "")
PERVICHKA_SMS_TOKEN = env_str("PERVICHKA_SMS_TOKEN", "")
PERVICHKA_SMS_TIMEOUT = env_int("PERVICHKA_SMS_TIMEOUT", 10)
# A notification claimed by a worker that died mid-send may be claimed again after this
# long; longer than PERVICHKA_SMS_TIMEOUT (core/outbox.py).
PERVICHKA_NOTIFICATION_CLAIM_SECONDS = env_int("PERVICHKA_NOTIFICATION_CLAIM_SECONDS", 600)
# Public forms: submissions per client address per hour.
PERVICHKA_PUBLIC_RATE_PER_HOUR = env_int("PERVICHKA_PUBLIC_RATE_PER_HOUR", 10)
# Lookups of an appeal by its tracking code, per client address per hour (web and API).
PERVICHKA_TRACK_RATE_PER_HOUR = env_int("PERVICHKA_TRACK_RATE_PER_HOUR", 120)
# Attachments of appeals.
PERVICHKA_ATTACHMENT_MAX_BYTES = env_int("PERVICHKA_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
PERVICHKA_ATTACHMENT_MAX_FILES = 5
CELERY_BEAT_SCHEDULE = {
    "appeals-remind-due": {"task": "appeals.remind_due", "schedule": 3600.0},
    "notifications-retry": {"task": "core.notifications_retry", "schedule": 900.0},
    "youth-followups": {"task": "youth.followups_remind", "schedule": 3600.0 * 6},
    "training-reminders": {"task": "training.remind_sessions", "schedule": 3600.0},
    "rating-compute-due": {"task": "rating.compute_due", "schedule": 3600.0 * 6},
    "rating-objections-overdue": {"task": "rating.objections_overdue", "schedule": 3600.0 * 6},
    "privacy-retention": {"task": "core.retention_apply", "schedule": 3600.0 * 24},
    "privacy-breaches-remind": {"task": "privacy.breaches_remind", "schedule": 3600.0},
    "media-publish-due": {"task": "media.publish_due", "schedule": 300.0},
    "media-telegram-retry": {"task": "media.telegram_retry", "schedule": 900.0},
    "media-rates-fetch": {"task": "media.rates_fetch", "schedule": 3600.0 * 3},
    "outreach-mailings-tick": {"task": "outreach.mailings_tick", "schedule": 60.0},
    "outreach-receptions-announce": {"task": "outreach.receptions_announce", "schedule": 900.0},
}
# Retention of personal data (issue 13, docs/privacy.md): appeals closed longer ago than
# this lose the citizen's contacts and texts (the registration number, dates and outcome
# stay); closed youth cases lose their texts; member import uploads are removed once
# decided and after this many hours in any case. The daily task core.retention_apply runs
# every app's retention function, then anonymises persons left with no purpose.
PERVICHKA_RETENTION_APPEALS_DAYS = env_int("PERVICHKA_RETENTION_APPEALS_DAYS", 5 * 365)
PERVICHKA_RETENTION_YOUTH_DAYS = env_int("PERVICHKA_RETENTION_YOUTH_DAYS", 3 * 365)
PERVICHKA_RETENTION_IMPORT_HOURS = env_int("PERVICHKA_RETENTION_IMPORT_HOURS", 24)
# Personal data (issue 13): lookups of persons by IIN a staff user may make in an hour
# (forms that bring a person in, the intake's lookup, imports charge one per IIN kept
# outside the user's scope).
PERVICHKA_IIN_LOOKUPS_PER_HOUR = env_int("PERVICHKA_IIN_LOOKUPS_PER_HOUR", 120)
PERVICHKA_BEHIND_PROXY = env_bool("PERVICHKA_BEHIND_PROXY", False)
# /metrics answers these client addresses (the Prometheus server), or a request with
# `Authorization: Bearer <PERVICHKA_METRICS_TOKEN>`; everyone else gets 404.
PERVICHKA_METRICS_IPS = env_list("PERVICHKA_METRICS_IPS")
PERVICHKA_METRICS_TOKEN = env_str("PERVICHKA_METRICS_TOKEN", "")
# The largest amount any form, API or statement may book at once (₸): `1e30` is refused
# with a message instead of overflowing a column.
PERVICHKA_AMOUNT_MAX = env_int("PERVICHKA_AMOUNT_MAX", 100_000_000)
# The party's founding (AMANAT, then Nur Otan: 1 March 1999): no membership, payment or
# statement line is dated before it.
PERVICHKA_PARTY_FOUNDED = env_str("PERVICHKA_PARTY_FOUNDED", "1999-03-01")
# Events (planned or held) are dated within these many years of today (core.dates).
PERVICHKA_EVENT_YEARS_BACK = env_int("PERVICHKA_EVENT_YEARS_BACK", 5)
PERVICHKA_EVENT_YEARS_AHEAD = env_int("PERVICHKA_EVENT_YEARS_AHEAD", 2)
# Maps (ТазаLike plantings): the tile server's URL template; empty draws the points on a
# plain background (an offline installation). The tile server's host is let into the CSP.
PERVICHKA_MAP_TILES = env_str(
    "PERVICHKA_MAP_TILES", "" if TESTING else "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
PERVICHKA_MAP_ATTRIBUTION = env_str("PERVICHKA_MAP_ATTRIBUTION", "© OpenStreetMap contributors")
# The ideas contest: SMS codes for votes per client address per hour, and the key that
# turns a phone number into the voter's anonymous hash (default: SECRET_KEY; set it
# separately so that rotating SECRET_KEY does not let people vote twice).
# News: working days the district's moderators have for a submitted item (issue 16).
PERVICHKA_NEWS_MODERATION_DAYS = env_int("PERVICHKA_NEWS_MODERATION_DAYS", 2)
# A news item's gallery: how many photos, and how large one uploaded file may be.
PERVICHKA_NEWS_GALLERY_MAX_PHOTOS = env_int("PERVICHKA_NEWS_GALLERY_MAX_PHOTOS", 20)
PERVICHKA_NEWS_PHOTO_MAX_BYTES = env_int("PERVICHKA_NEWS_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
# Posting news to Telegram channels: the Bot API's address (a fake one on loopback in tests)
# and the bot's token (secret: from the environment or a *_FILE).
PERVICHKA_TELEGRAM_API_BASE = env_str("PERVICHKA_TELEGRAM_API_BASE", "https://api.telegram.org")
PERVICHKA_TELEGRAM_BOT_TOKEN = env_str("PERVICHKA_TELEGRAM_BOT_TOKEN", "")
# The citizens' bot (appeals.bot): its @username for the deep links a primary prints on its
# posters (https://t.me/<username>?start=p<primary id>; empty: no link is offered), and the
# secret Telegram sends in X-Telegram-Bot-Api-Secret-Token with every webhook update (set it
# with setWebhook; without it the webhook answers 404 and only the polling worker runs).
PERVICHKA_TELEGRAM_BOT_USERNAME = env_str("PERVICHKA_TELEGRAM_BOT_USERNAME", "")
PERVICHKA_TELEGRAM_WEBHOOK_SECRET = env_str("PERVICHKA_TELEGRAM_WEBHOOK_SECRET", "")
# The National Bank's daily exchange rates feed (the portal's page chrome).
PERVICHKA_NBK_RATES_URL = env_str(
    "PERVICHKA_NBK_RATES_URL", "https://nationalbank.kz/rss/get_rates.cfm"
)
PERVICHKA_VOTE_CODES_PER_IP_PER_HOUR = env_int("PERVICHKA_VOTE_CODES_PER_IP_PER_HOUR", 20)
PERVICHKA_VOTE_KEY = env_str("PERVICHKA_VOTE_KEY", "")

# Pension age by sex (men, women): the outreach "pensioner" category and the dues category
# the member import proposes. Social Code of RK, art. 207: 63 for men; for women it rises
# to 63 in steps and is held at 61 until 2028. Change them here when the law moves them.
PERVICHKA_PENSION_AGE = {
    "M": env_int("PERVICHKA_PENSION_AGE_MEN", 63),
    "F": env_int("PERVICHKA_PENSION_AGE_WOMEN", 61),
}

# Outreach mailings (docs/outreach.md): the channels' limits (Telegram allows about 30
# messages a second per bot; the SMS gateway's contract says its own), how often a failed
# message is tried, after how long a message claimed by a worker that died is given up
# (Telegram: recorded as unknown, never sent again; SMS: sent again with the same id, which
# the gateway drops as a repeat), and the shared secret of the SMS gateway's inbound webhook
# (replies such as STOP); empty: the webhook answers 404.
PERVICHKA_TELEGRAM_PER_SECOND = env_int("PERVICHKA_TELEGRAM_PER_SECOND", 30)
PERVICHKA_SMS_PER_SECOND = env_int("PERVICHKA_SMS_PER_SECOND", 10)
PERVICHKA_MAILING_MAX_ATTEMPTS = env_int("PERVICHKA_MAILING_MAX_ATTEMPTS", 5)
PERVICHKA_MAILING_CLAIM_SECONDS = env_int("PERVICHKA_MAILING_CLAIM_SECONDS", 600)
PERVICHKA_SMS_INBOUND_SECRET = env_str("PERVICHKA_SMS_INBOUND_SECRET", "")
PERVICHKA_SMS_INBOUND_PER_MINUTE = env_int("PERVICHKA_SMS_INBOUND_PER_MINUTE", 600)
# Field receptions announced (outreach, issue 17): the people of the village who agreed to be
# told get one message this many days before the reception (at once when it is scheduled
# later than that). The posters' bot QR code is the deep link of PERVICHKA_TELEGRAM_BOT_USERNAME
# (above); without it the posters carry no bot QR code.
PERVICHKA_RECEPTION_ANNOUNCE_DAYS = env_int("PERVICHKA_RECEPTION_ANNOUNCE_DAYS", 3)
