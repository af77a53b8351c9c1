"""Platform-wide incidents: one parent, many customers' requests, across organizations
(issue 12). Each update is a reply on each request; the resolution, a resolve of each."""

from __future__ import annotations

import pytest
from django.test import Client

from supportdesk.audit.models import AuditEvent
from supportdesk.notifications.models import Notification
from supportdesk.tickets import actions
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Incident, MessageKind, Request, Status
from tests.tickets.conftest import Desk, at
from tests.tickets.test_merge import open_by
from tests.tickets.test_roles_matrix import snapshot


@pytest.fixture
def reports(desk: Desk) -> tuple[Request, Request]:
    desk.vera.contact.language = "en"
    desk.vera.contact.save(update_fields=["language"])
    return open_by(desk, desk.anna, "Push is late", 10), open_by(desk, desk.vera, "No push", 11)


def incident_of(desk: Desk, *requests: Request) -> Incident:
    incident = actions.open_incident(
        actor=desk.engineer, title="Push gateway down", description="APNs", now=at(23, 11, 30)
    )
    for request in requests:
        actions.link_to_incident(actor=desk.engineer, incident=incident, request=request,
                                 now=at(23, 11, 40))  # fmt: skip
    return incident


def test_one_update_is_a_reply_on_every_request(
    desk: Desk, reports: tuple[Request, Request]
) -> None:
    alfa, beta = reports
    incident = incident_of(desk, alfa, beta)
    Notification.objects.all().delete()

    sent = actions.broadcast_incident_update(
        actor=desk.engineer, incident=incident, body="We are restarting the gateway.",
        now=at(23, 12),
    )  # fmt: skip

    assert sorted(m.request_id for m in sent) == sorted([alfa.pk, beta.pk])
    for request in (alfa, beta):
        request.refresh_from_db()
        assert request.first_response_at == at(23, 12)  # each its own first response
        assert [(m.kind, m.body) for m in request.messages.all()] == [
            (MessageKind.PUBLIC, "We are restarting the gateway.")
        ]
    # Each customer told by the reply action, in their own language.
    mails = Notification.objects.order_by("recipient")
    assert [(m.recipient, m.language, m.event) for m in mails] == [
        (desk.anna.email, "ru", "request.vendor_replied"),
        (desk.vera.email, "en", "request.vendor_replied"),
    ]
    event = AuditEvent.objects.get(action="incident.update_broadcast")
    assert sorted(event.data["requests"]) == sorted([alfa.pk, beta.pk])


def test_the_resolution_resolves_every_open_request(
    desk: Desk, reports: tuple[Request, Request]
) -> None:
    alfa, beta = reports
    closed_early = open_by(desk, desk.boris, "Push", 11)
    incident = incident_of(desk, alfa, beta, closed_early)
    actions.resolve(actor=desk.agent, request=closed_early, summary="Other fix.", now=at(23, 12))

    actions.resolve_incident(
        actor=desk.lead, incident=incident, summary="Gateway restored.", now=at(23, 13)
    )

    incident.refresh_from_db()
    assert (incident.state, incident.resolved_by, incident.summary) == (
        "resolved", desk.lead, "Gateway restored."
    )  # fmt: skip
    for request in (alfa, beta):
        request.refresh_from_db()
        assert (request.status, request.resolved_at) == (Status.RESOLVED, at(23, 13))
        assert request.resolution_clock.status == "stopped"
    assert AuditEvent.objects.filter(action="request.resolved").count() == 3
    event = AuditEvent.objects.get(action="incident.resolved")
    assert sorted(event.data["requests"]) == sorted([alfa.pk, beta.pk])
    with pytest.raises(ActionError):  # a resolved incident takes no more updates
        actions.broadcast_incident_update(
            actor=desk.lead, incident=incident, body="again", now=at(23, 14)
        )


def test_customers_never_see_the_incident_or_other_organizations(
    desk: Desk, reports: tuple[Request, Request]
) -> None:
    alfa, beta = reports
    incident = incident_of(desk, alfa, beta)
    actions.broadcast_incident_update(
        actor=desk.engineer, incident=incident, body="Update one.", now=at(23, 12)
    )
    client = Client()
    client.force_login(desk.vera)
    page = client.get(f"/portal/requests/{beta.pk}/").content.decode()
    assert "Update one." in page
    for secret in ("Push gateway down", incident.reference, "Alfa", alfa.reference, "APNs"):
        assert secret not in page
    assert client.get(f"/portal/requests/{alfa.pk}/").status_code == 404
    # Vera's request holds only its own message.
    assert list(beta.messages.values_list("request_id", flat=True)) == [beta.pk]


@pytest.mark.parametrize("who", ["agent", "manager", "anna", "alfa_admin"])
def test_a_denied_role_changes_nothing(
    desk: Desk, reports: tuple[Request, Request], who: str
) -> None:
    alfa, beta = reports
    incident = incident_of(desk, alfa)
    actor = getattr(desk, who)
    before = snapshot()
    with pytest.raises(ActionDenied):
        actions.open_incident(actor=actor, title="x", description="", now=at(23, 12))
    with pytest.raises(ActionDenied):
        actions.link_to_incident(actor=actor, incident=incident, request=beta, now=at(23, 12))
    with pytest.raises(ActionDenied):
        actions.broadcast_incident_update(actor=actor, incident=incident, body="x", now=at(23, 12))
    with pytest.raises(ActionDenied):
        actions.resolve_incident(actor=actor, incident=incident, summary="x", now=at(23, 12))
    assert snapshot() == before


def test_a_request_belongs_to_one_incident(desk: Desk, reports: tuple[Request, Request]) -> None:
    alfa, _beta = reports
    incident_of(desk, alfa)
    other = actions.open_incident(actor=desk.lead, title="Other", description="", now=at(23, 12))
    before = snapshot()
    with pytest.raises(ActionError):
        actions.link_to_incident(actor=desk.lead, incident=other, request=alfa, now=at(23, 12))
    assert snapshot() == before
