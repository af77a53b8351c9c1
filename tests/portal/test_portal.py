"""The customer portal: lists, filing, the request page, decisions, contract, isolation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import (
    Attachment,
    Channel,
    MessageKind,
    ProposalState,
    Request,
    Scope,
    Status,
)
from tests.tickets.conftest import DETAILED, Desk, at
from tests.tickets.conftest import desk as desk

pytestmark = pytest.mark.django_db

MONDAY_NOON = at(23, 12)
SATURDAY_NOON = at(28, 12)


@pytest.fixture(autouse=True)
def _monday() -> Iterator[None]:
    with time_machine.travel(MONDAY_NOON, tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def browser(user: User | None = None, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def file_request(
    desk: Desk,
    user: User,
    subject: str = "Messages are delayed",
    *,
    priority: Priority = Priority.P2,
    now: datetime = MONDAY_NOON,
) -> Request:
    return actions.open_request(
        actor=user, contact=user.contact, request_type=RequestType.INCIDENT, subject=subject,
        description=DETAILED, requested_priority=priority, channel=Channel.PORTAL,
        component=desk.messaging, scope=Scope.MASS, now=now,
    )  # fmt: skip


def resolved(desk: Desk, user: User) -> Request:
    ticket = file_request(desk, user)
    actions.resolve(
        actor=desk.agent, request=ticket, summary="Restarted the relay.", now=MONDAY_NOON
    )
    return Request.objects.get(pk=ticket.pk)


# -- who gets in ------------------------------------------------------------------------


def test_anonymous_visitors_sign_in_and_staff_go_to_the_desk(desk: Desk) -> None:
    response = browser().get("/portal/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/")
    response = browser(desk.agent).get("/portal/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/desk/"


# -- list -------------------------------------------------------------------------------


def test_list_shows_own_requests_only(desk: Desk) -> None:
    file_request(desk, desk.anna, "Anna's problem")
    file_request(desk, desk.boris, "Boris's problem")
    file_request(desk, desk.vera, "Vera's problem")
    page = browser(desk.anna).get("/portal/").text
    assert "Anna&#x27;s problem" in page
    assert "Boris" not in page
    assert "Vera" not in page
    # A plain contact asking for the organization's list still sees only their own.
    page = browser(desk.anna).get("/portal/?scope=org").text
    assert "Boris" not in page


def test_customer_admin_sees_the_organizations_requests(desk: Desk) -> None:
    file_request(desk, desk.anna, "Anna's problem")
    file_request(desk, desk.boris, "Boris's problem")
    file_request(desk, desk.vera, "Vera's problem")
    client = browser(desk.alfa_admin)
    assert "Anna" not in client.get("/portal/").text
    page = client.get("/portal/?scope=org").text
    assert "Organization's requests" in page
    assert "Anna&#x27;s problem" in page
    assert "Boris&#x27;s problem" in page
    assert "Vera" not in page


def test_list_paginates_by_25(desk: Desk) -> None:
    for number in range(27):
        file_request(desk, desk.anna, f"Problem number {number:02d}")
    client = browser(desk.anna)
    first = client.get("/portal/").text
    assert "Problem number 26" in first
    assert "Problem number 01" not in first
    assert "Page 1 of 2" in first
    second = client.get("/portal/?page=2").text
    assert "Problem number 00" in second
    assert "Problem number 26" not in second


def test_list_shows_times_in_the_organizations_time_zone(desk: Desk) -> None:
    desk.alfa.time_zone = "Asia/Vladivostok"  # Moscow + 7 h
    desk.alfa.save()
    file_request(desk, desk.anna)
    page = browser(desk.anna).get("/portal/").text
    assert "23.11.2026 19:00" in page  # registered at 12:00 Moscow
    assert "Asia/Vladivostok" in page


# -- filing -----------------------------------------------------------------------------


def new_request_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "request_type": "incident",
        "component": "",
        "environment": "production",
        "requested_priority": "P1",
        "subject": "Nothing works",
        "description": "Help",
    }
    data.update(overrides)
    return data


def test_new_request_form_explains_priorities_and_details(desk: Desk) -> None:
    page = browser(desk.anna).get("/portal/new/").text
    assert "push notifications not working" in page  # P2's examples from the offer
    assert "documentation error" in page  # P4
    assert f"at least {settings.DETAIL_MIN_DESCRIPTION_LENGTH} characters" in page
    assert "registered as P4 (low)" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "are closed now" not in page  # Monday noon: the 8x5 support hours are open


def test_filing_without_details_registers_p4_and_says_why(desk: Desk) -> None:
    client = browser(desk.anna)
    response = client.post("/portal/new/", new_request_data(), follow=True)
    ticket = Request.objects.get(subject="Nothing works")
    assert response.redirect_chain[-1][0] == f"/portal/requests/{ticket.pk}/"
    assert (ticket.priority, ticket.requested_priority) == ("P4", "P1")
    assert ticket.contact == desk.anna.contact
    page = response.text
    assert "registered with priority P4 low because the description is not detailed" in page
    assert "the component" in page
    assert "you asked for P1 critical" in page


def test_filing_with_details_keeps_the_priority_and_attaches_files(desk: Desk) -> None:
    upload = SimpleUploadedFile("trace.log", b"line 1\n", content_type="text/plain")
    data = new_request_data(
        component=desk.messaging.pk, scope="mass", requested_priority="P2",
        description=DETAILED, attachments=upload,
    )  # fmt: skip
    response = browser(desk.anna).post("/portal/new/", data, follow=True)
    ticket = Request.objects.get(subject="Nothing works")
    assert ticket.priority == "P2"
    assert "registered with priority P2 high." in response.text
    attachment = Attachment.objects.get(message__request=ticket)
    assert attachment.name == "trace.log"
    assert f"/portal/attachments/{attachment.pk}/" in response.text


def test_a_rejected_file_type_keeps_the_form_and_files_nothing(desk: Desk) -> None:
    upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/x-msdownload")
    response = browser(desk.anna).post("/portal/new/", new_request_data(attachments=upload))
    assert response.status_code == 400
    assert "not accepted" in response.text
    assert not Request.objects.exists()


def test_out_of_hours_notice_on_the_8x5_plan(desk: Desk) -> None:
    with time_machine.travel(SATURDAY_NOON, tick=False):
        page = browser(desk.anna).get("/portal/new/").text
        assert "Support hours for P1, P2, P3, P4 are closed now" in page
        assert "starts counting on 30.11.2026 at 10:00 (Europe/Moscow)" in page  # Monday
        response = browser(desk.anna).post("/portal/new/", new_request_data(), follow=True)
        assert (
            "The request is registered outside support hours for its priority: our reaction "
            "time starts counting on 30.11.2026 at 10:00 (Europe/Moscow)."
        ) in response.text


def test_on_premium_only_the_priorities_on_business_hours_wait(desk: Desk) -> None:
    """Premium's P1 to P3 run around the clock; P4 (and so every request without a
    detailed description) waits for business hours."""
    with time_machine.travel(SATURDAY_NOON, tick=False):
        page = browser(desk.vera).get("/portal/new/").text
    assert "Support hours for P4 are closed now" in page
    assert "P1, " not in page


# -- the request page -------------------------------------------------------------------


def test_request_page_shows_public_messages_and_never_internal_notes(desk: Desk) -> None:
    ticket = file_request(desk, desk.anna)
    actions.add_internal_note(
        actor=desk.agent, request=ticket, body="Secret vendor note", now=MONDAY_NOON
    )
    actions.reply(actor=desk.agent, request=ticket, body="We are looking", now=MONDAY_NOON)
    page = browser(desk.anna).get(f"/portal/requests/{ticket.pk}/").text
    assert "We are looking" in page
    assert "Secret vendor note" not in page
    assert "Messages are delayed" in page
    assert "Resolution due" in page


def test_paused_clock_says_it_waits_for_the_customer(desk: Desk) -> None:
    ticket = file_request(desk, desk.anna)
    actions.set_status(actor=desk.agent, request=ticket, status=Status.WAITING, now=MONDAY_NOON)
    page = browser(desk.anna).get(f"/portal/requests/{ticket.pk}/").text
    assert "paused — waiting for your reply" in page


def test_user_text_is_escaped(desk: Desk) -> None:
    ticket = file_request(desk, desk.anna, "<script>alert(1)</script>")
    for url in ("/portal/", f"/portal/requests/{ticket.pk}/"):
        page = browser(desk.anna).get(url).text
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_reply(desk: Desk) -> None:
    ticket = file_request(desk, desk.anna)
    actions.set_status(actor=desk.agent, request=ticket, status=Status.WAITING, now=MONDAY_NOON)
    response = browser(desk.anna).post(
        f"/portal/requests/{ticket.pk}/reply/", {"body": "Here are the logs"}, follow=True
    )
    assert response.status_code == 200
    assert "Here are the logs" in response.text
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN  # the customer's reply resumes the clock
    message = ticket.messages.get(body="Here are the logs")
    assert (message.kind, message.from_vendor) == (MessageKind.PUBLIC, False)


def test_an_empty_reply_is_refused_without_a_500(desk: Desk) -> None:
    ticket = file_request(desk, desk.anna)
    response = browser(desk.anna).post(
        f"/portal/requests/{ticket.pk}/reply/", {"body": ""}, follow=True
    )
    assert response.status_code == 200
    assert ticket.messages.count() == 0


def test_confirm_resolution(desk: Desk) -> None:
    ticket = resolved(desk, desk.anna)
    client = browser(desk.anna)
    assert "Confirm resolution" in client.get(f"/portal/requests/{ticket.pk}/").text
    response = client.post(f"/portal/requests/{ticket.pk}/confirm/", follow=True)
    assert "the request is closed" in response.text
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    # Confirming again is a domain error: shown, not a 500.
    response = client.post(f"/portal/requests/{ticket.pk}/confirm/", follow=True)
    assert response.status_code == 200
    assert "Only a resolved request can be confirmed." in response.text


def test_reopen_needs_a_reason(desk: Desk) -> None:
    ticket = resolved(desk, desk.anna)
    client = browser(desk.anna)
    client.post(f"/portal/requests/{ticket.pk}/reopen/", {"reason": ""})
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    response = client.post(
        f"/portal/requests/{ticket.pk}/reopen/", {"reason": "Still delayed"}, follow=True
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert "Still delayed" in response.text


@pytest.mark.parametrize(("decision", "priority", "state"), [
    ("accept", "P3", ProposalState.ACCEPTED),
    ("decline", "P2", ProposalState.DECLINED),
])  # fmt: skip
def test_downgrade_decision(desk: Desk, decision: str, priority: str, state: str) -> None:
    ticket = file_request(desk, desk.anna)
    proposal = actions.propose_downgrade(
        actor=desk.engineer, request=ticket, to=Priority.P3, reason="Partly restored",
        now=MONDAY_NOON,
    )  # fmt: skip
    client = browser(desk.anna)
    page = client.get(f"/portal/requests/{ticket.pk}/").text
    assert "Partly restored" in page
    assert "Accept" in page
    client.post(f"/portal/requests/{ticket.pk}/downgrade/{proposal.pk}/", {"decision": decision})
    ticket.refresh_from_db()
    proposal.refresh_from_db()
    assert (ticket.priority, proposal.state) == (priority, state)
    assert "Partly restored" not in client.get(f"/portal/requests/{ticket.pk}/").text


def test_a_colleague_cannot_decide_but_gets_no_500(desk: Desk) -> None:
    ticket = file_request(desk, desk.anna)
    proposal = actions.propose_downgrade(
        actor=desk.engineer, request=ticket, to=Priority.P3, reason="Partly restored",
        now=MONDAY_NOON,
    )  # fmt: skip
    response = browser(desk.boris).post(
        f"/portal/requests/{ticket.pk}/downgrade/{proposal.pk}/", {"decision": "accept"}
    )
    assert response.status_code == 404  # Boris does not see Anna's request at all
    response = browser(desk.alfa_admin).post(
        f"/portal/requests/{ticket.pk}/downgrade/{proposal.pk}/", {"decision": "accept"}
    )
    assert response.status_code == 302  # the customer admin may decide
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED


# -- isolation --------------------------------------------------------------------------


def test_another_organization_gets_404_everywhere_and_nothing_changes(desk: Desk) -> None:
    ticket = resolved(desk, desk.anna)
    ticket = Request.objects.get(pk=ticket.pk)
    proposal_ticket = file_request(desk, desk.anna)
    proposal = actions.propose_downgrade(
        actor=desk.engineer, request=proposal_ticket, to=Priority.P3, reason="Partly restored",
        now=MONDAY_NOON,
    )  # fmt: skip
    client = browser(desk.vera)
    base = f"/portal/requests/{ticket.pk}"
    assert client.get(f"{base}/").status_code == 404
    posts = [
        (f"{base}/reply/", {"body": "intruder"}),
        (f"{base}/confirm/", {}),
        (f"{base}/reopen/", {"reason": "intruder"}),
        (
            f"/portal/requests/{proposal_ticket.pk}/downgrade/{proposal.pk}/",
            {"decision": "accept"},
        ),
    ]
    messages_before = ticket.messages.count()
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    ticket.refresh_from_db()
    proposal.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert ticket.messages.count() == messages_before
    assert proposal.state == ProposalState.PENDING
    assert "intruder" not in str(list(ticket.messages.values_list("body", flat=True)))


def test_a_proposal_of_another_request_is_404(desk: Desk) -> None:
    mine = file_request(desk, desk.anna)
    other = file_request(desk, desk.vera)
    proposal = actions.propose_downgrade(
        actor=desk.engineer, request=other, to=Priority.P3, reason="x", now=MONDAY_NOON
    )
    response = browser(desk.anna).post(
        f"/portal/requests/{mine.pk}/downgrade/{proposal.pk}/", {"decision": "accept"}
    )
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PENDING


def test_csrf_is_enforced(desk: Desk) -> None:
    ticket = file_request(desk, desk.anna)
    client = browser(desk.anna, csrf=True)
    assert client.post("/portal/new/", new_request_data()).status_code == 403
    assert client.post(f"/portal/requests/{ticket.pk}/reply/", {"body": "x"}).status_code == 403
    assert ticket.messages.count() == 0


# -- contract ---------------------------------------------------------------------------


def test_contract_page(desk: Desk) -> None:
    contract = desk.alfa_contract
    contract.add_ons = ["test_dev", "onsite"]
    contract.save()
    page = browser(desk.anna).get("/portal/contract/").text
    assert "A-1" in page
    assert "8/5" in page
    assert "01.01.2026" in page
    assert "31.12.2027" in page
    assert "500" in page
    assert "test/dev environment support" in page
    assert "on-site support" in page
    assert "Egor" in page  # dedicated engineer
    assert "Maria" in page  # personal manager
    assert "5 h of business hours" in page  # P1 incident resolution on 8x5
    assert "B-1" not in page


def test_contract_page_for_premium_counts_around_the_clock(desk: Desk) -> None:
    page = browser(desk.vera).get("/portal/contract/").text
    assert "Premium" in page
    assert "15 min, counted around the clock" in page


def test_russian_is_the_default_language(desk: Desk) -> None:
    client = Client()
    client.force_login(desk.anna)
    page = client.get("/portal/new/").text
    assert 'lang="ru"' in page
    assert "регистрируется с приоритетом P4" in page
    response = client.post("/portal/new/", new_request_data(), follow=True)
    assert "потому что описание не подробное" in response.text


def test_attachment_links_download_with_the_session_and_only_for_the_organization(
    desk: Desk,
) -> None:
    ticket = file_request(desk, desk.anna)
    upload = SimpleUploadedFile("trace.log", b"line 1\n", content_type="text/plain")
    browser(desk.anna).post(
        f"/portal/requests/{ticket.pk}/reply/", {"body": "Logs", "attachments": upload}
    )
    attachment = Attachment.objects.get(message__request=ticket)
    link = f"/portal/attachments/{attachment.pk}/"
    assert link in browser(desk.anna).get(f"/portal/requests/{ticket.pk}/").text
    response = browser(desk.anna).get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"line 1\n"  # type: ignore[attr-defined]
    assert browser(desk.vera).get(link).status_code == 404


def test_list_says_paused_while_waiting_for_the_customer(desk: Desk) -> None:
    ticket = file_request(desk, desk.anna)
    actions.set_status(actor=desk.agent, request=ticket, status=Status.WAITING, now=MONDAY_NOON)
    assert "paused" in browser(desk.anna).get("/portal/").text


def test_customer_admin_confirms_a_colleagues_request(desk: Desk) -> None:
    ticket = resolved(desk, desk.anna)
    browser(desk.alfa_admin).post(f"/portal/requests/{ticket.pk}/confirm/")
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_an_invalid_form_is_shown_again_with_its_errors(desk: Desk) -> None:
    response = browser(desk.anna).post("/portal/new/", new_request_data(subject=""))
    assert response.status_code == 400
    assert "errorlist" in response.text
    assert not Request.objects.exists()


def test_filing_without_a_valid_contract_is_refused_with_a_message(desk: Desk) -> None:
    contract = desk.alfa_contract
    contract.valid_until = contract.valid_from
    contract.save()
    response = browser(desk.anna).post("/portal/new/", new_request_data())
    assert response.status_code == 400
    assert "has no contract valid on" in response.text
    assert not Request.objects.exists()
