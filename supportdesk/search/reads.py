"""Finding requests: a reference jumps to its request, words search the texts; saved
views and the "changed since you looked" marks. Every read starts from
``tickets.access.visible_requests``, so nobody finds what they may not see."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import connections
from django.db.models import F, Max, Q, QuerySet
from django.utils.dateparse import parse_datetime

from supportdesk.search import fulltext
from supportdesk.search.models import LastSeen, SavedView
from supportdesk.statement_settings import settings_for
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


# The most matches the index step reads (and counts). Under it the matches are all known:
# sorted newest first and counted exactly. At it the words are frequent (at least 1 % of a
# million requests): the requests newest first meet a page of them within about 5,000.
CAP = 10_000
# When to skip the index step and walk the requests newest first at once, on the planner's
# estimates (PostgreSQL): reading every match of a frequent word from the GIN index costs
# 100-200 ms at a million requests (a word in 60 % of them), the walk a few milliseconds.
# A walk reads about 51 / share requests at about twice an index row's cost, so it is the
# cheaper when matches² >= WALK_RATIO x requests (about 7,000 matches of a million).
# Never on a guess: the estimate of a word the column's statistics do not know (a rare
# code) is a constant (about 1 % of the requests here); only a word expected above it
# (WALK_KNOWN times) walks, so a rare word never walks a million requests.
WALK_RATIO = 50
WALK_KNOWN = 1.2
# And at least this many expected (a small set is cheap to read whole, and counted exactly).
WALK_FROM = 1_000
# A lexeme no text has, for the estimate of a word the statistics do not know.
UNKNOWN_WORD = "qzxjvkq"


@dataclass(frozen=True, slots=True)
class Found:
    """One page of results (keyset, newest first), the next page's cursor, and how many
    requests match from the cursor on: exact when ``more`` is False; when it is True at
    least ``count`` (the cap), or, with ``count`` None, many (not counted: the planner
    knew the words frequent)."""

    rows: list[Request]
    next_cursor: SearchCursor | None
    count: int | None
    more: bool

    def page_context(self, *, after: str) -> dict[str, object]:
        """What the portal's and the queue's search pages show around the rows: the count
        and the cursor pager (``after``: the cursor the page was asked from)."""
        return {
            "found_count": self.count,
            "found_more": self.more,
            "next_cursor": self.next_cursor.encode() if self.next_cursor else "",
            "is_first_page": not after,
        }


def find(
    user: User,
    requests: QuerySet[Request],
    text: str,
    cursor: SearchCursor | None,
    size: int | None = None,
    cap: int | None = None,
) -> Found:
    """One page of what ``search`` finds in ``requests`` (what the user sees and the
    filters), from ``cursor`` on.

    Frequent words (by the planner's estimate, PostgreSQL): the requests newest first,
    stopping after a page. Otherwise first at most ``cap`` + 1 matching ids from the
    full-text index alone (on PostgreSQL the GIN index is made the only way: a planner
    that guessed a rare code frequent walked every request newest first, 10 s at a
    million), sorted newest first and counted in the same statement; only when the cap
    is reached, the walk newest first. Then the page's rows with their joins, by id."""
    cap = CAP if cap is None else cap
    size = PAGE_SIZE if size is None else size
    if cursor is not None:
        requests = requests.filter(
            Q(registered_at__lt=cursor.registered_at)
            | Q(registered_at=cursor.registered_at, pk__lt=cursor.pk)
        )
    found = search(user, requests, text)
    count: int | None
    plan = _plan(user, requests, found)
    more = True
    if plan == "walk":
        ids, count = _newest(found, size + 1), None
        if len(ids) <= size:  # all of them after all
            count, more = len(ids), False
    else:
        planner = _INDEX if plan == "index" else _SMALL
        ids, count = _newest_of_capped(found, size + 1, cap, planner=planner)
        if count > cap:
            ids, count = _newest(found, size + 1), cap
        else:
            more = False
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


def _newest(found: QuerySet[Request], limit: int) -> list[int]:
    return list(found.order_by("-registered_at", "-pk").values_list("pk", flat=True)[:limit])


def _estimate(requests: QuerySet[Request]) -> float:
    connection = connections[requests.db]
    sql, params = requests.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        row = cursor.fetchone()
    plan = row[0] if row else None
    if isinstance(plan, str):  # pragma: no cover - a driver that does not parse JSON
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"]) if plan else 0.0


def _plan(user: User, requests: QuerySet[Request], found: QuerySet[Request]) -> str:
    """How to read a page: "walk" (newest first at once), "index" (the capped step from
    the GIN index) or "small" (the capped step from a filter's B-tree index: at most
    ``CAP`` requests to search; SQLite's FTS5 step)."""
    if connections[requests.db].vendor != "postgresql":
        return "small"
    searched = _estimate(requests)
    if searched <= CAP:
        return "small"
    expected = _estimate(found)
    unknown = _estimate(search(user, requests, UNKNOWN_WORD))
    walk = (
        expected >= WALK_FROM
        and expected > WALK_KNOWN * unknown
        and expected * expected >= WALK_RATIO * searched
    )
    return "walk" if walk else "index"


# The index step's statement around the capped match: sort what the cap let through,
# count it (the window runs before the LIMIT).
_NEWEST_OF = (
    "SELECT c.hit_id, count(*) OVER () FROM ({matches}) c"
    " ORDER BY c.hit_at DESC, c.hit_id DESC LIMIT %s"
)
# For one statement: bitmap scans only (the GIN index answers, a filter's B-tree index
# ANDed to it; no sequential scan, no walk of an index in order), and memory enough for an
# exact bitmap of the cap's rows (4 MB made it lossy: every row's document re-checked).
_INDEX = {"enable_seqscan": "off", "enable_indexscan": "off", "work_mem": "32MB"}
# For a scope of at most CAP requests (a contact's, a small organization's): the filter's
# B-tree index reads them, no bitmap (the planner ANDed the GIN index's bitmap to it, and
# a frequent word's posting list alone cost 100-200 ms for a thousand requests).
_SMALL = {"enable_seqscan": "off", "enable_bitmapscan": "off"}


def _newest_of_capped(
    found: QuerySet[Request], limit: int, cap: int, *, planner: dict[str, str]
) -> tuple[list[int], int]:
    matches = found.order_by().values(hit_id=F("pk"), hit_at=F("registered_at"))[: cap + 1]
    sql, params = matches.query.sql_with_params()
    with settings_for(found.db, planner) as cursor:
        cursor.execute(_NEWEST_OF.format(matches=sql), [*params, limit])
        rows = cursor.fetchall()
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
