"""Django settings. Everything that differs between machines comes from the environment."""

from __future__ import annotations

from pathlib import Path

import django_stubs_ext

from supportdesk.env import (
    cache_from_url,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    jobs_from_url,
    mailer_from_env,
)

django_stubs_ext.monkeypatch()  # lets admin classes be written ModelAdmin[Model]

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SUPPORTDESK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("SUPPORTDESK_DEBUG", False)
SECRET_KEY = env_str("SUPPORTDESK_SECRET_KEY", "insecure-debug-only-key" if DEBUG else object())
if not DEBUG and SECRET_KEY.startswith("insecure"):
    raise RuntimeError("SUPPORTDESK_SECRET_KEY must be set outside debug")
ALLOWED_HOSTS = env_list("SUPPORTDESK_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("SUPPORTDESK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "supportdesk.core",
    "supportdesk.audit",
    "supportdesk.calendars",
    "supportdesk.sla",
    "supportdesk.customers",
    "supportdesk.staff",
    "supportdesk.contracts",
    "supportdesk.tickets",
    "supportdesk.notifications",
    "supportdesk.api",
    "supportdesk.web",
    "supportdesk.portal",
    "supportdesk.workspace",
    "huey.contrib.djhuey",
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
        "DIRS": [],
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "supportdesk" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Moscow"  # display default only; storage is UTC
USE_TZ = True

MEDIA_ROOT = Path(env_str("SUPPORTDESK_MEDIA_DIR", str(VAR_DIR / "media")))
MEDIA_URL = "media/"  # never served directly: downloads go through a permission check
ATTACHMENT_MAX_BYTES = env_int("SUPPORTDESK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names need `collectstatic` first; tests and debug runs skip that step.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("SUPPORTDESK_STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

SESSION_COOKIE_SECURE = env_bool("SUPPORTDESK_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
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
LOGIN_FAILURE_LIMIT = env_int("SUPPORTDESK_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("SUPPORTDESK_LOGIN_FAILURE_WINDOW", 15 * 60)
CACHES = {"default": cache_from_url(env_str("SUPPORTDESK_CACHE_URL", "locmem://"))}
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
)

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
