"""Full-text search over requests' subjects, descriptions and messages, per database.

PostgreSQL: two tsvector columns on the request (its texts for customers, and with the
internal notes for staff), ``to_tsvector('russian', …) || to_tsvector('english', …)``,
written by triggers on requests and messages, each with a GIN index; a query is
``plainto_tsquery`` in both configurations, OR-ed, so "сервером" finds "серверы"
(Russian stemming) and "crashes" finds "crashing" (English stemming). One document per
request lets the planner choose: the GIN index for a rare word, the requests newest first
(stopping after a page) for a frequent one.

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

# A request's two documents, kept in step by triggers: ``search_public`` (subject,
# description, public messages: what a customer may find it by) and ``search_staff`` (the
# same and the internal notes). Both in the Russian and the English configuration, so
# either language's stemming finds it. Columns outside the Django model: the ORM never
# writes them, the triggers always do.
# A request's documents when it is written. A new one has no messages yet (unless a load of
# rows with deferred foreign keys wrote them first: the EXISTS asks), so both documents are
# its subject and description, made once: what ``search_documents_of`` gives then (the staff
# one adds only internal notes), without running that query. A fifth of PostgreSQL's work
# for an API create went to that query (docs/benchmarks.md, "Fifth look").
REQUEST_WRITTEN = """CREATE OR REPLACE FUNCTION search_request_written() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND NOT EXISTS (SELECT FROM tickets_message WHERE request_id = NEW.id)
  THEN
    NEW.search_public := search_document(NEW.subject || ' ' || NEW.description || ' ');
    NEW.search_staff := NEW.search_public;
  ELSE
    SELECT d.public, d.staff INTO NEW.search_public, NEW.search_staff
    FROM search_documents_of(NEW.id, NEW.subject, NEW.description) d;
  END IF;
  RETURN NEW;
END
$$"""
# Before migration search/0004 (its reverse).
REQUEST_WRITTEN_BEFORE = """CREATE OR REPLACE FUNCTION search_request_written() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT d.public, d.staff INTO NEW.search_public, NEW.search_staff
  FROM search_documents_of(NEW.id, NEW.subject, NEW.description) d;
  RETURN NEW;
END
$$"""

# A message written: its request's documents again. A new message (a reply, a note, a chat
# line) only adds words, so its own document is appended (to the public one too when it is
# public) instead of running the query over all the request's messages, whose cost grows
# with the thread: 8 ms a message at 100 messages, 47-61 ms at 1,000, against 1-4 ms
# appended (``./dev bench thread``; docs/benchmarks.md, "A long thread"), in the
# transaction that holds the request's row. The words are the same as
# the full computation's (a test compares them); only their positions differ, which
# matching ignores (no phrase search, no ranking). An edit, a move or a deletion, and a
# request written before its documents, take the full query.
MESSAGE_WRITTEN = """CREATE OR REPLACE FUNCTION search_message_written() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  request bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.request_id ELSE NEW.request_id END;
  words tsvector;
BEGIN
  IF TG_OP = 'INSERT' THEN
    words := search_document(NEW.body);
    UPDATE tickets_request r SET
      search_public = CASE WHEN NEW.kind = 'public' THEN r.search_public || words
                      ELSE r.search_public END,
      search_staff = r.search_staff || words
    WHERE r.id = request AND r.search_public IS NOT NULL AND r.search_staff IS NOT NULL;
    IF FOUND THEN
      RETURN NULL;
    END IF;
  END IF;
  UPDATE tickets_request r SET (search_public, search_staff) = (
    SELECT d.public, d.staff FROM search_documents_of(r.id, r.subject, r.description) d
  ) WHERE r.id = request;
  IF TG_OP = 'UPDATE' AND OLD.request_id <> NEW.request_id THEN
    UPDATE tickets_request r SET (search_public, search_staff) = (
      SELECT d.public, d.staff FROM search_documents_of(r.id, r.subject, r.description) d
    ) WHERE r.id = OLD.request_id;
  END IF;
  RETURN NULL;
END
$$"""
# Before migration search/0005 (its reverse).
MESSAGE_WRITTEN_BEFORE = """CREATE OR REPLACE FUNCTION search_message_written() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  request bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.request_id ELSE NEW.request_id END;
BEGIN
  UPDATE tickets_request r SET (search_public, search_staff) = (
    SELECT d.public, d.staff FROM search_documents_of(r.id, r.subject, r.description) d
  ) WHERE r.id = request;
  IF TG_OP = 'UPDATE' AND OLD.request_id <> NEW.request_id THEN
    UPDATE tickets_request r SET (search_public, search_staff) = (
      SELECT d.public, d.staff FROM search_documents_of(r.id, r.subject, r.description) d
    ) WHERE r.id = OLD.request_id;
  END IF;
  RETURN NULL;
