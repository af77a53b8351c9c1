"""Platform-wide incidents: one parent linked to many customers' requests, across
organizations. Staff alone see the incident; each customer hears of it only through
their own request, by the same actions as any reply and resolution."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.actions._common import lock_request
from supportdesk.tickets.actions.conversation import reply
from supportdesk.tickets.actions.workflow import resolve
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import (
    OPEN_STATUSES,
    Incident,
    IncidentState,
    Message,
    Request,
    Status,
)


def open_incident(*, actor: User, title: str, description: str, now: datetime) -> Incident:
    require(actor, Capability.MANAGE_INCIDENTS)
    title = title.strip()
    if not title:
        raise ActionError(_("An incident needs a title."))
    with transaction.atomic():
        incident = Incident.objects.create(
            title=title, description=description.strip(), opened_by=actor, opened_at=now
        )
        record(at=now, actor=actor, action="incident.opened", subject=incident, data={})
    return incident


def _open(incident: Incident) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.state != IncidentState.OPEN:
        raise ActionError(_("The incident is resolved."))
    return incident


def link_to_incident(
    *, actor: User, incident: Incident, request: Request, now: datetime
) -> Request:
    """A customer's request is one report of the incident (any organization)."""
    require(actor, Capability.MANAGE_INCIDENTS)
    with transaction.atomic():
        incident = _open(incident)
        request = lock_request(request)
        if request.status == Status.CLOSED:
            raise ActionError(_("The request is closed; open a new one."))
        if request.incident_id is not None:
            raise ActionError(_("The request is already linked to an incident."))
        request.incident, request.updated_at = incident, now
        request.save(update_fields=["incident", "updated_at"])
        record(
            at=now, actor=actor, action="request.incident_linked", subject=request,
            data={"incident": incident.pk},
        )  # fmt: skip
    return request


def _children(incident: Incident) -> list[Request]:
    """The linked requests still open, in a fixed order (row locks taken in it)."""
    return list(Request.objects.filter(incident=incident, status__in=OPEN_STATUSES).order_by("pk"))


def broadcast_incident_update(
    *, actor: User, incident: Incident, body: str, now: datetime
) -> list[Message]:
    """One update, a public reply on every open linked request: each through ``reply``,
    so each customer is told in their language and channel, and each first response
    counts on its own request. All of them or none."""
    require(actor, Capability.MANAGE_INCIDENTS)
    if not body.strip():
        raise ActionError(_("A reply needs text."))
    with transaction.atomic():
        incident = _open(incident)
        children = _children(incident)
        messages = [reply(actor=actor, request=child, body=body, now=now) for child in children]
        record(
            at=now, actor=actor, action="incident.update_broadcast", subject=incident,
            data={"requests": [child.pk for child in children]},
        )  # fmt: skip
    return messages


def resolve_incident(*, actor: User, incident: Incident, summary: str, now: datetime) -> Incident:
    """The incident is over: every open linked request is resolved through ``resolve``
    with the summary (its customer confirms or reopens their own), then the incident."""
    require(actor, Capability.MANAGE_INCIDENTS)
    if not summary.strip():
        raise ActionError(_("Say how the incident was resolved."))
    with transaction.atomic():
        incident = _open(incident)
        children = _children(incident)
        for child in children:
            resolve(actor=actor, request=child, summary=summary, now=now)
        incident.state, incident.resolved_by, incident.resolved_at = (
            IncidentState.RESOLVED,
            actor,
            now,
        )
        incident.summary = summary.strip()
        incident.save(update_fields=["state", "resolved_by", "resolved_at", "summary"])
        record(
            at=now, actor=actor, action="incident.resolved", subject=incident,
            data={"requests": [child.pk for child in children]},
        )  # fmt: skip
    return incident
