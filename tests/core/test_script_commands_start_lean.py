"""``supportdesk calendar`` and ``sla`` start without the web and the job queue.

Scripts call them in loops, so each call must not run the system checks (which load the
URLconf: the API, pydantic, every page), import the admin modules, or import Huey (and
with it the Redis and psycopg clients). Each case runs the installed console script as a
real process under a probe that registers one system check and, when the process exits,
writes down which modules it imported and whether that check ran.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SUPPORTDESK = str(Path(sys.executable).parent / "supportdesk")

PROBE = """
import atexit, json, runpy, sys

from django.core import checks

ran = []


@checks.register()
def probe(app_configs, **kwargs):
    ran.append(True)
    return []


def report(path=sys.argv[1]):
    with open(path, "w") as out:
        json.dump({"modules": sorted(sys.modules), "checks_ran": bool(ran)}, out)


atexit.register(report)
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""

# Top-level packages and modules a script command must not import.
WEB_AND_JOBS = {
    "supportdesk.urls": "the URLconf",
    "supportdesk.api.api": "the REST API",
    "ninja": "django-ninja",
    "pydantic": "pydantic",
    "django.test": "Django's test framework (django-ninja imports it)",
    "huey": "the job queue",
    "redis": "the Redis client",
    "holidays": "the holidays package (only `calendar draft-year` needs it)",
    "boto3": "the S3 client",
    "storages": "django-storages",
}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("lean")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'cli.sqlite3'}",
        "SUPPORTDESK_VAR_DIR": str(folder),
    }
    subprocess.run([SUPPORTDESK, "migrate", "-v0"], env=env, check=True)
    return env


def run_under(probe: str, env: dict[str, str], tmp_path: Path, *args: str) -> tuple[str, Any]:
    """The console script run under ``probe``: its stdout and what the probe wrote."""
    report = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, "-c", probe, str(report), SUPPORTDESK, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, json.loads(report.read_text())


def probe_run(env: dict[str, str], tmp_path: Path, *args: str) -> tuple[str, set[str], bool]:
    """The command's stdout, the modules its process imported, whether checks ran."""
    stdout, seen = run_under(PROBE, env, tmp_path, *args)
    return stdout, set(seen["modules"]), seen["checks_ran"]


def web_and_jobs_in(modules: set[str]) -> list[str]:
    found = [
        f"{name} ({what})"
        for name, what in WEB_AND_JOBS.items()
        if name in modules or any(m.startswith(name + ".") for m in modules)
    ]
    admin = sorted(m for m in modules if m.startswith("supportdesk.") and m.endswith(".admin"))
    return found + [f"{m} (admin autodiscovery)" for m in admin]


@pytest.mark.parametrize(
    ("args", "answer"),
    [
        (
            ["calendar", "add", "--calendar", "ru-support",
             "--start", "2026-12-30T18:00:00+03:00", "--hours", "2"],
            {"due": "2027-01-11T11:00:00+03:00", "calendar_draft": False},
        ),
        (
            ["calendar", "span", "--calendar", "ru-production", "--start",
             "2026-01-01T00:00:00+03:00", "--end", "2026-02-01T00:00:00+03:00"],
            {"working_seconds": 120 * 3600, "working_days": 15, "calendar_draft": False},
        ),
        (
            ["sla", "targets", "--plan", "8x5", "--type", "incident", "--priority", "P1",
             "--start", "2026-11-27T20:00:00+03:00"],
            {
                "reaction_due": "2026-11-30T11:00:00+03:00",
                "resolution_due": "2026-11-30T15:00:00+03:00",
                "reaction_calendar": "ru-support",
                "resolution_calendar": "ru-support",
                "calendar_draft": False,
            },
        ),
    ],
    ids=["calendar add", "calendar span", "sla targets"],
)  # fmt: skip
def test_script_commands_answer_without_checks_web_or_jobs(
    env: dict[str, str], tmp_path: Path, args: list[str], answer: dict[str, object]
) -> None:
    stdout, modules, checks_ran = probe_run(env, tmp_path, *args, "--json")

    assert json.loads(stdout) == answer
    assert checks_ran is False
    assert web_and_jobs_in(modules) == []


def test_calendar_list_reads_the_database_without_checks_web_or_jobs(
    env: dict[str, str], tmp_path: Path
) -> None:
    stdout, modules, checks_ran = probe_run(env, tmp_path, "calendar", "list", "--json")

    names = {c["name"] for c in json.loads(stdout)["calendars"]}
    assert {"ru-production", "ru-support", "24x7"} <= names
    assert checks_ran is False
    assert web_and_jobs_in(modules) == []


def test_other_commands_keep_the_whole_django_start(env: dict[str, str], tmp_path: Path) -> None:
    stdout, modules, checks_ran = probe_run(env, tmp_path, "check")

    assert "System check identified no issues" in stdout
    assert checks_ran is True
    assert {"supportdesk.urls", "supportdesk.calendars.admin", "huey"} <= modules


# Without the checks' probe (importing django.core.checks imports the model layer).
MODULES_PROBE = """
import atexit, json, runpy, sys

def report(path=sys.argv[1]):
    with open(path, "w") as out:
        json.dump(sorted(sys.modules), out)

atexit.register(report)
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""
# What the plain commands never import: Django's database, app registry, settings object
# and command machinery (the settings module itself needs only django.core.exceptions).
DJANGO_AT_LARGE = ("django.db", "django.apps", "django.conf", "django.core.management")


def modules_run(env: dict[str, str], tmp_path: Path, *args: str) -> tuple[str, set[str]]:
    stdout, modules = run_under(MODULES_PROBE, env, tmp_path, *args)
    return stdout, set(modules)


@pytest.mark.parametrize(
    "args",
    [
        ["calendar", "list"],
        ["calendar", "add", "--calendar", "ru-support", "--start", "2026-12-30T18:00:00+03:00",
         "--hours", "2"],
        ["calendar", "span", "--calendar", "ru-production", "--start",
         "2026-01-01T00:00:00+03:00", "--end", "2026-02-01T00:00:00+03:00"],
        ["sla", "targets", "--plan", "8x5", "--type", "incident", "--priority", "P1",
         "--start", "2026-11-27T20:00:00+03:00"],
    ],
    ids=["calendar list", "calendar add", "calendar span", "sla targets"],
)  # fmt: skip
def test_the_plain_commands_answer_as_django_does_without_importing_it(
    env: dict[str, str], tmp_path: Path, args: list[str]
) -> None:
    for output in ("--json", "text"):
        shown = [*args, output] if output == "--json" else args
        plain, modules = modules_run(env, tmp_path, *shown)
        # The command's own options go before its subcommand, as Django parses them.
        through_django, django_modules = modules_run(
            env, tmp_path, shown[0], "--settings", "supportdesk.settings", *shown[1:]
        )

        assert plain == through_django
        assert [m for m in modules if m.startswith(DJANGO_AT_LARGE)] == []
        assert "django.db.models" in django_modules  # the --settings call did go through it
