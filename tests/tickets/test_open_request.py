"""Registering requests: rule 1 (no detailed description -> P4), clocks, permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from supportdesk.audit.models import AuditEvent
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Channel, Request, Scope
from supportdesk.tickets.reasons import decode, gap_codes, render_in
from tests.tickets.conftest import DETAILED, Desk, at


def open_for(desk: Desk, user, **changes):  # type: ignore[no-untyped-def]
    fields = {
        "actor": user,
        "contact": desk.contact(user) if hasattr(user, "contact") else desk.contact(desk.anna),
        "request_type": RequestType.INCIDENT,
        "subject": "Messages are delayed",
        "description": DETAILED,
        "requested_priority": Priority.P2,
        "channel": Channel.PORTAL,
        "component": desk.messaging,
        "scope": Scope.MASS,
        "now": at(23, 11),
    }
    fields.update(changes)
    return actions.open_request(**fields)


def test_a_detailed_request_gets_the_requested_priority_and_both_clocks(desk: Desk) -> None:
    request = open_for(desk, desk.anna)
    assert (request.priority, request.requested_priority, request.is_detailed) == ("P2", "P2", True)
    assert request.contract == desk.alfa_contract
    assert request.reaction_clock.due_at == at(23, 12)
    assert request.resolution_clock is not None
    assert request.resolution_clock.due_at == at(23, 19)  # 8 business hours, 11:00-19:00
    change = request.priority_changes.get()
    assert (change.kind, change.to_priority) == ("intake", "P2")
    assert AuditEvent.objects.filter(action="request.opened", subject_id=str(request.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({"component": None}, "component"),
        ({"scope": None}, "scope"),
        ({"description": "It is broken."}, "description of at least 50 characters"),
    ],
)
def test_without_a_detailed_description_it_is_registered_p4_and_keeps_what_was_asked(
    desk: Desk, changes: dict[str, object], missing: str
) -> None:
    request = open_for(desk, desk.anna, requested_priority=Priority.P1, **changes)
    assert (request.priority, request.requested_priority, request.is_detailed) == (
        "P4",
        "P1",
        False,
    )
    assert request.resolution_clock is not None
    assert request.resolution_clock.target_seconds == 40 * 3600
    stored = request.priority_changes.get().reason
    assert decode(stored) == (
        "intake.rule_one",
        {"requested": "P1", "missing": gap_codes([missing])},
    )
    assert render_in("en", stored).startswith("requested P1; registered P4")


def test_staff_register_a_phone_call_at_the_time_of_the_call(desk: Desk) -> None:
    call = at(23, 10, 15)
    request = open_for(
        desk, desk.agent, contact=desk.contact(desk.anna), channel=Channel.PHONE,
        registered_at=call, now=at(23, 10, 40),
    )  # fmt: skip
    assert request.registered_at == call
    assert request.reaction_clock.due_at == call + timedelta(hours=1)
    assert request.created_by == desk.agent


def test_a_customer_cannot_backdate_or_open_for_another_organization(desk: Desk) -> None:
    request = open_for(desk, desk.anna, registered_at=at(20, 10))
    assert request.registered_at == at(23, 11)
    with pytest.raises(ActionDenied):
        open_for(desk, desk.anna, contact=desk.contact(desk.vera))
    with pytest.raises(ActionDenied):
        open_for(desk, desk.anna, contact=desk.contact(desk.boris))
    assert Request.objects.count() == 1


def test_a_customer_admin_opens_for_a_colleague(desk: Desk) -> None:
    request = open_for(desk, desk.alfa_admin, contact=desk.contact(desk.boris))
    assert request.contact == desk.contact(desk.boris)


def test_out_of_hours_requests_on_8x5_start_counting_at_the_next_opening(desk: Desk) -> None:
    request = open_for(desk, desk.anna, now=at(27, 20))  # Friday evening
    assert request.registered_at == at(27, 20)
    assert request.reaction_clock.due_at == at(30, 11)  # Monday 10:00 + 1 h


def test_premium_p1_runs_around_the_clock(desk: Desk) -> None:
    request = open_for(desk, desk.vera, requested_priority=Priority.P1, now=at(28, 23))
    assert request.reaction_clock.due_at == at(28, 23, 15)
    assert request.resolution_clock is not None
    assert request.resolution_clock.due_at == at(29, 3)


def test_no_valid_contract_no_request(desk: Desk) -> None:
    desk.alfa_contract.valid_until = desk.alfa_contract.valid_from
    desk.alfa_contract.save()
    with pytest.raises(ActionError, match="no contract"):
        open_for(desk, desk.anna)
    assert not Request.objects.exists()


def test_feature_requests_have_a_reaction_clock_only(desk: Desk) -> None:
    request = open_for(desk, desk.anna, request_type=RequestType.FEATURE)
    assert request.resolution_clock is None


def test_customers_cannot_register_as_a_phone_call_or_an_alert(desk: Desk) -> None:
    for channel in (Channel.PHONE, Channel.MONITORING):
        with pytest.raises(ActionDenied, match="support staff"):
            open_for(desk, desk.anna, channel=channel)
    assert not Request.objects.exists()
