"""Each notification travels over SMTP to a real server on loopback: written by the action,
kicked after the commit, sent by the job (immediate in the tests) with the thread's
headers."""

from __future__ import annotations

import re
from typing import Any

import time_machine
from django.test import Client

from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, PriorityDefinition, Request, Scope
from supportdesk.tickets.sweeper import sweep_sla
from tests.notifications.conftest import Inbox
from tests.tickets.conftest import DETAILED, Desk, at


def body(message) -> str:  # type: ignore[no-untyped-def]
    part = message.get_body(preferencelist=("plain",))
    return str(part.get_content())


def open_request(desk: Desk, run, **changes) -> Request:  # type: ignore[no-untyped-def]
    fields: dict[str, Any] = {
        "actor": desk.anna, "contact": desk.contact(desk.anna),
        "request_type": RequestType.INCIDENT, "subject": "Calls drop",
        "description": DETAILED, "requested_priority": Priority.P1, "channel": Channel.PORTAL,
        "component": desk.messaging, "scope": Scope.MASS, "now": at(27, 20),
    }  # fmt: skip
    fields.update(changes)
    with run(execute=True):
        return actions.open_request(**fields)


def to(inbox: Inbox, address: str) -> list[Any]:
    return [m for m in inbox.messages if m["To"] == address]


def test_acknowledgement_tells_an_out_of_hours_8x5_customer_when_the_clock_starts(
    desk: Desk, smtp: Inbox, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    desk.contact(desk.anna).language = "en"
    desk.contact(desk.anna).save()
    request = open_request(desk, django_capture_on_commit_callbacks)
    (ack,) = to(smtp, desk.anna.email)
    assert ack["Subject"] == f"[{request.reference}] Request registered"
    assert ack["Auto-Submitted"] == "auto-generated"
    assert ack["X-Supportdesk-Event"] == "request.acknowledged"
    assert ack["Reply-To"] == "support@supportdesk.invalid"
    text = body(ack)
    # Friday 20:00 -> counted from Monday's opening, and due an hour later; in Anna's English
    assert (
        "The request is registered outside support hours for its priority: our reaction "
        "time starts counting on 30.11.2026 at 10:00 (Europe/Moscow)."
    ) in text
    assert "Our reaction is due by 30.11.2026 11:00" in text
    assert f"/portal/requests/{request.pk}/" in text


def test_no_notice_when_the_reaction_clock_starts_at_once(
    desk: Desk, smtp: Inbox, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    open_request(desk, django_capture_on_commit_callbacks, now=at(23, 11))  # Monday 11:00
    (ack,) = to(smtp, desk.anna.email)
    text = body(ack)
    assert "вне часов поддержки" not in text
    assert "Срок реакции — до 23.11.2026 12:00" in text


def test_a_request_without_details_is_told_it_is_low_priority(
    desk: Desk, smtp: Inbox, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    open_request(desk, django_capture_on_commit_callbacks, component=None, now=at(23, 11))
    (ack,) = to(smtp, desk.anna.email)
    assert "P4" in body(ack)
    assert "Обращение зарегистрировано" in ack["Subject"]  # Anna reads Russian, the default


def test_correction_downgrade_link_resolution_and_sla_mail_in_one_thread(
    desk: Desk, smtp: Inbox, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    run = django_capture_on_commit_callbacks
    request = open_request(desk, run, now=at(23, 10))
    (ack,) = to(smtp, desk.anna.email)
    root = ack["Message-ID"]
    assert re.fullmatch(rf"<sd-{request.pk}\.[0-9a-f]{{20}}@127\.0\.0\.1>", root)
    with run(execute=True):
        actions.correct_priority(
            actor=desk.engineer,
            request=request,
            to=Priority.P2,
            reason="one region only",
            now=at(23, 10, 5),
            definition=PriorityDefinition.P2_MASS_FAILURE,
        )
    (corrected,) = [m for m in smtp.messages if "one region only" in body(m)]
    assert "P1" in body(corrected)
    assert "P2" in body(corrected)
    assert corrected["In-Reply-To"] == root
    assert corrected["References"] == root

    with run(execute=True):
        actions.propose_downgrade(
            actor=desk.engineer,
            request=request,
            to=Priority.P3,
            reason="workaround given",
            now=at(23, 11),
        )
    proposal_mail = next(m for m in smtp.messages if "workaround given" in body(m))
    # Accept comes first, then decline, whatever the language.
    accept_url, decline_url = re.findall(r"http\S+/links/downgrade/\S+", body(proposal_mail))
    assert accept_url != decline_url
    path = accept_url.split("127.0.0.1:8000", 1)[1]

    browser = Client()
    with time_machine.travel(at(23, 11, 30), tick=False):
        assert browser.get(path).status_code == 200  # showing the page changes nothing
        assert Request.objects.get(pk=request.pk).priority == "P2"
        assert browser.post(path).status_code == 200
        assert Request.objects.get(pk=request.pk).priority == "P3"
        assert browser.post(path).status_code == 409  # a link decides once
        assert Client().get(path[:-3] + "abc").status_code == 400  # tampered

    with run(execute=True):
        sweep_sla(now=at(23, 10, 50))  # reaction at 75 %+ (due 11:00)
    warnings = smtp.about("Предупреждение SLA")
    assert sorted(m["To"] for m in warnings) == sorted([desk.engineer.email, desk.manager.email])
    assert all(m["References"] == root for m in warnings)

    with run(execute=True):
        actions.resolve(actor=desk.engineer, request=request, summary="Fixed", now=at(23, 12))
    resolved = [m for m in smtp.messages if m["X-Supportdesk-Event"] == "request.resolved"]
    assert [m["To"] for m in resolved] == [desk.anna.email]
    assert "Fixed" in body(resolved[0])
    # The summary is the resolution mail's; no separate reply mail carries it.
    assert [m for m in smtp.messages if m["X-Supportdesk-Event"] == "request.vendor_replied"] == []
