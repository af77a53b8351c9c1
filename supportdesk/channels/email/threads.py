"""Which request a message belongs to: its subject tag, else the Message-IDs it answers,
looked up among the mails we received and the mails we sent (the outbox)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import CharField, IntegerField, Q, QuerySet

from supportdesk.channels.email.models import InboundMail, Outcome, QuarantineState
from supportdesk.channels.email.parsing import TAG, Bounce, ParsedMail
from supportdesk.notifications.models import Notification
from supportdesk.rows import Param, Prepared
from supportdesk.tickets.models import Request

# A tagged message's request (most replies carry the tag): compiled once, read each time.
_REQUEST = Prepared(lambda: Request.objects.filter(pk=Param("pk", IntegerField()))[:1])


def _request(pk: int) -> Request | None:
    found = _REQUEST(pk=pk)
    return found[0] if found else None


def thread_of(parsed: ParsedMail) -> Request | None:
    """The request a ``[SD-123]`` subject tag names (if it exists), else the request of
    the nearest Message-ID in In-Reply-To/References that we know."""
    if parsed.tag is not None:
        tagged = _request(parsed.tag)
        if tagged is not None:
            return tagged
    return request_of_message_ids(parsed.thread_ids)


def bounced_request(bounce: Bounce) -> Request | None:
    """The request of the mail a delivery failure returns."""
    if bounce.original_tag is not None:
        tagged = _request(bounce.original_tag)
        if tagged is not None:
            return tagged
    ids = (bounce.original_message_id,) if bounce.original_message_id else ()
    return request_of_message_ids(ids)


def request_of_message_ids(message_ids: Sequence[str]) -> Request | None:
    """The request of the first of ``message_ids`` (the nearest first) that is a mail we
    took in (opened a request, added a message, or a released one) or a notification
    we sent."""
    if not message_ids:
        return None
    found: dict[str, Request] = {}
    for mail in _by_ids(_taken_with, message_ids):
        if mail.request is not None:
            found.setdefault(mail.message_id, mail.request)
    sent = {
        message_id: int(number.group(1))
        for message_id, reference in sent_threads(message_ids).items()
        if (number := TAG.fullmatch(f"[{reference}]"))
    }
    for message_id in message_ids:
        if message_id in found:
            return found[message_id]
        if message_id in sent:
            return _request(sent[message_id])
    return None


def sent_threads(message_ids: Sequence[str]) -> dict[str, str]:
    """Message-ID -> request reference ("SD-123") of the notifications we sent with these
    ids (the outbox's ``Notification.message_id`` and ``thread``)."""
    return dict(_by_ids(_sent_with, message_ids))


# A message answers one to a few Message-IDs: each count's queries are compiled once (up to
# ``_PREPARED_IDS`` of them; a longer list is compiled as the ORM does, per call).
_PREPARED_IDS = 8


def _taken_with(ids: Sequence[Any]) -> QuerySet[InboundMail]:
    """The mails we took in (opened a request, added a message, or a released one) among
    these Message-IDs, with their requests."""
    taken = Q(outcome__in=(Outcome.OPENED, Outcome.APPENDED)) | Q(state=QuarantineState.RELEASED)
    return InboundMail.objects.filter(
        taken, message_id__in=ids, request__isnull=False
    ).select_related("request")


def _sent_with(ids: Sequence[Any]) -> QuerySet[Notification, tuple[str, str]]:
    return (
        Notification.objects.filter(message_id__in=ids)
        .exclude(thread="")
        .values_list("message_id", "thread")
    )


def _by_ids[R](query: Callable[[Sequence[Any]], QuerySet[Any, R]], ids: Sequence[str]) -> list[R]:
    if len(ids) > _PREPARED_IDS:
        return list(query(ids))
    return _prepared(query, len(ids))(**{f"id{n}": value for n, value in enumerate(ids)})


@functools.cache
def _prepared[R](query: Callable[[Sequence[Any]], QuerySet[Any, R]], count: int) -> Prepared[R]:
    return Prepared(lambda: query([Param(f"id{n}", CharField()) for n in range(count)]))
