from __future__ import annotations

import pytest

from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.models import Channel, Scope, Status
from supportdesk.tickets.queues import by_resolution_due
from tests.tickets.conftest import DETAILED, Desk, at


def test_queue_is_ordered_by_resolution_due_and_filtered_by_team(desk: Desk) -> None:
    made = {}
    for priority in (Priority.P4, Priority.P1, Priority.P3, Priority.P2):
        made[priority] = actions.open_request(
            actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
            subject=f"{priority} case", description=DETAILED, requested_priority=priority,
            channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=at(23, 10),
        )  # fmt: skip
    for request in made.values():
        actions.assign(
            actor=desk.agent, request=request, assignee=None, team=desk.team, now=at(23, 10)
        )
    actions.set_status(
        actor=desk.agent, request=made[Priority.P1], status=Status.WAITING, now=at(23, 11)
    )
    queue = list(by_resolution_due(desk.agent, team_id=desk.team.pk))
    assert [r.priority for r in queue] == ["P2", "P3", "P4"]  # P1 waits for the customer
    assert list(by_resolution_due(desk.agent, team_id=desk.team.pk + 1)) == []
    with pytest.raises(ActionDenied):
        by_resolution_due(desk.anna)
