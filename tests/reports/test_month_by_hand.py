"""November 2026 of Alfa's 8x5 contract, computed by hand: six requests on the support
calendar (10:00-19:00 Moscow, working days; 4 November is a holiday), driven through the
real actions and the sweeper with known times, then the report's JSON figure by figure.

    SD-R1 P2  reply 10:30; waiting 11-12; resolved 15:00: both met; 1 h paused
    SD-R2 P3  reply 10:15 (as P3); raised to P2 at 11:00; resolved next day 10:00: 9 h > 8 h
    SD-R3 P2  reply 10:20; resolution breached Fri 27 18:00, running at the month's end,
              resolved 1 December 12:00: counted in November, 20 h against 8 h
    SD-R4 P4  no reply until 1 December 10:30: reaction breached Mon 30 11:00
    SD-R5 P2  reply 10:10; resolved 12:00; reopened next day 10:00, resolved 11:00: two
              met resolution episodes, one reopening
    SD-R6 P4  excluded by the lead as a duplicate (its breached reaction drops out)
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from supportdesk.calendars.actions import calendar_edited
from supportdesk.calendars.models import BusinessCalendar
from supportdesk.reports.as_json import report_as_json
from supportdesk.reports.sla_report import build_sla_report
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Request, Scope, Status
from supportdesk.tickets.sweeper import sweep_sla
from tests.tickets.conftest import DETAILED, MOSCOW, Desk, at

pytestmark = pytest.mark.django_db

REPORT_NOW = datetime(2026, 12, 2, 12, tzinfo=MOSCOW)


def december(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=MOSCOW)


def z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def open_(desk: Desk, priority: Priority, when: datetime, subject: str) -> Request:
    return actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject=subject, description=DETAILED, requested_priority=priority,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=when,
    )  # fmt: skip


def november(desk: Desk) -> dict[str, Request]:
    agent = desk.agent
    r1 = open_(desk, Priority.P2, at(23, 10), "R1")
    actions.reply(actor=agent, request=r1, body="Looking", now=at(23, 10, 30))
    actions.set_status(
        actor=agent, request=r1, status=Status.WAITING, reason="logs please", now=at(23, 11)
    )
    actions.reply(actor=desk.anna, request=r1, body="Logs", now=at(23, 12))
    actions.resolve(actor=agent, request=r1, summary="Fixed", now=at(23, 15))

    r2 = open_(desk, Priority.P3, at(24, 10), "R2")
    actions.reply(actor=agent, request=r2, body="Looking", now=at(24, 10, 15))
    actions.raise_priority(
        actor=agent, request=r2, to=Priority.P2, reason="all users affected", now=at(24, 11)
    )
    actions.resolve(actor=agent, request=r2, summary="Fixed", now=at(25, 10))

    r5 = open_(desk, Priority.P2, at(25, 10), "R5")
    actions.reply(actor=agent, request=r5, body="Looking", now=at(25, 10, 10))
    actions.resolve(actor=agent, request=r5, summary="Fixed", now=at(25, 12))
    actions.reopen(actor=desk.anna, request=r5, reason="Again", now=at(26, 10))
    actions.resolve(actor=agent, request=r5, summary="Fixed again", now=at(26, 11))

    r6 = open_(desk, Priority.P4, at(26, 10), "R6")
    actions.exclude_from_sla(
        request=r6, reason="Duplicate of R5", actor=desk.lead, now=at(26, 10, 30)
    )

    r3 = open_(desk, Priority.P2, at(27, 10), "R3")
    actions.reply(actor=agent, request=r3, body="Looking", now=at(27, 10, 20))
    sweep_sla(now=at(27, 18, 30))  # R3's resolution (and R6's reaction) breached

    r4 = open_(desk, Priority.P4, at(30, 10), "R4")
    sweep_sla(now=at(30, 11, 30))  # R4's reaction breached at 11:00

    actions.reply(actor=agent, request=r4, body="Sorry", now=december(1, 10, 30))
    actions.resolve(actor=agent, request=r3, summary="Fixed", now=december(1, 12))
    return {"R1": r1, "R2": r2, "R3": r3, "R4": r4, "R5": r5, "R6": r6}


def figures(total: int, met: int, median: int | None, p90: int | None, **more: Any) -> dict:  # type: ignore[type-arg]
    result = {
        "total": total, "met": met, "breached": total - met,
        "share": more.pop("share"), "median_seconds": median, "p90_seconds": p90,
    }  # fmt: skip
    result.update(more)
    return result


H = 3600
EMPTY = figures(0, 0, None, None, share=None, max_seconds=None, paused_total_seconds=0,
                paused_median_seconds=None)  # fmt: skip


def test_november_by_hand(desk: Desk) -> None:
    r = november(desk)

    report = report_as_json(build_sla_report(desk.alfa_contract, date(2026, 11, 1), now=REPORT_NOW))

    assert (report["contract"], report["period"], report["target"]) == ("A-1", "2026-11", "0.90")
    assert report["cutoff"] == z(datetime(2026, 12, 1, tzinfo=MOSCOW))
    # Reaction: 1800, 900, 1200, 34200 (R4, breached), 600.
    assert report["reaction"] == figures(
        5, 4, 1200, 34200, share="0.8000", max_seconds=34200, paused_total_seconds=0,
        paused_median_seconds=0,
    )  # fmt: skip
    # Resolution: R1 4 h (1 h paused), R2 9 h, R3 20 h, R5 2 h and 3 h.
    assert report["resolution"] == figures(
        5, 3, 4 * H, 20 * H, share="0.6000", max_seconds=20 * H, paused_total_seconds=H,
        paused_median_seconds=0,
    )  # fmt: skip
    by_priority = report["by_priority"]
    assert list(by_priority) == ["P1", "P2", "P3", "P4"]
    assert by_priority["P1"] == {"count": 0, "reaction": EMPTY, "resolution": EMPTY}
    # R2's reaction stopped while it was P3; its resolution counted as P2.
    assert by_priority["P2"]["count"] == 4
    assert by_priority["P2"]["reaction"] == figures(
        3, 3, 1200, 1800, share="1.0000", max_seconds=1800, paused_total_seconds=0,
        paused_median_seconds=0,
    )  # fmt: skip
    assert by_priority["P2"]["resolution"] == report["resolution"]
    assert by_priority["P3"] == {
        "count": 1,
        "reaction": figures(1, 1, 900, 900, share="1.0000", max_seconds=900,
                            paused_total_seconds=0, paused_median_seconds=0),
        "resolution": EMPTY,
    }  # fmt: skip
    assert by_priority["P4"]["reaction"]["share"] == "0.0000"
    assert [
        (b["request"], b["clock"], b["due"], b["stopped_at"], b["overrun_seconds"])
        for b in report["breaches"]
    ] == [
        (r["R2"].reference, "resolution", z(at(24, 18)), z(at(25, 10)), H),
        (r["R3"].reference, "resolution", z(at(27, 18)), z(december(1, 12)), 12 * H),
        (r["R4"].reference, "reaction", z(at(30, 11)), z(december(1, 10, 30)), 8 * H + 1800),
    ]
    r2 = report["breaches"][0]
    assert [(s["from"], s["to"]) for s in r2["priority_history"]] == [(None, "P3"), ("P3", "P2")]
    # A reason the system wrote: its code, and its text (never the stored encoding).
    first_step = r2["priority_history"][0]
    assert first_step["reason_code"] is not None
    assert not first_step["reason"].startswith("{")
    assert [e["event"] for e in r2["timeline"]] == ["start", "target", "stop"]
    assert report["excluded"] == [
        {"request": r["R6"].reference, "request_id": r["R6"].pk, "subject": "R6",
         "reason": "Duplicate of R5"}
    ]  # fmt: skip
    assert (report["backlog_at_end"], report["carried_over"]) == (2, 0)  # R3 and R4
    assert (report["reopened"], report["reopen_rate"]) == (1, "0.2500")  # of 4 resolutions
    assert report["trend"][-1] == {
        "period": "2026-11", "requests": 5, "reaction_share": "0.8000",
        "resolution_share": "0.6000",
    }  # fmt: skip
    assert [point["period"] for point in report["trend"]][:2] == ["2025-12", "2026-01"]
    support = next(c for c in report["calendars"] if c["name"] == "ru-support")
    assert support["holidays"] == [{"date": "2026-11-04", "name": support["holidays"][0]["name"]}]
    assert report["policy_versions"] == ["8x5 v1"]


def test_a_calendar_edit_after_the_month_does_not_change_it(desk: Desk) -> None:
    november(desk)
    before = report_as_json(build_sla_report(desk.alfa_contract, date(2026, 11, 1), now=REPORT_NOW))

    support = BusinessCalendar.objects.get(name="ru-support")
    for day in BusinessCalendar.WEEKDAY_FIELDS[:5]:
        setattr(support, day, "09:00-19:00")  # an hour more every working day
    support.save()
    calendar_edited(calendar=support, actor=desk.lead, now=december(2, 11), changed=["hours"])

    after = report_as_json(build_sla_report(desk.alfa_contract, date(2026, 11, 1), now=REPORT_NOW))
    assert after == before
