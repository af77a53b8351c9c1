"""Typed settings from environment variables; a bad value stops start-up with its name."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from email.utils import parseaddr
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


def env_secret(name: str) -> str:
    """A required secret: unset or blank stops start-up, saying how to make one."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"environment variable {name} is required outside debug: set it to 50 or more "
            "random characters, e.g. the output of "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return parse_bool(name, value)


def parse_bool(name: str, value: str) -> bool:
    """``value`` of the variable ``name`` as a flag; ImproperlyConfigured if it is none."""
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


_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")


def env_media_types(name: str, default: list[str]) -> frozenset[str]:
    """A comma-separated list of media types (``type/subtype``, no wildcards), lower-cased."""
    items = [item.lower() for item in env_list(name, default)]
    if bad := [item for item in items if not _MEDIA_TYPE.fullmatch(item)]:
        raise ImproperlyConfigured(f"{name}: {', '.join(bad)} is not a media type (type/subtype)")
    return frozenset(items)


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


_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*")


def env_domain(name: str, default: str) -> str:
    """A host name such as ``desk.example.com`` (lower-cased): the right-hand side of the
    Message-IDs the product writes."""
    value = env_str(name, default).strip().lower()
    if not _DOMAIN.fullmatch(value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a domain name (e.g. desk.example.com)")
    return value


def env_address(name: str, default: str) -> str:
    """An e-mail address, optionally with a display name: ``Support <support@example.com>``."""
    value = env_str(name, default).strip()
    _display, address = parseaddr(value)
    local, at, domain = address.rpartition("@")
    if not (local and at and domain) or "\n" in value or "\r" in value:
        raise ImproperlyConfigured(f"{name}={value!r} is not an e-mail address")
    return value


def env_token(name: str, *, min_length: int = 32) -> str:
    """An optional bearer token: empty when unset, else at least ``min_length`` characters."""
    value = env_str(name, "").strip()
    if value and len(value) < min_length:
        raise ImproperlyConfigured(
            f"{name} is too short: use {min_length} or more random characters, e.g. the output "
            "of python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return value


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


def jobs_from_url(
    url: str, *, immediate: bool, workers: int, periodic: bool = True
) -> dict[str, object]:
    """Huey settings: ``sqlite:///path`` (no extra server) or ``redis://host:port/db``.
    ``periodic`` runs the scheduler of periodic jobs in this worker: on one node only."""
    parts = urlsplit(url)
    common: dict[str, object] = {
        "name": "supportdesk",
        "immediate": immediate,
        "utc": True,
        "consumer": {"workers": workers, "worker_type": "thread", "periodic": periodic},
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
            # Django's, on a connection that tells a lost answer from a refusal.
            "BACKEND": "supportdesk.notifications.transport.SmtpBackend",
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


def storage_from_env(
    kind: str,
    *,
    bucket: str,
    endpoint_url: str,
    region: str,
    access_key: str,
    secret_key: str,
    prefix: str,
    addressing_style: str,
) -> dict[str, object]:
    """STORAGES["default"]: ``filesystem`` (MEDIA_ROOT, one machine) or ``s3`` (any
    S3-compatible object storage, shared by all machines). Objects stay private: no ACL is
    sent (the bucket's own, private, applies) and files are downloaded through the
    permission-checked views, never by a public URL."""
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"SUPPORTDESK_STORAGE={kind!r}: use filesystem or s3")
    if not bucket:
        raise ImproperlyConfigured("SUPPORTDESK_STORAGE=s3 needs SUPPORTDESK_S3_BUCKET")
    if addressing_style not in {"", "auto", "path", "virtual"}:
        raise ImproperlyConfigured(
            f"SUPPORTDESK_S3_ADDRESSING_STYLE={addressing_style!r}: use auto, path or virtual"
        )
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            # Empty keys leave boto3 its own chain (AWS_* variables, instance role).
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "location": prefix.strip("/"),
            "addressing_style": addressing_style or None,
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            # A download reads the object into a spooled file: past this size, onto disk.
            "max_memory_size": 2_621_440,
        },
    }


