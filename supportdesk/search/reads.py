"""Finding requests: a reference jumps to its request, words search the texts; saved
views and the "changed since you looked" marks. Every read starts from
``tickets.access.visible_requests``, so nobody finds what they may not see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import connections, transaction
from django.db.models import F, Max, Q, QuerySet
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


# How many matches the first step of a page reads from the full-text index, at most.
# Under the cap the matches are all known: sorted newest first and counted exactly. At the
# cap the words are frequent (at least CAP matches, at least 0.1 % of a million requests):
# the requests are walked newest first, stopping after a page, and the count shows
# "1,000+". Counting further would read every match (seconds for a frequent word).
CAP = 1000


@dataclass(frozen=True, slots=True)
class Found:
    """One page of results (keyset, newest first), the next page's cursor, and how many
    requests match from the cursor on (at most ``CAP``; ``more`` when the cap was hit)."""

    rows: list[Request]
    next_cursor: SearchCursor | None
    count: int
    more: bool


def page(
    found: QuerySet[Request],
    cursor: SearchCursor | None,
    size: int = PAGE_SIZE,
    cap: int | None = None,
) -> Found:
    """One page of search results. ``found`` is ``search``'s queryset (what the user sees,
    the filters, the words).

    First step: at most ``cap`` + 1 matching ids from the full-text index alone (on
    PostgreSQL the GIN index is made the only way: a planner that guesses a rare word
    frequent walks every request newest first, seconds at a million), sorted newest first
    in the same statement and counted. Second step, only when the cap is reached: the
    matches are frequent, so the requests newest first meet a page of them early. Then
    the page's rows with their joins, by id."""
    if cursor is not None:
        found = found.filter(
            Q(registered_at__lt=cursor.registered_at)
            | Q(registered_at=cursor.registered_at, pk__lt=cursor.pk)
        )
    cap = CAP if cap is None else cap
    ids, count = _newest_of_capped(found, size + 1, cap)
    more = count > cap
    if more:
        ids = list(found.order_by("-registered_at", "-pk").values_list("pk", flat=True)[: size + 1])
        count = cap
    by_id = Request.objects.select_related(
        "organization", "assignee", "team", "contact",
        "reaction_clock__calendar", "resolution_clock__calendar",
    ).defer("description").in_bulk(ids)  # fmt: skip
    rows = [by_id[pk] for pk in ids if pk in by_id]
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = SearchCursor(rows[-1].registered_at, rows[-1].pk)
    return Found(rows, next_cursor, count, more)


# The first step's statement around the capped match: sort what the cap let through, count
# it (the window runs before the LIMIT).
_NEWEST_OF = (
    "SELECT c.hit_id, count(*) OVER () FROM ({matches}) c"
    " ORDER BY c.hit_at DESC, c.hit_id DESC LIMIT %s"
)
# Bitmap scans only, for one statement: the GIN index (and a filter's B-tree index, ANDed)
# answer; no sequential scan, no walk of an index in order. ``set_config(..., true)`` lasts
# to the end of the transaction, so the previous values are put back after the statement.
_PLANNER = ("enable_seqscan", "enable_indexscan")


def _newest_of_capped(found: QuerySet[Request], limit: int, cap: int) -> tuple[list[int], int]:
    matches = found.order_by().values(hit_id=F("pk"), hit_at=F("registered_at"))[: cap + 1]
    sql, params = matches.query.sql_with_params()
    connection = connections[found.db]
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic(using=found.db), connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SELECT current_setting(%s), current_setting(%s)", list(_PLANNER))
            before = cursor.fetchone()
            cursor.execute(
                "SELECT set_config(%s, 'off', true), set_config(%s, 'off', true)",
                list(_PLANNER),
            )
        cursor.execute(_NEWEST_OF.format(matches=sql), [*params, limit])
        rows = cursor.fetchall()
        if postgresql:
            cursor.execute(
                "SELECT set_config(%s, %s, true), set_config(%s, %s, true)",
                [_PLANNER[0], before[0], _PLANNER[1], before[1]],
            )
    return [pk for pk, _count in rows], (rows[0][1] if rows else 0)


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
