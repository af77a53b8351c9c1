"""Duplicates: a request merged into another request of the same organization."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.actions._common import lock_request
from supportdesk.tickets.actions._lifecycle import close_as_duplicate
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Channel, MessageKind, Request, Status
from supportdesk.tickets.notifications import notify_merged

# Stored as data (the reference it points to is in the audit event and ``merged_into``);
# the SLA report shows it as the exclusion's reason.
DUPLICATE_REASON = "duplicate of %(ref)s"


def _digest(duplicate: Request) -> str:
    """The duplicate's description and public conversation, as one text for the other
    request's staff (files are named; they and the internal notes stay on the duplicate,
    linked from there). Times in UTC, with their offset."""
    parts = [f"{duplicate.reference}: {duplicate.subject}", "", duplicate.description]
    messages = duplicate.messages.select_related("author", "contact").prefetch_related(
        "attachments"
    )
    for message in messages.filter(kind=MessageKind.PUBLIC).order_by("created_at", "pk"):
        author = message.author or message.contact
        who = (
            (author.get_full_name() or author.get_username())
            if isinstance(author, User)
            else (author.name if author is not None else "")
        )
        parts += ["", f"--- {who}, {message.created_at.isoformat(timespec='minutes')}"]
        parts.append(message.body)
        parts += [f"[{attachment.name}]" for attachment in message.attachments.all()]
    return "\n".join(parts).strip()


def merge_duplicate(*, actor: User, duplicate: Request, into: Request, now: datetime) -> Request:
    """Merge ``duplicate`` into ``into``, a request of the same organization: its
    description and conversation are copied to ``into`` as one internal note (they stay
    on the duplicate too, where its requester, who may not see ``into``, keeps them), its
    clocks stop with the reason, it is closed and left out of the SLA report (as
    ``exclude_from_sla`` does), both point at each other, and its customer is told."""
    require(actor, Capability.MERGE_DUPLICATE)
    if duplicate.pk == into.pk:
        raise ActionError(_("A request cannot be merged into itself."))
    if duplicate.organization_id != into.organization_id:
        raise ActionError(_("Only a request of the same organization can be merged into it."))
    with transaction.atomic():
        # Both rows locked in a fixed order: two merges of the same pair never deadlock.
        first, second = sorted((duplicate, into), key=lambda r: r.pk)
        locked = {r.pk: lock_request(r) for r in (first, second)}
        duplicate, into = locked[duplicate.pk], locked[into.pk]
        if duplicate.merged_into_id is not None:
            raise ActionError(_("The request is already merged into another one."))
        if duplicate.status == Status.CLOSED:
            raise ActionError(_("A closed request cannot be merged."))
        if into.merged_into_id is not None or into.status == Status.CLOSED:
            raise ActionError(_("Merge into a request that is still open."))
        note = into.messages.create(
            kind=MessageKind.INTERNAL, author=actor, from_vendor=True, channel=Channel.PORTAL,
            body=_digest(duplicate), created_at=now,
        )  # fmt: skip
        close_as_duplicate(duplicate, now=now)
        duplicate.merged_into = into
        duplicate.sla_excluded_at, duplicate.sla_excluded_by = now, actor
        duplicate.sla_excluded_reason = DUPLICATE_REASON % {"ref": into.reference}
        duplicate.updated_at = now
        duplicate.save(
            update_fields=[
                "merged_into", "sla_excluded_at", "sla_excluded_by", "sla_excluded_reason",
                "updated_at",
            ]
        )  # fmt: skip
        into.updated_at = now
        into.save(update_fields=["updated_at"])
        record(
            at=now, actor=actor, action="request.merged", subject=duplicate,
            data={"into": into.pk},
        )  # fmt: skip
        record(
            at=now, actor=actor, action="request.duplicate_merged", subject=into,
            data={"duplicate": duplicate.pk, "note": note.pk},
        )  # fmt: skip
        notify_merged(duplicate, into=into, actor=actor, now=now)
    return duplicate
