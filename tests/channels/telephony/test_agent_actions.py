"""What an agent does with a call: a request registered at the call's time (with the same
priority, clocks and mails as the portal's), a link to an existing request (an answered
call is the first response of a request open before it), the call-back queue, and the
recording copied by a job."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from supportdesk.channels.actions import receive
from supportdesk.channels.telephony import actions, reads
from supportdesk.channels.telephony.models import Call, CallState, TelephonyIntegration
from supportdesk.customers.models import Contact
from supportdesk.notifications.models import Notification
from supportdesk.slamath.policy import Priority
from supportdesk.staff.permissions import ActionDenied
from supportdesk.tickets.models import Scope
from tests.channels.conftest import new_in_portal
from tests.channels.telephony.conftest import event, post_event
from tests.tickets.conftest import DETAILED, Desk, at


def _call(call_id: str, *kinds: tuple[str, str]) -> Call:
    for kind, when in kinds:
        assert post_event(event(kind, call_id, at=when)).status_code == 200
    return Call.objects.get(call_id=call_id)


def _mails(*, customer: str) -> list[tuple[str, str]]:
    return sorted(
        (event, "the customer" if recipient == customer else recipient)
        for event, recipient in Notification.objects.values_list("event", "recipient")
    )


ANSWERED = (("incoming", "2026-11-23T11:00:00+03:00"), ("answered", "2026-11-23T11:00:20+03:00"),
            ("hung_up", "2026-11-23T11:05:00+03:00"))  # fmt: skip


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def test_a_call_becomes_a_request_registered_at_the_calls_time_like_a_portal_one(
    desk: Desk, pbx: TelephonyIntegration, pavel: Contact
) -> None:
    call = _call("c-1", *ANSWERED)
    request = actions.make_request(
        actor=desk.agent, call=call, subject="Messages are delayed", description=DETAILED,
        priority=Priority.P2, component=desk.messaging, scope=Scope.MASS, now=at(23, 11, 30),
    )  # fmt: skip
    assert (request.channel, request.contact, request.priority) == ("phone", pavel, "P2")
    assert request.registered_at == at(23, 11)
    phone_mails = _mails(customer=pavel.email)
    assert (
        actions.make_request(  # a second click answers the same request
            actor=desk.agent, call=call, subject="x", description="", now=at(23, 11, 31)
        )
        == request
    )

    Notification.objects.all().delete()
    portal = receive(new_in_portal(desk), now=at(23, 11)).request
    assert portal is not None
    assert portal.priority == request.priority
    assert request.reaction_clock is not None
    assert portal.reaction_clock is not None
    assert request.reaction_clock.due_at == portal.reaction_clock.due_at
    # The same mails, but the agent who took the call is not told of their own request.
    portal_mails = _mails(customer=desk.anna.email)
    assert [m for m in portal_mails if m[1] != desk.agent.email] == phone_mails
    assert ("request.acknowledged", "the customer") in phone_mails


def test_an_answered_call_linked_to_an_earlier_request_is_its_first_response(
    desk: Desk, pbx: TelephonyIntegration, pavel: Contact
) -> None:
    earlier = receive(new_in_portal(desk), now=at(23, 10)).request
    assert earlier is not None
    call = _call("c-2", *ANSWERED)
    linked = actions.link(actor=desk.agent, call=call, request=earlier, now=at(23, 12))
    assert linked.first_response
    earlier.refresh_from_db()
    assert earlier.first_response_at == call.answered_at
    assert earlier.reaction_clock is not None
    assert earlier.reaction_clock.status == "stopped"


def test_a_call_before_the_request_or_a_missed_one_is_no_first_response(
    desk: Desk, pbx: TelephonyIntegration, pavel: Contact
) -> None:
    call = _call("c-3", *ANSWERED)
    later = receive(new_in_portal(desk), now=at(23, 11, 10)).request
    assert later is not None
    assert not actions.link(
        actor=desk.agent, call=call, request=later, now=at(23, 12)
    ).first_response
    missed = _call("c-4", ("incoming", "2026-11-23T11:20:00+03:00"),
                   ("missed", "2026-11-23T11:20:30+03:00"))  # fmt: skip
    assert not actions.link(
        actor=desk.agent, call=missed, request=later, now=at(23, 12)
    ).first_response
    later.refresh_from_db()
    assert later.first_response_at is None


def test_a_missed_call_waits_in_the_call_back_queue(
    desk: Desk, pbx: TelephonyIntegration, pavel: Contact
) -> None:
    missed = _call("c-5", ("incoming", "2026-11-23T11:20:00+03:00"),
                   ("hung_up", "2026-11-23T11:20:30+03:00"))  # fmt: skip
    assert missed.state == CallState.MISSED
    assert list(reads.callback_queue()) == [missed]
    with pytest.raises(ActionDenied):
        actions.called_back(actor=desk.anna, call=missed, now=at(23, 12))
    actions.called_back(actor=desk.agent, call=missed, now=at(23, 12))
    assert list(reads.callback_queue()) == []


class _Recording(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "audio/mpeg")
        self.end_headers()
        self.wfile.write(b"ID3 recorded call")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def recording_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recording)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_the_recording_is_copied_into_storage_by_a_job(
    desk: Desk,
    pbx: TelephonyIntegration,
    recording_server: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    body = event("recording_ready", "c-6", at="2026-11-23T11:06:00+03:00",
                 recording_url=f"{recording_server}/rec/c-6.mp3")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert post_event(body).status_code == 200  # the job runs at once in tests
    assert len(queued) == 1
    call = Call.objects.get(call_id="c-6")
    assert call.recording.name.endswith(".mp3")
    assert call.recording.read() == b"ID3 recorded call"
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert post_event(body).json()["outcome"] == "duplicate"
    assert queued == []
