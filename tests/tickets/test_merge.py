"""Merging a duplicate into another request of the same organization (issue 12)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client

from supportdesk.audit.models import AuditEvent
from supportdesk.notifications.models import Notification
from supportdesk.reports.sla_report import build_sla_report
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Channel, ClockOutcome, MessageKind, Request, Scope, Status
from tests.tickets.conftest import DETAILED, Desk, at
from tests.tickets.test_roles_matrix import snapshot


def open_by(desk: Desk, customer: User, subject: str, hour: int = 10) -> Request:
    return actions.open_request(
        actor=customer, contact=desk.contact(customer), request_type=RequestType.INCIDENT,
        subject=subject, description=DETAILED, requested_priority=Priority.P3,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=at(23, hour),
    )  # fmt: skip


def fresh(request: Request) -> Request:
    return Request.objects.select_related("reaction_clock", "resolution_clock").get(pk=request.pk)


def test_the_duplicate_is_closed_into_the_other_with_its_messages(desk: Desk) -> None:
    original = open_by(desk, desk.anna, "Calls drop", 10)
    duplicate = open_by(desk, desk.boris, "Calls drop again", 11)
    actions.reply(actor=desk.boris, request=duplicate, body="Still dropping.", now=at(23, 11, 5))
    Notification.objects.all().delete()

    actions.merge_duplicate(actor=desk.agent, duplicate=duplicate, into=original, now=at(23, 12))

    duplicate, original = fresh(duplicate), fresh(original)
    assert duplicate.status == Status.CLOSED
    assert duplicate.merged_into == original
    assert list(original.duplicates.all()) == [duplicate]
    # Its clocks stopped with the reason; neither runs on.
    assert duplicate.reaction_clock.status == "stopped"
    assert duplicate.resolution_clock.status == "stopped"
    reasons = {e.reason for e in duplicate.reaction_clock.events.all() if e.kind == "stop"}
    assert reasons == {"merged_as_duplicate"}  # a code, rendered in the reader's language
    # Left out of the SLA report, as exclude_from_sla does, with the reference.
    assert (duplicate.sla_excluded_at, duplicate.sla_excluded_by) == (at(23, 12), desk.agent)
    assert duplicate.sla_excluded_reason == f"duplicate of {original.reference}"
    # The conversation is copied to the other request as one note, and stays with the
    # duplicate, whose requester (Boris) may not see Anna's request.
    assert list(duplicate.messages.values_list("body", flat=True)) == ["Still dropping."]
    note = original.messages.get()
    assert (note.kind, note.author, note.created_at) == (
        MessageKind.INTERNAL, desk.agent, at(23, 12)
    )  # fmt: skip
    assert note.body == (
        f"{duplicate.reference}: Calls drop again\n\n{DETAILED}\n\n"
        "--- Boris, 2026-11-23T08:05+00:00\nStill dropping."
    )
    # Audited on both; the duplicate's customer told in their language.
    events = AuditEvent.objects.filter(action__in=["request.merged", "request.duplicate_merged"])
    assert sorted((e.action, e.subject_id, e.data) for e in events) == [
        ("request.duplicate_merged", str(original.pk), {"duplicate": duplicate.pk,
                                                        "note": note.pk}),
        ("request.merged", str(duplicate.pk), {"into": original.pk}),
    ]  # fmt: skip
    mail = Notification.objects.get()
    assert (mail.event, mail.recipient) == ("request.merged", desk.boris.email)
    assert original.reference in mail.body
    # Boris may not open Anna's request: no link to it, its reference alone.
    assert f"/portal/requests/{original.pk}/" not in mail.body


def test_a_requester_who_sees_the_other_request_gets_its_link(desk: Desk) -> None:
    original = open_by(desk, desk.anna, "Calls drop", 10)
    duplicate = open_by(desk, desk.anna, "Calls drop again", 11)
    Notification.objects.all().delete()
    actions.merge_duplicate(actor=desk.agent, duplicate=duplicate, into=original, now=at(23, 12))
    mail = Notification.objects.get()
    assert f"/portal/requests/{original.pk}/" in mail.body


def test_the_report_lists_the_duplicate_as_excluded_and_counts_only_the_other(
    desk: Desk,
) -> None:
    original = open_by(desk, desk.anna, "Calls drop", 10)
    duplicate = open_by(desk, desk.boris, "Calls drop again", 11)
    actions.merge_duplicate(actor=desk.lead, duplicate=duplicate, into=original, now=at(23, 12))
    actions.resolve(actor=desk.engineer, request=original, summary="Fixed.", now=at(23, 15))

    report = build_sla_report(desk.alfa_contract, date(2026, 11, 1), now=at(30, 12))

    assert [(e.request_id, e.reason) for e in report.excluded] == [
        (duplicate.pk, f"duplicate of {original.reference}")
    ]
    assert (report.reaction.total, report.resolution.total) == (1, 1)
    assert ClockOutcome.objects.filter(request=duplicate).count() == 2  # kept, not counted


def test_only_into_a_request_of_the_same_organization(desk: Desk) -> None:
    alfa = open_by(desk, desk.anna, "Calls drop")
    beta = open_by(desk, desk.vera, "Calls drop")
    before = snapshot()
    with pytest.raises(ActionError):
        actions.merge_duplicate(actor=desk.lead, duplicate=beta, into=alfa, now=at(23, 12))
    with pytest.raises(ActionError):
        actions.merge_duplicate(actor=desk.lead, duplicate=alfa, into=alfa, now=at(23, 12))
    assert snapshot() == before


def test_a_denied_role_changes_nothing(desk: Desk) -> None:
    original = open_by(desk, desk.anna, "Calls drop", 10)
    duplicate = open_by(desk, desk.boris, "Calls drop again", 11)
    before = snapshot()
    for who in (desk.manager, desk.anna, desk.alfa_admin):
        with pytest.raises(ActionDenied):
            actions.merge_duplicate(actor=who, duplicate=duplicate, into=original, now=at(23, 12))
    assert snapshot() == before


def test_a_merged_or_closed_request_is_not_merged_again(desk: Desk) -> None:
    original = open_by(desk, desk.anna, "Calls drop", 10)
    duplicate = open_by(desk, desk.boris, "Calls drop again", 11)
    third = open_by(desk, desk.boris, "Calls drop thrice", 11)
    actions.merge_duplicate(actor=desk.agent, duplicate=duplicate, into=original, now=at(23, 12))
    before = snapshot()
    with pytest.raises(ActionError):
        actions.merge_duplicate(actor=desk.agent, duplicate=duplicate, into=third, now=at(23, 13))
    with pytest.raises(ActionError):
        actions.merge_duplicate(actor=desk.agent, duplicate=third, into=duplicate, now=at(23, 13))
    assert snapshot() == before


def test_the_duplicates_portal_page_says_where_the_work_goes_on(desk: Desk) -> None:
    original = open_by(desk, desk.anna, "Calls drop", 10)
    duplicate = open_by(desk, desk.boris, "Calls drop again", 11)
    actions.merge_duplicate(actor=desk.agent, duplicate=duplicate, into=original, now=at(23, 12))
    boris, admin = Client(), Client()
    boris.force_login(desk.boris)
    admin.force_login(desk.alfa_admin)
    link = f'href="/portal/requests/{original.pk}/"'
    page = boris.get(f"/portal/requests/{duplicate.pk}/").content.decode()
    assert f"Закрыта как дубликат: работа продолжается в заявке {original.reference}." in page
    assert link not in page  # Anna's request is not Boris's to open
    assert link in admin.get(f"/portal/requests/{duplicate.pk}/").content.decode()
