"""The what-if page's history of a bug keeps its hand-off: replayed under its own plan,
the clocks are the live ones (the hand-off is not read as a resolution)."""

from __future__ import annotations

from supportdesk.calendars.engine import Calendars
from supportdesk.development import actions
from supportdesk.sla.policies import policy_of
from supportdesk.sla.reads import clock_state
from supportdesk.slamath.policy import PolicyRule, Priority, RequestType
from supportdesk.slamath.replay import Happened, replay
from supportdesk.tickets import actions as request_actions
from supportdesk.tickets.models import Request, Status
from supportdesk.tickets.whatif import history
from tests.development.conftest import open_bug
from tests.tickets.conftest import Desk, at

NOW = at(27, 12)


def test_a_handed_over_bug_replays_as_it_ran(desk: Desk) -> None:
    bug = open_bug(desk)
    request_actions.reply(actor=desk.engineer, request=bug, body="Looking", now=at(23, 11))
    actions.hand_to_development(
        actor=desk.engineer, request=bug, external_url="https://t.example/1", now=at(23, 12)
    )
    request_actions.set_status(
        actor=desk.engineer, request=bug, status=Status.WAITING, now=at(24, 10)
    )
    request_actions.reply(actor=desk.anna, request=bug, body="Thanks", now=at(24, 11))
    request = Request.objects.get(pk=bug.pk)
    events = history(request)
    assert [event.kind for event in events] == [
        Happened.OPENED, Happened.FIRST_RESPONSE, Happened.HANDED_TO_DEVELOPMENT,
    ]  # fmt: skip
    policy = policy_of(request.policy_version_id, now=NOW)

    def rule(p: Priority) -> PolicyRule:
        return policy.rule(RequestType.BUG, p)

    replayed = replay(
        events, rule=rule, calendars=Calendars(), now=NOW, bug_clock_stop=policy.bug_clock_stop
    )
    assert request.resolution_clock is not None
    assert replayed.resolution is not None
    assert replayed.resolution.state == clock_state(request.resolution_clock, now=NOW)[0]
