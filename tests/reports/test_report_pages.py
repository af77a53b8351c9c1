"""The report as a web page: a customer admin for their own organization's contracts in
the portal, any staff member in the desk; PDF and spreadsheet downloads; the stored PDF's
SHA-256 on the page; a breach links to the request's page (its clock timeline)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime

import pytest
import time_machine
from django.test import Client

from supportdesk.reports.models import StoredReport
from supportdesk.reports.monthly import run_monthly
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Request, Scope
from tests.tickets.conftest import DETAILED, MOSCOW, Desk, at

pytestmark = pytest.mark.django_db

DECEMBER_2 = datetime(2026, 12, 2, 12, tzinfo=MOSCOW)


def late_reply(desk: Desk, subject: str = "Очередь #1 $x$ *срочно*") -> Request:
    """A P2 on Alfa's 8x5 answered the next day: its reaction is breached in November."""
    request = actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject=subject, description=DETAILED, requested_priority=Priority.P2,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=at(23, 10),
    )  # fmt: skip
    actions.reply(actor=desk.agent, request=request, body="Looking", now=at(24, 12))
    return request


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def december(desk: Desk):
    with time_machine.travel(DECEMBER_2, tick=False):
        yield desk


def test_a_customer_admin_reads_their_contracts_month_with_the_breach_linked(december: Desk):
    desk = december
    request = late_reply(desk)
    client = signed_in(desk.alfa_admin)

    listing = client.get("/portal/reports/")
    assert listing.status_code == 200
    assert b'href="/portal/reports/A-1/2026-11/"' in listing.content
    assert b"B-1" not in listing.content

    page = client.get("/portal/reports/A-1/2026-11/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Отчёт о качестве SLA: A-1, 2026-11" in html
    assert f'<a href="/portal/requests/{request.pk}/">SD-{request.pk}</a>' in html
    assert "Очередь #1 $x$ *срочно*" in html
    assert 'href="/portal/reports/A-1/2026-11/pdf"' in html
    assert 'href="/portal/reports/A-1/2026-11/xlsx"' in html
    assert "SHA-256" not in html  # nothing was sent yet: no stored PDF to vouch for


def test_downloads_are_the_pdf_and_the_spreadsheet(december: Desk):
    late_reply(december)
    client = signed_in(december.alfa_admin)

    pdf = client.get("/portal/reports/A-1/2026-11/pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="sla-a-1-2026-11.pdf"'
    assert pdf.getvalue().startswith(b"%PDF-")

    xlsx = client.get("/portal/reports/A-1/2026-11/xlsx")
    assert xlsx.status_code == 200
    book = zipfile.ZipFile(io.BytesIO(xlsx.getvalue()))
    assert "xl/worksheets/sheet3.xml" in book.namelist()


def test_the_page_shows_the_sent_pdfs_sha_and_downloads_that_very_file(desk: Desk):
    late_reply(desk)
    run_monthly(now=datetime(2026, 12, 1, 9, 30, tzinfo=MOSCOW))
    stored = StoredReport.objects.get(contract=desk.alfa_contract, language="ru")

    with time_machine.travel(DECEMBER_2, tick=False):
        client = signed_in(desk.alfa_admin)
        page = client.get("/portal/reports/A-1/2026-11/").content.decode()
        pdf = client.get("/portal/reports/A-1/2026-11/pdf").getvalue()

    assert f"SHA-256 этого PDF: {stored.sha256}." in page
    assert hashlib.sha256(pdf).hexdigest() == stored.sha256


@pytest.mark.parametrize(
    "path",
    [
        "/portal/reports/A-1/2026-11/",
        "/portal/reports/A-1/2026-11/pdf",
        "/portal/reports/A-1/2026-11/xlsx",
    ],
)
def test_another_organization_and_a_plain_customer_get_404(december: Desk, path: str):
    late_reply(december)

    assert signed_in(december.vera).get(path).status_code == 404  # Beta's user
    assert signed_in(december.anna).get(path).status_code == 404  # Alfa, not an admin
    assert signed_in(december.anna).get("/portal/reports/").status_code == 404


def test_a_month_outside_the_contract_or_in_the_future_is_404(december: Desk):
    client = signed_in(december.alfa_admin)

    assert client.get("/portal/reports/A-1/2025-12/").status_code == 404
    assert client.get("/portal/reports/A-1/2027-01/").status_code == 404
    assert client.get("/portal/reports/A-1/2026-13/").status_code == 404
    assert client.get("/portal/reports/NOPE/2026-11/").status_code == 404


def test_staff_read_any_contracts_report_on_the_desk(december: Desk):
    desk = december
    request = late_reply(desk)
    client = signed_in(desk.manager)

    listing = client.get("/desk/reports/")
    assert listing.status_code == 200
    assert b'href="/desk/reports/A-1/2026-11/"' in listing.content
    assert b'href="/desk/reports/B-1/2026-11/"' in listing.content

    page = client.get("/desk/reports/A-1/2026-11/")
    assert page.status_code == 200
    assert f'<a href="/desk/requests/{request.pk}/">SD-{request.pk}</a>' in page.content.decode()
    assert signed_in(desk.engineer).get("/desk/reports/B-1/2026-11/").status_code == 200
    pdf = client.get("/desk/reports/B-1/2026-11/pdf")
    assert pdf["Content-Type"] == "application/pdf"


def test_customers_do_not_reach_the_desks_reports(december: Desk):
    assert signed_in(december.alfa_admin).get("/desk/reports/A-1/2026-11/").status_code == 404
    assert signed_in(december.alfa_admin).get("/desk/reports/").status_code == 404


def test_the_written_out_paths_in_the_mails_are_the_urlconfs():
    from datetime import date

    from django.urls import reverse

    from supportdesk.reports.monthly import DESK_REPORT, PORTAL_REPORT, report_path

    november = date(2026, 11, 1)
    assert report_path(PORTAL_REPORT, "A-1", november) == reverse(
        "portal:report", args=["A-1", "2026-11"]
    )
    assert report_path(DESK_REPORT, "A-1", november) == reverse(
        "workspace:report", args=["A-1", "2026-11"]
    )
