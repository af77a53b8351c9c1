"""Typed settings from environment variables; a bad value stops start-up with its name."""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_UNSET = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | object = _UNSET) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is _UNSET:
            raise ImproperlyConfigured(f"environment variable {name} is required")
        return str(default)
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# A statement is prepared on its fifth run on a connection (psycopg's default).
PREPARE_THRESHOLD = 5


def database_from_url(
    url: str, *, name: str = "DATABASE_URL", pool_size: int = 0, pgbouncer: bool = False
) -> dict[str, object]:
    """``sqlite:///relative/or//absolute/path`` or ``postgres://user:pass@host:port/db``.

    PostgreSQL: ``pool_size`` > 0 keeps up to that many connections per process in
    psycopg's pool (a request borrows one and gives it back at its end) and prepares the
    statements run often on them; 0 connects per request. ``pgbouncer`` is for a PgBouncer
    in transaction mode in front of the server: it is the pool, so no pool here, no
    server-side cursors (they outlive a transaction) and no prepared statements (a
    statement prepared on one server connection is unknown to the next)."""
    parts = urlsplit(url)
    if pgbouncer and parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"SUPPORTDESK_DB_PGBOUNCER=true needs a postgres:// {name}")
    if pool_size < 0:
        raise ImproperlyConfigured(f"SUPPORTDESK_DB_POOL_SIZE={pool_size}: use 0 or more")
    if pgbouncer and pool_size:
        raise ImproperlyConfigured(
            "SUPPORTDESK_DB_PGBOUNCER=true: PgBouncer is the pool; "
            "leave SUPPORTDESK_DB_POOL_SIZE unset or 0"
        )
    if parts.scheme == "sqlite":
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not path:
            raise ImproperlyConfigured(f"{name}={url!r} names no database file")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    if parts.scheme in {"postgres", "postgresql"}:
        database = parts.path.lstrip("/")
        if not database:
            raise ImproperlyConfigured(f"{name}={url!r} names no database")
        settings: dict[str, object] = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(database),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # Under ASGI every request's sync code runs in a fresh thread, so a persistent
            # connection is never reused and piles up until PostgreSQL refuses clients
            # (bench/desk_bench.py saw it): a request gives its connection back at its end,
            # to the pool when there is one.
            "CONN_MAX_AGE": 0,
        }
        if pool_size:
            settings["OPTIONS"] = {
                # Connections open on first use and idle ones close after 10 minutes, down
                # to one; a request that finds all of them busy waits up to 10 s for one.
                "pool": {"min_size": 1, "max_size": pool_size, "timeout": 10, "max_idle": 600},
                # Pooled connections live long: statements run often are prepared once per
                # connection (parameters bound by the server), so PostgreSQL parses and
                # plans them once. About half the server's CPU per API create.
                "server_side_binding": True,
                "prepare_threshold": PREPARE_THRESHOLD,
            }
        if pgbouncer:
            settings["DISABLE_SERVER_SIDE_CURSORS"] = True
        return settings
    raise ImproperlyConfigured(f"{name}={url!r}: only sqlite:// and postgres:// are supported")


def jobs_from_url(url: str, *, immediate: bool, workers: int) -> dict[str, object]:
    """Huey settings: ``sqlite:///path`` (no extra server) or ``redis://host:port/db``."""
    parts = urlsplit(url)
    common: dict[str, object] = {
        "name": "supportdesk",
        "immediate": immediate,
        "utc": True,
        "consumer": {"workers": workers, "worker_type": "thread", "periodic": True},
    }
    if parts.scheme == "sqlite":
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        return {**common, "huey_class": "huey.SqliteHuey", "filename": path}
    if parts.scheme in {"redis", "rediss"}:
        return {**common, "huey_class": "huey.PriorityRedisHuey", "connection": {"url": url}}
    raise ImproperlyConfigured(f"SUPPORTDESK_JOBS_URL={url!r}: use sqlite:///path or redis://")


def mailer_from_env(
    kind: str, *, host: str, port: int, username: str, password: str, use_tls: bool
) -> dict[str, object]:
    """A MAILERS entry: ``smtp`` (production), ``console``, or ``file:<folder>``."""
    if kind == "smtp":
        options = {"host": host, "port": port, "username": username, "password": password}
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {**options, "use_tls": use_tls, "timeout": 10},
        }
    if kind == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if kind.startswith("file:") and kind[5:]:
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": kind[5:]},
        }
    raise ImproperlyConfigured(f"SUPPORTDESK_MAIL={kind!r}: use smtp, console or file:<folder>")


def cache_from_url(url: str) -> dict[str, object]:
    """``locmem://`` (one process) or ``redis://host:6379/1`` (shared by all workers)."""
    if url == "locmem://":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(f"SUPPORTDESK_CACHE_URL={url!r}: use locmem:// or redis://")
