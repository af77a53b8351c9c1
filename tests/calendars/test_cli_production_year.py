"""An admin drafts a new year of the production calendar and loads it, from the shell.

The calendar command starts with a lean app registry (no job queue, no admin
autodiscovery); its admin subcommands still reach `holidays`, the calendar actions and
the audit log, run as real processes on a real database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SUPPORTDESK = str(Path(sys.executable).parent / "supportdesk")
JANUARY_2029 = (
    "calendar", "span", "--calendar", "ru-production",
    "--start", "2029-01-01T00:00:00+03:00", "--end", "2029-02-01T00:00:00+03:00", "--json",
)  # fmt: skip


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "SUPPORTDESK_VAR_DIR": str(tmp_path),
    }
    subprocess.run([SUPPORTDESK, "migrate", "-v0"], env=env, check=True)
    return env


def run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [SUPPORTDESK, *args], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_drafted_year_loads_and_its_holidays_count(env: dict[str, str], tmp_path: Path) -> None:
    # Given 2029, which neither the shipped data nor the migration's draft (2028) has:
    # every weekday is a working day, and the answer says it is a draft.
    assert json.loads(run(env, *JANUARY_2029)) == {
        "working_seconds": 23 * 8 * 3600,
        "working_days": 23,
        "calendar_draft": True,
    }
    draft = tmp_path / "2029.json"
    draft.write_text(run(env, "calendar", "draft-year", "--year", "2029"))

    loaded = run(env, "calendar", "load-production", "--file", str(draft))

    assert loaded == "2029: loaded, 0 open clocks recomputed\n"
    # The New Year holidays (1-8 January, Monday to Monday) are days off now, officially.
    assert json.loads(run(env, *JANUARY_2029)) == {
        "working_seconds": 17 * 8 * 3600,
        "working_days": 17,
        "calendar_draft": False,
    }
