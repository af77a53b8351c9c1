"""``supportdesk worktime split``: the JSON contract and its one-line refusals (exit 2)."""

from __future__ import annotations

import json

import pytest

from tests.calendars.test_cli import cli_env, run

__all__ = ["cli_env"]


def split(env: dict[str, str], *args: str) -> dict[str, int]:
    result = run(env, "worktime", "split", *args, "--json")
    assert result.returncode == 0, result.stderr
    payload: dict[str, int] = json.loads(result.stdout)
    return payload


def test_split_across_closing_time_on_the_vendor_calendar(cli_env: dict[str, str]) -> None:
    payload = split(
        cli_env, "--start", "2026-03-10T18:00:00+03:00", "--end", "2026-03-10T20:30:00+03:00"
    )
    assert payload == {
        "in_hours_seconds": 3600,
        "off_hours_seconds": 5400,
        "charged_seconds": 14400,
    }


def test_split_on_a_named_calendar(cli_env: dict[str, str]) -> None:
    payload = split(
        cli_env, "--start", "2026-03-14T10:00:00+03:00", "--end", "2026-03-14T12:00:00+03:00",
        "--calendar", "24x7",
    )  # fmt: skip
    assert payload == {"in_hours_seconds": 7200, "off_hours_seconds": 0, "charged_seconds": 7200}


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--start", "2026-03-10T12:00:00+03:00", "--end", "2026-03-10T11:00:00+03:00"], "before"),
        (["--start", "2026-03-10T12:00:00", "--end", "2026-03-10T13:00:00+03:00"], "UTC offset"),
        (["--start", "yesterday", "--end", "2026-03-10T13:00:00+03:00"], "ISO 8601"),
        (
            [
                "--start",
                "2026-03-10T12:00:00+03:00",
                "--end",
                "2026-03-10T13:00:00+03:00",
                "--calendar",
                "mars",
            ],
            "unknown calendar",
        ),
        (["--start", "2026-03-10T12:00:00+03:00"], "required"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    cli_env: dict[str, str], args: list[str], reason: str
) -> None:
    result = run(cli_env, "worktime", "split", *args, "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert reason in lines[0]
