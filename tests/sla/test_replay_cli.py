"""``supportdesk sla replay --json``: the contract scripts rely on, run as a real process
(the console script) on a real, migrated database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SUPPORTDESK = str(Path(sys.executable).parent / "supportdesk")
CLOCK_KEYS = {
    "status", "target_seconds", "calendar", "due", "stopped_at", "elapsed_seconds",
    "paused_seconds", "breached", "breached_at", "timeline",
}  # fmt: skip
TIMELINE_KEYS = {"at", "event", "target_seconds", "calendar", "reason"}


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("replay")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'cli.sqlite3'}",
        "SUPPORTDESK_VAR_DIR": str(folder),
        "SUPPORTDESK_SECRET_KEY": "replay-cli-test",
    }
    subprocess.run([SUPPORTDESK, "migrate", "-v0"], env=env, check=True)
    return env


def replay(env: dict[str, str], stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SUPPORTDESK, "sla", "replay", *args], input=stdin, env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def history(*events: dict[str, Any], **top: Any) -> str:
    return json.dumps({"plan": "8x5", "type": "incident", "events": list(events), **top})


OPENED = {"at": "2026-11-23T10:00:00+03:00", "event": "opened", "priority": "P3"}


def test_a_history_prints_both_clocks_with_every_key(cli_env: dict[str, str]) -> None:
    given = history(
        OPENED,
        {"at": "2026-11-23T10:30:00+03:00", "event": "first_response"},
        {"at": "2026-11-23T12:00:00+03:00", "event": "waiting"},
        {"at": "2026-11-24T15:00:00+03:00", "event": "customer_replied"},
        {"at": "2026-11-24T16:00:00+03:00", "event": "priority", "to": "P2", "reason": "wider"},
        {"at": "2026-11-25T12:00:00+03:00", "event": "resolved"},
    )
    result = replay(cli_env, given, "--json")
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    payload = json.loads(lines[0])
    assert set(payload) == {"reaction", "resolution"}
    for clock in payload.values():
        assert set(clock) == CLOCK_KEYS
        assert all(set(event) == TIMELINE_KEYS for event in clock["timeline"])
    # 8 h of P2 from Monday 10:00, less the pause Mon 12:00 - Tue 15:00 (7 + 5 working
    # hours): 2 + 4 + 2 h, stopped on Wednesday at 12:00 exactly when due: met.
    assert payload["resolution"] | {"timeline": None} == {
        "status": "stopped", "target_seconds": 8 * 3600, "calendar": "ru-support",
        "due": None, "stopped_at": "2026-11-25T09:00:00+00:00",
        "elapsed_seconds": 8 * 3600, "paused_seconds": 12 * 3600,
        "breached": False, "breached_at": None, "timeline": None,
    }  # fmt: skip
    assert [(e["event"], e["reason"]) for e in payload["resolution"]["timeline"]] == [
        ("start", ""),
        ("pause", "waiting_for_customer"),
        ("resume", "customer_replied"),
        ("target", '{"code": "priority", "from": "P3", "note": "wider", "to": "P2"}'),
        ("stop", "resolved"),
    ]
    assert payload["reaction"]["stopped_at"] == "2026-11-23T07:30:00+00:00"
    assert payload["reaction"]["elapsed_seconds"] == 1800


def test_now_defaults_to_the_last_event_and_can_be_given(cli_env: dict[str, str]) -> None:
    at_last = json.loads(replay(cli_env, history(OPENED), "--json").stdout)
    assert at_last["reaction"]["elapsed_seconds"] == 0
    assert at_last["reaction"]["due"] == "2026-11-23T08:00:00+00:00"
    later = json.loads(
        replay(cli_env, history(OPENED, now="2026-11-23T10:45:00+03:00"), "--json").stdout
    )
    assert later["reaction"]["elapsed_seconds"] == 45 * 60
    assert later["resolution"]["due"] == "2026-11-24T14:00:00+00:00"  # 16 h: Tue 17:00


def test_a_type_without_a_resolution_target_has_no_resolution_clock(
    cli_env: dict[str, str],
) -> None:
    result = replay(cli_env, json.dumps({"plan": "8x5", "type": "feature", "events": [OPENED]}))
    assert result.returncode == 0
    result = replay(
        cli_env, json.dumps({"plan": "8x5", "type": "feature", "events": [OPENED]}), "--json"
    )
    assert json.loads(result.stdout)["resolution"] is None


RESOLVED = {"at": "2026-11-23T11:00:00+03:00", "event": "resolved"}


@pytest.mark.parametrize(
    ("stdin", "reason"),
    [
        ("{not json", "the input is not JSON"),
        ("[1, 2]", "the input must be a JSON object"),
        (json.dumps({"plan": "8x5", "events": [OPENED]}), "the input lacks 'type'"),
        (history(OPENED, extra=1), "the input has unknown 'extra'"),
        (history(OPENED).replace('"8x5"', '"9x9"'), "unknown plan '9x9'"),
        (history(OPENED).replace('"incident"', '"lunch"'), "'type' must be one of"),
        (history(OPENED | {"priority": "P7"}), "event 1: 'priority' must be one of"),
        (history(OPENED, {"at": "2026-11-23T11:00:00+03:00", "event": "lunch"}), "'event' must"),
        (history({"at": "2026-11-23T10:00:00+03:00", "event": "opened"}), "lacks 'priority'"),
        (history(OPENED, {"event": "waiting"}), "event 2 (waiting) lacks 'at'"),
        (history(OPENED | {"at": "2026-11-23T10:00:00"}), "has no UTC offset"),
        (history(OPENED | {"at": "23.11.2026 10:00"}), "is not an ISO 8601 instant"),
        (history(OPENED, now="2026-11-23"), "'now' '2026-11-23' has no UTC offset"),
        (history(), "the first event must be 'opened'"),
        (history({"at": "2026-11-23T09:00:00+03:00", "event": "waiting"}), "must be 'opened'"),
        (history(OPENED, OPENED), "event 2 (opened): a request is opened once"),
        (
            history(OPENED, {"at": "2026-11-23T09:59:00+03:00", "event": "waiting"}),
            "event 2 (waiting) is earlier than",
        ),
        (history(OPENED, RESOLVED, RESOLVED), "event 3 (resolved): the request is already"),
        (
            history(OPENED, {"at": "2026-11-23T11:00:00+03:00", "event": "customer_replied"}),
            "event 2 (customer_replied): the customer replied to a request not waiting",
        ),
        (
            history(
                OPENED,
                RESOLVED,
                {"at": "2026-11-23T12:00:00+03:00", "event": "priority", "to": "P1"},
            ),
            "event 3 (priority): the priority of a resolved request is final",
        ),
        (
            history(OPENED, {"at": "2026-11-23T12:00:00+03:00", "event": "reopened"}),
            "only a resolved request can be reopened",
        ),
        (history(OPENED, RESOLVED, now="2026-11-23T10:30:00+03:00"), "'now' is earlier"),
        (
            history(OPENED | {"at": "1990-01-01T10:00:00+03:00"}),
            "no SLA policy of plan '8x5' in force",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(cli_env: dict[str, str], stdin: str, reason: str) -> None:
    result = replay(cli_env, stdin, "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert reason in lines[0]
