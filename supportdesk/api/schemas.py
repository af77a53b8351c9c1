"""The API's typed shapes: what it accepts (validated before any endpoint runs) and what
it answers. Inputs are bounded so no value can reach the database unchecked: ids fit a
64-bit key, texts fit their columns and carry no NUL (PostgreSQL refuses it).

Every rule an input obeys is written in the OpenAPI schema too (``pattern``, lengths,
``additionalProperties: false``), so the schema says exactly what the server enforces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import (
    AwareDatetime,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationInfo,
    model_validator,
)
from pydantic.functional_validators import ModelWrapValidatorHandler
from pydantic_core import PydanticCustomError, core_schema

from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets.models import (
    Channel,
    Concern,
    Environment,
    PriorityDefinition,
    Scope,
    Status,
)

MAX_ID = 2**63 - 1
MAX_OFFSET = 10**9
MAX_TEXT = 50_000
# Reasons also go into SLA clock events (300 characters) after a short prefix.
MAX_REASON = 200

# The characters ``str.strip()`` removes (``str.isspace``), as a regular-expression class
# that ECMA-262 (the schema's dialect) and Python read alike.
SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = rf"^[^\x00]*[^\x00{SPACE}][^\x00]*$"


@dataclass(frozen=True)
class TextRules:
    """A string of at most ``max_length`` characters (counted as sent) with no NUL; unless
    ``blank``, with a character other than whitespace; with ``trim``, leading and trailing
    whitespace removed before use. The check and its OpenAPI description in one place:
    ``Annotated[str, TextRules(300, blank=False)]``."""

    max_length: int
    blank: bool = True
    trim: bool = False

    def check(self, value: str) -> str:
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        if not self.blank and not value.strip():
            raise ValueError("must contain a character other than whitespace")
        return value.strip() if self.trim else value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            self.check, core_schema.str_schema(max_length=self.max_length)
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        rules = ["No NUL characters"]
        if not self.blank:
            rules.append("at least one character other than whitespace")
        if self.trim:
            rules.append("leading and trailing whitespace is removed")
        documented = dict(handler(schema))
        documented["pattern"] = NO_NUL if self.blank else NOT_BLANK
        if not self.blank:
            documented["minLength"] = 1
        documented["description"] = "; ".join(rules)
        return documented


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Code = Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]{1,50}$")]


class Error(Schema):
    detail: str


def errors(*statuses: int) -> dict[frozenset[int], type[Error]]:
    """Documented error answers; every one of them is ``{"detail": "<reason>"}``."""
    return {frozenset(statuses): Error}


# What each kind of operation can answer besides success. An unsafe call from a signed-in
# session has its CSRF token checked, which reads a form body: 400 or 413 even without a
# body of its own.
LIST_ERRORS = errors(401, 422)
READ_ERRORS = errors(401, 404, 422)
ERRORS = errors(400, 401, 403, 404, 409, 413, 422)  # POST and DELETE
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
    assignee: Annotated[str, Field(pattern=r"^(me|[1-9][0-9]{0,17})$")] | None = Field(
        None, description='a user id or "me"'
    )
    component: Code | None = Field(None, description="component code")
    ordering: Ordering = "-registered_at"


# -- request bodies ----------------------------------------------------------------------


class StrictBody(Schema):
    """The base of every JSON request body: an object with only the documented keys.

    Ninja's ``Schema`` reads any value through attribute access (it validates ORM objects),
    so a body of ``[]``, ``"x"``, ``42``, ``true`` or ``null`` would become an object with
    every field at its default: an ``assign`` with ``[]`` unassigned the request. Here the
    body must be a JSON object, and an unknown key (a misspelt field) is refused too."""

    model_config = ConfigDict(extra="forbid", from_attributes=False)

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[StrictBody], info: ValidationInfo
    ) -> Any:  # the name replaces ninja's validator of the same name
        if not isinstance(values, dict):
            raise PydanticCustomError("model_type", "Input should be a JSON object")
        return handler(values)


Subject = Annotated[str, TextRules(300, blank=False, trim=True)]
Description = Annotated[str, TextRules(MAX_TEXT)]
Body = Annotated[str, TextRules(MAX_TEXT, blank=False)]
Reason = Annotated[str, TextRules(MAX_REASON)]
RequiredReason = Annotated[str, TextRules(MAX_REASON, blank=False)]


class RequestIn(StrictBody):
    contact_id: Id | None = Field(None, description="required for staff; default: yourself")
    request_type: RequestType
    subject: Subject
    description: Description = ""
    requested_priority: Priority
    component: Code | None = None
    scope: Scope | None = None
    environment: Environment = Environment.PRODUCTION
    concern: Concern = Field(
        Concern.PLATFORM,
        description=(
            "what the request is about when an add-on decides it: the platform (base "
            "support, also a failure of its chatbot or SmartApp function), the customer's own "
            "custom-built chatbot or SmartApp (needs chatbot_smartapp), organizing remote "
            "access (needs remote_access)"
        ),
    )
    channel: Channel = Channel.API
    registered_at: AwareDatetime | None = Field(
        None,
        description=(
            "staff registering a phone call: when the call came in; a customer sending it gets 422"
        ),
    )
    priority: Priority | None = Field(
        None,
        description=(
            "staff: the priority they judged, which rule 1 (P4 without a detailed "
            "description) does not override; why, in priority_reason, is required when rule "
            "1 would give another (else 409); a customer sending either gets 422"
        ),
    )
    priority_reason: Reason = ""


class BodyIn(StrictBody):
    body: Body


class AssignIn(StrictBody):
    assignee_id: Id | None = Field(None, description="null or left out: nobody")
    team_id: Id | None = Field(None, description="null or left out: no team")


class StatusIn(StrictBody):
    status: Status
    reason: Reason = ""


class PriorityIn(StrictBody):
    priority: Priority
    reason: RequiredReason


class CorrectionIn(PriorityIn):
    # Which definition of SPEC section 5 the request matches: required to lower a
    # priority the customer set (rule 3).
    definition: PriorityDefinition | None = None


class ResolveIn(StrictBody):
    summary: Body


class ReopenIn(StrictBody):
    reason: Body


class TokenIn(StrictBody):
    name: Annotated[str, TextRules(100, blank=False, trim=True)]


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
    # A deadline relies on a year without official production-calendar data (drafted).
    calendar_draft: bool
    concern: str
    out_of_contract: str | None = Field(
        description=(
            "null: the contract covers it; pending: outside the contract, no SLA clock runs "
            "until a support lead accepts it (accepted: a billable exception, clocks from "
            "then) or declines it (declined: closed)"
        )
    )
    out_of_contract_add_on: str | None = Field(description="the add-on code it needs")
    out_of_contract_notice: str | None = Field(
        description="while pending: what the customer is told, in one plain sentence"
    )


class DecisionIn(StrictBody):
    reason: Reason = ""


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
    contact_id: int | None = Field(
        description="the customer's person who wrote it, also one without an account"
    )
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
    included_add_ons: list[str] = Field(
        description=(
            "every add-on the contract includes, bought or by its plan (Premium's), as "
            "stable codes in the catalogue's order"
        )
    )
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
