"""@mentions in internal notes tell the colleague by e-mail, as they chose (issue 12)."""

from __future__ import annotations

from datetime import UTC, datetime

from supportdesk.audit.models import AuditEvent
from supportdesk.notifications.models import Notification
from supportdesk.staff.models import NotificationPreferences, StaffEvent
from supportdesk.tickets import actions
from supportdesk.tickets.mentions import mentioned_names
from tests.tickets.conftest import Desk, at
from tests.tickets.test_merge import open_by


def test_names_after_an_at_sign_once_each_and_not_in_addresses() -> None:
    assert mentioned_names("@Egor look, cc @lena. mail egor@vendor.example; @egor again") == [
        "egor",
        "lena",
    ]
    assert mentioned_names("no mention @ here, nor a@b") == []


def test_a_mention_mails_the_colleague_and_an_unknown_name_stays_text(desk: Desk) -> None:
    request = open_by(desk, desk.anna, "Calls drop")
    Notification.objects.all().delete()

    note = actions.add_internal_note(
        actor=desk.agent, request=request, body="@egor please check, @nobody knows, @oleg",
        now=at(23, 12),
    )  # fmt: skip

    assert note.body == "@egor please check, @nobody knows, @oleg"  # as typed
    mail = Notification.objects.get()  # not the author (oleg), not @nobody, not the customer
    assert (mail.event, mail.recipient) == ("staff.mentioned", desk.engineer.email)
    assert "@egor please check" in mail.body
    assert f"/desk/requests/{request.pk}/" in mail.body
    event = AuditEvent.objects.get(action="request.noted")
    assert event.data == {"message": note.pk, "mentioned": [desk.engineer.pk, desk.agent.pk]}


def test_a_colleague_who_turned_it_off_is_not_mailed(desk: Desk) -> None:
    request = open_by(desk, desk.anna, "Calls drop")
    NotificationPreferences.objects.create(
        member=desk.engineer.staff, mentioned=False, updated_at=datetime(2026, 11, 1, tzinfo=UTC)
    )
    assert StaffEvent.MENTIONED.value == "mentioned"
    Notification.objects.all().delete()
    actions.add_internal_note(actor=desk.agent, request=request, body="@egor ?", now=at(23, 12))
    assert Notification.objects.count() == 0


def test_a_customer_is_never_mentioned(desk: Desk) -> None:
    request = open_by(desk, desk.anna, "Calls drop")
    Notification.objects.all().delete()
    actions.add_internal_note(actor=desk.agent, request=request, body="@anna", now=at(23, 12))
    assert Notification.objects.count() == 0
