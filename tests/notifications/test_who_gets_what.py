"""The notification set, one test per event: who gets a mail, in which language, and that
the person who acted gets none. Read from the outbox rows the actions wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings

from supportdesk.audit.models import AuditEvent
from supportdesk.notifications.models import Notification
from supportdesk.notifications.sender import build_message
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.staff.models import StaffEvent
from supportdesk.staff.preferences import set_notification_preferences
from supportdesk.tickets import actions
from supportdesk.tickets.attachments import add_attachment
from supportdesk.tickets.models import Channel, PriorityDefinition, Request, Scope, Status
from supportdesk.tickets.notifications import notify_vendor_reply
from supportdesk.tickets.sweeper import sweep_sla
from tests.tickets.conftest import DETAILED, Desk, at, without_dedicated_engineers


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def mails(event: str) -> list[tuple[str, str]]:
    """(recipient, language) of each row of ``event``, in the order written."""
    rows = Notification.objects.filter(event=event).order_by("pk")
    return list(rows.values_list("recipient", "language"))


def only(event: str) -> Notification:
    (row,) = Notification.objects.filter(event=event)
    return row


def speaks(desk: Desk, user_name: str, language: str) -> None:
    """Anna (a contact) or a staff member reads e-mail in ``language``."""
    user = getattr(desk, user_name)
    if hasattr(user, "contact"):
        user.contact.language = language
        user.contact.save()
    else:
        user.staff.language = language
        user.staff.save()


def open_(desk: Desk, priority: Priority = Priority.P1, **changes: object) -> Request:
    fields: dict[str, object] = {
        "actor": desk.anna, "contact": desk.contact(desk.anna),
        "request_type": RequestType.INCIDENT, "subject": "Calls drop", "description": DETAILED,
        "requested_priority": priority, "channel": Channel.PORTAL, "component": desk.messaging,
        "scope": Scope.MASS, "now": at(23, 10),
    }  # fmt: skip
    fields.update(changes)
    return actions.open_request(**fields)  # type: ignore[arg-type]


# -- registration ----------------------------------------------------------------------------


def test_a_p1_is_acknowledged_and_told_at_once_to_the_team_and_the_dedicated_engineer(
    desk: Desk,
) -> None:
    speaks(desk, "engineer", "en")
    request = open_(desk, Priority.P1)

    ack = only("request.acknowledged")
    assert (ack.recipient, ack.language) == (desk.anna.email, "ru")
    assert ack.subject == f"[{request.reference}] Обращение зарегистрировано"
    assert "Мы зарегистрировали ваше обращение" in ack.body
    assert ack.headers["Auto-Submitted"] == "auto-generated"
    # The team (agents triage new requests: Oleg) and Egor, each in their language.
    assert sorted(mails("staff.new_request")) == sorted(
        [(desk.agent.email, "ru"), (desk.engineer.email, "en")]
    )
    english = Notification.objects.get(event="staff.new_request", recipient=desk.engineer.email)
    assert english.subject == f"[{request.reference}] New request P1: Calls drop"
    assert DETAILED in english.body
    assert f"/desk/requests/{request.pk}/" in english.body


def test_a_p3_goes_to_the_dedicated_engineer_alone_or_to_the_team_without_one(
    desk: Desk,
) -> None:
    open_(desk, Priority.P3)
    assert mails("staff.new_request") == [(desk.engineer.email, "ru")]

    Notification.objects.all().delete()
    desk.alfa_contract.dedicated_engineer = None
    desk.alfa_contract.save()
    open_(desk, Priority.P3)
    assert mails("staff.new_request") == [(desk.agent.email, "ru")]


def test_staff_registering_a_call_are_not_told_of_their_own_request(desk: Desk) -> None:
    open_(desk, Priority.P1, actor=desk.agent, channel=Channel.PHONE, registered_at=at(23, 9))
    assert mails("request.acknowledged") == [(desk.anna.email, "ru")]  # the requester's receipt
    assert mails("staff.new_request") == [(desk.engineer.email, "ru")]  # not Oleg, who registered


def test_staff_who_turned_new_requests_off_get_none(desk: Desk) -> None:
    set_notification_preferences(
        actor=desk.engineer, member=desk.engineer.staff, language="en",
        wanted={StaffEvent.ASSIGNED, StaffEvent.SLA_BREACH}, now=at(23, 9),
    )  # fmt: skip
    open_(desk, Priority.P1)
    assert mails("staff.new_request") == [(desk.agent.email, "ru")]
    assert AuditEvent.objects.filter(
        action="staff.notification_preferences_changed", actor=desk.engineer
    ).exists()


def test_an_email_request_is_acknowledged_as_an_answer_to_the_customers_mail(
    desk: Desk,
) -> None:
    open_(desk, channel=Channel.EMAIL, email_message_id="first@alfa.example")
    ack = only("request.acknowledged")
    assert (ack.in_reply_to, ack.references) == ("first@alfa.example", "first@alfa.example")


# -- the conversation ------------------------------------------------------------------------


def test_a_vendor_reply_goes_to_the_customer_with_its_files_in_the_thread(desk: Desk) -> None:
    speaks(desk, "anna", "en")
    request = open_(desk)
    root = only("request.acknowledged").message_id
    actions.reply(actor=desk.anna, request=request, body="Logs follow", now=at(23, 10, 1),
                  email_message_id="logs@alfa.example")  # fmt: skip
    message = actions.reply(
        actor=desk.engineer, request=request, body="Please restart the node.", now=at(23, 10, 5)
    )
    reply = only("request.vendor_replied")
    assert (reply.recipient, reply.language) == (desk.anna.email, "en")
    assert reply.subject == f"[{request.reference}] Re: Calls drop"
    assert "Please restart the node." in reply.body
    assert "Egor" in reply.body  # who wrote it
    assert "Auto-Submitted" not in reply.headers  # a person's reply
    assert reply.in_reply_to == "logs@alfa.example"  # the customer's latest mail
    assert reply.references == f"{root} logs@alfa.example"

    # The files of the reply (stored with it by the reply action) go with the mail.
    upload = SimpleUploadedFile("steps.txt", b"1. restart\n", content_type="text/plain")
    add_attachment(actor=desk.engineer, message=message, upload=upload, now=at(23, 10, 6))
    notify_vendor_reply(request, message, actor=desk.engineer, now=at(23, 10, 6))
    with_file = Notification.objects.filter(event="request.vendor_replied").latest("pk")
    (file,) = build_message(with_file).attachments
    assert (file.filename, file.content, file.mimetype) == (
        "steps.txt",
        "1. restart\n",
        "text/plain",
    )


def test_a_customer_reply_goes_to_the_assignee_alone(desk: Desk) -> None:
    without_dedicated_engineers()
    request = open_(desk, Priority.P3)
    actions.reply(actor=desk.anna, request=request, body="Nobody assigned yet", now=at(23, 10, 1))
    assert mails("staff.customer_replied") == []
    actions.assign(actor=desk.agent, request=request, assignee=desk.engineer, team=None,
                   now=at(23, 10, 2))  # fmt: skip
    actions.reply(actor=desk.anna, request=request, body="Any news?", now=at(23, 10, 3))
    assert mails("staff.customer_replied") == [(desk.engineer.email, "ru")]
    assert "Any news?" in only("staff.customer_replied").body


def test_assignment_tells_the_assignee_unless_they_took_it_themselves(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    actions.assign(actor=desk.agent, request=request, assignee=desk.agent, team=None,
                   now=at(23, 10, 1))  # fmt: skip
    assert mails("staff.assigned") == []
    speaks(desk, "engineer", "en")
    actions.assign(actor=desk.agent, request=request, assignee=desk.engineer, team=None,
                   now=at(23, 10, 2))  # fmt: skip
    assert mails("staff.assigned") == [(desk.engineer.email, "en")]
    assert only("staff.assigned").subject == f"[{request.reference}] Assigned to you: Calls drop"
    actions.assign(actor=desk.agent, request=request, assignee=desk.engineer, team=desk.team,
                   now=at(23, 10, 3))  # fmt: skip
    assert len(mails("staff.assigned")) == 1  # a new team is not a new assignee


def test_waiting_for_the_customer_asks_for_their_answer(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    actions.set_status(actor=desk.engineer, request=request, status=Status.WAITING,
                       reason="the server log of 09:40", now=at(23, 11))  # fmt: skip
    row = only("request.waiting_for_customer")
    assert (row.recipient, row.language) == (desk.anna.email, "ru")
    assert row.subject == f"[{request.reference}] Нужен ваш ответ"
    assert "the server log of 09:40" in row.body
    actions.set_status(actor=desk.engineer, request=request, status=Status.IN_PROGRESS,
                       now=at(23, 12))  # fmt: skip
    assert len(mails("request.waiting_for_customer")) == 1


# -- priority --------------------------------------------------------------------------------


def test_a_corrected_priority_and_a_downgrade_proposal_go_to_the_customer(desk: Desk) -> None:
    speaks(desk, "anna", "en")
    request = open_(desk, Priority.P1)
    actions.correct_priority(actor=desk.engineer, request=request, to=Priority.P2,
                             reason="one region only", now=at(23, 10, 5),
                             definition=PriorityDefinition.P2_MASS_FAILURE)  # fmt: skip
    corrected = only("request.priority_corrected")
    assert (corrected.recipient, corrected.language) == (desk.anna.email, "en")
    assert "from P1 to P2" in corrected.body
    assert "one region only" in corrected.body

    actions.propose_downgrade(actor=desk.engineer, request=request, to=Priority.P3,
                              reason="workaround given", now=at(23, 11))  # fmt: skip
    proposal = only("request.downgrade_proposed")
    assert proposal.recipient == desk.anna.email
    assert proposal.body.count("/links/downgrade/") == 2  # accept and decline


# -- the end ---------------------------------------------------------------------------------


def test_resolved_carries_the_summary_and_the_confirm_and_reopen_links(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    actions.resolve(actor=desk.engineer, request=request, summary="Queue restarted.",
                    now=at(23, 15))  # fmt: skip
    resolved = only("request.resolved")
    assert (resolved.recipient, resolved.language) == (desk.anna.email, "ru")
    assert "Queue restarted." in resolved.body
    assert f"/portal/requests/{request.pk}/#confirm" in resolved.body
    assert f"/portal/requests/{request.pk}/#reopen" in resolved.body
    assert mails("request.vendor_replied") == []  # the summary is not mailed twice


def test_closed_is_told_unless_the_customer_closed_it_themself(desk: Desk) -> None:
    mine, colleagues, forgotten = (open_(desk, Priority.P3) for _ in range(3))
    for request in (mine, colleagues, forgotten):
        actions.resolve(actor=desk.engineer, request=request, summary="Done.", now=at(23, 15))

    actions.confirm_resolution(actor=desk.anna, request=mine, now=at(23, 16))
    assert mails("request.closed") == []
    actions.confirm_resolution(actor=desk.alfa_admin, request=colleagues, now=at(23, 16))
    assert mails("request.closed") == [(desk.anna.email, "ru")]
    assert actions.auto_close_resolved(now=at(30, 16)) == 1  # five business days later
    closed = Notification.objects.filter(event="request.closed").order_by("pk")
    assert [row.thread for row in closed] == [colleagues.reference, forgotten.reference]
    assert "осталось без ответа" in closed[1].body


def test_a_customer_who_reopens_is_heard_by_the_assignee(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    actions.assign(actor=desk.agent, request=request, assignee=desk.engineer, team=None,
                   now=at(23, 10, 1))  # fmt: skip
    actions.resolve(actor=desk.engineer, request=request, summary="Done.", now=at(23, 15))
    actions.reopen(actor=desk.anna, request=request, reason="Still slow", now=at(23, 16))
    assert mails("staff.customer_replied") == [(desk.engineer.email, "ru")]
    assert "Still slow" in only("staff.customer_replied").body


# -- SLA -------------------------------------------------------------------------------------


def test_sla_warnings_and_breach_in_each_persons_language_and_choice(desk: Desk) -> None:
    request = open_(desk, Priority.P2)  # reaction due 11:00, 75 % at 10:45
    actions.assign(actor=desk.lead, request=request, assignee=desk.agent, team=None,
                   now=at(23, 10, 1))  # fmt: skip
    speaks(desk, "manager", "en")
    set_notification_preferences(
        actor=desk.engineer, member=desk.engineer.staff, language="ru",
        wanted=set(StaffEvent) - {StaffEvent.SLA_WARNING}, now=at(23, 10),
    )  # fmt: skip

    assert sweep_sla(now=at(23, 10, 50)) == 1
    assert sorted(mails("staff.sla_warning")) == sorted(
        [(desk.agent.email, "ru"), (desk.manager.email, "en")]  # not Egor: warnings off
    )
    english = Notification.objects.get(event="staff.sla_warning", recipient=desk.manager.email)
    assert (
        english.subject == f"[{request.reference}] SLA warning 75%: reaction of {request.reference}"
    )
    assert english.references == only("request.acknowledged").message_id

    assert sweep_sla(now=at(23, 11, 30)) == 1
    assert sorted(mails("staff.sla_breach")) == sorted(
        [(desk.agent.email, "ru"), (desk.engineer.email, "ru"), (desk.manager.email, "en"),
         (desk.lead.email, "ru")]  # a breach escalates to the support leads
    )  # fmt: skip
    russian = Notification.objects.get(event="staff.sla_breach", recipient=desk.lead.email)
    assert russian.subject.startswith(f"[{request.reference}] Нарушение SLA")
