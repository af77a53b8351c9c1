"""Staff registering a request set the priority they judged: rule 1 (P4 without a detailed
description) is about the customer's own description, not an agent's judgement of a call.
Who set it and why is recorded; a reason is needed when rule 1 would give another."""

from __future__ import annotations

from dataclasses import replace

import pytest

from supportdesk.channels.actions import receive
from supportdesk.channels.inbound import Inbound
from supportdesk.slamath.policy import Priority
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Channel, Request
from supportdesk.tickets.reasons import render_in
from tests.api.helpers import snapshot
from tests.channels.conftest import new_in_portal
from tests.tickets.conftest import Desk, at


def phone_call(desk: Desk, **changes: object) -> Inbound:
    """Vera calls: everything is down; the agent types what she says, briefly."""
    inbound = Inbound(
        channel=Channel.PHONE, sender_scope=f"user:{desk.agent.pk}", external_id=None,
        actor=desk.agent, contact=desk.contact(desk.vera), subject="Nothing works",
        description="All users, since 09:00.", requested_priority=Priority.P1,
        registered_at=at(23, 9, 5), staff_priority=Priority.P1,
        staff_priority_reason="Whole site down, confirmed on the call",
    )  # fmt: skip
    return replace(inbound, **changes)  # type: ignore[arg-type]


def test_an_agents_p1_for_an_undetailed_call_stays_p1_with_who_and_why(desk: Desk) -> None:
    request = receive(phone_call(desk), now=at(23, 9, 10)).request
    assert request is not None
    assert (request.priority, request.requested_priority, request.is_detailed) == (
        "P1",
        "P1",
        False,
    )
    change = request.priority_changes.get()
    assert (change.kind, change.to_priority, change.actor) == ("intake", "P1", desk.agent)
    assert render_in("en", change.reason) == (
        "set by staff at registration: P1 (rule 1 gives P4): Whole site down, confirmed on the call"
    )
    assert request.reaction_clock.target_seconds == 15 * 60  # Premium P1


def test_a_judgement_against_rule_1_needs_a_reason(desk: Desk) -> None:
    before = snapshot()
    with pytest.raises(ActionError, match="rule 1 gives P4"):
        receive(phone_call(desk, staff_priority_reason="  "), now=at(23, 9, 10))
    assert snapshot() == before


def test_a_judgement_that_agrees_with_rule_1_needs_none(desk: Desk) -> None:
    request = receive(
        phone_call(desk, staff_priority=Priority.P4, staff_priority_reason=""), now=at(23, 9, 10)
    ).request
    assert request is not None
    assert request.priority == "P4"
    assert render_in("en", request.priority_changes.get().reason) == (
        "set by staff at registration: P4"
    )


def test_customers_still_get_rule_1_and_cannot_set_a_priority(desk: Desk) -> None:
    undetailed = new_in_portal(desk, requested_priority=Priority.P1, component=None)
    assert receive(undetailed, now=at(23, 11)).request.priority == "P4"  # type: ignore[union-attr]
    with pytest.raises(ActionDenied, match="Only support staff set the priority"):
        receive(replace(undetailed, staff_priority=Priority.P1), now=at(23, 11))
    assert Request.objects.count() == 1
