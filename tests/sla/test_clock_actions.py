"""Clock actions persist the event and the derived, indexed deadlines."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from supportdesk.sla.actions import (
    change_clock_target,
    pause_clock,
    resume_clock,
    start_clock,
    stop_clock,
)
from supportdesk.sla.models import ClockKind, SlaClock, SlaClockEvent
from supportdesk.slamath.clock import ClockError
from supportdesk.slamath.policy import Target

pytestmark = pytest.mark.django_db
MOSCOW = ZoneInfo("Europe/Moscow")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=MOSCOW)


def new_clock(hours: float = 8, calendar: str = "ru-support") -> SlaClock:
    target = Target(timedelta(hours=hours), calendar)
    return start_clock(kind=ClockKind.RESOLUTION, target=target, at=at(23, 10), now=at(23, 10))


def test_start_persists_due_and_warning_instants() -> None:
    clock = SlaClock.objects.get(pk=new_clock().pk)
    assert clock.status == "running"
    assert clock.calendar is not None
    assert clock.calendar.name == "ru-support"
    assert clock.target_seconds == 8 * 3600
    assert clock.due_at == at(23, 18)
    assert clock.warning_75_at == at(23, 16)
    assert clock.warning_90_at == at(23, 17, 12)
    assert clock.next_alert_at == at(23, 16)
    assert clock.started_at == at(23, 10)


def test_waiting_for_customer_pauses_and_the_reply_resumes() -> None:
    clock = new_clock()
    clock = pause_clock(clock=clock, at=at(23, 12), now=at(23, 12), reason="waiting for customer")
    assert (clock.status, clock.due_at, clock.next_alert_at) == ("paused", None, None)
    assert clock.elapsed_seconds == 2 * 3600
    clock = resume_clock(clock=clock, at=at(24, 10), now=at(24, 10), reason="customer replied")
    assert clock.due_at == at(24, 16)


def test_priority_change_keeps_the_original_start() -> None:
    clock = new_clock(hours=40)
    clock = change_clock_target(
        clock=clock, target=Target(timedelta(hours=5), "ru-support"), at=at(23, 11), now=at(23, 11),
        reason="P4 -> P1: mass failure of messaging",
    )  # fmt: skip
    assert clock.due_at == at(23, 15)
    assert clock.target_seconds == 5 * 3600
    assert clock.started_at == at(23, 10)


def test_stop_then_reopen() -> None:
    clock = stop_clock(clock=new_clock(), at=at(23, 12), now=at(23, 12), reason="resolved")
    assert (clock.status, clock.due_at, clock.breached_at) == ("stopped", None, None)
    clock = resume_clock(clock=clock, at=at(24, 10), now=at(24, 10), reason="reopened")
    assert clock.due_at == at(24, 16)


def test_a_breached_clock_records_when_it_breached() -> None:
    clock = new_clock(hours=1)
    clock = pause_clock(clock=clock, at=at(23, 15), now=at(23, 15))
    assert clock.breached_at == at(23, 11)


def test_an_impossible_event_is_refused_and_nothing_is_written() -> None:
    clock = new_clock()
    with pytest.raises(ClockError, match="cannot resume a clock that is running"):
        resume_clock(clock=clock, at=at(23, 11), now=at(23, 11))
    with pytest.raises(ClockError, match="earlier than"):
        pause_clock(clock=clock, at=at(23, 9), now=at(23, 11))
    with pytest.raises(ClockError, match="future"):
        pause_clock(clock=clock, at=at(23, 12), now=at(23, 11))
    assert SlaClockEvent.objects.filter(clock=clock).count() == 1
