"""The API's typed shapes: what it accepts (validated before any endpoint runs) and what
it answers. Inputs are bounded so no value can reach the database unchecked: ids fit a
64-bit key, texts fit their columns and carry no NUL (PostgreSQL refuses it)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, StringConstraints

from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets.models import Channel, Environment, Scope, Status

MAX_ID = 2**63 - 1
MAX_OFFSET = 10**9
MAX_TEXT = 50_000
# Reasons also go into SLA clock events (300 characters) after a short prefix.
MAX_REASON = 200


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(_no_nul)]
Reason = Annotated[str, StringConstraints(max_length=MAX_REASON), AfterValidator(_no_nul)]
Subject = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_no_nul),
]
Code = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]{1,50}$")]


class Error(Schema):
    detail: str


# Documented error answers; every one of them is ``{"detail": "<reason>"}``.
ERRORS: dict[frozenset[int], type[Error]] = {frozenset({400, 401, 403, 404, 409, 422}): Error}
UPLOAD_ERRORS: dict[frozenset[int], type[Error]] = {
    frozenset({400, 401, 403, 404, 409, 413, 415, 422}): Error
}

# -- query parameters --------------------------------------------------------------------


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=100, description="page size, at most 100")
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


Ordering = Literal["-registered_at", "registered_at", "reaction_due", "resolution_due"]


class RequestQuery(PageQuery):
    status: list[Status] | None = Field(None, description="repeat for several")
    priority: Priority | None = None
    type: RequestType | None = None
    organization: Id | None = None
    team: Id | None = None
    assignee: Annotated[str, StringConstraints(pattern=r"^(me|[1-9][0-9]{0,17})$")] | None = Field(
        None, description='a user id or "me"'
    )
    component: Code | None = Field(None, description="component code")
    ordering: Ordering = "-registered_at"


# -- request bodies ----------------------------------------------------------------------


class RequestIn(Schema):
    contact_id: Id | None = Field(None, description="required for staff; default: yourself")
    request_type: RequestType
    subject: Subject
    description: Text = ""
    requested_priority: Priority
    component: Code | None = None
    scope: Scope | None = None
    environment: Environment = Environment.PRODUCTION
    channel: Channel = Channel.API
    registered_at: AwareDatetime | None = Field(None, description="staff only: e.g. a call's time")


class BodyIn(Schema):
    body: Text


class AssignIn(Schema):
    assignee_id: Id | None = None
    team_id: Id | None = None


class StatusIn(Schema):
    status: Status
    reason: Reason = ""


class PriorityIn(Schema):
    priority: Priority
    reason: Reason


class ResolveIn(Schema):
    summary: Text


class ReopenIn(Schema):
    reason: Text


class TokenIn(Schema):
    name: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
        AfterValidator(_no_nul),
    ]


# -- answers -----------------------------------------------------------------------------


class RequestOut(Schema):
    id: int
    reference: str
    organization_id: int
    contract_id: int
    contact_id: int
    request_type: str
    component: str | None
    environment: str
    channel: str
    scope: str
    subject: str
    description: str
    is_detailed: bool
    requested_priority: str
    priority: str
    status: str
    assignee_id: int | None
    team_id: int | None
    registered_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime
    reaction_due: datetime | None
    resolution_due: datetime | None


class RequestPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RequestOut]


class AttachmentOut(Schema):
    id: int
    message_id: int
    name: str
    size: int
    content_type: str
    url: str


class MessageOut(Schema):
    id: int
    request_id: int
    kind: str
    author_id: int | None
    author_name: str
    from_vendor: bool
    channel: str
    body: str
    created_at: datetime
    attachments: list[AttachmentOut]


class ProposalOut(Schema):
    id: int
    request_id: int
    from_priority: str
    to_priority: str
    reason: str
    state: str
    proposed_at: datetime
    decided_at: datetime | None


class OrganizationOut(Schema):
    id: int
    name: str
    slug: str
    time_zone: str
    is_active: bool


class ContactOut(Schema):
    id: int
    organization_id: int
    name: str
    email: str
    phone: str
    is_customer_admin: bool
    language: str
    is_active: bool


class ContractOut(Schema):
    id: int
    number: str
    organization_id: int
    plan: str
    policy_version: int
    valid_from: date
    valid_until: date
    users: int
    cts_servers: int
    fault_tolerance: bool
    add_ons: list[str]
    dedicated_engineer_id: int | None
    personal_manager_id: int | None


class OrganizationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrganizationOut]


class ContactPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ContactOut]


class ContractPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ContractOut]


class ClockEventOut(Schema):
    kind: str
    at: datetime
    target_seconds: int | None
    calendar: str | None
    reason: str


class ClockOut(Schema):
    kind: str
    status: str
    target_seconds: int | None
    calendar: str | None
    elapsed_seconds: float
    remaining_seconds: float | None
    due_at: datetime | None
    warning_75_at: datetime | None
    warning_90_at: datetime | None
    breached_at: datetime | None
    events: list[ClockEventOut]


class SlaOut(Schema):
    request_id: int
    evaluated_at: datetime
    clocks: list[ClockOut]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="the raw token: shown once, store it now")
