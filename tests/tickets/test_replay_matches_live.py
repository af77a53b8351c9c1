"""The replay and live requests share one engine and one set of rules: any history driven
through the real request actions and through ``supportdesk sla replay``'s engine ends
with the same clocks (events, due, elapsed, breach, stop)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportdesk.calendars.engine import Calendars
from supportdesk.sla.models import SlaClock
from supportdesk.sla.policies import policy_of
from supportdesk.sla.reads import clock_state, to_clock_event
from supportdesk.slamath.clock import ClockStatus, EventKind
from supportdesk.slamath.policy import PolicyRule, Priority, RequestType
from supportdesk.slamath.replay import Happened, ReplayedClock, RequestEvent, replay
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, PriorityDefinition, Request, Scope, Status
from tests.tickets.conftest import DETAILED, Desk, at

START = at(2, 0)  # Monday 2 Nov 2026, 00:00 Moscow; Wednesday the 4th is a holiday
STEPS = ("first_response", "waiting", "customer_replied", "priority", "resolved", "reopened")


# A rule-3 correction of the customer's priority names the definition it matches.
DEFINITION_OF = {
    Priority.P1: PriorityDefinition.P1_NOTHING_WORKS,
    Priority.P2: PriorityDefinition.P2_MASS_FAILURE,
    Priority.P3: PriorityDefinition.P3_WORKAROUND,
    Priority.P4: PriorityDefinition.P4_NOT_AFFECTED,
}


def fresh(request: Request) -> Request:
    return Request.objects.select_related("reaction_clock", "resolution_clock").get(pk=request.pk)


def drive(desk: Desk, customer: User, request: Request, step: str, to: Priority, now: datetime):
    """Do ``step`` to the live request through its action when the request's state allows
    it; the event the replay is given for it, or None when it was not done."""
    status, engineer = Status(request.status), desk.engineer
    if step == "first_response" and request.first_response_at is None:
        actions.reply(actor=engineer, request=request, body="Looking.", now=now)
        return RequestEvent(Happened.FIRST_RESPONSE, now)
    if step == "waiting" and status in (Status.NEW, Status.OPEN, Status.IN_PROGRESS):
        actions.set_status(actor=engineer, request=request, status=Status.WAITING, now=now)
        return RequestEvent(Happened.WAITING, now)
    if step == "customer_replied" and status is Status.WAITING:
        actions.reply(actor=customer, request=request, body="Logs attached.", now=now)
        return RequestEvent(Happened.CUSTOMER_REPLIED, now)
    if step == "priority" and status not in (Status.RESOLVED, Status.CLOSED):
        if to.value == request.priority:
            return None
        actions.correct_priority(
            actor=engineer, request=request, to=to, reason="rule 3", now=now,
            definition=DEFINITION_OF[to],
        )  # fmt: skip
        return RequestEvent(Happened.PRIORITY, now, to, "rule 3")
    if step == "resolved" and status not in (Status.RESOLVED, Status.CLOSED):
        actions.resolve(actor=engineer, request=request, summary="Fixed.", now=now)
        return RequestEvent(Happened.RESOLVED, now)
    if step == "reopened" and status is Status.RESOLVED:
        actions.reopen(actor=customer, request=request, reason="Still broken.", now=now)
        return RequestEvent(Happened.REOPENED, now)
    return None


def assert_same(live: SlaClock, replayed: ReplayedClock, now: datetime, calendars: Calendars):
    state, stored = clock_state(live, now=now)
    assert replayed.events == tuple(to_clock_event(event, calendars.names) for event in stored)
    assert replayed.state == state  # due, warnings, elapsed, breach, segments, target
    stops = [event.at for event in stored if event.kind == EventKind.STOP]
    stopped_at = stops[-1] if state.status is ClockStatus.STOPPED else None
    assert replayed.stopped_at == stopped_at


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    plan=st.sampled_from(["8x5", "premium"]),
    request_type=st.sampled_from([RequestType.INCIDENT, RequestType.CONSULTATION,
                                  RequestType.FEATURE]),
    priority=st.sampled_from(Priority),
    opened_after=st.integers(0, 6 * 24 * 60),
    steps=st.lists(
        st.tuples(st.sampled_from(STEPS), st.integers(0, 2 * 24 * 60), st.sampled_from(Priority)),
        max_size=9,
    ),
    then=st.integers(0, 3 * 24 * 60),
)  # fmt: skip
def test_replay_matches_the_live_request(
    desk: Desk,
    plan: str,
    request_type: RequestType,
    priority: Priority,
    opened_after: int,
    steps: list[tuple[str, int, Priority]],
    then: int,
) -> None:
    customer = desk.anna if plan == "8x5" else desk.vera
    moment = START + timedelta(minutes=opened_after)
    request = actions.open_request(
        actor=customer, contact=desk.contact(customer), request_type=request_type,
        subject="Replayed", description=DETAILED, requested_priority=priority,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=moment,
    )  # fmt: skip
    events = [RequestEvent(Happened.OPENED, moment, priority)]
    for step, gap, to in steps:
        moment += timedelta(minutes=gap)
        event = drive(desk, customer, fresh(request), step, to, moment)
        if event is not None:
            events.append(event)
    now = moment + timedelta(minutes=then)
    policy = policy_of(request.policy_version_id, now=now)

    def rule(p: Priority) -> PolicyRule:
        return policy.rule(request_type, p)

    calendars = Calendars()
    replayed = replay(events, rule=rule, calendars=calendars, now=now)
    live = fresh(request)
    assert_same(live.reaction_clock, replayed.reaction, now, calendars)
    if live.resolution_clock is None:
        assert replayed.resolution is None
    else:
        assert replayed.resolution is not None
        assert_same(live.resolution_clock, replayed.resolution, now, calendars)
