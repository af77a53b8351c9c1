"""Reports read through the ``reporting`` alias once SUPPORTDESK_REPORTING_DATABASE_URL
names a database (a read replica), and through the main database otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from supportdesk.reports.database import reporting_database

SUPPORTDESK = Path(sys.executable).parent / "supportdesk"


def test_the_main_database_unless_one_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    assert reporting_database() == "default"
    monkeypatch.setitem(settings.DATABASES, "reporting", {})
    assert reporting_database() == "reporting"


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SUPPORTDESK), *args], env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="SQLite files of its own: once is enough"
)
def test_the_report_command_reads_only_the_reporting_database(tmp_path: Path) -> None:
    """The replica holds the demo; the main database is an empty file, never migrated:
    one query that missed the alias would fail on a missing table."""
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "SUPPORTDESK_", "DJANGO_"))
    }
    base["SUPPORTDESK_SECRET_KEY"] = "test"
    base["SUPPORTDESK_VAR_DIR"] = str(tmp_path / "var")
    replica = tmp_path / "replica.sqlite3"
    prepare = {**base, "DATABASE_URL": f"sqlite:///{replica}"}
    for command in (("migrate", "--noinput", "-v0"), ("demo",)):
        done = _run(*command, env=prepare)
        assert done.returncode == 0, done.stderr
    main = tmp_path / "main.sqlite3"
    env = {
        **base,
        "DATABASE_URL": f"sqlite:///{main}",
        "SUPPORTDESK_REPORTING_DATABASE_URL": f"sqlite:///{replica}",
    }
    done = _run(
        "report", "sla", "--contract", "SUP-2026-001", "--month", "2026-11", "--format", "json",
        env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["contract"] == "SUP-2026-001"
    # Without the replica the same command reads the (empty) main database.
    del env["SUPPORTDESK_REPORTING_DATABASE_URL"]
    done = _run(
        "report", "sla", "--contract", "SUP-2026-001", "--month", "2026-11", "--format", "json",
        env=env,
    )  # fmt: skip
    assert done.returncode != 0
