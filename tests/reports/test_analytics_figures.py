"""Exact figures for the hand-made month (tests/reports/conftest.py), computed by hand."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from supportdesk.reports.analytics import DIMENSIONS, Month, analytics, window
from tests.reports.conftest import NOW
from tests.reports.conftest import Month as Data

MOSCOW = ZoneInfo("Europe/Moscow")


def _alfa(data: Data):
    return analytics(window([data.desk.alfa_contract.pk], Month(2026, 11), MOSCOW, now=NOW))


def rows(table) -> dict[str, dict[str, object]]:
    keys = [c.key for c in table.columns]
    return {str(row[0]): dict(zip(keys, row, strict=True)) for row in table.rows}


def test_headline_figures(month: Data) -> None:
    s = _alfa(month).summary
    assert s.requests == 6  # r1..r6; Beta's request is not Alfa's
    # Reaction outcomes: r1 met, r2 breached (1.5 h > 1 h), r3 met;
    # r4's breach is still running (the sweeper has not counted it), r5 and r6 run.
    assert (s.reaction_counted, s.reaction_share) == (3, Decimal("0.6667"))
    # Resolution outcomes: r1, r2 and both episodes of r3, all within target.
    assert (s.resolution_counted, s.resolution_share) == (4, Decimal("1.0000"))
    # Resolved in the period: r1, r2, r3; only r1 with one vendor reply and no reopening.
    assert (s.resolved, s.fcr_share) == (3, Decimal("0.3333"))
    assert (s.reopened, s.reopen_rate) == (1, Decimal("0.3333"))


def test_breakdowns_by_channel_component_engineer(month: Data) -> None:
    result = _alfa(month)
    by_channel = rows(result.table("by_channel"))
    assert by_channel["web portal"]["requests"] == 5
    assert by_channel["e-mail"]["requests"] == 1
    by_component = rows(result.table("by_component"))
    assert by_component["(no component)"]["requests"] == 1
    assert sum(r["requests"] for r in by_component.values()) == 6  # type: ignore[misc]
    by_engineer = rows(result.table("by_engineer"))
    assert by_engineer["Egor"]["requests"] == 1
    assert by_engineer["(unassigned)"]["requests"] == 5
    assert by_engineer["(unassigned)"]["fcr"] == 1
    assert by_engineer["(unassigned)"]["reaction_share"] == Decimal("0.6667")
    assert [t.name for t in result.tables[: len(DIMENSIONS)]] == [
        "by_component", "by_channel", "by_type", "by_engineer", "by_team"
    ]  # fmt: skip


def test_backlog_age(month: Data) -> None:
    backlog = rows(_alfa(month).table("backlog"))
    assert backlog["P1"]["under_1d"] == 2  # r4, r5
    assert backlog["P1"]["total"] == 2
    assert backlog["P3"]["total"] == 1  # r6 after its correction
    assert backlog["P2"]["total"] == backlog["P4"]["total"] == 0


def test_time_in_status(month: Data) -> None:
    table = rows(_alfa(month).table("time_in_status"))
    # new: r1 1 h, r2 1.5 h, r3 1 h, r4 2 h, r5 50 min, r6 1 h = 7 h 20 min over 6 requests
    assert (table["new"]["requests"], table["new"]["hours"]) == (6, Decimal("7.3"))
    assert table["new"]["mean_hours"] == Decimal("1.2")
    # open: r2 15 min, r3 15 min after its reopening (r1 passed through it in no time)
    assert (table["open"]["requests"], table["open"]["hours"]) == (2, Decimal("0.5"))
    # resolved: r1 1 h, r2 15 min, r3 30 min + 15 min = 2 h over 3 requests
    assert (table["resolved"]["requests"], table["resolved"]["hours"]) == (3, Decimal("2.0"))
    assert table["resolved"]["mean_hours"] == Decimal("0.7")


def test_priority_changes_by_rule(month: Data) -> None:
    table = _alfa(month).table("priority_changes")
    counts = [row[1] for row in table.rows]
    assert counts == [1, 0, 1, 0, 0]  # rule 1 (r6 to P4), rule 3 up (r6 P4 -> P3)


def test_another_month_is_empty(month: Data) -> None:
    result = analytics(window([month.desk.alfa_contract.pk], Month(2026, 10), MOSCOW, now=NOW))
    assert result.summary.requests == 0
    assert result.summary.resolved == 0


def test_month_parsing() -> None:
    assert str(Month.parse("2026-11")) == "2026-11"
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2026, 1).previous() == Month(2025, 12)
    for bad in ("2026-13", "2026-1", "26-11", "2026/11", "abcd-ef"):
        try:
            Month.parse(bad)
        except ValueError:
            continue
        raise AssertionError(bad)
