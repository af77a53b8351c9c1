"""The report over a quarter or a calendar year: the counting rule is the month's, so a
year's counts are the sums of its twelve months' and its medians, p90 and maxima those of
the whole year's outcomes; PostgreSQL computes them with ``percentile_disc`` in SQL, the
embedded SQLite in Python, and both equal ``nearest_rank`` (run on both databases)."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportdesk.reports.as_json import report_as_json
from supportdesk.reports.management.commands.report import Command
from supportdesk.reports.periods import Period, PeriodKind, parse_quarter, parse_year
from supportdesk.reports.sla_report import (
    _counted_in_python,
    _counted_in_sql,
    build_sla_report,
    nearest_rank,
)
from supportdesk.sla.models import ClockKind
from supportdesk.slamath.policy import Priority
from supportdesk.tickets.models import ClockOutcome, Request
from tests.tickets.conftest import MOSCOW, Desk
from tests.workspace.conftest import open_

pytestmark = pytest.mark.django_db

AFTER_THE_YEAR = datetime(2027, 1, 15, 12, tzinfo=UTC)
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="percentile_disc is PostgreSQL's"
)

# -- the period itself (no database) ---------------------------------------------------------


def test_periods_parse_and_span() -> None:
    assert Period.parse("2026-11") == Period(PeriodKind.MONTH, date(2026, 11, 1))
    quarter = Period.parse("2026-Q4")
    assert (quarter.start, quarter.end, quarter.label) == (
        date(2026, 10, 1), date(2027, 1, 1), "2026-Q4"
    )  # fmt: skip
    assert quarter.months == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    year = Period.parse("2026")
    assert (year.start, year.end, year.label, len(year.months)) == (
        date(2026, 1, 1), date(2027, 1, 1), "2026", 12
    )  # fmt: skip
    assert year.last_month == date(2026, 12, 1)
    assert Period.containing(PeriodKind.QUARTER, date(2026, 5, 17)).label == "2026-Q2"
    for bad in ("2026-13", "2026-Q5", "26", "2026-Q", "", "2026/11", "0000"):
        with pytest.raises(ValueError, match="is not YYYY"):
            Period.parse(bad)
    with pytest.raises(ValueError, match="is not YYYY-Qn"):
        parse_quarter("2026")
    with pytest.raises(ValueError, match="is not YYYY"):
        parse_year("2026-01")
    with pytest.raises(ValueError, match="does not start a quarter"):
        Period(PeriodKind.QUARTER, date(2026, 2, 1))


# -- nearest rank in SQL equals the Python definition ----------------------------------------


@on_postgres
def test_percentile_disc_is_the_nearest_rank_for_every_count_up_to_5000() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n, (SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY v)"
            " FROM generate_series(1, n) v),"
            " (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY v)"
            " FROM generate_series(1, n) v)"
            " FROM generate_series(1, 5000) n"
        )
        rows = cursor.fetchall()
    assert len(rows) == 5000
    for n, p90, median in rows:
        values = list(range(1, n + 1))
        assert (p90, median) == (
            nearest_rank(values, Decimal("0.9")),
            nearest_rank(values, Decimal("0.5")),
        ), n
        assert p90 == max(1, math.ceil(Decimal(9 * n) / 10))


@on_postgres
@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2**31 - 1), min_size=1, max_size=300))
def test_percentile_disc_equals_nearest_rank_on_any_values(values: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY v),"
            " percentile_disc(0.9) WITHIN GROUP (ORDER BY v) FROM unnest(%s::integer[]) v",
            [values],
        )
        median, p90 = cursor.fetchone()
    assert (median, p90) == (
        nearest_rank(values, Decimal("0.5")),
        nearest_rank(values, Decimal("0.9")),
    )


# -- a year of outcomes ------------------------------------------------------------------------

OUTCOME = st.tuples(
    st.integers(min_value=0, max_value=364 * 24 * 60 - 1),  # minute of 2026 (Moscow)
    st.sampled_from([ClockKind.REACTION, ClockKind.RESOLUTION]),
    st.sampled_from([p.value for p in Priority]),
    st.booleans(),  # met
    st.integers(min_value=0, max_value=400_000),  # elapsed
    st.integers(min_value=0, max_value=50_000),  # paused
    st.integers(min_value=0, max_value=3),  # which request
)


def _requests(desk: Desk) -> list[Request]:
    found = list(Request.objects.filter(contract=desk.alfa_contract).order_by("pk")[:4])
    if len(found) < 4:
        found = [open_(desk, Priority.P3, f"case {n}") for n in range(4)]
    return found


def _write(desk: Desk, outcomes: list[tuple[Any, ...]]) -> list[ClockOutcome]:
    ClockOutcome.objects.filter(contract=desk.alfa_contract).delete()
    requests = _requests(desk)
    rows = []
    for minute, kind, priority, met, elapsed, paused, which in outcomes:
        request = requests[which]
        clock = request.reaction_clock if kind == ClockKind.REACTION else request.resolution_clock
        assert clock is not None
        counted = datetime(2026, 1, 1, tzinfo=MOSCOW) + timedelta(minutes=minute)
        rows.append(
            ClockOutcome(
                request=request,
                contract=desk.alfa_contract,
                clock=clock,
                kind=kind,
                priority=priority,
                request_type=request.request_type,
                policy_version_id=request.policy_version_id,
                calendar_id=clock.calendar_id,
                calendar_revision="1/1",
                target_seconds=3600,
                episode_started_at=counted - timedelta(hours=1),
                due_at=counted,
                breached_at=None if met else counted,
                stopped_at=counted,
                counted_at=counted,
                elapsed_seconds=elapsed,
                paused_seconds=paused,
                met=met,
                recorded_at=counted,
            )
        )
    return ClockOutcome.objects.bulk_create(rows)


def _expected(rows: list[ClockOutcome]) -> dict[str, Any]:
    """The figures of ``rows`` by the definitions: totals, nearest ranks over all of them."""

    def clock(mine: list[ClockOutcome]) -> dict[str, Any]:
        elapsed = [row.elapsed_seconds for row in mine]
        paused = [row.paused_seconds for row in mine]
        met = sum(row.met for row in mine)
        return {
            "total": len(mine),
            "met": met,
            "breached": len(mine) - met,
            "share": None if not mine else str(
                (Decimal(met) / len(mine)).quantize(Decimal("0.0001"), "ROUND_HALF_UP")
            ),
            "median_seconds": nearest_rank(elapsed, Decimal("0.5")),
            "p90_seconds": nearest_rank(elapsed, Decimal("0.9")),
            "max_seconds": max(elapsed) if elapsed else None,
            "paused_total_seconds": sum(paused),
            "paused_median_seconds": nearest_rank(paused, Decimal("0.5")),
        }  # fmt: skip

    return {
        "reaction": clock([r for r in rows if r.kind == ClockKind.REACTION]),
        "resolution": clock([r for r in rows if r.kind == ClockKind.RESOLUTION]),
        "by_priority": {
            p.value: {
                "count": len({r.request_id for r in rows if r.priority == p.value}),
                "reaction": clock(
                    [r for r in rows if r.priority == p.value and r.kind == ClockKind.REACTION]
                ),
                "resolution": clock(
                    [r for r in rows if r.priority == p.value and r.kind == ClockKind.RESOLUTION]
                ),
            }
            for p in Priority
        },
        "breaches": len([r for r in rows if not r.met]),
    }


CLOCK_KEYS = ("total", "met", "breached", "share", "median_seconds", "p90_seconds",
              "max_seconds", "paused_total_seconds", "paused_median_seconds")  # fmt: skip


def _figures(report: dict[str, Any]) -> dict[str, Any]:
    def clock(values: dict[str, Any]) -> dict[str, Any]:
        return {key: values[key] for key in CLOCK_KEYS}

    return {
        "reaction": clock(report["reaction"]),
        "resolution": clock(report["resolution"]),
        "by_priority": {
            p: {"count": v["count"], "reaction": clock(v["reaction"]),
                "resolution": clock(v["resolution"])}
            for p, v in report["by_priority"].items()
        },
        "breaches": len(report["breaches"]),
    }  # fmt: skip


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(outcomes=st.lists(OUTCOME, max_size=40))
def test_the_year_is_its_months_merged(desk: Desk, outcomes: list[tuple[Any, ...]]) -> None:
    rows = _write(desk, outcomes)
    contract = desk.alfa_contract
    year = report_as_json(build_sla_report(contract, Period.parse("2026"), now=AFTER_THE_YEAR))
    assert (year["period"], year["period_kind"]) == ("2026", "year")
    # The medians and p90 of the whole year's outcomes, not of the months' medians.
    assert _figures(year) == _expected(rows)
    months = [
        report_as_json(build_sla_report(contract, month, now=AFTER_THE_YEAR))
        for month in Period.parse("2026").months
    ]
    for kind in ("reaction", "resolution"):
        for key in ("total", "met", "breached", "paused_total_seconds"):
            assert year[kind][key] == sum(month[kind][key] for month in months)
        assert year[kind]["max_seconds"] == max(
            (m[kind]["max_seconds"] for m in months if m[kind]["max_seconds"] is not None),
            default=None,
        )
    assert len(year["breaches"]) == sum(len(month["breaches"]) for month in months)
    assert sorted(b["request_id"] for b in year["breaches"]) == sorted(
        b["request_id"] for month in months for b in month["breaches"]
    )
    # The trend of a year: its own twelve months, each as its month's report counts it.
    assert [point["period"] for point in year["trend"]] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert [p["reaction_share"] for p in year["trend"]] == [m["reaction"]["share"] for m in months]
    assert [p["resolution_share"] for p in year["trend"]] == [
        m["resolution"]["share"] for m in months
    ]
    # A quarter is its three months too.
    quarter = report_as_json(
        build_sla_report(contract, Period.parse("2026-Q2"), now=AFTER_THE_YEAR)
    )
    assert quarter["period"] == "2026-Q2"
    assert quarter["reaction"]["total"] == sum(m["reaction"]["total"] for m in months[3:6])
    assert _figures(quarter) == _expected(
        [
            r
            for r in rows
            if date(2026, 4, 1) <= r.counted_at.astimezone(MOSCOW).date() < date(2026, 7, 1)
        ]
    )


@on_postgres
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(outcomes=st.lists(OUTCOME, max_size=40))
def test_sql_and_python_paths_agree(desk: Desk, outcomes: list[tuple[Any, ...]]) -> None:
    _write(desk, outcomes)
    start = datetime(2026, 1, 1, tzinfo=MOSCOW).astimezone(UTC)
    cutoff = datetime(2027, 1, 1, tzinfo=MOSCOW).astimezone(UTC)
    period = ClockOutcome.objects.filter(
        contract=desk.alfa_contract, counted_at__gte=start, counted_at__lt=cutoff
    )
    in_sql, in_python = (
        _counted_in_sql(period, start, cutoff),
        _counted_in_python(period, start, cutoff),
    )
    assert in_sql.by_kind == in_python.by_kind
    assert in_sql.by_priority == in_python.by_priority
    assert in_sql.requests == in_python.requests
    assert in_sql.resolved == in_python.resolved
    assert in_sql.revisions == in_python.revisions
    assert in_sql.policy_version_ids == in_python.policy_version_ids


# -- the forms ----------------------------------------------------------------------------------


def run(*args: str) -> None:
    Command().run_from_argv(["supportdesk", "report", "sla", *args])


def test_the_command_takes_a_year_and_a_quarter(
    desk: Desk, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = _write(
        desk,
        [
            (60 * 24 * 40, ClockKind.REACTION, "P2", False, 7200, 0, 0),
            (60 * 24 * 200, ClockKind.RESOLUTION, "P3", True, 3600, 60, 1),
        ],
    )
    assert len(rows) == 2
    with time_machine.travel(AFTER_THE_YEAR, tick=False):
        run("--contract", "A-1", "--year", "2026", "--format", "json")
        year = json.loads(capsys.readouterr().out)
        run("--contract", "A-1", "--quarter", "2026-Q1", "--format", "json")
        quarter = json.loads(capsys.readouterr().out)
        run("--contract", "A-1", "--year", "2026", "--format", "xlsx",
            "--output", str(tmp_path / "year.xlsx"))  # fmt: skip
    assert (year["period"], year["reaction"]["total"], year["resolution"]["total"]) == (
        "2026",
        1,
        1,
    )
    assert len(year["breaches"]) == 1
    assert year["breaches"][0]["overrun_seconds"] == 3600
    assert (quarter["period"], quarter["reaction"]["total"], quarter["resolution"]["total"]) == (
        "2026-Q1",
        1,
        0,
    )
    assert (tmp_path / "year.xlsx").read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    "args",
    [
        ("--year", "26"),
        ("--year", "2026-01"),
        ("--quarter", "2026-Q5"),
        ("--quarter", "2026"),
        ("--year", "2026", "--month", "2026-01"),
    ],
)
def test_a_malformed_period_exits_2(
    desk: Desk, args: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run("--contract", "A-1", *args, "--format", "json")
    assert exit_.value.code == 2
    assert capsys.readouterr().err.strip()


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_year_and_quarter_pages_with_the_period_chooser(desk: Desk) -> None:
    _write(desk, [(60 * 24 * 40, ClockKind.REACTION, "P2", False, 7200, 0, 0)])
    with time_machine.travel(AFTER_THE_YEAR, tick=False):
        admin = signed_in(desk.alfa_admin)
        page = admin.get("/portal/reports/A-1/2026/")
        assert page.status_code == 200
        html = page.content.decode()
        assert 'href="/portal/reports/A-1/2026-Q3/"' in html
        assert 'href="/portal/reports/A-1/2026-07/"' in html
        assert '<strong aria-current="page">2026</strong>' in html
        assert "SD-" in html  # the year's breach is listed
        assert admin.get("/portal/reports/A-1/2026-Q4/").status_code == 200
        assert (
            admin.get("/portal/reports/").content.decode().count('href="/portal/reports/A-1/2026/"')
            == 1
        )
        pdf = admin.get("/portal/reports/A-1/2026/xlsx")
        assert pdf.status_code == 200
        assert "sla-a-1-2026.xlsx" in pdf["Content-Disposition"]
        # Another organization's contract, a year before the contract, the future: 404.
        assert admin.get("/portal/reports/B-1/2026/").status_code == 404
        assert admin.get("/portal/reports/A-1/2025/").status_code == 404
        assert admin.get("/portal/reports/A-1/2027-Q2/").status_code == 404
        assert admin.get("/portal/reports/A-1/2026-Q9/").status_code == 404
        assert signed_in(desk.anna).get("/portal/reports/A-1/2026/").status_code == 404
        desk_page = signed_in(desk.manager).get("/desk/reports/B-1/2026/")
        assert desk_page.status_code == 200


def test_a_long_periods_breaches_are_shown_a_page_at_a_time(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from supportdesk.reports import pages

    monkeypatch.setattr(pages, "BREACHES_PER_PAGE", 2)
    # Five breaches over the year, one request each day apart (due order = write order).
    _write(
        desk,
        [(60 * 24 * (40 + n), ClockKind.RESOLUTION, "P3", False, 9000 + n, 0, n % 4)
         for n in range(5)],
    )  # fmt: skip
    with time_machine.travel(AFTER_THE_YEAR, tick=False):
        full = build_sla_report(
            desk.alfa_contract, Period.year(date(2026, 1, 1)), now=AFTER_THE_YEAR
        )
        assert full.breach_count == len(full.breaches) == 5
        # The pages, read a page at a time from the database, are the full list cut up.
        paged = [
            build_sla_report(
                desk.alfa_contract,
                Period.year(date(2026, 1, 1)),
                now=AFTER_THE_YEAR,
                breach_page=slice(first, first + 2),
            )
            for first in (0, 2, 4)
        ]
        assert [report.breaches_total for report in paged] == [5, 5, 5]
        assert [report.breaches_offset for report in paged] == [0, 2, 4]
        assert [b for report in paged for b in report.breaches] == list(full.breaches)
        assert [b.due_at for b in full.breaches] == sorted(b.due_at for b in full.breaches)
        admin = signed_in(desk.alfa_admin)
        shown = []
        for number in (1, 2, 3):
            html = admin.get(f"/portal/reports/A-1/2026/?breaches={number}").content.decode()
            assert f'<strong aria-current="page">{number}</strong>' in html
            shown.append(html)
        # Each page lists its own breaches (2, 2, 1 rows); the figures count all five.
        rows = [
            html.count('<tr>\n    <th scope="row"><a href="/portal/requests/') for html in shown
        ]
        assert rows == [2, 2, 1]
        assert all("Нарушения" in html or "Breaches" in html for html in shown)
        assert 'rel="next"' in shown[0]
        assert 'rel="prev"' not in shown[0]
        assert 'rel="prev"' in shown[2]
        assert 'rel="next"' not in shown[2]
        # A malformed or out-of-range page is the first page or an empty one, never an error.
        assert admin.get("/portal/reports/A-1/2026/?breaches=x").status_code == 200
        assert admin.get("/portal/reports/A-1/2026/?breaches=99").status_code == 200
        # The spreadsheet still holds every breach.
        assert admin.get("/portal/reports/A-1/2026/xlsx").status_code == 200