@dataclass(frozen=True)
class MailboxSettings:
    """One support mailbox the reader polls (docs/mail.md)."""

    name: str
    host: str
    port: int
    security: str  # "tls" (IMAPS), "starttls", or "plain" (loopback only)
    user: str
    password: str
    folder: str = "INBOX"
    processed_folder: str = "Processed"
    request_type: str = "incident"  # of the requests its mail opens
    address: str = ""  # the mailbox's own address, to recognise our mail coming back
    ca_file: str = ""  # a private CA's certificate for the server's (empty: the system's)


_IMAP_PORTS = {"tls": 993, "starttls": 143, "plain": 143}
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def mailboxes_from_env(request_types: frozenset[str]) -> tuple[MailboxSettings, ...]:
    """``SUPPORTDESK_MAILBOXES=support,billing`` and, per name, ``SUPPORTDESK_MAILBOX_<NAME>_``
    ``HOST``, ``USER``, ``PASSWORD`` (required), ``SECURITY`` (tls), ``PORT`` (993 or 143),
    ``FOLDER`` (INBOX), ``PROCESSED_FOLDER`` (Processed), ``REQUEST_TYPE`` (incident),
    ``ADDRESS`` (the user when it is an address), ``CA_FILE``."""
    mailboxes = []
    for name in env_list("SUPPORTDESK_MAILBOXES", []):
        if not re.fullmatch(r"[A-Za-z0-9_]{1,64}", name):
            raise ImproperlyConfigured(
                f"SUPPORTDESK_MAILBOXES: {name!r} is not a name (letters, digits, _)"
            )
        prefix = f"SUPPORTDESK_MAILBOX_{name.upper()}_"
        security = env_str(prefix + "SECURITY", "tls").strip().lower()
        if security not in _IMAP_PORTS:
            raise ImproperlyConfigured(f"{prefix}SECURITY={security!r}: use tls, starttls or plain")
        host = env_str(prefix + "HOST").strip()
        if security == "plain" and host not in _LOOPBACK:
            raise ImproperlyConfigured(
                f"{prefix}SECURITY=plain sends the password in clear: only for a server on "
                "this machine (127.0.0.1, ::1, localhost); use tls or starttls"
            )
        request_type = env_str(prefix + "REQUEST_TYPE", "incident").strip()
        if request_type not in request_types:
            raise ImproperlyConfigured(
                f"{prefix}REQUEST_TYPE={request_type!r}: "
                f"use one of {', '.join(sorted(request_types))}"
            )
        user = env_str(prefix + "USER")
        password = env_str(prefix + "PASSWORD")
        if not password:
            raise ImproperlyConfigured(f"environment variable {prefix}PASSWORD is blank")
        mailboxes.append(
            MailboxSettings(
                name=name,
                host=host,
                port=env_int(prefix + "PORT", _IMAP_PORTS[security]),
                security=security,
                user=user,
                password=password,
                folder=env_str(prefix + "FOLDER", "INBOX"),
                processed_folder=env_str(prefix + "PROCESSED_FOLDER", "Processed"),
                request_type=request_type,
                address=env_str(prefix + "ADDRESS", user if "@" in user else "").strip().lower(),
                ca_file=env_str(prefix + "CA_FILE", ""),
            )
        )
    if len({mailbox.name.lower() for mailbox in mailboxes}) != len(mailboxes):
        raise ImproperlyConfigured("SUPPORTDESK_MAILBOXES names a mailbox twice")
    return tuple(mailboxes)


def chat_pubsub_url(explicit: str, cache_url: str, jobs_url: str) -> str:
    """The Redis the chat streams' pub/sub uses: ``explicit`` (``redis://...``, or ``none``
    to poll the database even with Redis about), else the cache's or the jobs' Redis, else
    "" (the streams poll the database)."""
    if explicit == "none":
        return ""
    if explicit:
        if not explicit.startswith(("redis://", "rediss://")):
            raise ImproperlyConfigured(
                f"SUPPORTDESK_CHAT_PUBSUB_URL={explicit!r}: use redis://host:port/db or none"
            )
        return explicit
    for url in (cache_url, jobs_url):
        if url.startswith(("redis://", "rediss://")):
            return url
    return ""
