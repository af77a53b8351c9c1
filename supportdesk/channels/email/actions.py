"""Where a message from a support mailbox goes, one action per decision.

``process_message`` is the whole path of one raw message, called by the mailbox reader
and by ``supportdesk mail ingest``: recognise a duplicate before anything is stored, store
the raw message, find the request it belongs to, and hand it to the one intake
(``channels.actions.receive``) or keep it in the quarantine with the reason. A support
lead then releases a quarantined message to a request (``release``) or discards it
(``discard``). Nothing is ever dropped: every message that is not a duplicate ends as a
request opened, a message appended, or a quarantined mail.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import CharField
from django.utils import translation
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.channels.actions import receive
from supportdesk.channels.email.mailboxes import mailbox_settings
from supportdesk.channels.email.models import (
    InboundMail,
    Outcome,
    QuarantineReason,
    QuarantineState,
)
from supportdesk.channels.email.parsing import TAG, MailKind, MailRules, ParsedMail, parse
from supportdesk.channels.email.threads import bounced_request, thread_of
from supportdesk.channels.inbound import Inbound, InboundFile
from supportdesk.channels.inbound import Outcome as IntakeOutcome
from supportdesk.customers.models import Contact
from supportdesk.rows import Param, Prepared, insert
from supportdesk.slamath.policy import RequestType
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Channel, Request, Status


class MailEvent(StrEnum):
    """The audit events of e-mail in."""

    RECEIVED = "mail.received"  # opened a request or added a message
    QUARANTINED = "mail.quarantined"
    RELEASED = "mail.released"
    DISCARDED = "mail.discarded"
    ADDRESS_BOUNCED = "contact.email_bounced"


@dataclass(frozen=True)
class MailOutcome:
    """Where one message ended: what ``supportdesk mail ingest --json`` prints."""

    outcome: Outcome
    request: Request | None
    reason: QuarantineReason | None
    duplicate: bool = False  # seen before: this is the earlier outcome, nothing changed
    mail: InboundMail | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "request": self.request.reference if self.request is not None else None,
            "reason": self.reason.value if self.reason is not None else None,
        }


def mail_rules() -> MailRules:
    """What the reader must know about us, from the settings."""
    addresses = {mailbox.address for mailbox in settings.MAILBOXES if mailbox.address}
    addresses.add(settings.DEFAULT_FROM_EMAIL.lower())
    return MailRules(
        max_bytes=settings.MAIL_MAX_BYTES,
        own_domains=frozenset({settings.MAIL_DOMAIN}),
        own_addresses=frozenset(addresses),
    )


def _answer(mail: InboundMail) -> MailOutcome:
    reason = QuarantineReason(mail.reason) if mail.reason else None
    return MailOutcome(
        outcome=Outcome(mail.outcome),
        request=mail.request,
        reason=reason,
        duplicate=True,
        mail=mail,
    )


# Every message asks it first: compiled once, read each time.
_EARLIER = Prepared(
    lambda: (
        InboundMail.objects.filter(dedupe_key=Param("key", CharField()))
        .select_related("request")
        .order_by("pk")
    )
)


def process_message(raw: bytes, *, mailbox: str, now: datetime) -> MailOutcome:
    """Take one raw message from ``mailbox`` (a configured mailbox's name; another name
    opens requests of the default type)."""
    parsed = parse(raw, rules=mail_rules())
    for attempt in range(2):
        earlier: list[InboundMail] = _EARLIER(key=parsed.dedupe_key)
        if same := next((mail for mail in earlier if mail.sender == parsed.sender), None):
            return _answer(same)
        owner = next(
            (mail.sender for mail in earlier if mail.reason != QuarantineReason.DUPLICATE_ID), None
        )
        try:
            return _take(parsed, mailbox=mailbox, first_sender=owner, now=now)
        except IntegrityError:
            # Another reader stored the same message meanwhile (two mailboxes both got
            # it, or two readers on one): answer from what it stored.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _take(
    parsed: ParsedMail, *, mailbox: str, first_sender: str | None, now: datetime
) -> MailOutcome:
    name = default_storage.save(
        f"mail/{now:%Y/%m}/{uuid.uuid4().hex}.eml", ContentFile(parsed.kept)
    )
    try:
        with transaction.atomic():
            return _decide(
                parsed, mailbox=mailbox, raw_name=name, first_sender=first_sender, now=now
            )
    except BaseException:
        default_storage.delete(name)
        raise


def _decide(
    parsed: ParsedMail, *, mailbox: str, raw_name: str, first_sender: str | None, now: datetime
) -> MailOutcome:
    mail = InboundMail(
        mailbox=mailbox,
        dedupe_key=parsed.dedupe_key,
        message_id=parsed.message_id[:255],
        sender=parsed.sender,
        subject=parsed.subject,
        size=parsed.size,
        sha256=parsed.sha256,
        received_at=now,
    )
    mail.raw.name = raw_name
    if first_sender is not None:
        what = f"the same Message-ID came first from {first_sender or 'an unknown sender'}"
        return _quarantine(mail, QuarantineReason.DUPLICATE_ID, what, thread=None, now=now)
    if parsed.kind == MailKind.BOUNCE:
        thread = bounced_request(parsed.bounce) if parsed.bounce else None
        _flag_bounced(parsed, thread=thread, now=now)
        return _quarantine(mail, QuarantineReason.BOUNCE, parsed.problem, thread=thread, now=now)
    if parsed.kind != MailKind.ORDINARY:
        thread = thread_of(parsed) if parsed.kind != MailKind.UNPARSEABLE else None
        return _quarantine(
            mail, QuarantineReason(parsed.kind.value), parsed.problem, thread=thread, now=now
        )
    thread = thread_of(parsed)
    follow_up = None
    if thread is not None and thread.status == Status.CLOSED:
        # A reply to a closed request opens a new one that says which it follows.
        follow_up, thread = thread, None
    settings_of = mailbox_settings(mailbox)
    request_type = RequestType(settings_of.request_type if settings_of else RequestType.INCIDENT)
    inbound = _inbound(parsed, thread=thread, follow_up=follow_up, request_type=request_type)
    try:
        received = receive(inbound, now=now)
    except (ActionError, ActionDenied) as error:
        # Known address, but intake cannot take it (no contract in force for the
        # organization): a support lead decides.
        return _quarantine(
            mail, QuarantineReason.UNKNOWN_SENDER, str(error), thread=thread or follow_up, now=now
        )
    if received.outcome == IntakeOutcome.REFUSED:
        reason = QuarantineReason(str(received.reason))
        what = _refusal_detail(reason, parsed)
        return _quarantine(mail, reason, what, thread=thread, now=now)
    mail.outcome = Outcome.OPENED if received.outcome == IntakeOutcome.OPENED else Outcome.APPENDED
    mail.request = received.request
    mail.added_message = received.message if mail.outcome == Outcome.APPENDED else None
    insert([mail])
    record(
        at=now,
        actor=None,
        action=MailEvent.RECEIVED,
        subject=mail,
        data={
            "outcome": mail.outcome,
            "request": received.request.reference if received.request else None,
            "message_id": parsed.message_id,
            "refused_files": [f"{file.name}: {file.reason}" for file in received.refused_files],
        },
    )
    return MailOutcome(outcome=Outcome(mail.outcome), request=mail.request, reason=None, mail=mail)


def _refusal_detail(reason: QuarantineReason, parsed: ParsedMail) -> str:
    # Details are the reader's notes for staff, like a log line; the reason is the
    # translated part of the quarantine list.
    if reason == QuarantineReason.FOREIGN_ORGANIZATION:
        return f"{parsed.sender} is not a contact of the organization of the request it names"
    if reason == QuarantineReason.STAFF_SENDER:
        return f"{parsed.sender} is a staff address: staff answer in the workspace"
    return f"{parsed.sender} is no active contact of a customer with a contract in force"


def _quarantine(
    mail: InboundMail,
    reason: QuarantineReason,
    detail: str,
    *,
    thread: Request | None,
    now: datetime,
) -> MailOutcome:
    mail.outcome = Outcome.QUARANTINED
    mail.reason = reason
    mail.state = QuarantineState.HELD
    mail.detail = detail
    mail.request = thread  # the request it names, as a suggestion for the release
    insert([mail])
    record(
        at=now,
        actor=None,
        action=MailEvent.QUARANTINED,
        subject=mail,
        data={"reason": reason.value, "detail": detail, "sender": mail.sender},
    )
    return MailOutcome(outcome=Outcome.QUARANTINED, request=None, reason=reason, mail=mail)


def _flag_bounced(parsed: ParsedMail, *, thread: Request | None, now: datetime) -> None:
    """Mark the contacts whose address a delivery failure names, so staff see it."""
    if parsed.bounce is None:
        return
    for address in parsed.bounce.failed_recipients:
        for contact in Contact.objects.filter(email__iexact=address):
            contact.email_bounced_at = now
            contact.save(update_fields=["email_bounced_at"])
            record(
                at=now,
                actor=None,
                action=MailEvent.ADDRESS_BOUNCED,
                subject=contact,
                data={
                    "address": address,
                    "status": parsed.bounce.status,
                    "diagnostic": parsed.bounce.diagnostic,
                    "request": thread.reference if thread else None,
                },
            )


# -- what intake is handed -------------------------------------------------------------


def _subject(parsed: ParsedMail) -> str:
    subject = " ".join(TAG.sub("", parsed.subject).split())
    if subject:
        return subject
    first_line = next((line.strip() for line in parsed.text.splitlines() if line.strip()), "")
    with translation.override(settings.LANGUAGE_CODE):
        return first_line[:100] or _("E-mail without a subject")


def _files(parsed: ParsedMail) -> tuple[InboundFile, ...]:
    return tuple(
        InboundFile(name=part.name, content_type=part.content_type, data=part.data)
        for part in parsed.attachments
        if part.data
    )


def _inbound(
    parsed: ParsedMail,
    *,
    thread: Request | None,
    follow_up: Request | None,
    request_type: RequestType,
    contact: Contact | None = None,
) -> Inbound:
    with translation.override(settings.LANGUAGE_CODE):
        no_text = _("(no text, files only)") if parsed.attachments else _("(no text)")
        follows = (
            _("Follows up %(reference)s, which was closed.") % {"reference": follow_up.reference}
            if follow_up is not None
            else ""
        )
    # A new request gets the whole text (a forwarded mail is the substance); a reply, and
    # a follow-up of a closed request, only the sender's own words (the raw message keeps
    # the rest).
    description = (parsed.reply if follow_up else parsed.text) or parsed.subject or no_text
    return Inbound(
        channel=Channel.EMAIL,
        sender_scope=f"email:{parsed.sender}",
        external_id=None if contact is not None else parsed.dedupe_key,
        fingerprint=parsed.sha256,
        sender_address=None if contact is not None else parsed.sender,
        contact=contact,
        thread=thread,
        request_type=request_type,
        subject=_subject(parsed),
        description=f"{follows}\n\n{description}" if follows else description,
        body=parsed.reply or no_text,
        files=_files(parsed),
        email_message_id=parsed.message_id,
    )


# -- the quarantine --------------------------------------------------------------------


def _require_lead(actor: User) -> None:
    require(actor, Capability.RELEASE_QUARANTINED_MAIL)


def _held(mail: InboundMail) -> InboundMail:
    locked = InboundMail.objects.select_for_update().get(pk=mail.pk)
    if locked.state != QuarantineState.HELD:
        raise ActionError(_("This message was already released or discarded."))
    return locked


def read_raw(mail: InboundMail) -> bytes:
    with mail.raw.open("rb") as handle:
        return bytes(handle.read())


def release(
    *,
    actor: User,
    mail: InboundMail,
    contact: Contact,
    request: Request | None,
    now: datetime,
) -> MailOutcome:
    """A support lead takes a quarantined message in: as a new request of ``contact``
    (``request`` None) or as ``contact``'s message on ``request``."""
    _require_lead(actor)
    if request is not None and contact.organization_id != request.organization_id:
        raise ActionError(_("The contact must belong to the request's organization."))
    if not contact.is_active:
        raise ActionError(_("The contact is not active."))
    parsed = parse(read_raw(mail), rules=mail_rules())
    settings_of = mailbox_settings(mail.mailbox)
    request_type = RequestType(settings_of.request_type if settings_of else RequestType.INCIDENT)
    with transaction.atomic():
        mail = _held(mail)
        received = receive(
            _inbound(
                parsed,
                thread=request,
                follow_up=None,
                request_type=request_type,
                contact=contact,
            ),
            now=now,
        )
        if received.outcome == IntakeOutcome.REFUSED or received.request is None:
            raise ActionError(
                _("Intake refused the message: %(reason)s.") % {"reason": received.reason}
            )
        mail.state = QuarantineState.RELEASED
        mail.request = received.request
        mail.added_message = (
            received.message if received.outcome == IntakeOutcome.APPENDED else None
        )
        mail.handled_by = actor
        mail.handled_at = now
        mail.save(update_fields=["state", "request", "added_message", "handled_by", "handled_at"])
        record(
            at=now,
            actor=actor,
            action=MailEvent.RELEASED,
            subject=mail,
            data={
                "outcome": str(received.outcome),
                "request": received.request.reference,
                "contact": contact.pk,
                "reason": mail.reason,
            },
        )
    outcome = Outcome.OPENED if received.outcome == IntakeOutcome.OPENED else Outcome.APPENDED
    return MailOutcome(outcome=outcome, request=received.request, reason=None, mail=mail)


def discard(*, actor: User, mail: InboundMail, note: str, now: datetime) -> InboundMail:
    """A support lead decides a quarantined message needs nothing; the raw message stays."""
    _require_lead(actor)
    with transaction.atomic():
        mail = _held(mail)
        mail.state = QuarantineState.DISCARDED
        mail.handled_by = actor
        mail.handled_at = now
        mail.save(update_fields=["state", "handled_by", "handled_at"])
        record(
            at=now,
            actor=actor,
            action=MailEvent.DISCARDED,
            subject=mail,
            data={"reason": mail.reason, "note": note.strip()},
        )
    return mail
