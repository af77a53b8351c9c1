"""Full-text search over requests' subjects, descriptions and messages, per database.

PostgreSQL: GIN expression indexes on ``to_tsvector('russian', …) || to_tsvector('english',
…)`` of a request's subject and description and of each message's body; a query is
``plainto_tsquery`` in both configurations, OR-ed, so "серверы падали" finds "сервер
упал" (Russian stemming) and "crashing" finds "crashed" (English stemming).

SQLite: two FTS5 tables with the ``unicode61`` tokenizer (diacritics folded, so "ё" finds
"е"), external content on ``tickets_request`` and ``tickets_message``, kept in step by
triggers; every word of a query is a prefix ("серв" finds "сервер").

The migration creates whichever the database has; ``matching`` filters a request queryset
with the same expressions, so the indexes are the ones read.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from supportdesk.tickets.models import MessageKind, Request

# -- PostgreSQL -------------------------------------------------------------------------

REQUEST_DOCUMENT = (
    "(to_tsvector('russian'::regconfig, {t}subject || ' ' || {t}description)"
    " || to_tsvector('english'::regconfig, {t}subject || ' ' || {t}description))"
)
MESSAGE_DOCUMENT = (
    "(to_tsvector('russian'::regconfig, {t}body) || to_tsvector('english'::regconfig, {t}body))"
)
PG_QUERY = (
    "(plainto_tsquery('russian'::regconfig, %s) || plainto_tsquery('english'::regconfig, %s))"
)

POSTGRESQL_CREATE = [
    "CREATE INDEX IF NOT EXISTS search_request_text ON tickets_request USING gin ("
    + REQUEST_DOCUMENT.format(t="")
    + ")",
    "CREATE INDEX IF NOT EXISTS search_message_text ON tickets_message USING gin ("
    + MESSAGE_DOCUMENT.format(t="")
    + ")",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS search_request_text",
    "DROP INDEX IF EXISTS search_message_text",
]

# -- SQLite ------------------------------------------------------------------------------

SQLITE_TABLES = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_request_text USING fts5("
    "subject, description, content='tickets_request', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_message_text USING fts5("
    "body, content='tickets_message', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
]
SQLITE_TRIGGERS = {
    "search_request_ai": """CREATE TRIGGER IF NOT EXISTS search_request_ai
AFTER INSERT ON tickets_request BEGIN
  INSERT INTO search_request_text(rowid, subject, description)
  VALUES (new.id, new.subject, new.description);
END""",
    "search_request_ad": """CREATE TRIGGER IF NOT EXISTS search_request_ad
AFTER DELETE ON tickets_request BEGIN
  INSERT INTO search_request_text(search_request_text, rowid, subject, description)
  VALUES ('delete', old.id, old.subject, old.description);
END""",
    "search_request_au": """CREATE TRIGGER IF NOT EXISTS search_request_au
AFTER UPDATE OF subject, description ON tickets_request BEGIN
  INSERT INTO search_request_text(search_request_text, rowid, subject, description)
  VALUES ('delete', old.id, old.subject, old.description);
  INSERT INTO search_request_text(rowid, subject, description)
  VALUES (new.id, new.subject, new.description);
END""",
    "search_message_ai": """CREATE TRIGGER IF NOT EXISTS search_message_ai
AFTER INSERT ON tickets_message BEGIN
  INSERT INTO search_message_text(rowid, body) VALUES (new.id, new.body);
END""",
    "search_message_ad": """CREATE TRIGGER IF NOT EXISTS search_message_ad
AFTER DELETE ON tickets_message BEGIN
  INSERT INTO search_message_text(search_message_text, rowid, body)
  VALUES ('delete', old.id, old.body);
END""",
    "search_message_au": """CREATE TRIGGER IF NOT EXISTS search_message_au
AFTER UPDATE OF body ON tickets_message BEGIN
  INSERT INTO search_message_text(search_message_text, rowid, body)
  VALUES ('delete', old.id, old.body);
  INSERT INTO search_message_text(rowid, body) VALUES (new.id, new.body);
