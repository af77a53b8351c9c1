"""DATABASE_URL and the connection settings: a pool of connections per process for
PostgreSQL by default, none behind PgBouncer, and contradictions refused by name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from supportdesk.env import database_from_url

URL = "postgres://desk:secret@db.internal:5432/desk"
ROOT = Path(__file__).resolve().parents[2]


def test_postgres_with_a_pool_borrows_connections_per_request() -> None:
    settings = database_from_url(URL, pool_size=6)
    assert settings["CONN_MAX_AGE"] == 0  # Django's pool requires it: give back at the end
    assert settings["OPTIONS"] == {
        "pool": {"min_size": 1, "max_size": 6, "timeout": 10, "max_idle": 600},
        "server_side_binding": True,  # prepared statements on the long-lived connections
        "prepare_threshold": 5,
    }
    assert "DISABLE_SERVER_SIDE_CURSORS" not in settings


def test_pool_size_zero_connects_per_request() -> None:
    settings = database_from_url(URL, pool_size=0)
    assert "OPTIONS" not in settings
    assert settings["CONN_MAX_AGE"] == 0


def test_behind_pgbouncer_no_pool_and_no_server_side_cursors() -> None:
    settings = database_from_url(URL, pgbouncer=True)
    assert "OPTIONS" not in settings  # Django keeps prepared statements off by default
    assert settings["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert settings["CONN_MAX_AGE"] == 0


@pytest.mark.parametrize(
    ("url", "options", "message"),
    [
        (URL, {"pgbouncer": True, "pool_size": 4}, "PgBouncer is the pool"),
        (URL, {"pool_size": -1}, "SUPPORTDESK_DB_POOL_SIZE=-1"),
        ("sqlite:///var/db.sqlite3", {"pgbouncer": True}, "needs a postgres://"),
    ],
)
def test_contradictions_are_refused_by_name(
    url: str, options: dict[str, object], message: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_url(url, **options)  # type: ignore[arg-type]


def settings_of(environment: dict[str, str]) -> str:
    """The DATABASES setting a fresh process derives from ``environment``."""
    code = "from django.conf import settings; print(settings.DATABASES['default'])"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "DJANGO_SETTINGS_MODULE": "supportdesk.settings",
            "SUPPORTDESK_SECRET_KEY": "tests-only-not-a-secret",
            "DATABASE_URL": URL,
            "PATH": "/usr/bin:/bin",
            **environment,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout + done.stderr


def test_the_shipped_settings_pool_four_connections_unless_told() -> None:
    assert "'max_size': 4" in settings_of({})
    assert "'max_size': 12" in settings_of({"SUPPORTDESK_DB_POOL_SIZE": "12"})
    behind_pgbouncer = settings_of({"SUPPORTDESK_DB_PGBOUNCER": "true"})
    assert "'pool'" not in behind_pgbouncer
    assert "'DISABLE_SERVER_SIDE_CURSORS': True" in behind_pgbouncer
    assert "PgBouncer is the pool" in settings_of(
        {"SUPPORTDESK_DB_PGBOUNCER": "true", "SUPPORTDESK_DB_POOL_SIZE": "4"}
    )
