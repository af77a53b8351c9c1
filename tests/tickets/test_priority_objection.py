"""Rule 3 cannot bypass rule 4: lowering the customer's priority names a definition, is an
engineer's or a lead's, and the customer's one-click objection restores it until a lead
decides. A priority staff or rule 1 set is corrected by any staff member with a reason."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client

from supportdesk.audit.models import AuditEvent
from supportdesk.notifications.models import Notification
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import (
    Channel,
    ObjectionState,
    PriorityChange,
    PriorityDefinition,
    Request,
    Scope,
)
from supportdesk.tickets.priorities import set_by_customer
from tests.tickets.conftest import DETAILED, Desk, at


def anna_asks(desk: Desk, priority: Priority, *, detailed: bool = True) -> Request:
    return actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject="Calls drop", description=DETAILED if detailed else "calls drop",
        requested_priority=priority, channel=Channel.PORTAL,
        component=desk.messaging if detailed else None, scope=Scope.MASS if detailed else None,
        now=at(23, 10),
    )  # fmt: skip


def fresh(request: Request) -> Request:
    return Request.objects.select_related("resolution_clock").get(pk=request.pk)


def correct_down(desk: Desk, request: Request) -> PriorityChange:
    actions.correct_priority(
        actor=desk.engineer, request=request, to=Priority.P3, reason="a workaround exists",
        definition=PriorityDefinition.P3_WORKAROUND, now=at(23, 11),
    )  # fmt: skip
    change = request.priority_changes.order_by("-at", "-id").first()
    assert change is not None
    return change


def test_who_set_the_priority(desk: Desk) -> None:
    assert set_by_customer(anna_asks(desk, Priority.P2))
    assert not set_by_customer(anna_asks(desk, Priority.P2, detailed=False))  # rule 1: P4


def test_an_agent_cannot_lower_the_customers_priority_nothing_changes(desk: Desk) -> None:
    request = anna_asks(desk, Priority.P1)
    events = AuditEvent.objects.count()
    with pytest.raises(ActionDenied):
        actions.correct_priority(
            actor=desk.agent, request=request, to=Priority.P2, reason="one region",
            definition=PriorityDefinition.P2_MASS_FAILURE, now=at(23, 11),
        )  # fmt: skip
    assert fresh(request).priority == "P1"
    assert AuditEvent.objects.count() == events
    assert request.priority_changes.count() == 1


def test_an_agent_corrects_upward_and_corrects_what_rule_1_set(desk: Desk) -> None:
    request = anna_asks(desk, Priority.P2, detailed=False)  # registered P4 by rule 1
    actions.correct_priority(
        actor=desk.agent, request=request, to=Priority.P3, reason="a team", now=at(23, 11)
    )
    assert fresh(request).priority == "P3"


def test_lowering_the_customers_priority_names_a_matching_definition(desk: Desk) -> None:
    request = anna_asks(desk, Priority.P2)
    with pytest.raises(ActionError, match="definition"):
        actions.correct_priority(
            actor=desk.engineer, request=request, to=Priority.P3, reason="x", now=at(23, 11)
        )
    with pytest.raises(ActionError, match="P4"):
        actions.correct_priority(
            actor=desk.engineer, request=request, to=Priority.P3, reason="x", now=at(23, 11),
            definition=PriorityDefinition.P4_DOCUMENTATION,
        )  # fmt: skip
    assert fresh(request).priority == "P2"


def test_the_customer_objects_in_one_click_and_a_lead_upholds(desk: Desk) -> None:
    request = anna_asks(desk, Priority.P2)
    correction = correct_down(desk, request)
    assert correction.definition == "p3_workaround"
    mail = Notification.objects.get(event="request.priority_corrected")
    assert "a workaround exists" in mail.body
    link = re.search(r"https?://\S+/links/objection/(\S+)", mail.body)
    assert link is not None
    page = Client()
    shown = page.get(f"/links/objection/{link.group(1)}")  # a GET changes nothing
    assert shown.status_code == 200
    assert fresh(request).priority == "P3"
    with time_machine.travel(at(23, 11, 30), tick=False):
        objected = page.post(f"/links/objection/{link.group(1)}", {"reason": "all calls"})
    assert objected.status_code == 200
    request = fresh(request)
    assert request.priority == "P2"  # restored, the clocks follow
    objection = request.objections.get()
    assert (objection.state, objection.reason) == (ObjectionState.PENDING, "all calls")
    assert Notification.objects.filter(event="staff.priority_objection", recipient=desk.lead.email)
    with time_machine.travel(at(23, 11, 40), tick=False):
        again = page.post(f"/links/objection/{link.group(1)}", {})
    assert again.status_code == 409
    with pytest.raises(ActionError):  # an objection waits
        actions.correct_priority(
            actor=desk.lead, request=request, to=Priority.P3, reason="x", now=at(23, 12),
            definition=PriorityDefinition.P3_WORKAROUND,
        )  # fmt: skip
    with pytest.raises(ActionDenied):
        actions.decide_priority_objection(
            actor=desk.engineer, objection=objection, uphold=True, note="x", now=at(23, 12)
        )
    actions.decide_priority_objection(
        actor=desk.lead, objection=objection, uphold=True, note="a workaround works",
        now=at(23, 13),
    )  # fmt: skip
    request = fresh(request)
    assert request.priority == "P3"
    objection.refresh_from_db()
    assert (objection.state, objection.decided_by) == (ObjectionState.UPHELD, desk.lead)
    assert AuditEvent.objects.filter(action="request.priority_objection_upheld").count() == 1
    assert Notification.objects.filter(event="request.priority_objection_decided").count() == 1
    upheld = request.priority_changes.order_by("-at", "-id").first()
    assert upheld is not None
    with pytest.raises(ActionError):  # the lead's word is final
        actions.object_to_correction(
            by=desk.contact(desk.anna), correction=upheld, reason="", now=at(23, 14)
        )
    kinds = list(request.priority_changes.values_list("kind", "to_priority"))
    assert kinds == [("intake", "P2"), ("correct", "P3"), ("restore", "P2"), ("correct", "P3")]


def test_a_lead_reverts_and_the_customers_priority_stays(desk: Desk) -> None:
    request = anna_asks(desk, Priority.P2)
    correction = correct_down(desk, request)
    objection = actions.object_to_correction(
        by=desk.contact(desk.alfa_admin), correction=correction, reason="", now=at(23, 12)
    )
    actions.decide_priority_objection(
        actor=desk.lead, objection=objection, uphold=False, note="it is mass", now=at(23, 13)
    )
    assert fresh(request).priority == "P2"
    objection.refresh_from_db()
    assert objection.state == ObjectionState.REVERTED


def test_another_organization_cannot_object(desk: Desk) -> None:
    request = anna_asks(desk, Priority.P2)
    correction = correct_down(desk, request)
    with pytest.raises(ActionDenied):
        actions.object_to_correction(
            by=desk.contact(desk.vera), correction=correction, reason="", now=at(23, 12)
        )
    with pytest.raises(ActionDenied):  # a colleague who is not the requester nor an admin
        actions.object_to_correction(
            by=desk.contact(desk.boris), correction=correction, reason="", now=at(23, 12)
        )
    assert fresh(request).priority == "P3"


def test_a_correction_of_a_staff_priority_offers_no_objection(desk: Desk) -> None:
    request = anna_asks(desk, Priority.P3)
    actions.raise_priority(
        actor=desk.engineer, request=request, to=Priority.P1, reason="mass", now=at(23, 11)
    )
    actions.correct_priority(
        actor=desk.agent, request=request, to=Priority.P2, reason="one region", now=at(23, 12)
    )
    mail = Notification.objects.get(event="request.priority_corrected")
    assert "/links/objection/" not in mail.body
    change = request.priority_changes.order_by("-at", "-id").first()
    assert change is not None
    with pytest.raises(ActionError):
        actions.object_to_correction(
            by=desk.contact(desk.anna), correction=change, reason="", now=at(23, 13)
        )
