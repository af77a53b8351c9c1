"""Calls: events taken in (idempotent, in any order), and what an agent does with a call:
turn it into a request (registered at the call's time, through intake), link it to an
existing one (an answered call on a request open before it is its first response), mark a
missed call called back. The webhook view and the workspace call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.channels.actions import receive
from supportdesk.channels.inbound import Inbound
from supportdesk.channels.telephony.events import CallEventData, normalize
from supportdesk.channels.telephony.models import (
    Call,
    CallEvent,
    CallState,
    TelephonyIntegration,
)
from supportdesk.customers.models import Contact
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets import actions
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Channel, Component, Request, Scope


@dataclass(frozen=True)
class Taken:
    call: Call | None
    duplicate: bool
    event_id: int | None = None


def find_contact(number: str, region: str) -> Contact | None:
    """The active contact whose phone normalizes to ``number`` (several: the first by id)."""
    if not number:
        return None
    # A prefilter in SQL (however a phone is written, its last two digits stand together),
    # then the exact comparison of the normalized numbers.
    last_two = "".join(ch for ch in number if ch.isdigit())[-2:]
    candidates = Contact.objects.filter(is_active=True, phone__contains=last_two).order_by("pk")
    for contact in candidates.only("pk", "phone"):
        if normalize(contact.phone, region) == number:
            return Contact.objects.select_related("organization").get(pk=contact.pk)
    return None


def _state(call: Call) -> str:
    if call.answered_at is not None:
        return CallState.ENDED if call.ended_at is not None else CallState.ANSWERED
    if call.missed or call.ended_at is not None:
        return CallState.MISSED
    return CallState.RINGING


def _merge(call: Call, event: CallEventData) -> None:
    """What one event tells, merged so that any order of arrival gives the same call."""
    call.from_number = call.from_number or event.from_number
    call.to_number = call.to_number or event.to_number
    if event.kind in ("incoming", "summary"):
        call.started_at = min(call.started_at, event.at)
    if event.kind == "answered":
        call.answered_at = min(call.answered_at or event.at, event.at)
    elif event.kind == "hung_up":
        call.ended_at = max(call.ended_at or event.at, event.at)
    elif event.kind == "missed":
        call.missed = True
        call.ended_at = call.ended_at or event.at
    elif event.kind == "recording_ready":
        call.recording_url = event.recording_url
    elif event.kind == "summary":
        call.answered_at = event.answered_at or call.answered_at
        call.ended_at = event.ended_at or call.ended_at
        call.missed = event.answered_at is None and call.answered_at is None
    if event.duration is not None and event.kind in ("hung_up", "summary"):
        call.duration = event.duration
    if call.answered_at and call.ended_at and call.duration is None:
        call.duration = int((call.ended_at - call.answered_at).total_seconds())
    call.state = _state(call)


def _take_once(
    integration: TelephonyIntegration, event: CallEventData, payload: str, now: datetime
) -> Taken:
    with transaction.atomic():
        call = (
            Call.objects.select_for_update()
            .filter(integration=integration, call_id=event.call_id)
            .first()
        )
        if call is None:
            call = Call(
                integration=integration, call_id=event.call_id, started_at=event.at,
                state=CallState.RINGING,
            )  # fmt: skip
        recording_before = call.recording_url
        _merge(call, event)
        if call.contact_id is None and call.from_number:
            call.contact = find_contact(call.from_number, integration.region)
        call.save()
        saved = CallEvent.objects.create(
            integration=integration, call=call, key=event.key, received_at=now, payload=payload
        )
        if call.recording_url and call.recording_url != recording_before:
            from supportdesk.channels.telephony.tasks import copy_recording

            transaction.on_commit(lambda: copy_recording(call.pk))
    return Taken(call=call, duplicate=False, event_id=saved.pk)


def take_event(
    integration: TelephonyIntegration, event: CallEventData, payload: str, *, now: datetime
) -> Taken:
    """Record one event and the call it builds; the same (call, event) again changes
    nothing. Events of one call are serialized on its row; two first events of a call
    racing meet on its unique id, and the later is taken again. A recording ready is
    copied into storage by a job."""
    for attempt in range(3):
        try:
            return _take_once(integration, event, payload, now)
        except IntegrityError:
            if CallEvent.objects.filter(integration=integration, key=event.key).exists():
                return Taken(call=None, duplicate=True)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def quarantine(
    integration: TelephonyIntegration, payload: str, reason: str, *, now: datetime
) -> CallEvent:
    return CallEvent.objects.create(
        integration=integration, key="", received_at=now, payload=payload,
        quarantine_reason=reason,
    )  # fmt: skip


def _locked_call(call: Call) -> Call:
    return Call.objects.select_for_update(of=("self",)).select_related("contact").get(pk=call.pk)


def make_request(
    *,
    actor: User,
    call: Call,
    subject: str,
    description: str,
    now: datetime,
    contact: Contact | None = None,
    request_type: RequestType = RequestType.INCIDENT,
    priority: Priority = Priority.P4,
    component: Component | None = None,
    scope: Scope | None = None,
    staff_priority: Priority | None = None,
    staff_priority_reason: str = "",
) -> Request:
    """The agent registers the call as a request: the phone form's rule (the call's start
    is the registration time), through intake. A second click answers the same request."""
    require(actor, Capability.HANDLE_CALLS)
    with transaction.atomic():
        call = _locked_call(call)
        if call.request is not None:
            return call.request
        who = contact or call.contact
        if who is None:
            raise ActionError(_("Choose the caller's contact first."))
        received = receive(
            Inbound(
                channel=Channel.PHONE, sender_scope=f"user:{actor.pk}",
                external_id=f"call:{call.pk}", actor=actor, contact=who,
                request_type=request_type, subject=subject, description=description,
                requested_priority=priority, component=component, scope=scope,
                registered_at=call.started_at, staff_priority=staff_priority,
                staff_priority_reason=staff_priority_reason,
            ),
            now=now,
        )  # fmt: skip
        request = received.request
        if request is None:  # a staff actor is never refused a sender
            raise ActionError(_("The request could not be registered."))
        call.request, call.linked_by, call.linked_at = request, actor, now
        call.contact = call.contact or who
        call.save(update_fields=["request", "linked_by", "linked_at", "contact"])
        actions.add_internal_note(actor=actor, request=request, body=_note(call, request), now=now)
        record(
            at=now, actor=actor, action="call.registered", subject=request,
            data={"call": call.pk, "from": call.from_number},
        )  # fmt: skip
    return request


def _note(call: Call, request: Request) -> str:
    """The call in the request's timeline, for staff: when, who, how long, the recording."""
    zone = ZoneInfo(request.organization.time_zone)
    text = _("Phone call from %(number)s at %(time)s: %(state)s, %(seconds)s s of talk.") % {
        "number": call.from_number or "?",
        "time": call.started_at.astimezone(zone).strftime("%d.%m.%Y %H:%M"),
        "state": call.get_state_display(),
        "seconds": call.duration or 0,
    }
    if call.recording_url:
        text += " " + _("Recording: %(url)s") % {"url": call.recording_url}
    return text


