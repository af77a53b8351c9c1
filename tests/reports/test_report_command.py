"""``supportdesk report sla``: the JSON contract scripts rely on, and exit 2 with one line
for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import time_machine

from supportdesk.reports.management.commands.report import Command
from supportdesk.reports.sla_report import parse_month
from tests.reports.test_month_by_hand import REPORT_NOW, november
from tests.tickets.conftest import Desk

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "reporting"])


def run(*args: str) -> None:
    Command().run_from_argv(["supportdesk", "report", "sla", *args])


def test_json_has_the_contract_keys(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    november(desk)
    with time_machine.travel(REPORT_NOW, tick=False):
        run("--contract", "A-1", "--month", "2026-11", "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert {"contract", "period", "target", "reaction", "resolution", "by_priority",
            "breaches"} <= set(report)  # fmt: skip
    clock_keys = {"total", "met", "breached", "share", "median_seconds", "p90_seconds"}
    assert clock_keys <= set(report["reaction"])
    assert clock_keys <= set(report["resolution"])
    assert set(report["by_priority"]) == {"P1", "P2", "P3", "P4"}
    assert clock_keys <= set(report["by_priority"]["P2"]["resolution"])
    assert {"request", "clock", "due", "stopped_at", "overrun_seconds"} <= set(
        report["breaches"][0]
    )
    assert (report["period"], report["target"], report["reaction"]["share"]) == (
        "2026-11", "0.90", "0.8000"
    )  # fmt: skip


def test_json_to_a_file(desk: Desk, tmp_path: Path) -> None:
    output = tmp_path / "report.json"
    run("--contract", "B-1", "--month", "2026-11", "--format", "json", "--output", str(output))
    report = json.loads(output.read_text(encoding="utf-8"))
    assert (report["contract"], report["reaction"]["total"], report["reaction"]["share"]) == (
        "B-1", 0, None
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--contract", "NO-SUCH", "--month", "2026-11", "--format", "json"],
         "error: unknown contract 'NO-SUCH'\n"),
        (["--contract", "A-1", "--month", "2026-13", "--format", "json"],
         "error: month '2026-13' is not YYYY-MM (e.g. 2026-11)\n"),
        (["--contract", "A-1", "--month", "November", "--format", "json"],
         "error: month 'November' is not YYYY-MM (e.g. 2026-11)\n"),
        (["--contract", "A-1", "--month", "2026-11", "--format", "pdf"],
         "error: --format pdf needs --output FILE\n"),
        (["--contract", "A-1", "--month", "2026-11", "--format", "xlsx"],
         "error: --format xlsx needs --output FILE\n"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(
    desk: Desk, capsys: pytest.CaptureFixture[str], args: list[str], reason: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(*args)
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", reason)


def test_a_missing_option_exits_2(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        run("--contract", "A-1", "--format", "json")
    assert exit_.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize("text", ["2026-1", "26-11", "2026-00", "2026-11-01", ""])
def test_parse_month_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="is not YYYY-MM"):
        parse_month(text)


def test_parse_month() -> None:
    assert parse_month("2026-11") == parse_month(" 2026-11 ").replace(day=1)
    assert str(parse_month("2027-01")) == "2027-01-01"
