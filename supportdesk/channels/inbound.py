"""What a channel hands to intake: plain data, no database writes.

Every way a request or a message arrives (portal, API, the agent's phone form, e-mail, and
later chat, the bot, telephony, monitoring) builds an ``Inbound`` and calls
``channels.actions.receive``, which answers a ``Received``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile

from supportdesk.channels.rules import IntakeNotice, OutsideContract
from supportdesk.customers.models import Contact
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets.models import (
    Channel,
    Component,
    Concern,
    Environment,
    Message,
    Request,
    Scope,
)


@dataclass(frozen=True)
class InboundFile:
    name: str
    content_type: str
    data: bytes = b""  # adapters hand bytes; intake stores them with the portal's limits
    # A file uploaded to the pages: stored as it streamed in (it may be on disk), not
    # read into memory; ``data`` is unused then.
    upload: UploadedFile[bytes] | None = None

    @classmethod
    def uploaded(cls, upload: UploadedFile[bytes]) -> InboundFile:
        return cls(name=upload.name or "", content_type=upload.content_type or "", upload=upload)


@dataclass(frozen=True)
class Inbound:
    channel: Channel
    # Who speaks, for dedupe: "user:<id>" (a signed-in account, an API token's account),
    # "email:<lower-cased address>", later "chat:<id>" ...
    sender_scope: str
    # The channel's own id (Idempotency-Key, Message-ID, chat message id); None: no dedupe.
    external_id: str | None
    # A hash of the payload: the same external id with another payload is refused.
    fingerprint: str = ""
    # Whose ids ``external_id`` is, when not ``channel``'s: an API Idempotency-Key belongs to
    # the API whatever channel the client registers a request as (a phone call, say).
    receipt_channel: Channel | None = None
    actor: User | None = None  # the authenticated account
    sender_address: str | None = None  # e-mail etc.: the contact by address, without an actor
    contact: Contact | None = None  # staff registering for a contact, an admin for a colleague
    thread: Request | None = None  # the request this message belongs to; None: open a new one
    # a new request
    request_type: RequestType = RequestType.INCIDENT
    subject: str = ""
    description: str = ""
    requested_priority: Priority = Priority.P4
    component: Component | None = None
    scope: Scope | None = None
    environment: Environment = Environment.PRODUCTION
    concern: Concern = Concern.PLATFORM  # what decides whether an add-on is needed
    registered_at: datetime | None = None  # staff only: when the call came in
    staff_priority: Priority | None = None  # staff only: the priority they judged ...
    staff_priority_reason: str = ""  # ... and why (recorded with who)
    # monitoring only: the integration's label mapping stands in for rule 1 ...
    channel_priority: Priority | None = None
    channel_priority_reason: str = ""  # ... and which label gave it
    # a message on ``thread``
    body: str = ""
    files: tuple[InboundFile, ...] = ()
    # e-mail: the customer's Message-ID (without angle brackets), which our next mail to
    # them answers (In-Reply-To), so their client keeps one conversation
    email_message_id: str = ""

    @property
    def id_channel(self) -> Channel:
        """The channel ``external_id`` belongs to."""
        return self.receipt_channel or self.channel


class Outcome(StrEnum):
    OPENED = "opened"
    APPENDED = "appended"
    REFUSED = "refused"


class RefusalReason(StrEnum):
    """Why intake would not take it; the e-mail reader quarantines with the same code."""

    UNKNOWN_SENDER = "unknown-sender"
    FOREIGN_ORGANIZATION = "foreign-organization"
    STAFF_SENDER = "staff-sender"


@dataclass(frozen=True)
class RefusedFile:
    """A file intake did not store; the message it came with is kept all the same."""

    name: str
    reason: str


@dataclass(frozen=True)
class Received:
    outcome: Outcome
    request: Request | None
    message: Message | None
    # True: the external id was seen before; the earlier outcome is answered, nothing changed.
    duplicate: bool
    reason: RefusalReason | None = None
    notice: IntakeNotice | None = None  # the out-of-hours notice of an opened request
    # The opened request is outside the contract (the add-on it needs): no clock runs.
    outside: OutsideContract | None = None
    refused_files: tuple[RefusedFile, ...] = ()
