"""Finding requests: a reference jumps to its request, words search the texts; saved
views and the "changed since you looked" marks. Every read starts from
``tickets.access.visible_requests``, so nobody finds what they may not see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Max, Q, QuerySet
from django.utils.dateparse import parse_datetime

from supportdesk.search import fulltext
from supportdesk.search.models import LastSeen, SavedView
from supportdesk.tickets.access import is_staff, visible_requests
from supportdesk.tickets.models import Message, MessageKind, Request

# "SD-123", "sd 123", "SD123", "#123" or "123": how people write a reference
# (``tickets.models.reference_of``), in any case.
REFERENCE = re.compile(r"^\s*(?:sd[-\s]?|#)?(\d{1,12})\s*$", re.IGNORECASE)


def reference_id(text: str) -> int | None:
    match = REFERENCE.match(text)
    return int(match.group(1)) if match else None


def by_reference(user: User, text: str) -> Request | None:
    """The request the text names, if it names one the user may see; else None (so a
    reference to another organization's request searches as words, revealing nothing)."""
    request_id = reference_id(text)
    if request_id is None:
        return None
    return visible_requests(user).filter(pk=request_id).first()


def search(user: User, requests: QuerySet[Request], text: str) -> QuerySet[Request]:
    """``requests`` (already narrowed to what the user sees and the filters) whose texts
    match, newest first. Staff search internal notes too; customers public messages."""
    found = fulltext.matching(requests, text, internal=is_staff(user))
    return found.order_by("-registered_at", "-pk")


PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class SearchCursor:
    """The last result shown: (registered_at, pk), newest first."""

    registered_at: datetime
    pk: int

    def encode(self) -> str:
        return f"{self.registered_at.isoformat()},{self.pk}"

    @classmethod
    def decode(cls, text: str) -> SearchCursor | None:
        when_text, _sep, pk_text = text.rpartition(",")
        if not pk_text.isdigit() or not when_text:
            return None
        try:
            when = parse_datetime(when_text)
        except ValueError:
            return None
        if when is None or when.tzinfo is None:
            return None
        return cls(when, int(pk_text))


def page(
    found: QuerySet[Request], cursor: SearchCursor | None, size: int = PAGE_SIZE
) -> tuple[list[Request], SearchCursor | None]:
    """One page of search results (keyset, newest first) and the next page's cursor."""
    if cursor is not None:
        found = found.filter(
            Q(registered_at__lt=cursor.registered_at)
            | Q(registered_at=cursor.registered_at, pk__lt=cursor.pk)
        )
    # The ids first, alone (a plan of one table: the GIN index for a rare word, the
    # requests newest first for a frequent one), then the page's rows with their joins.
    ids = list(found.values_list("pk", flat=True)[: size + 1])
    by_id = Request.objects.select_related(
        "organization", "assignee", "team",
        "reaction_clock__calendar", "resolution_clock__calendar",
    ).defer("description").in_bulk(ids)  # fmt: skip
    rows = [by_id[pk] for pk in ids if pk in by_id]
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    return rows, SearchCursor(rows[-1].registered_at, rows[-1].pk)


def saved_views(user: User) -> list[SavedView]:
    return list(SavedView.objects.filter(owner=user))


@dataclass(frozen=True, slots=True)
class Mark:
    """What happened on a request since the user last opened it."""

    unseen: bool  # never opened
    updated: bool  # changed since (any action bumps ``updated_at``)
    customer_replied: bool  # a customer's message since


NOTHING = Mark(False, False, False)


def marks(user: User, requests: list[Request]) -> dict[int, Mark]:
    """For one page of rows, in two queries whatever its length."""
    ids = [request.pk for request in requests]
    seen = dict(
        LastSeen.objects.filter(user=user, request_id__in=ids).values_list("request_id", "seen_at")
    )
    latest_customer: dict[int, datetime] = dict(
        Message.objects.filter(request_id__in=ids, from_vendor=False, kind=MessageKind.PUBLIC)
        .values("request_id")
        .annotate(latest=Max("created_at"))
        .values_list("request_id", "latest")
    )
    result = {}
    for request in requests:
        seen_at = seen.get(request.pk)
        if seen_at is None:
            result[request.pk] = Mark(True, False, False)
            continue
        replied_at = latest_customer.get(request.pk)
        result[request.pk] = Mark(
            False,
            request.updated_at > seen_at,
            replied_at is not None and replied_at > seen_at,
        )
    return result
