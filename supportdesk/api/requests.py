"""Requests: list, register (optionally idempotent), read, and the SLA state.

Every endpoint is thin: the schema parses, ``tickets.access`` fetches what the caller may
see (NotFound -> 404), ``tickets.actions`` changes it with ``now`` read once, render shows.
The actions on a registered request are in ``request_actions``.
"""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth.models import User
from django.db.models import F, OrderBy, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.errors import HttpError, ValidationError
from ninja.params import HeaderEx, P

from supportdesk.api import reads, render
from supportdesk.api.auth import acting_user
from supportdesk.api.schemas import (
    ERRORS,
    LIST_ERRORS,
    READ_ERRORS,
    Id,
    RequestIn,
    RequestOut,
    RequestPage,
    RequestQuery,
    SlaOut,
    errors,
)
from supportdesk.api.sla import request_clocks
from supportdesk.channels.actions import DuplicateMismatch, receive
from supportdesk.channels.inbound import Inbound
from supportdesk.customers.models import Contact
from supportdesk.tickets.access import (
    ActionDenied,
    contact_of,
    get_request,
    is_staff,
    visible_requests,
)
from supportdesk.tickets.models import Channel, Request

router = Router(tags=["requests"])

ORDERINGS: dict[str, tuple[OrderBy, ...]] = {
    "-registered_at": (F("registered_at").desc(), F("id").desc()),
    "registered_at": (F("registered_at").asc(), F("id").asc()),
    "reaction_due": (
        F("reaction_clock__due_at").asc(nulls_last=True),
        F("registered_at").desc(),
        F("id").desc(),
    ),
    "resolution_due": (
        F("resolution_clock__due_at").asc(nulls_last=True),
        F("registered_at").desc(),
        F("id").desc(),
    ),
}


def listed(user: User) -> QuerySet[Request]:
    """Visible requests with what ``render.request`` reads."""
    return visible_requests(user).select_related("component", "reaction_clock", "resolution_clock")


def _filtered(user: User, query: RequestQuery) -> QuerySet[Request]:
    requests = listed(user)
    if query.status:
        requests = requests.filter(status__in=[status.value for status in query.status])
    if query.priority:
        requests = requests.filter(priority=query.priority.value)
    if query.type:
        requests = requests.filter(request_type=query.type.value)
    if query.organization:
        requests = requests.filter(organization_id=query.organization)
    if query.team:
        requests = requests.filter(team_id=query.team)
    if query.assignee:
        requests = requests.filter(
            assignee_id=user.pk if query.assignee == "me" else int(query.assignee)
        )
    if query.component:
        requests = requests.filter(component__code=query.component)
    return requests.order_by(*ORDERINGS[query.ordering])


@router.get("/requests", response={200: RequestPage, **LIST_ERRORS})
def list_requests(request: HttpRequest, filters: Query[RequestQuery]) -> RequestPage:
    requests = _filtered(acting_user(request), filters)
    page = requests[filters.offset : filters.offset + filters.limit]
    return RequestPage(
        count=requests.count(),
        limit=filters.limit,
        offset=filters.offset,
        items=[render.request(row) for row in page],
    )


def _contact_for(user: User, data: RequestIn) -> Contact:
    if data.registered_at is not None and not is_staff(user):
        # The action would register the request now anyway: refuse rather than ignore.
        raise ValidationError(
            [{"loc": ("body", "data", "registered_at"), "type": "value_error",
              "msg": "registered_at is for staff registering a phone call; "
                     "a customer's request is registered when it arrives"}]
        )  # fmt: skip
    if (data.priority is not None or data.priority_reason) and not is_staff(user):
        raise ValidationError(
            [{"loc": ("body", "data", "priority"), "type": "value_error",
              "msg": "priority is for staff registering a request; a customer asks for one "
                     "with requested_priority"}]
        )  # fmt: skip
    if data.contact_id is not None:
        return reads.get_contact(user, data.contact_id)
    own = contact_of(user)
    if own is not None:
        return own
    if is_staff(user):
        raise HttpError(422, "staff register requests for a contact: pass contact_id")
    raise ActionDenied("only support staff and customers register requests")


# Fields added after keys were first stored: left out of the fingerprint while unused, so
# a key stored before them still matches its retry.
LATER_FIELDS = ("priority", "priority_reason")


def fingerprint_of(data: RequestIn) -> str:
    body = data.model_dump(mode="json")
    for name in LATER_FIELDS:
        if body[name] in (None, ""):
            del body[name]
    canonical = json.dumps(body, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


IdempotencyKeyHeader = HeaderEx[
    str | None,
    P(
        alias="Idempotency-Key",
        pattern=r"^[\x21-\x7e]{1,255}$",
        description="a retry with the same key returns the same request",
    ),
]


@router.post("/requests", response={200: RequestOut, 201: RequestOut, **ERRORS})
def create_request(
    request: HttpRequest, data: RequestIn, idempotency_key: IdempotencyKeyHeader = None
) -> Status[RequestOut]:
    user = acting_user(request)
    now = timezone.now()
    contact = _contact_for(user, data)
    component = reads.get_component(data.component) if data.component else None
    inbound = Inbound(
        channel=data.channel, receipt_channel=Channel.API, sender_scope=f"user:{user.pk}",
        external_id=idempotency_key,
        fingerprint=fingerprint_of(data) if idempotency_key is not None else "",
        actor=user, contact=contact, request_type=data.request_type, subject=data.subject,
        description=data.description, requested_priority=data.requested_priority,
        component=component, scope=data.scope, environment=data.environment,
        concern=data.concern, registered_at=data.registered_at, staff_priority=data.priority,
        staff_priority_reason=data.priority_reason,
    )  # fmt: skip
    try:
        received = receive(inbound, now=now)
    except DuplicateMismatch:
        raise HttpError(422, "the Idempotency-Key was already used with a different body") from None
    created = received.request
    if created is None:  # a signed-in caller is never refused as an unknown sender
        raise ActionDenied("only support staff and customers register requests")
    if not received.duplicate:  # the action's request carries its component and clocks
        return Status(201, render.request(created))
    return Status(200, render.request(listed(user).get(pk=created.pk)))


@router.get("/requests/{request_id}", response={200: RequestOut, **READ_ERRORS})
def get_one(request: HttpRequest, request_id: Id) -> RequestOut:
    user = acting_user(request)
    get_request(user, request_id)
    return render.request(listed(user).get(pk=request_id))


@router.get("/requests/{request_id}/sla", response={200: SlaOut, **errors(401, 404, 409, 422)})
def sla(request: HttpRequest, request_id: Id) -> SlaOut:
    now = timezone.now()
    ticket = get_request(acting_user(request), request_id)
    clocks = request_clocks(ticket, now=now)
    return SlaOut(request_id=ticket.pk, evaluated_at=now, clocks=[render.clock(c) for c in clocks])
