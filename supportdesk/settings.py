"""Django settings. Everything that differs between machines comes from the environment."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from supportdesk.env import (
    cache_from_url,
    chat_pubsub_url,
    database_from_url,
    env_address,
    env_bool,
    env_domain,
    env_int,
    env_list,
    env_media_types,
    env_networks,
    env_secret,
    env_str,
    env_token,
    jobs_from_url,
    mailboxes_from_env,
    mailer_from_env,
    storage_from_env,
)
from supportdesk.slamath.policy import RequestType

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SUPPORTDESK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("SUPPORTDESK_DEBUG", False)
# Outside debug the key has no default: every command stops here, naming the variable.
if DEBUG:
    SECRET_KEY = env_str("SUPPORTDESK_SECRET_KEY", "insecure-debug-only-key")
else:
    SECRET_KEY = env_secret("SUPPORTDESK_SECRET_KEY")
    if SECRET_KEY.startswith("insecure"):
        raise ImproperlyConfigured("SUPPORTDESK_SECRET_KEY: the debug key is not for production")
ALLOWED_HOSTS = env_list("SUPPORTDESK_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("SUPPORTDESK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "supportdesk.web.apps.AdminConfig",  # django.contrib.admin with the throttled sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "supportdesk.core",
    "supportdesk.jobs",
    "supportdesk.audit",
    "supportdesk.calendars",
    "supportdesk.sla",
    "supportdesk.customers",
    "supportdesk.staff",
    "supportdesk.contracts",
    "supportdesk.tickets",
    "supportdesk.entitlements",
    "supportdesk.development",
    "supportdesk.channels",
    "supportdesk.notifications",
    "supportdesk.reports",
    "supportdesk.billing",
    "supportdesk.channels.email",
    "supportdesk.channels.express",
    "supportdesk.channels.alertmanager",
    "supportdesk.channels.telephony",
    "supportdesk.channels.chat",
    "supportdesk.api",
    "supportdesk.web",
    "supportdesk.portal",
    "supportdesk.workspace",
    "supportdesk.search",
    "supportdesk.monitoring",
    "huey.contrib.djhuey",
    "ninja",  # Swagger UI as static files for /api/docs
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "supportdesk.web.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "supportdesk.urls"
ASGI_APPLICATION = "supportdesk.asgi.application"
WSGI_APPLICATION = "supportdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of Django's own templates (the admin's base_site: one zone per page).
        "DIRS": [BASE_DIR / "supportdesk" / "web" / "admin_templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# PostgreSQL: a pool of SUPPORTDESK_DB_POOL_SIZE connections per process (0: connect per
# request), or none behind PgBouncer in transaction mode (SUPPORTDESK_DB_PGBOUNCER=true).
_pgbouncer = env_bool("SUPPORTDESK_DB_PGBOUNCER", False)
DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'supportdesk.sqlite3'}"),
        pool_size=env_int("SUPPORTDESK_DB_POOL_SIZE", 0 if _pgbouncer else 4),
        pgbouncer=_pgbouncer,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must work on a fresh clone: make its folder.
    Path(str(DATABASES["default"]["NAME"])).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web and the worker read while one of them writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Reports read through the "reporting" alias when SUPPORTDESK_REPORTING_DATABASE_URL names
# a database (a read replica, with its own pool of SUPPORTDESK_DB_POOL_SIZE); otherwise
# through the main database (supportdesk/reports/database.py, docs/reports.md).
_reporting_url = env_str("SUPPORTDESK_REPORTING_DATABASE_URL", "")
if _reporting_url:
    DATABASES["reporting"] = database_from_url(
        _reporting_url,
        name="SUPPORTDESK_REPORTING_DATABASE_URL",
        pool_size=env_int("SUPPORTDESK_DB_POOL_SIZE", 0 if _pgbouncer else 4),
        pgbouncer=_pgbouncer,
    )
    # Under test a replica holds what the main database holds.
    DATABASES["reporting"]["TEST"] = {"MIRROR": "default"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) serve the reports on PostgreSQL; the embedded SQLite builds
# the same indexes on their key columns alone, which is all it needs at its size.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "supportdesk" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Moscow"  # display default only; storage is UTC
# Django's default date-and-time formats with the zone named ("... 3:00 MSK").
FORMAT_MODULE_PATH = ["supportdesk.formats"]
USE_TZ = True

MEDIA_ROOT = Path(env_str("SUPPORTDESK_MEDIA_DIR", str(VAR_DIR / "media")))
MEDIA_URL = "media/"  # never served directly: downloads go through a permission check
# Uploads (docs/uploads.md): per file, per post, per request; the bytes must match the type.
ATTACHMENT_MAX_BYTES = env_int("SUPPORTDESK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_TYPES = env_media_types(
    "SUPPORTDESK_ATTACHMENT_TYPES",
    [
        "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf",
        "text/plain", "text/csv", "text/x-log", "application/json", "application/xml",
        "text/xml", "application/yaml", "application/x-yaml", "text/yaml",
        "application/zip", "application/x-zip-compressed", "application/gzip",
        "application/x-gzip",
    ],
)  # fmt: skip
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields and JSON bodies (Django's default)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("SUPPORTDESK_UPLOAD_MAX_FILES", 10)
# Ours, not Django's: the whole request body, refused by supportdesk.web.bodylimit in the
# ASGI layer before Django reads it. Default: every file at its limit, the form fields and
# 1 MiB of multipart framing (103.5 MiB).
DATA_UPLOAD_MAX_REQUEST_SIZE = env_int(
    "SUPPORTDESK_REQUEST_MAX_BYTES",
    DATA_UPLOAD_MAX_NUMBER_FILES * ATTACHMENT_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE + 2**20,
)
# A file past ATTACHMENT_MAX_BYTES stops being stored while it streams in.
FILE_UPLOAD_HANDLERS = [
    "supportdesk.web.uploads.AttachmentLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    # Attachments: MEDIA_ROOT on one machine, S3-compatible object storage on several.
    "default": storage_from_env(
        env_str("SUPPORTDESK_STORAGE", "filesystem"),
        bucket=env_str("SUPPORTDESK_S3_BUCKET", ""),
        endpoint_url=env_str("SUPPORTDESK_S3_ENDPOINT_URL", ""),
        region=env_str("SUPPORTDESK_S3_REGION", ""),
        access_key=env_str("SUPPORTDESK_S3_ACCESS_KEY_ID", ""),
        secret_key=env_str("SUPPORTDESK_S3_SECRET_ACCESS_KEY", ""),
        prefix=env_str("SUPPORTDESK_S3_PREFIX", ""),
        addressing_style=env_str("SUPPORTDESK_S3_ADDRESSING_STYLE", ""),
    ),
    "staticfiles": {
        # Hashed names need `collectstatic` first; tests and debug runs skip that step.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("SUPPORTDESK_STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

SESSION_COOKIE_SECURE = env_bool("SUPPORTDESK_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Secure cookies mean the site is served over HTTPS (TLS ends at the proxy): then by
# default browsers are told to use HTTPS only, plain HTTP is redirected, and the proxy's
# X-Forwarded-Proto says whether the client came over HTTPS (docs/deploy.md).
SECURE_HSTS_SECONDS = env_int(
    "SUPPORTDESK_HSTS_SECONDS", 31_536_000 if SESSION_COOKIE_SECURE else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SUPPORTDESK_HSTS_SUBDOMAINS", SESSION_COOKIE_SECURE)
SECURE_HSTS_PRELOAD = env_bool("SUPPORTDESK_HSTS_PRELOAD", SESSION_COOKIE_SECURE)
SECURE_SSL_REDIRECT = env_bool("SUPPORTDESK_SSL_REDIRECT", SESSION_COOKIE_SECURE)
# Load balancers and Prometheus probe the web processes over HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env_bool("SUPPORTDESK_PROXY_SSL_HEADER", SESSION_COOKIE_SECURE)
    else None
)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Pages load only their own scripts and styles: no inline script, no eval.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
# Every sign-in path (/login/, /admin/login/) goes through the throttled backend.
AUTHENTICATION_BACKENDS = ["supportdesk.web.backends.ThrottledModelBackend"]
LOGIN_PAIR_FAILURE_LIMIT = env_int("SUPPORTDESK_LOGIN_PAIR_LIMIT", 5)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("SUPPORTDESK_LOGIN_ACCOUNT_LIMIT", 50)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("SUPPORTDESK_LOGIN_ADDRESS_LIMIT", 100)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("SUPPORTDESK_LOGIN_FAILURE_WINDOW", 15 * 60)
LOGIN_KNOWN_ADDRESS_DAYS = env_int("SUPPORTDESK_LOGIN_KNOWN_ADDRESS_DAYS", 30)
# Proxies whose X-Forwarded-For is believed; none by default.
TRUSTED_PROXIES = env_networks("SUPPORTDESK_TRUSTED_PROXIES")
# The sign-in counters must be seen by every process: the database by default.
CACHES = {"default": cache_from_url(env_str("SUPPORTDESK_CACHE_URL", "database://"))}

# -- web chat (docs/chat.md): Redis pub/sub wakes the streams of every web process when
# Redis is configured (this, else the cache's or the jobs' Redis); without it they poll.
CHAT_PUBSUB_URL = chat_pubsub_url(
    env_str("SUPPORTDESK_CHAT_PUBSUB_URL", ""),
    env_str("SUPPORTDESK_CACHE_URL", ""),
    env_str("SUPPORTDESK_JOBS_URL", ""),
)
CHAT_POLL_MILLISECONDS = env_int("SUPPORTDESK_CHAT_POLL_MS", 500)
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SUPPORTDESK_LOG_LEVEL", "INFO")},
}

# -- the offer's rules: configuration, not code ---------------------------------------
BUSINESS_CALENDAR = env_str("SUPPORTDESK_BUSINESS_CALENDAR", "ru-support")
DETAIL_MIN_DESCRIPTION_LENGTH = env_int("SUPPORTDESK_DETAIL_MIN_LENGTH", 50)
AUTO_CLOSE_BUSINESS_DAYS = env_int("SUPPORTDESK_AUTO_CLOSE_BUSINESS_DAYS", 5)
SITE_URL = env_str("SUPPORTDESK_SITE_URL", "http://127.0.0.1:8000")
DOWNGRADE_LINK_MAX_AGE_DAYS = env_int("SUPPORTDESK_DOWNGRADE_LINK_DAYS", 7)

# -- jobs: Huey on SQLite by default, Redis in production --------------------------------
HUEY = jobs_from_url(
    env_str("SUPPORTDESK_JOBS_URL", f"sqlite:///{VAR_DIR / 'jobs.sqlite3'}"),
    immediate=env_bool("SUPPORTDESK_JOBS_IMMEDIATE", False),
    workers=env_int("SUPPORTDESK_JOB_WORKERS", 2),
    # The periodic jobs' scheduler: on exactly one worker machine (docs/deploy.md).
    periodic=env_bool("SUPPORTDESK_JOBS_SCHEDULER", True),
)
if "filename" in HUEY:  # the SQLite job file, like the embedded database, makes its folder
    Path(str(HUEY["filename"])).parent.mkdir(parents=True, exist_ok=True)

# -- e-mail ----------------------------------------------------------------------------
# SUPPORTDESK_MAIL: "smtp" (the SMTP_* variables), "console", or "file:<folder>" (demo).
MAILERS = {
    "default": mailer_from_env(
        env_str("SUPPORTDESK_MAIL", "smtp"),
        host=env_str("SUPPORTDESK_SMTP_HOST", "127.0.0.1"),
        port=env_int("SUPPORTDESK_SMTP_PORT", 25),
        username=env_str("SUPPORTDESK_SMTP_USER", ""),
        password=env_str("SUPPORTDESK_SMTP_PASSWORD", ""),
        use_tls=env_bool("SUPPORTDESK_SMTP_STARTTLS", False),
    )
}
DEFAULT_FROM_EMAIL = env_str("SUPPORTDESK_MAIL_FROM", "support@supportdesk.invalid")
# Where customers' answers go (Reply-To of every notification): the mailbox the e-mail
# reader reads.
SUPPORT_ADDRESS = env_address("SUPPORTDESK_SUPPORT_ADDRESS", DEFAULT_FROM_EMAIL)
# The right-hand side of our Message-IDs, by which replies and loops are recognised.
MAIL_DOMAIN = env_domain("SUPPORTDESK_MAIL_DOMAIN", urlsplit(SITE_URL).hostname or "localhost")
# Files of a vendor's reply go with its e-mail up to this total; the rest are named in the
# text, for download on the portal.
MAIL_ATTACHMENTS_MAX_BYTES = env_int("SUPPORTDESK_MAIL_ATTACHMENTS_MAX_BYTES", 20 * 1024 * 1024)

# -- monitoring: /metrics answers a bearer token or an allowed address; 404 with neither ---
METRICS_TOKEN = env_token("SUPPORTDESK_METRICS_TOKEN")
METRICS_ALLOWED_NETWORKS = env_networks("SUPPORTDESK_METRICS_ALLOW")

# -- e-mail in (docs/mail.md) ------------------------------------------------------------
MAILBOXES = mailboxes_from_env(frozenset(kind.value for kind in RequestType))
MAIL_MAX_BYTES = env_int("SUPPORTDESK_MAIL_MAX_BYTES", 25 * 2**20)
MAIL_POLL_SECONDS = env_int("SUPPORTDESK_MAIL_POLL_SECONDS", 60)

# The price calculator without sign-in at /price/ (issue 13); off: the prices stay inside.
PUBLIC_CALCULATOR = env_bool("SUPPORTDESK_PUBLIC_CALCULATOR", False)