END
$$"""

POSTGRESQL_CREATE = [
    """CREATE OR REPLACE FUNCTION search_document(body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_tsvector('russian'::regconfig, body) || to_tsvector('english'::regconfig, body)
$$""",
    """CREATE OR REPLACE FUNCTION search_documents_of(
  request bigint, subject text, description text, OUT public tsvector, OUT staff tsvector
) LANGUAGE sql STABLE AS $$
  SELECT d.public, d.public || search_document(d.internal)
  FROM (
    SELECT search_document(subject || ' ' || description || ' ' || coalesce(
             string_agg(m.body, ' ' ORDER BY m.id) FILTER (WHERE m.kind = 'public'), ''))
             AS public,
           coalesce(string_agg(m.body, ' ' ORDER BY m.id) FILTER (WHERE m.kind <> 'public'), '')
             AS internal
    FROM tickets_message m WHERE m.request_id = request
  ) d
$$""",
    REQUEST_WRITTEN,
    MESSAGE_WRITTEN,
    "ALTER TABLE tickets_request ADD COLUMN IF NOT EXISTS search_public tsvector,"
    " ADD COLUMN IF NOT EXISTS search_staff tsvector",
    "CREATE OR REPLACE TRIGGER search_request_written BEFORE INSERT OR UPDATE OF subject,"
    " description ON tickets_request FOR EACH ROW EXECUTE FUNCTION search_request_written()",
    "CREATE OR REPLACE TRIGGER search_message_written AFTER INSERT OR DELETE OR UPDATE OF"
    " body, kind, request_id ON tickets_message FOR EACH ROW"
    " EXECUTE FUNCTION search_message_written()",
    # Fill what is there (a no-op on a new database).
    "UPDATE tickets_request r SET (search_public, search_staff) = ("
    " SELECT d.public, d.staff FROM search_documents_of(r.id, r.subject, r.description) d)",
    *[
        # The GIN indexes, and newest first for a frequent word: the planner walks the
        # requests by registration and stops after a page.
        "CREATE INDEX IF NOT EXISTS search_request_public ON tickets_request"
        " USING gin (search_public)",
        "CREATE INDEX IF NOT EXISTS search_request_staff ON tickets_request"
        " USING gin (search_staff)",
        "CREATE INDEX IF NOT EXISTS search_request_newest ON tickets_request"
        " (registered_at DESC, id DESC)",
    ],
]
POSTGRESQL_INDEXES = POSTGRESQL_CREATE[-3:]
POSTGRESQL_DROP_INDEXES = [
    "DROP INDEX IF EXISTS search_request_public",
    "DROP INDEX IF EXISTS search_request_staff",
    "DROP INDEX IF EXISTS search_request_newest",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS search_message_written ON tickets_message",
    "DROP TRIGGER IF EXISTS search_request_written ON tickets_request",
    *POSTGRESQL_DROP_INDEXES,
    "ALTER TABLE tickets_request DROP COLUMN IF EXISTS search_public,"
    " DROP COLUMN IF EXISTS search_staff",
    "DROP FUNCTION IF EXISTS search_message_written()",
    "DROP FUNCTION IF EXISTS search_request_written()",
    "DROP FUNCTION IF EXISTS search_documents_of(bigint, text, text)",
    "DROP FUNCTION IF EXISTS search_document(text)",
]
PG_QUERY = (
    "(plainto_tsquery('russian'::regconfig, %s) || plainto_tsquery('english'::regconfig, %s))"
)

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


def replace_on_postgresql(schema_editor: Any, definition: str) -> None:
    """Run one of the definitions above on PostgreSQL (nothing on another database): what a
    migration that changes a trigger function's body runs, forwards or backwards."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(definition)


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


# The filters, built once from constants; the user's text is only ever a parameter.
_SQLITE_MATCH = (
    '"tickets_request"."id" IN ('
    "SELECT rowid FROM search_request_text WHERE search_request_text MATCH %s"
    " UNION SELECT m.request_id FROM tickets_message m WHERE m.id IN ("
    "SELECT rowid FROM search_message_text WHERE search_message_text MATCH %s)"
    "{kind})"
)
MATCH = {
    ("postgresql", True): f'"tickets_request"."search_staff" @@ {PG_QUERY}',
    ("postgresql", False): f'"tickets_request"."search_public" @@ {PG_QUERY}',
    ("sqlite", True): _SQLITE_MATCH.format(kind=""),
    ("sqlite", False): _SQLITE_MATCH.format(kind=" AND m.kind = %s"),
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
        params = [plain, plain]
    elif vendor == "sqlite":
        query = fts5_query(text)
        params = [query, query]
        if not internal:
            params.append(MessageKind.PUBLIC.value)
    else:  # pragma: no cover - the two supported databases
        raise NotImplementedError(vendor)
    sql = MATCH[(vendor, internal)]
    return requests.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611
