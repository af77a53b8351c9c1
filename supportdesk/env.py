"""Typed settings from environment variables; a bad value stops start-up with its name."""

from __future__ import annotations

import ipaddress
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


def env_networks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Comma-separated CIDR ranges (``10.0.0.0/8, ::1``; a bare address is one host); empty
    when unset."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError as error:
            raise ImproperlyConfigured(f"{name}: {item!r} is not a CIDR range ({error})") from None
    return networks


def database_from_url(url: str, *, name: str = "DATABASE_URL") -> dict[str, object]:
    """``sqlite:///relative/or//absolute/path`` or ``postgres://user:pass@host:port/db``."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not path:
            raise ImproperlyConfigured(f"{name}={url!r} names no database file")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    if parts.scheme in {"postgres", "postgresql"}:
        database = parts.path.lstrip("/")
        if not database:
            raise ImproperlyConfigured(f"{name}={url!r} names no database")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(database),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # Under ASGI every request's sync code runs in a fresh thread, so a persistent
            # connection is never reused and piles up until PostgreSQL refuses clients
            # (bench/desk_bench.py saw it): connect per request.
            "CONN_MAX_AGE": 0,
        }
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


# The table of the database cache, created by the migration web/0001_cache_table.
DATABASE_CACHE_TABLE = "supportdesk_cache"


def cache_from_url(url: str) -> dict[str, object]:
    """``database://`` (a table in the database: every process sees it, no extra server),
    ``redis://host:6379/1`` (production), or ``locmem://`` (one process: development only)."""
    if url == "database://":
        return {
            "BACKEND": "supportdesk.web.cache.DatabaseCache",
            "LOCATION": DATABASE_CACHE_TABLE,
            # Django's default of 300 entries would cull live sign-in counters under an attack.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    if url == "locmem://":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(
        f"SUPPORTDESK_CACHE_URL={url!r}: use database://, redis://host:port/db or locmem://"
    )
