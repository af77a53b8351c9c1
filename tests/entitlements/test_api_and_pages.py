"""The customer admin's view of the ledger in the API and the portal; the desk's pages."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client

from supportdesk.entitlements import actions
from supportdesk.entitlements.models import Activity, Resource, TimeApproval, TimeEntry
from supportdesk.tickets.models import Request
from tests.api.helpers import Api
from tests.entitlements.conftest import Desk, msk, open_admin_request
from tests.tickets.conftest import _customer

HOUR = 3600


@pytest.fixture
def worked(desk: Desk) -> Request:
    """Beta (Premium): 3 h approved, 1 h (2 h charged, a Saturday) pending."""
    request = open_admin_request(desk, on="2026-03-02 09:00")
    approved = actions.log_time(
        actor=desk.engineer, request=request, start=msk("2026-03-10 10:00"),
        end=msk("2026-03-10 13:00"), activity=Activity.ADMINISTRATION, on_site=False,
        note="", now=msk("2026-03-20 12:00"),
    )  # fmt: skip
    actions.approve_time(actor=desk.lead, entry=approved, now=msk("2026-03-20 12:00"))
    actions.log_time(
        actor=desk.engineer, request=request, start=msk("2026-03-14 10:00"),
        end=msk("2026-03-14 11:00"), activity=Activity.UPGRADE, on_site=True,
        note="", now=msk("2026-03-20 12:00"),
    )  # fmt: skip
    return request


def test_the_customer_admin_reads_balance_entries_and_pending_in_the_api(
    desk: Desk, worked: Request
) -> None:
    beta_admin = _customer("bella", desk.beta, admin=True)
    answer = Api(beta_admin).get(
        f"/contracts/{desk.beta_contract.pk}/entitlements", on="2026-03-20"
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["hours"] | {"period_start": None} == {
        "resource": "admin_hours", "period_start": None, "period_end": "2027-01-01",
        "quota": 120 * HOUR, "granted": 0, "used": 3 * HOUR, "pending": 2 * HOUR,
        "left": 117 * HOUR,
    }  # fmt: skip
    assert body["visits"]["left"] == 1
    assert [row["kind"] for row in body["ledger"]] == ["debit", "quota"]
    [pending] = body["pending"]
    assert (pending["in_hours_seconds"], pending["off_hours_seconds"]) == (0, HOUR)
    assert pending["charged_seconds"] == 2 * HOUR
    # A customer user, and another organization's admin, get nothing.
    assert Api(desk.vera).get(f"/contracts/{desk.beta_contract.pk}/entitlements").status_code == 404
    assert (
        Api(desk.alfa_admin).get(f"/contracts/{desk.beta_contract.pk}/entitlements").status_code
        == 404
    )
    assert (
        Api(desk.agent).get(f"/contracts/{desk.beta_contract.pk}/entitlements").status_code == 200
    )


def test_the_portal_shows_the_customer_admin_their_entitlements(
    desk: Desk, worked: Request
) -> None:
    beta_admin = _customer("bella", desk.beta, admin=True)
    client = Client()
    client.force_login(beta_admin)
    with time_machine.travel(msk("2026-03-20 15:00"), tick=False):
        page = client.get("/portal/entitlements/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "117:00" in text
    assert "2:00" in text
    client.force_login(desk.vera)
    assert client.get("/portal/entitlements/").status_code == 404


def test_the_desk_logs_approves_and_grants(desk: Desk, worked: Request) -> None:
    client = Client()
    client.force_login(desk.engineer)
    with time_machine.travel(msk("2026-03-20 15:00"), tick=False):
        page = client.get(f"/desk/requests/{worked.pk}/time/")
        assert page.status_code == 200
        posted = client.post(
            f"/desk/requests/{worked.pk}/time/",
            {"start": "2026-03-19T18:00", "end": "2026-03-19T20:00", "activity": "administration",
             "note": "evening window"},
        )  # fmt: skip
        assert posted.status_code == 302, posted.content.decode()[:2000]
        bad = client.post(
            f"/desk/requests/{worked.pk}/time/",
            {"start": "2026-03-19T20:00", "end": "2026-03-19T18:00", "activity": "administration"},
        )  # fmt: skip
        assert bad.status_code == 400
        assert client.get("/desk/time/").status_code == 404  # the approval queue is the lead's
        client.force_login(desk.lead)
        queue = client.get("/desk/time/")
        assert queue.status_code == 200
        entry = TimeEntry.objects.get(note="evening window")
        assert entry.charged_seconds == HOUR + 2 * HOUR
        assert client.post(f"/desk/time/{entry.pk}/approve/").status_code == 302
        assert TimeApproval.objects.filter(entry=entry).exists()
        ledger = client.get(f"/desk/contracts/{desk.beta_contract.pk}/ledger/")
        assert ledger.status_code == 200
        granted = client.post(
            f"/desk/contracts/{desk.beta_contract.pk}/ledger/",
            {"resource": "admin_hours", "hours": "10", "reason": "goodwill", "kind": "grant"},
        )
        assert granted.status_code == 302
    from supportdesk.entitlements.reads import balance

    hours = balance(desk.beta_contract, Resource.ADMIN_HOURS, date(2026, 3, 20))
    assert hours.granted == 10 * HOUR


def test_the_sla_report_has_the_entitlement_section(desk: Desk, worked: Request) -> None:
    from supportdesk.reports.as_json import report_as_json
    from supportdesk.reports.sla_report import build_sla_report

    report = build_sla_report(desk.beta_contract, date(2026, 3, 1), now=msk("2026-04-02 12:00"))
    figures = report.entitlements
    assert figures is not None
    assert (figures.hours_used_seconds, figures.hours_left_seconds) == (3 * HOUR, 117 * HOUR)
    assert (figures.in_hours_seconds, figures.off_hours_seconds) == (3 * HOUR, 0)
    assert (figures.visits_used, figures.visits_left) == (0, 1)
    assert report_as_json(report)["entitlements"]["year_start"] == "2026-01-01"
