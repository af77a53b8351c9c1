"""The workspace's calls: the incoming-call popup shows the caller and their open
requests, a finished call is linked or registered in one click, the call-back queue, the
alert proposals; customers never see any of it."""

from __future__ import annotations

import time_machine
from django.test import Client

from supportdesk.channels.actions import receive
from supportdesk.channels.telephony.models import Call, TelephonyIntegration
from supportdesk.customers.models import Contact
from supportdesk.tickets.models import Request
from tests.channels.conftest import new_in_portal
from tests.channels.telephony import conftest as telephony
from tests.channels.telephony.conftest import event, post_event
from tests.tickets.conftest import DETAILED, Desk, at

pbx, pavel = telephony.pbx, telephony.pavel  # the telephony tests' fixtures


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_popup_shows_the_ringing_caller_and_their_open_requests(
    desk: Desk,
    pbx: TelephonyIntegration,
    pavel: Contact,
) -> None:
    mine = receive(
        new_in_portal(desk, actor=desk.alfa_admin, contact=pavel), now=at(23, 10)
    ).request
    assert mine is not None
    post_event(event("incoming", at="2026-11-23T11:00:00+03:00"))
    with time_machine.travel(at(23, 11, 1), tick=False):
        page = _client(desk.agent).get("/desk/calls/incoming")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Pavel" in text
    assert mine.reference in text
    assert _client(desk.anna).get("/desk/calls/incoming").status_code == 404


def test_a_finished_call_is_linked_or_registered_in_one_click(
    desk: Desk,
    pbx: TelephonyIntegration,
    pavel: Contact,
) -> None:
    for kind, when in (("incoming", "11:00:00"), ("answered", "11:00:10"), ("hung_up", "11:03:00")):
        post_event(event(kind, "c-1", at=f"2026-11-23T{when}+03:00"))
    agent = _client(desk.agent)
    with time_machine.travel(at(23, 11, 5), tick=False):
        page = agent.get("/desk/calls/")
        assert "8 (495)" not in page.content.decode()
        call = Call.objects.get()
        answer = agent.post(
            f"/desk/calls/{call.pk}/register",
            {"contact": pavel.pk, "request_type": "incident", "component": desk.messaging.pk,
             "scope": "mass", "priority": "P2", "subject": "Delays", "description": DETAILED},
        )  # fmt: skip
    request = Request.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/desk/requests/{request.pk}/"
    assert (request.registered_at, request.priority, request.channel) == (at(23, 11), "P2", "phone")
    call.refresh_from_db()
    assert call.request == request


def test_a_missed_call_is_called_back(
    desk: Desk,
    pbx: TelephonyIntegration,
    pavel: Contact,
) -> None:
    post_event(event("missed", "c-2", at="2026-11-23T11:00:00+03:00"))
    call = Call.objects.get()
    agent = _client(desk.agent)
    assert "+74951234567" in agent.get("/desk/calls/").content.decode()
    assert agent.post(f"/desk/calls/{call.pk}/called-back").status_code == 302
    call.refresh_from_db()
    assert call.called_back_by == desk.agent
    assert _client(desk.anna).post(f"/desk/calls/{call.pk}/called-back").status_code == 404
