"""The bench database: environment, drop and create, Django set-up, migrations."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

HOST, PORT, USER = "127.0.0.1", 5432, "postgres"
NAME = "supportdesk_bench"
ADMIN_CONNINFO = f"host={HOST} port={PORT} user={USER} dbname=postgres"


@dataclass(frozen=True, slots=True)
class Bench:
    name: str
    url: str  # DATABASE_URL
    conninfo: str  # for psycopg
    jobs_file: Path

    def admin_conninfo(self) -> str:
        return ADMIN_CONNINFO


def bench_database(tmp: Path, name: str = NAME) -> Bench:
    return Bench(
        name=name,
        url=f"postgres://{USER}@{HOST}:{PORT}/{name}",
        conninfo=f"host={HOST} port={PORT} user={USER} dbname={name}",
        jobs_file=tmp / "jobs.sqlite3",
    )


def recreate(bench: Bench) -> None:
    """Drop the bench database if it is there and create it empty."""
    with psycopg.connect(bench.admin_conninfo(), autocommit=True) as admin:
        name = sql.Identifier(bench.name)
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))


def drop(bench: Bench) -> None:
    from django.db import connections

    connections.close_all()
    with psycopg.connect(bench.admin_conninfo(), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(bench.name))
        )


def environment(bench: Bench) -> dict[str, str]:
    """What the bench process and the API server both run with."""
    return {
        "DJANGO_SETTINGS_MODULE": "supportdesk.settings",
        "DATABASE_URL": bench.url,
        "SUPPORTDESK_SECRET_KEY": "bench",
        "SUPPORTDESK_JOBS_URL": f"sqlite:///{bench.jobs_file}",  # queued, never sent
        "SUPPORTDESK_MAIL": "console",
        # Pages render in-process without collectstatic.
        "SUPPORTDESK_STATIC_MANIFEST": "false",
        # The API server speaks plain HTTP on loopback: no redirect to HTTPS.
        "SUPPORTDESK_SSL_REDIRECT": "false",
        "SUPPORTDESK_LOG_LEVEL": "WARNING",
    }


def configure(bench: Bench) -> None:
    """Set the environment, set Django up and migrate the empty database."""
    os.environ.update(environment(bench))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def server_version(bench: Bench) -> str:
    with psycopg.connect(bench.conninfo) as conn:
        row = conn.execute("SELECT version()").fetchone()
    return str(row[0]) if row else "?"