END""",
}
SQLITE_REBUILD = [
    "INSERT INTO search_request_text(search_request_text) VALUES ('rebuild')",
    "INSERT INTO search_message_text(search_message_text) VALUES ('rebuild')",
]
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS),
    "DROP TABLE IF EXISTS search_request_text",
    "DROP TABLE IF EXISTS search_message_text",
]


def create(connection: BaseDatabaseWrapper) -> None:
    """The indexes (PostgreSQL) or tables and triggers (SQLite), filled from what is there."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRESQL_CREATE:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for statement in [*SQLITE_TABLES, *SQLITE_TRIGGERS.values(), *SQLITE_REBUILD]:
                cursor.execute(statement)


def drop(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRESQL_DROP:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_DROP:
                cursor.execute(statement)


def ensure_sqlite_triggers(using: str = "default", **_kwargs: Any) -> None:
    """After a migrate on SQLite: put back triggers a table remake dropped, and rebuild."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('trigger', 'table')"
            " AND name LIKE 'search\\_%' ESCAPE '\\'"
        )
        present = {row[0] for row in cursor.fetchall()}
        if "search_request_text" not in present:  # the migration has not run (yet)
            return
        missing = [sql for name, sql in SQLITE_TRIGGERS.items() if name not in present]
        if not missing:
            return
        for statement in [*missing, *SQLITE_REBUILD]:
            cursor.execute(statement)


# -- queries -----------------------------------------------------------------------------

WORD = re.compile(r"\w+", re.UNICODE)


def fts5_query(text: str) -> str:
    """Every word of the text as a quoted prefix: ``"серв"* "упал"*`` (all must match)."""
    return " ".join(f'"{word}"*' for word in WORD.findall(text))


# The filters, built once from the constants above; the user's text is only ever a
# parameter. ``{kind}`` is "" (staff: internal notes count) or the public-only condition.
_PG_MATCH = (
    '"tickets_request"."id" IN ('  # noqa: S608 - constants only
    + "SELECT r.id FROM tickets_request r WHERE "
    + REQUEST_DOCUMENT.format(t="r.")
    + " @@ "
    + PG_QUERY
    + " UNION SELECT m.request_id FROM tickets_message m WHERE "
    + MESSAGE_DOCUMENT.format(t="m.")
    + " @@ "
    + PG_QUERY
    + "{kind})"
)
_SQLITE_MATCH = (
    '"tickets_request"."id" IN ('
    "SELECT rowid FROM search_request_text WHERE search_request_text MATCH %s"
    " UNION SELECT m.request_id FROM tickets_message m WHERE m.id IN ("
    "SELECT rowid FROM search_message_text WHERE search_message_text MATCH %s)"
    "{kind})"
)
PUBLIC_ONLY = " AND m.kind = %s"
MATCH = {
    ("postgresql", True): _PG_MATCH.format(kind=""),
    ("postgresql", False): _PG_MATCH.format(kind=PUBLIC_ONLY),
    ("sqlite", True): _SQLITE_MATCH.format(kind=""),
    ("sqlite", False): _SQLITE_MATCH.format(kind=PUBLIC_ONLY),
}


def matching(requests: QuerySet[Request], text: str, *, internal: bool) -> QuerySet[Request]:
    """The requests whose subject, description or a message matches ``text``; with
    ``internal`` False only public messages count (a customer never finds a request by
    words of an internal note). Text without a word matches nothing."""
    words = WORD.findall(text)
    if not words:
        return requests.none()
    vendor = connections[requests.db].vendor
    if vendor == "postgresql":
        plain = " ".join(words)
        params = [plain, plain, plain, plain]
    elif vendor == "sqlite":
        query = fts5_query(text)
        params = [query, query]
    else:  # pragma: no cover - the two supported databases
        raise NotImplementedError(vendor)
    if not internal:
        params.append(MessageKind.PUBLIC.value)
    sql = MATCH[(vendor, internal)]
    return requests.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611
