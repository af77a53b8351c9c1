"""The what-if read helper: Alfa's November on every plan, worked out by hand, and equal to
the live clocks under Alfa's own plan (8x5)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportdesk.calendars.engine import Calendars
from supportdesk.sla.policies import policy_of
from supportdesk.sla.reads import clock_state
from supportdesk.slamath.policy import PlanPolicy, PolicyRule, Priority, RequestType
from supportdesk.slamath.replay import replay
from supportdesk.staff.models import StaffRole
from supportdesk.tickets import actions
from supportdesk.tickets.access import ActionDenied, NotFound
from supportdesk.tickets.models import Channel, Request, Scope, Status
from supportdesk.tickets.whatif import history, what_if, what_if_organizations
from tests.tickets.conftest import DETAILED, MOSCOW, Desk, _staff, at

NOW = at(30, 12)  # Monday 30 Nov 2026
NOVEMBER = (datetime(2026, 11, 1, tzinfo=MOSCOW), datetime(2026, 12, 1, tzinfo=MOSCOW))


def open_(desk: Desk, customer: User, kind: RequestType, priority: Priority, when: datetime):
    return actions.open_request(
        actor=customer, contact=desk.contact(customer), request_type=kind,
        subject=f"{kind} {priority}", description=DETAILED, requested_priority=priority,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=when,
    )  # fmt: skip


def answer(desk: Desk, request: Request, when: datetime) -> None:
    actions.reply(actor=desk.engineer, request=request, body="Looking.", now=when)


@pytest.fixture
def november(desk: Desk) -> list[Request]:
    """R1 resolved in 11 working hours; R2 opened on a Saturday and waiting for the
    customer since Monday 11:00; R3 a feature request (no resolution clock); R4 a P4
    corrected to P1 after 7 h (its P1 due instant, Wednesday 15:00, already past)."""
    r1 = open_(desk, desk.anna, RequestType.INCIDENT, Priority.P3, at(23, 10))
    answer(desk, r1, at(23, 10, 30))
    actions.resolve(actor=desk.engineer, request=r1, summary="Done.", now=at(24, 12))
    r2 = open_(desk, desk.anna, RequestType.INCIDENT, Priority.P2, at(21, 12))
    answer(desk, r2, at(23, 10, 30))
    actions.set_status(actor=desk.engineer, request=r2, status=Status.WAITING, now=at(23, 11))
    r3 = open_(desk, desk.anna, RequestType.FEATURE, Priority.P4, at(24, 10))
    answer(desk, r3, at(24, 10, 10))
    r4 = open_(desk, desk.anna, RequestType.INCIDENT, Priority.P4, at(25, 10))
    answer(desk, r4, at(25, 10, 20))
    actions.correct_priority(
        actor=desk.engineer, request=r4, to=Priority.P1, reason="outage", now=at(25, 17)
    )
    # Not counted: October, and another organization.
    open_(
        desk,
        desk.anna,
        RequestType.INCIDENT,
        Priority.P3,
        datetime(2026, 10, 30, 12, tzinfo=MOSCOW),
    )
    open_(desk, desk.vera, RequestType.INCIDENT, Priority.P1, at(23, 10))
    return [r1, r2, r3, r4]


def test_each_plan_replays_the_organizations_period(desk: Desk, november: list[Request]) -> None:
    result = what_if(desk.lead, desk.alfa.pk, start=NOVEMBER[0], end=NOVEMBER[1], now=NOW)
    figures = {
        plan.plan: (
            plan.requests, plan.actual,
            (plan.reaction.met, plan.reaction.total), (plan.resolution.met, plan.resolution.total),
            plan.breaches,
        )
        for plan in result.plans
    }  # fmt: skip
    assert figures == {
        # Reaction: all answered within an hour of business time. Resolution: R1 met
        # (11 of 16 h), R2 paused after 1 of 8 h (not counted), R4 breached.
        "8x5": (4, 4, (4, 4), (1, 2), 1),
        # Around the clock: R1 took 26 h of 16, R2 waited 46.5 h for its answer and 47 h
        # ran before the pause (8 h target), R4 as P1 was due 15:00. R3 and R4 are answered
        # on business hours (a feature; an incident P4), within the hour.
        "24x7": (4, 0, (3, 4), (0, 3), 4),
        # Premium: 15 min to answer; R1 (30 min), R2 and R4 (20 min) are late, R3 (10) not.
        "premium": (4, 0, (1, 4), (0, 3), 6),
    }
    eight = result.plans[0]
    assert eight.reaction.share == Decimal("1.0000")
    assert eight.resolution.share == Decimal("0.5000")
    assert result.not_replayed == ()


def test_under_its_own_plan_the_replay_is_the_live_clocks(
    desk: Desk, november: list[Request]
) -> None:
    calendars = Calendars()
    requests = Request.objects.filter(pk__in=[r.pk for r in november]).select_related(
        "reaction_clock", "resolution_clock"
    )
    for request in requests:
        policy = policy_of(request.policy_version_id, now=NOW)

        def rule(
            p: Priority, request: Request = request, policy: PlanPolicy = policy
        ) -> PolicyRule:
            return policy.rule(RequestType(request.request_type), p)

        replayed = replay(history(request), rule=rule, calendars=calendars, now=NOW)
        assert replayed.reaction.state == clock_state(request.reaction_clock, now=NOW)[0]
        if request.resolution_clock is None:
            assert replayed.resolution is None
        else:
            assert replayed.resolution is not None
            assert replayed.resolution.state == clock_state(request.resolution_clock, now=NOW)[0]


def test_the_queries_do_not_grow_with_the_requests(desk: Desk, november: list[Request]) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            what_if(desk.lead, desk.alfa.pk, start=NOVEMBER[0], end=NOVEMBER[1], now=NOW)
        return len(captured)

    before = queries()
    for _ in range(5):
        r = open_(desk, desk.anna, RequestType.INCIDENT, Priority.P3, at(26, 10))
        answer(desk, r, at(26, 11))
        actions.set_status(actor=desk.engineer, request=r, status=Status.WAITING, now=at(26, 12))
    assert queries() == before <= 9


def test_who_may_ask(desk: Desk) -> None:
    assert list(what_if_organizations(desk.lead)) == [desk.alfa, desk.beta]
    assert list(what_if_organizations(desk.manager)) == [desk.alfa, desk.beta]
    other_manager = _staff("mila", StaffRole.MANAGER)
    assert list(what_if_organizations(other_manager)) == []
    with pytest.raises(NotFound):
        what_if(other_manager, desk.alfa.pk, start=NOVEMBER[0], end=NOVEMBER[1], now=NOW)
    with pytest.raises(ActionDenied):
        what_if_organizations(desk.engineer)
    with pytest.raises(NotFound):
        what_if_organizations(desk.anna)
