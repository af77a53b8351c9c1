"""A bug's milestones (workaround given, handed to development) through the live actions
and through the replay end with the same clocks, under either policy choice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportdesk.calendars.engine import Calendars
from supportdesk.development import actions as development
from supportdesk.sla import policies
from supportdesk.sla.models import PolicyVersion
from supportdesk.sla.policies import policy_of
from supportdesk.slamath.policy import BugClockStop, PolicyRule, Priority, RequestType
from supportdesk.slamath.replay import Happened, RequestEvent, replay
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Request, Scope, Status
from tests.tickets.conftest import DETAILED, Desk
from tests.tickets.test_replay_matches_live import START, assert_same, drive, fresh

STEPS = ("first_response", "waiting", "customer_replied", "priority", "resolved", "reopened",
         "workaround", "handed_over")  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_policy_cache() -> Iterator[None]:
    policies._in_force.clear()
    yield
    policies._in_force.clear()


def milestone(desk: Desk, request: Request, step: str, now, done: set[str]):  # type: ignore[no-untyped-def]
    if step in done or request.status not in (
        Status.NEW, Status.OPEN, Status.IN_PROGRESS, Status.WAITING
    ):  # fmt: skip
        return None
    done.add(step)
    if step == "workaround":
        development.give_workaround(actor=desk.engineer, request=request, text="Restart", now=now)
        return RequestEvent(Happened.WORKAROUND, now)
    development.hand_to_development(
        actor=desk.engineer, request=request, external_url="https://t.example/1", now=now
    )
    return RequestEvent(Happened.HANDED_TO_DEVELOPMENT, now)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    stop=st.sampled_from(BugClockStop),
    priority=st.sampled_from(Priority),
    opened_after=st.integers(0, 6 * 24 * 60),
    steps=st.lists(
        st.tuples(st.sampled_from(STEPS), st.integers(0, 2 * 24 * 60), st.sampled_from(Priority)),
        max_size=9,
    ),
    then=st.integers(0, 3 * 24 * 60),
)  # fmt: skip
def test_a_bugs_replay_matches_the_live_request(
    desk: Desk,
    stop: BugClockStop,
    priority: Priority,
    opened_after: int,
    steps: list[tuple[str, int, Priority]],
    then: int,
) -> None:
    PolicyVersion.objects.filter(pk=desk.alfa_contract.policy_version_id).update(
        bug_clock_stop=stop
    )
    policies._in_force.clear()
    customer = desk.anna
    moment = START + timedelta(minutes=opened_after)
    request = actions.open_request(
        actor=customer, contact=desk.contact(customer), request_type=RequestType.BUG,
        subject="Replayed", description=DETAILED, requested_priority=priority,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=moment,
    )  # fmt: skip
    events = [RequestEvent(Happened.OPENED, moment, priority)]
    done: set[str] = set()
    for step, gap, to in steps:
        moment += timedelta(minutes=gap)
        if step in ("workaround", "handed_over"):
            event = milestone(desk, fresh(request), step, moment, done)
        else:
            event = drive(desk, customer, fresh(request), step, to, moment)
        if event is not None:
            events.append(event)
    now = moment + timedelta(minutes=then)
    policy = policy_of(request.policy_version_id, now=now)
    assert policy.bug_clock_stop is stop

    def rule(p: Priority) -> PolicyRule:
        return policy.rule(RequestType.BUG, p)

    calendars = Calendars()
    replayed = replay(events, rule=rule, calendars=calendars, now=now, bug_clock_stop=stop)
    live = fresh(request)
    assert_same(live.reaction_clock, replayed.reaction, now, calendars)
    assert live.resolution_clock is not None
    assert replayed.resolution is not None
    assert_same(live.resolution_clock, replayed.resolution, now, calendars)
