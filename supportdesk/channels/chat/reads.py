"""Chats a user may see, and their transcript: read helpers with the permission check
built in (a chat that is not the user's is NotFound, as a request is)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from supportdesk.channels.chat.models import Chat, ChatState
from supportdesk.tickets.access import NotFound, contact_of, is_staff, visible_requests
from supportdesk.tickets.models import Message, MessageKind

TRANSCRIPT_BATCH = 200  # messages per read; a longer gap is sent in several


def visible_chats(user: User) -> QuerySet[Chat]:
    """Staff see every chat; a customer their own, a customer admin their organization's."""
    chats = Chat.objects.select_related("request", "contact", "agent")
    if is_staff(user):
        return chats
    contact = contact_of(user)
    if contact is None:
        return chats.none()
    chats = chats.filter(request__in=visible_requests(user))
    return chats if contact.is_customer_admin else chats.filter(contact=contact)


def chat_for(user: User, chat_id: int) -> Chat:
    chat = visible_chats(user).filter(pk=chat_id).first()
    if chat is None:
        raise NotFound(f"no chat {chat_id}")
    return chat


def waiting(user: User) -> QuerySet[Chat]:
    """The queue of the workspace: chats nobody has taken, the longest waiting first."""
    return visible_chats(user).filter(state=ChatState.WAITING).order_by("started_at", "pk")


def answering(user: User) -> QuerySet[Chat]:
    """The chats this agent has taken and not closed."""
    return visible_chats(user).filter(state=ChatState.ACTIVE, agent=user).order_by("taken_at")


def open_chats(user: User) -> QuerySet[Chat]:
    return visible_chats(user).exclude(state=ChatState.CLOSED).order_by("-started_at")


def transcript(chat: Chat, *, after: int = 0, limit: int = TRANSCRIPT_BATCH) -> list[Message]:
    """The chat's messages after message id ``after``: the request's public messages since
    the chat began, whatever channel they came by (a reply written on the request page
    shows in the chat as well)."""
    return list(
        Message.objects.filter(
            request_id=chat.request_id,
            kind=MessageKind.PUBLIC,
            pk__gt=max(after, chat.after_message),
        )
        .select_related("author", "contact")
        .prefetch_related("attachments")
        .order_by("pk")[:limit]
    )
