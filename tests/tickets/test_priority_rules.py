"""The offer's priority rules 2-4: raise, correct (customer told), downgrade by agreement."""

from __future__ import annotations

import pytest
from django.core import mail

from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Channel, PriorityDefinition, Request, Scope
from tests.tickets.conftest import DETAILED, Desk, at


def new_request(desk: Desk, priority: Priority = Priority.P4, **extra) -> Request:  # type: ignore[no-untyped-def]
    return actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject="Calls drop", description=DETAILED, requested_priority=priority,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=at(23, 10), **extra,
    )  # fmt: skip


def fresh(request: Request) -> Request:
    return Request.objects.select_related("reaction_clock", "resolution_clock").get(pk=request.pk)


def test_raise_applies_the_new_target_from_the_original_start(desk: Desk) -> None:
    request = new_request(desk)
    actions.raise_priority(
        actor=desk.engineer, request=request, to=Priority.P2, reason="mass failure", now=at(23, 13)
    )
    request = fresh(request)
    assert request.priority == "P2"
    assert request.resolution_clock.due_at == at(23, 18)  # 8 business hours from Mon 10:00
    assert request.resolution_clock.elapsed_seconds == 3 * 3600
    change = request.priority_changes.last()
    assert (change.kind, change.from_priority, change.to_priority, change.actor) == (
        "raise",
        "P4",
        "P2",
        desk.engineer,
    )


def test_raise_must_raise_and_needs_a_reason(desk: Desk) -> None:
    request = new_request(desk, Priority.P2)
    with pytest.raises(ActionError, match="not higher"):
        actions.raise_priority(
            actor=desk.engineer, request=request, to=Priority.P3, reason="x", now=at(23, 11)
        )
    with pytest.raises(ActionError, match="reason"):
        actions.raise_priority(
            actor=desk.engineer, request=request, to=Priority.P1, reason=" ", now=at(23, 11)
        )
    with pytest.raises(ActionDenied):
        actions.raise_priority(
            actor=desk.anna, request=request, to=Priority.P1, reason="urgent!", now=at(23, 11)
        )
    assert fresh(request).priority == "P2"


def test_correction_goes_either_way_and_tells_the_customer(
    desk: Desk, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    request = new_request(desk, Priority.P1)
    with django_capture_on_commit_callbacks(execute=True):
        actions.correct_priority(
            actor=desk.engineer, request=request, to=Priority.P3, reason="one user affected",
            now=at(23, 11), definition=PriorityDefinition.P3_WORKAROUND,
        )  # fmt: skip
    assert fresh(request).priority == "P3"
    corrected = [
        m for m in mail.outbox if "Priority corrected" in m.subject or "Приоритет" in m.subject
    ]
    assert len(corrected) == 1
    assert corrected[0].to == [desk.anna.email]
    assert "one user affected" in corrected[0].body


def test_downgrade_needs_the_customers_agreement(desk: Desk) -> None:
    request = new_request(desk, Priority.P1)
    proposal = actions.propose_downgrade(
        actor=desk.engineer,
        request=request,
        to=Priority.P2,
        reason="workaround in place",
        now=at(23, 11),
    )
    assert fresh(request).priority == "P1"  # stays until accepted
    actions.decide_downgrade(
        by=desk.contact(desk.anna), proposal=proposal, accept=True, now=at(23, 12)
    )
    request = fresh(request)
    assert request.priority == "P2"
    assert request.resolution_clock.due_at == at(23, 18)  # P2's 8 h from the original start
    assert request.priority_changes.last().kind == "downgrade"


def test_a_declined_downgrade_changes_nothing(desk: Desk) -> None:
    request = new_request(desk, Priority.P2)
    proposal = actions.propose_downgrade(
        actor=desk.engineer,
        request=request,
        to=Priority.P3,
        reason="partly restored",
        now=at(23, 11),
    )
    actions.decide_downgrade(
        by=desk.contact(desk.anna), proposal=proposal, accept=False, now=at(23, 12)
    )
    proposal.refresh_from_db()
    assert proposal.state == "declined"
    assert fresh(request).priority == "P2"
    with pytest.raises(ActionError, match="already"):
        actions.decide_downgrade(
            by=desk.contact(desk.anna), proposal=proposal, accept=True, now=at(23, 13)
        )


@pytest.mark.parametrize(
    ("start", "to"),
    [(Priority.P1, Priority.P3), (Priority.P3, Priority.P4), (Priority.P2, Priority.P1)],
)
def test_downgrade_steps_are_p1_p2_and_p2_p3_only(
    desk: Desk, start: Priority, to: Priority
) -> None:
    request = new_request(desk, start)
    with pytest.raises(ActionError, match="P1->P2 or P2->P3"):
        actions.propose_downgrade(
            actor=desk.engineer, request=request, to=to, reason="x", now=at(23, 11)
        )


def test_only_the_requester_or_a_customer_admin_decides(desk: Desk) -> None:
    request = new_request(desk, Priority.P1)
    proposal = actions.propose_downgrade(
        actor=desk.engineer, request=request, to=Priority.P2, reason="workaround", now=at(23, 11)
    )
    for outsider in (desk.boris, desk.vera):
        with pytest.raises(ActionDenied):
            actions.decide_downgrade(
                by=desk.contact(outsider), proposal=proposal, accept=True, now=at(23, 12)
            )
    actions.decide_downgrade(
        by=desk.contact(desk.alfa_admin), proposal=proposal, accept=True, now=at(23, 12)
    )
    assert fresh(request).priority == "P2"


def test_a_raise_withdraws_a_pending_proposal(desk: Desk) -> None:
    request = new_request(desk, Priority.P2)
    proposal = actions.propose_downgrade(
        actor=desk.engineer, request=request, to=Priority.P3, reason="partly", now=at(23, 11)
    )
    actions.raise_priority(
        actor=desk.engineer, request=request, to=Priority.P1, reason="got worse", now=at(23, 12)
    )
    proposal.refresh_from_db()
    assert proposal.state == "withdrawn"
