"""Every change to a chat. A chat's messages go through ``channels.actions.receive`` like
every channel's (dedupe by the page's post id, the sender, the request actions): this
module only keeps the chat itself (who answers it, open or closed) and wakes the streams.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.channels.actions import receive
from supportdesk.channels.chat import fanout
from supportdesk.channels.chat.models import Chat, ChatState, RejectedPost
from supportdesk.channels.inbound import Inbound, InboundFile, Outcome, Received
from supportdesk.staff.permissions import ActionDenied, Capability, require
from supportdesk.tickets import actions as ticket_actions
from supportdesk.tickets.access import contact_of, is_staff, require_customer_of
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Channel, Request, Status

SUBJECT_LENGTH = 80


@dataclass(frozen=True)
class Post:
    """What a chat page posted: the text, its files, and the page's id for this post (a
    new one per message: a post sent twice is taken once)."""

    text: str
    post_id: str
    files: tuple[InboundFile, ...] = ()

    @property
    def fingerprint(self) -> str:
        names = "\n".join(f"{file.name}:{file.content_type}" for file in self.files)
        return hashlib.sha256(f"{self.text}\n{names}".encode()).hexdigest()


def _subject(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else _("Chat")
    return line if len(line) <= SUBJECT_LENGTH else line[: SUBJECT_LENGTH - 1] + "…"


def _inbound(actor: User, post: Post, thread: Request | None) -> Inbound:
    text = post.text.strip() or _("Attached files")
    return Inbound(
        channel=Channel.CHAT,
        sender_scope=f"user:{actor.pk}", external_id=f"chat:{post.post_id}",
        fingerprint=post.fingerprint, actor=actor, thread=thread, subject=_subject(text),
        description=text, body=text, files=post.files,
    )  # fmt: skip


@dataclass(frozen=True)
class Started:
    chat: Chat
    received: Received


def start(*, actor: User, post: Post, thread: Request | None = None, now: datetime) -> Started:
    """A customer opens a chat: its first message opens a request (its description; rule 1
    as for any free text) or is added to ``thread``, an open request of theirs. A post sent
    again answers the chat it opened."""
    require(actor, Capability.REPLY if thread is not None else Capability.REGISTER_REQUEST)
    contact = contact_of(actor)
    if contact is None:
        raise ActionDenied(_("Only customers open a chat."))
    if thread is not None:
        require_customer_of(actor, thread)
        if thread.status == Status.CLOSED:
            raise ActionError(_("The request is closed; open a new one."))
    received = receive(_inbound(actor, post, thread), now=now)
    if received.outcome == Outcome.REFUSED or received.request is None:
        raise ActionDenied(_("Your account cannot open a chat."))
    request = received.request
    with transaction.atomic():
        chat = Chat.objects.filter(request=request, contact=contact).exclude(
            state=ChatState.CLOSED
        ).select_for_update().first()  # fmt: skip
        if chat is None:
            after = received.message.pk - 1 if thread is not None and received.message else 0
            chat = Chat.objects.create(
                contact=contact, request=request, after_message=after, started_at=now,
                clock_starts_at=received.notice.starts_at if received.notice else None,
            )  # fmt: skip
            record(
                at=now, actor=actor, action="chat.started", subject=chat,
                data={"request": request.pk, "opened": received.outcome == Outcome.OPENED},
            )  # fmt: skip
        fanout.publish(chat.pk)
    return Started(chat=chat, received=received)


def _participant(actor: User, chat: Chat) -> None:
    if is_staff(actor):
        return
    contact = require_customer_of(actor, chat.request)
    if contact.pk != chat.contact_id and not contact.is_customer_admin:
        raise ActionDenied(_("Only the customer may do this."))


def post(*, actor: User, chat: Chat, post: Post, now: datetime) -> Received:
    """A message in the chat, from either side: a public message on the chat's request
    (the vendor's first one is the first response, as anywhere). Staff writing in a
    waiting chat take it."""
    require(actor, Capability.REPLY)
    _participant(actor, chat)
    if chat.state == ChatState.CLOSED:
        raise ActionError(_("The chat is closed."))
    if is_staff(actor) and chat.state == ChatState.WAITING:
        chat = take(actor=actor, chat=chat, now=now)
    received = receive(_inbound(actor, post, chat.request), now=now)
    fanout.publish(chat.pk)  # after the receive's commit: at once
    return received


def take(*, actor: User, chat: Chat, now: datetime) -> Chat:
    """An agent takes a waiting chat: it is theirs, and so is its request when nobody has
    it yet. A chat another agent took first is refused."""
    require(actor, Capability.ASSIGN)
    with transaction.atomic():
        chat = Chat.objects.select_for_update().select_related("request").get(pk=chat.pk)
        if chat.state == ChatState.CLOSED:
            raise ActionError(_("The chat is closed."))
        if chat.agent_id is not None and chat.agent_id != actor.pk:
            raise ActionError(_("Another agent has taken this chat."))
        if chat.agent_id == actor.pk:
            return chat
        chat.agent, chat.state, chat.taken_at = actor, ChatState.ACTIVE, now
        chat.save(update_fields=["agent", "state", "taken_at"])
        record(
            at=now, actor=actor, action="chat.taken", subject=chat,
            data={"request": chat.request_id, "waited_seconds": int(
                (now - chat.started_at).total_seconds())},
        )  # fmt: skip
        if chat.request.assignee_id is None:
            ticket_actions.assign(
                actor=actor, request=chat.request, assignee=actor, team=chat.request.team,
                now=now,
            )  # fmt: skip
        fanout.publish(chat.pk)
    return chat


def close(*, actor: User, chat: Chat, now: datetime) -> Chat:
    """Either side ends the chat; the request stays as it is (its transcript with it)."""
    require(actor, Capability.REPLY)
    _participant(actor, chat)
    with transaction.atomic():
        chat = Chat.objects.select_for_update().get(pk=chat.pk)
        if chat.state == ChatState.CLOSED:
            return chat
        chat.state, chat.closed_at = ChatState.CLOSED, now
        chat.save(update_fields=["state", "closed_at"])
        record(at=now, actor=actor, action="chat.closed", subject=chat, data={})
        fanout.publish(chat.pk)
    return chat


def reject(
    *, actor: User, chat: Chat | None, reason: str, fields: dict[str, Any], now: datetime
) -> RejectedPost:
    """Keep a post that could not be read, for inspection; nothing else changes."""
    with transaction.atomic():
        rejected = RejectedPost.objects.create(
            chat=chat, author=actor, reason=reason[:200], fields=fields, received_at=now
        )
        record(
            at=now, actor=actor, action="chat.post_rejected", subject=rejected,
            data={"chat": chat.pk if chat else None, "reason": reason[:200]},
        )  # fmt: skip
    return rejected
