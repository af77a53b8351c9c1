"""The workspace's e-mail pages: every staff member chooses the language and the events of
their e-mails; a support lead sees failed notifications with the reason and sends them
again. Customers get a 404, as everywhere in the workspace."""

from __future__ import annotations

from django.db import transaction

from supportdesk.audit.models import AuditEvent
from supportdesk.notifications.models import Notification, NotificationState
from supportdesk.notifications.outbox import OutgoingMail, Queued, enqueue_many
from supportdesk.staff.models import NotificationPreferences, StaffMember
from tests.tickets.conftest import Desk
from tests.workspace.conftest import NOW, browser


def test_staff_choose_the_language_and_the_events_of_their_mail(desk: Desk) -> None:
    client = browser(desk.engineer)
    page = client.get("/desk/me/notifications/").content.decode()
    assert "Мои письма" in page  # Russian by default
    assert page.count('type="checkbox"') == 6
    assert page.count("checked") == 6  # every e-mail by default

    answer = client.post(
        "/desk/me/notifications/",
        {"language": "en", "new_request": "on", "assigned": "on", "sla_breach": "on"},
    )

    assert answer.status_code == 302
    member = StaffMember.objects.get(user=desk.engineer)
    assert member.language == "en"
    chosen = NotificationPreferences.objects.get(member=member)
    assert (chosen.new_request, chosen.customer_replied, chosen.assigned) == (True, False, True)
    assert (chosen.sla_warning, chosen.sla_breach, chosen.updated_at) == (False, True, NOW)
    event = AuditEvent.objects.get(action="staff.notification_preferences_changed")
    assert event.data == {
        "language": "en",
        "off": ["customer_replied", "mentioned", "sla_warning"],
    }
    assert client.get("/desk/me/notifications/").content.decode().count("checked") == 3


def test_a_bad_language_is_refused_and_nothing_changes(desk: Desk) -> None:
    answer = browser(desk.engineer).post("/desk/me/notifications/", {"language": "xx"})
    assert answer.status_code == 400
    assert StaffMember.objects.get(user=desk.engineer).language == "ru"
    assert not NotificationPreferences.objects.exists()


def test_customers_have_no_mail_pages(desk: Desk) -> None:
    client = browser(desk.anna)
    for url in ("/desk/me/notifications/", "/desk/outbox/"):
        assert client.get(url).status_code == 404
    assert client.post("/desk/outbox/retry/", {"notification": "all"}).status_code == 404


def failed_rows(count: int) -> list[Queued]:
    with transaction.atomic():
        rows = enqueue_many(
            [OutgoingMail(to=f"p{n}@alfa.example", language="ru", event="request.resolved",
                          subject=f"[SD-{n}] Resolved", body="b", thread=f"SD-{n}")
             for n in range(count)],
            now=NOW,
        )  # fmt: skip
    Notification.objects.update(
        state=NotificationState.FAILED, attempts=29, last_error="refused: 550 no such user"
    )
    return rows


def test_a_lead_sees_failures_with_the_reason_and_sends_them_again(desk: Desk) -> None:
    first, second, third = failed_rows(3)
    assert browser(desk.agent).get("/desk/outbox/").status_code == 404  # leads only
    lead = browser(desk.lead)
    page = lead.get("/desk/outbox/").content.decode()
    assert "не отправлены: 3" in page
    assert page.count("refused: 550 no such user") == 3
    assert "p1@alfa.example" in page

    assert lead.post("/desk/outbox/retry/", {"notification": str(second.pk)}).status_code == 302
    states = dict(Notification.objects.values_list("pk", "state"))
    assert states == {first.pk: "failed", second.pk: "pending", third.pk: "failed"}
    assert lead.post("/desk/outbox/retry/", {"notification": "all"}).status_code == 302
    assert set(Notification.objects.values_list("state", "next_attempt_at")) == {("pending", NOW)}
    assert AuditEvent.objects.filter(action="notification.retried", actor=desk.lead).count() == 3
    assert "Неотправленных уведомлений нет." in lead.get("/desk/outbox/").content.decode()


def test_the_outbox_link_is_shown_to_leads_only(desk: Desk) -> None:
    assert 'href="/desk/outbox/"' in browser(desk.lead).get("/desk/").content.decode()
    assert 'href="/desk/outbox/"' not in browser(desk.agent).get("/desk/").content.decode()
