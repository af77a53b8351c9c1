"""The command-line contract scripts depend on, run as a real process on a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SUPPORTDESK = str(Path(sys.executable).parent / "supportdesk")


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("cli")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'cli.sqlite3'}",
        "SUPPORTDESK_VAR_DIR": str(folder),
    }
    subprocess.run([SUPPORTDESK, "migrate", "-v0"], env=env, check=True)
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SUPPORTDESK, *args], env=env, capture_output=True, text=True, check=False
    )


def run_json(env: dict[str, str], *args: str) -> dict[str, object]:
    result = run(env, *args, "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    payload: dict[str, object] = json.loads(lines[0])
    return payload


def test_calendar_list_names_the_shipped_calendars(cli_env: dict[str, str]) -> None:
    payload = run_json(cli_env, "calendar", "list")
    names = {c["name"] for c in payload["calendars"]}  # type: ignore[attr-defined]
    assert {"ru-production", "ru-support", "24x7"} <= names


def test_calendar_span_gives_the_official_norm_of_a_month(cli_env: dict[str, str]) -> None:
    payload = run_json(
        cli_env, "calendar", "span", "--calendar", "ru-production",
        "--start", "2026-01-01T00:00:00+03:00", "--end", "2026-02-01T00:00:00+03:00",
    )  # fmt: skip
    assert payload == {"working_seconds": 120 * 3600, "working_days": 15, "calendar_draft": False}


def test_calendar_add_skips_the_new_year_holidays(cli_env: dict[str, str]) -> None:
    payload = run_json(
        cli_env, "calendar", "add", "--calendar", "ru-support",
        "--start", "2026-12-30T18:00:00+03:00", "--hours", "2",
    )  # fmt: skip
    assert payload == {"due": "2027-01-11T11:00:00+03:00", "calendar_draft": False}


def test_calendar_add_answers_in_the_calendar_zone(cli_env: dict[str, str]) -> None:
    payload = run_json(
        cli_env, "calendar", "add", "--calendar", "ru-support",
        "--start", "2026-11-25T07:00:00Z", "--hours", "1.5",
    )  # fmt: skip
    assert payload == {"due": "2026-11-25T11:30:00+03:00", "calendar_draft": False}


def test_sla_targets_for_an_8x5_incident_after_hours(cli_env: dict[str, str]) -> None:
    payload = run_json(
        cli_env, "sla", "targets", "--plan", "8x5", "--type", "incident", "--priority", "P1",
        "--start", "2026-11-27T20:00:00+03:00",
    )  # fmt: skip
    assert payload == {
        "reaction_due": "2026-11-30T11:00:00+03:00",
        "resolution_due": "2026-11-30T15:00:00+03:00",
        "reaction_calendar": "ru-support",
        "resolution_calendar": "ru-support",
        "calendar_draft": False,
    }


def test_sla_targets_for_a_premium_p1_run_around_the_clock(cli_env: dict[str, str]) -> None:
    payload = run_json(
        cli_env, "sla", "targets", "--plan", "premium", "--type", "incident", "--priority", "P1",
        "--start", "2026-11-28T23:00:00+03:00",
    )  # fmt: skip
    assert payload == {
        "reaction_due": "2026-11-28T23:15:00+03:00",
        "resolution_due": "2026-11-29T03:00:00+03:00",
        "reaction_calendar": "24x7",
        "resolution_calendar": "24x7",
        "calendar_draft": False,
    }


def test_calendar_add_into_a_drafted_year_says_so(cli_env: dict[str, str]) -> None:
    payload = run_json(
        cli_env, "calendar", "add", "--calendar", "ru-support",
        "--start", "2027-12-30T18:00:00+03:00", "--hours", "3",
    )  # fmt: skip
    # 1-9 January 2028 are days off in the `holidays` draft (no official 2028 yet).
    assert payload == {"due": "2028-01-10T12:00:00+03:00", "calendar_draft": True}


def test_calendar_span_over_a_drafted_year_says_so(cli_env: dict[str, str]) -> None:
    payload = run_json(
        cli_env, "calendar", "span", "--calendar", "ru-production",
        "--start", "2028-01-01T00:00:00+03:00", "--end", "2028-02-01T00:00:00+03:00",
    )  # fmt: skip
    assert payload == {"working_seconds": 16 * 8 * 3600, "working_days": 16, "calendar_draft": True}


def test_calendar_add_text_names_the_drafted_year(cli_env: dict[str, str]) -> None:
    result = run(
        cli_env, "calendar", "add", "--calendar", "ru-support",
        "--start", "2027-12-30T18:00:00+03:00", "--hours", "3",
    )  # fmt: skip
    assert result.stdout == (
        "2028-01-10T12:00:00+03:00 (draft: no official production calendar for 2028)\n"
    )


def test_sla_targets_whose_resolution_reaches_a_drafted_year(cli_env: dict[str, str]) -> None:
    payload = run_json(
        cli_env, "sla", "targets", "--plan", "8x5", "--type", "incident", "--priority", "P1",
        "--start", "2027-12-30T18:00:00+03:00",
    )  # fmt: skip
    assert payload == {
        "reaction_due": "2027-12-30T19:00:00+03:00",
        "resolution_due": "2028-01-10T14:00:00+03:00",
        "reaction_calendar": "ru-support",
        "resolution_calendar": "ru-support",
        "calendar_draft": True,
    }


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (
            [
                "calendar",
                "add",
                "--calendar",
                "nope",
                "--start",
                "2026-01-01T10:00:00+03:00",
                "--hours",
                "1",
            ],
            "unknown calendar 'nope'",
        ),
        (
            [
                "calendar",
                "add",
                "--calendar",
                "ru-support",
                "--start",
                "2026-01-01T10:00:00",
                "--hours",
                "1",
            ],
            "no UTC offset",
        ),
        (
            ["calendar", "add", "--calendar", "ru-support", "--start", "yesterday", "--hours", "1"],
            "not an ISO 8601 instant",
        ),
        (
            [
                "calendar",
                "add",
                "--calendar",
                "ru-support",
                "--start",
                "2026-01-01T10:00:00Z",
                "--hours",
                "-1",
            ],
            "non-negative",
        ),
        (
            [
                "calendar",
                "span",
                "--calendar",
                "ru-support",
                "--start",
                "2026-01-02T10:00:00Z",
                "--end",
                "2026-01-01T10:00:00Z",
            ],
            "--end is before --start",
        ),
        (
            [
                "sla",
                "targets",
                "--plan",
                "gold",
                "--type",
                "incident",
                "--priority",
                "P1",
                "--start",
                "2026-01-01T10:00:00Z",
            ],
            "no SLA policy of plan 'gold'",
        ),
        (
            [
                "sla",
                "targets",
                "--plan",
                "8x5",
                "--type",
                "incident",
                "--priority",
                "P7",
                "--start",
                "2026-01-01T10:00:00Z",
            ],
            "invalid choice",
        ),
        (["calendar", "add", "--calendar", "ru-support", "--hours", "1"], "required: --start"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    cli_env: dict[str, str], args: list[str], reason: str
) -> None:
    result = run(cli_env, *args, "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert reason in lines[0]