def link(*, actor: User, call: Call, request: Request, now: datetime) -> Call:
    """The agent links the call to an existing request of the caller's organization; an
    answered call on a request registered before it counts as its first response."""
    require(actor, Capability.HANDLE_CALLS)
    with transaction.atomic():
        call = _locked_call(call)
        if call.request_id is not None:
            if call.request_id == request.pk:
                return call
            raise ActionError(_("The call is already linked to another request."))
        if call.contact is not None and call.contact.organization_id != request.organization_id:
            raise ActionError(_("The request belongs to another organization than the caller."))
        call.request, call.linked_by, call.linked_at = request, actor, now
        if call.answered_at is not None:
            call.first_response = actions.count_call_as_first_response(
                actor=actor, request=request, answered_at=call.answered_at, now=now
            )
        call.save(update_fields=["request", "linked_by", "linked_at", "first_response"])
        actions.add_internal_note(actor=actor, request=request, body=_note(call, request), now=now)
        record(
            at=now, actor=actor, action="call.linked", subject=request,
            data={"call": call.pk, "first_response": call.first_response},
        )  # fmt: skip
    return call


def called_back(*, actor: User, call: Call, now: datetime) -> Call:
    """A missed call leaves the call-back queue."""
    require(actor, Capability.HANDLE_CALLS)
    with transaction.atomic():
        call = _locked_call(call)
        if call.state != CallState.MISSED:
            raise ActionError(_("Only a missed call is called back."))
        if call.called_back_at is None:
            call.called_back_by, call.called_back_at = actor, now
            call.save(update_fields=["called_back_by", "called_back_at"])
            record(at=now, actor=actor, action="call.called_back", subject=call, data={})
    return call
