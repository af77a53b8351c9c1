"""A support lead leaves a request out of the SLA report (e.g. a duplicate), from the
request page; nobody else can, and the page offers the form only to leads."""

from __future__ import annotations

import pytest

from supportdesk.audit.models import AuditEvent
from supportdesk.slamath.policy import Priority
from supportdesk.tickets import actions
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.models import Request
from tests.tickets.conftest import Desk
from tests.workspace.conftest import NOW, browser, open_


def test_a_lead_excludes_a_request_with_a_reason(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    page = browser(desk.lead).get(f"/desk/requests/{request.pk}/")
    assert "Исключить из отчёта SLA" in page.content.decode()

    response = browser(desk.lead).post(
        f"/desk/requests/{request.pk}/exclude/", {"exclude-reason": "Duplicate of SD-1"}
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.sla_excluded_at, request.sla_excluded_by, request.sla_excluded_reason) == (
        NOW,
        desk.lead,
        "Duplicate of SD-1",
    )
    event = AuditEvent.objects.get(action="request.sla_excluded")
    assert (event.actor, event.data) == (desk.lead, {"reason": "Duplicate of SD-1"})
    text = browser(desk.lead).get(f"/desk/requests/{request.pk}/").content.decode()
    assert "Исключено из отчёта SLA: Duplicate of SD-1" in text


def test_an_engineer_is_neither_offered_the_form_nor_allowed(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    page = browser(desk.engineer).get(f"/desk/requests/{request.pk}/")
    assert "Исключить из отчёта SLA" not in page.content.decode()

    response = browser(desk.engineer).post(
        f"/desk/requests/{request.pk}/exclude/", {"exclude-reason": "Duplicate"}
    )

    assert response.status_code == 302  # back to the page with the refusal
    assert Request.objects.get(pk=request.pk).sla_excluded_at is None
    assert not AuditEvent.objects.filter(action="request.sla_excluded").exists()
    with pytest.raises(ActionDenied):
        actions.exclude_from_sla(request=request, reason="Duplicate", actor=desk.anna, now=NOW)


def test_a_reason_is_required(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    response = browser(desk.lead).post(
        f"/desk/requests/{request.pk}/exclude/", {"exclude-reason": ""}
    )
    assert response.status_code == 400
    assert Request.objects.get(pk=request.pk).sla_excluded_at is None
