"""Replies, notes, assignment, status, resolve, confirm, reopen, auto-close."""

from __future__ import annotations

import pytest

from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Channel, Request, Scope, Status
from tests.tickets.conftest import DETAILED, Desk, at


@pytest.fixture
def request_(desk: Desk) -> Request:
    return actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject="Messages are delayed", description=DETAILED, requested_priority=Priority.P3,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=at(23, 10),
    )  # fmt: skip


def fresh(request: Request) -> Request:
    return Request.objects.select_related("reaction_clock", "resolution_clock").get(pk=request.pk)


def test_the_first_vendor_reply_stops_the_reaction_clock(desk: Desk, request_: Request) -> None:
    actions.reply(actor=desk.anna, request=request_, body="Any news?", now=at(23, 10, 20))
    assert fresh(request_).reaction_clock.status == "running"
    actions.add_internal_note(
        actor=desk.agent, request=request_, body="Looking", now=at(23, 10, 25)
    )
    assert fresh(request_).reaction_clock.status == "running"
    actions.reply(actor=desk.agent, request=request_, body="We are on it.", now=at(23, 10, 30))
    request = fresh(request_)
    assert request.reaction_clock.status == "stopped"
    assert request.reaction_clock.breached_at is None
    assert request.first_response_at == at(23, 10, 30)
    assert request.status == Status.OPEN


def test_waiting_for_customer_pauses_resolution_and_the_reply_resumes(
    desk: Desk, request_: Request
) -> None:
    actions.set_status(actor=desk.agent, request=request_, status=Status.WAITING, now=at(23, 12))
    request = fresh(request_)
    assert request.resolution_clock.status == "paused"
    actions.reply(actor=desk.anna, request=request, body="Here are the logs.", now=at(24, 15))
    request = fresh(request_)
    assert request.status == Status.OPEN
    assert request.resolution_clock.status == "running"
    # 16 h target; 2 h before the pause, 14 h left from Tue 15:00: 4 + 9 + 1 -> Thu 11:00.
    assert request.resolution_clock.due_at == at(26, 11)


def test_resolve_confirm(desk: Desk, request_: Request) -> None:
    actions.resolve(
        actor=desk.engineer, request=request_, summary="Queue restarted.", now=at(23, 15)
    )
    request = fresh(request_)
    assert (request.status, request.resolved_at) == (Status.RESOLVED, at(23, 15))
    assert request.resolution_clock.status == "stopped"
    assert request.reaction_clock.status == "stopped"  # the summary was the first reply
    actions.confirm_resolution(actor=desk.anna, request=request, now=at(23, 16))
    assert fresh(request_).status == Status.CLOSED
    with pytest.raises(ActionError, match="closed"):
        actions.reply(actor=desk.anna, request=request, body="one more thing", now=at(23, 17))


def test_reopen_resumes_the_resolution_clock(desk: Desk, request_: Request) -> None:
    actions.resolve(actor=desk.engineer, request=request_, summary="Fixed.", now=at(23, 12))
    actions.reopen(actor=desk.anna, request=request_, reason="Still delayed.", now=at(24, 10))
    request = fresh(request_)
    assert request.status == Status.OPEN
    assert request.resolved_at is None
    assert request.resolution_clock.status == "running"
    assert request.resolution_clock.due_at == at(25, 15)  # 2 h used, 14 h from Tue 10:00


def test_assign_to_staff_only(desk: Desk, request_: Request) -> None:
    actions.assign(
        actor=desk.agent, request=request_, assignee=desk.engineer, team=desk.team, now=at(23, 11)
    )
    assert fresh(request_).assignee == desk.engineer
    with pytest.raises(ActionError, match="support staff"):
        actions.assign(
            actor=desk.agent, request=request_, assignee=desk.anna, team=None, now=at(23, 11)
        )
    with pytest.raises(ActionDenied):
        actions.assign(
            actor=desk.anna, request=request_, assignee=desk.engineer, team=None, now=at(23, 11)
        )


def test_customers_cannot_touch_what_is_not_theirs(desk: Desk, request_: Request) -> None:
    with pytest.raises(ActionDenied):
        actions.reply(actor=desk.vera, request=request_, body="hi", now=at(23, 11))
    with pytest.raises(ActionDenied):
        actions.reply(actor=desk.boris, request=request_, body="hi", now=at(23, 11))
    with pytest.raises(ActionDenied):
        actions.add_internal_note(actor=desk.anna, request=request_, body="x", now=at(23, 11))
    with pytest.raises(ActionDenied):
        actions.set_status(
            actor=desk.anna, request=request_, status=Status.IN_PROGRESS, now=at(23, 11)
        )
    actions.reply(actor=desk.alfa_admin, request=request_, body="Admin here.", now=at(23, 11))
    assert fresh(request_).messages.count() == 1


def test_impossible_status_changes_are_refused(desk: Desk, request_: Request) -> None:
    with pytest.raises(ActionError):
        actions.set_status(actor=desk.agent, request=request_, status=Status.CLOSED, now=at(23, 11))
    with pytest.raises(ActionError, match="Only a resolved request"):
        actions.confirm_resolution(actor=desk.anna, request=request_, now=at(23, 11))


def test_auto_close_after_business_days(desk: Desk, request_: Request) -> None:
    actions.resolve(actor=desk.engineer, request=request_, summary="Fixed.", now=at(23, 12))
    assert actions.auto_close_resolved(now=at(27, 12)) == 0  # 4 business days later
    assert actions.auto_close_resolved(now=at(30, 12, 30)) == 1  # 5 business days later
    assert fresh(request_).status == Status.CLOSED
    assert actions.auto_close_resolved(now=at(30, 13)) == 0


def test_resolving_twice_posts_nothing_the_second_time(desk: Desk, request_: Request) -> None:
    actions.resolve(actor=desk.engineer, request=request_, summary="Fixed.", now=at(23, 12))
    with pytest.raises(ActionError, match="already resolved"):
        actions.resolve(actor=desk.engineer, request=request_, summary="Again.", now=at(23, 13))
    assert fresh(request_).messages.count() == 1
