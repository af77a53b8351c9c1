"""Canned replies: kept by support leads, sent through the reply action (issue 12)."""

from __future__ import annotations

import pytest

from supportdesk.audit.models import AuditEvent
from supportdesk.notifications.models import Notification
from supportdesk.tickets import actions
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Macro, Request, Status
from tests.tickets.conftest import Desk, at
from tests.tickets.test_merge import open_by
from tests.tickets.test_roles_matrix import snapshot

LOGS = "Hello {customer_name}, please send the logs for {reference}. {agent_name}"


def test_a_macro_is_a_reply_with_its_placeholders_filled_and_its_status(desk: Desk) -> None:
    macro = actions.save_macro(
        actor=desk.lead, name="Ask for logs", body=LOGS, status=Status.WAITING, now=at(23, 9)
    )
    request = open_by(desk, desk.anna, "Calls drop")
    Notification.objects.all().delete()

    message = actions.apply_macro(actor=desk.agent, request=request, macro=macro, now=at(23, 12))

    assert message.body == f"Hello Anna, please send the logs for {request.reference}. Oleg"
    request = Request.objects.get(pk=request.pk)
    assert (request.status, request.first_response_at) == (Status.WAITING, at(23, 12))
    assert request.resolution_clock.status == "paused"
    assert sorted(Notification.objects.values_list("event", flat=True)) == [
        "request.vendor_replied",
        "request.waiting_for_customer",
    ]
    event = AuditEvent.objects.get(action="request.macro_applied")
    assert event.data == {"macro": macro.pk, "message": message.pk, "reason": "Ask for logs"}


def test_unknown_placeholders_and_odd_statuses_are_refused(desk: Desk) -> None:
    before = snapshot()
    for body in ("Hi {name}", "Hi {customer_name", "{reference.pk}", "{}"):
        with pytest.raises(ActionError):
            actions.save_macro(actor=desk.lead, name="x", body=body, status=None, now=at(23, 9))
    with pytest.raises(ActionError):
        actions.save_macro(
            actor=desk.lead, name="x", body="ok", status=Status.RESOLVED, now=at(23, 9)
        )
    assert snapshot() == before


def test_leads_edit_and_retire_and_a_retired_macro_is_not_sent(desk: Desk) -> None:
    macro = actions.save_macro(actor=desk.lead, name="A", body="a", status=None, now=at(23, 9))
    actions.save_macro(
        actor=desk.lead, macro=macro, name="B", body="b {subject}", status=None, now=at(23, 10)
    )
    actions.retire_macro(actor=desk.lead, macro=macro, now=at(23, 11))
    macro.refresh_from_db()
    assert (macro.name, macro.body, macro.is_active) == ("B", "b {subject}", False)
    assert AuditEvent.objects.filter(subject_type="tickets.macro").count() == 3
    request = open_by(desk, desk.anna, "Calls drop")
    before = snapshot()
    with pytest.raises(ActionError):
        actions.apply_macro(actor=desk.agent, request=request, macro=macro, now=at(23, 12))
    assert snapshot() == before


@pytest.mark.parametrize("who", ["agent", "engineer", "manager", "anna"])
def test_only_leads_keep_macros(desk: Desk, who: str) -> None:
    macro = actions.save_macro(actor=desk.lead, name="A", body="a", status=None, now=at(23, 9))
    before = snapshot()
    with pytest.raises(ActionDenied):
        actions.save_macro(actor=getattr(desk, who), name="B", body="b", status=None, now=at(23, 9))
    with pytest.raises(ActionDenied):
        actions.retire_macro(actor=getattr(desk, who), macro=macro, now=at(23, 9))
    assert snapshot() == before
    assert Macro.objects.count() == 1
