"""Benchmark of the workspace search on PostgreSQL at a million requests.

Run from the project root (PostgreSQL at 127.0.0.1:5432, user postgres, trust auth)::

    .venv/bin/python -m bench.search_bench [--requests N] [--quick] [--keep] [--seed S]

or ``./dev bench search``. The run

1. drops and creates the database ``supportdesk_search_bench``, migrates it and loads N
   requests (default 1,000,000) with their clocks through the desk bench's generator
   (``bench.desk``, COPY);
2. drops the search indexes, writes every request's subject and description and one to
   three messages per request (about 2 N) in SQL (``UPDATE`` / ``INSERT ... SELECT`` over
   ``generate_series``): words drawn from a Russian and English vocabulary of a support
   desk with a skewed (Zipf-like) frequency, Russian words in several grammatical forms,
   and an error code ``errNNNNN`` that about twenty requests share; then builds the two
   GIN indexes again (timed) and analyzes;
3. times the search as the pages run it (``search.reads.find``: the plan chosen on the
   planner's estimates, the ids, the first page's rows with their joins) for typical
   queries, 40 runs of each kind after a warm-up, each run with other words: an error
   code (rare), a Russian word in another form than stored (stemming), an English word in
   another form, a frequent word, long-tail words, two and three words, with the queue's
   filters (an organization, a status), as a customer admin and a contact (the portal),
   whole pages through the test client, and a reference (``SD-123``); ``--plans`` prints
   the statements' plans;
4. prints p50 / p95 / p99 per kind and over all runs. The target is p95 <= 100 ms; a missed
   target is reported, not an error. The exit status is 1 when a check fails (a search
   that should find its request does not).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.desk import database
from bench.desk_bench import Outcome, indent, machine, met, print_summary

FULL_REQUESTS = 1_000_000
QUICK_REQUESTS = 20_000
RUNS, WARM_UP = 40, 5
TARGET_MS = 100.0
CODES = 50_000  # distinct error codes: each in ~N / 50,000 requests

# Words of a support desk, most frequent first. Russian words come in the forms people
# write them, so a search for another form of the same word tests the stemming.
VOCABULARY = """
ошибка ошибки ошибку не работает работает сервер сервера серверы сервере клиент клиента
клиенты пользователь пользователя пользователи сообщение сообщения сообщений
error errors server servers client clients user users message messages
после обновления обновление обновили версия версии версию при запуске запуск запустить
падает падали упал упала зависает зависло перестал перестала отправка отправить
получить получение доставка доставлены вложение вложения файл файлы файла
авторизация авторизации вход входа пароль пароля логин сертификат сертификата
timeout connection refused failed failing crash crashed crashing update updated
updating login password certificate attachment attachments file files delivery
база базы данных индекс индекса резервная копия копии восстановление восстановить
почта почты почтовый ящик ящика календарь календаря событие события встреча
мобильное приложение приложения android ios desktop windows linux macos браузер
уведомление уведомления push звонок звонка видеозвонок конференция конференции
медленно долго тормозит загрузка загружается скачать скачивание синхронизация
синхронизации кластер кластера узел узла балансировщик прокси proxy nginx ldap
active directory sso kerberos ssl tls dns smtp imap postgresql redis kafka
лицензия лицензии продление договор контракт счёт оплата документ документы
журнал журналы логи логов трассировка дамп памяти память диск диска место
процессор нагрузка нагрузки очередь очереди задержка задержки потеря потери
""".split()  # noqa: SIM905 - a word list reads better as text
COMMON = len(VOCABULARY)
# And the long tail a real desk has (host and module names, people, products): 4,000 more
# words, each in about 0.3 % to 5 % of the requests.
VOCABULARY += [f"узел{k}" for k in range(2000)] + [f"host{k}" for k in range(2000)]
FORMS = (  # (stored forms are in the vocabulary; the query uses another form)
    ("серверы", "сервером"),
    ("ошибки", "ошибками"),
    ("падали", "падает"),
    ("вложения", "вложениями"),
    ("сертификата", "сертификаты"),
    ("синхронизации", "синхронизацией"),
    ("пользователи", "пользователям"),
    ("зависло", "зависает"),
)
ENGLISH_FORMS = (
    ("crashing", "crashes"),
    ("failed", "fails"),
    ("updating", "updates"),
    ("attachments", "attachment"),
    ("messages", "message"),
    ("servers", "server"),
)


def fill(conninfo: str, n: int) -> dict[str, float]:
    """Texts and messages in SQL, then the GIN indexes; returns the timings (seconds)."""
    import psycopg

    from supportdesk.search import fulltext

    timings: dict[str, float] = {}
    words = "{" + ",".join(VOCABULARY) + "}"
    draw = "(%(w)s::text[])[1 + floor(cardinality(%(w)s::text[]) * power(random(), 2.5))::int]"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        started = time.perf_counter()
        # power(random(), 2.5): the first words of the list are much more frequent.
        conn.execute(
            """
            UPDATE tickets_request r SET
              subject = (SELECT string_agg(DRAW, ' ') FROM generate_series(1, 3 + r.id %% 4))
                || ' err' || ((r.id * 7919) %% %(codes)s),
              description = (SELECT string_agg(DRAW, ' ')
                             FROM generate_series(1, 15 + r.id %% 20))
            """.replace("DRAW", draw),
            {"w": words, "codes": CODES},
        )
        timings["texts of requests (UPDATE)"] = time.perf_counter() - started
        started = time.perf_counter()
        conn.execute(
            """
            INSERT INTO tickets_message
              (request_id, kind, author_id, contact_id, from_vendor, channel, body, created_at)
            SELECT r.id, CASE WHEN g = 2 THEN 'internal' ELSE 'public' END, NULL, NULL,
                   g > 1, 'portal',
                   (SELECT string_agg(DRAW, ' ') FROM generate_series(1, 8 + (r.id + g) %% 18)),
                   r.registered_at + g * interval '1 hour'
            FROM tickets_request r, generate_series(1, 1 + r.id %% 3) g
            """.replace("DRAW", draw),
            {"w": words},
        )
        timings["messages (INSERT ... SELECT)"] = time.perf_counter() - started
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('tickets_message', 'id'), max(id))"
            " FROM tickets_message"
        )
        started = time.perf_counter()
        # What the triggers write row by row, for all rows in one statement.
        conn.execute(
            """
            UPDATE tickets_request r SET (search_public, search_staff) = (
              SELECT p.doc, p.doc || search_document(coalesce(a.internal, ''))
              FROM (SELECT search_document(
                      r.subject || ' ' || r.description || ' ' || coalesce(a.public, '')) AS doc) p
            )
            FROM (
              SELECT request_id,
                     string_agg(body, ' ' ORDER BY id) FILTER (WHERE kind = 'public') AS public,
                     string_agg(body, ' ' ORDER BY id) FILTER (WHERE kind <> 'public') AS internal
              FROM tickets_message GROUP BY request_id
            ) a
            WHERE a.request_id = r.id
            """
        )
        timings["search documents (UPDATE)"] = time.perf_counter() - started
        for statement in fulltext.POSTGRESQL_INDEXES:
            started = time.perf_counter()
            conn.execute(statement)
            name = statement.split(" ON ")[0].rsplit(" ", 1)[1]
            timings[f"index {name}"] = time.perf_counter() - started
        conn.execute("ALTER TABLE tickets_request ENABLE TRIGGER search_request_written")
        conn.execute("ALTER TABLE tickets_message ENABLE TRIGGER search_message_written")
        started = time.perf_counter()
        conn.execute("VACUUM (ANALYZE) tickets_request")
        conn.execute("VACUUM (ANALYZE) tickets_message")
        timings["VACUUM (ANALYZE)"] = time.perf_counter() - started
        for table in ("tickets_request", "tickets_message"):
            row = conn.execute("SELECT pg_total_relation_size(%s)", (table,)).fetchone()
            timings[f"size of {table}, MB"] = (row[0] if row else 0) / 2**20
        for index in ("search_request_public", "search_request_staff", "search_request_newest"):
            row = conn.execute("SELECT pg_relation_size(%s)", (index,)).fetchone()
            timings[f"size of {index}, MB"] = (row[0] if row else 0) / 2**20
    return timings


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def load(args: argparse.Namespace, bench: database.Bench, out: Outcome) -> None:
    """Requests, clocks, texts, messages and the search indexes (steps 1 and 2)."""
    from datetime import UTC, datetime

    from django.db import connection

    from bench.desk import generate, world
    from supportdesk.search import fulltext

    now = datetime.now(UTC).replace(microsecond=0)
    desk = world.make_world(now=now, seed=args.seed)
    with connection.cursor() as cursor:  # the load writes the search columns in bulk
        for statement in fulltext.POSTGRESQL_DROP_INDEXES:
            cursor.execute(statement)
        cursor.execute("ALTER TABLE tickets_request DISABLE TRIGGER search_request_written")
        cursor.execute("ALTER TABLE tickets_message DISABLE TRIGGER search_message_written")
    loaded = generate.load(bench.conninfo, desk, n=args.requests, now=now, seed=args.seed)
    print(f"COPY: {loaded.requests:,} requests with their clocks in {loaded.seconds:.1f} s")
    out.add("requests and clocks (desk generator)", f"{loaded.seconds:.1f} s", f"{args.requests:,}")
    timings = fill(bench.conninfo, args.requests)
    for what, value in timings.items():
        unit = "" if what.startswith("size") else " s"
        print(f"  {what}: {value:,.1f}{unit}")
        out.add(what, f"{value:,.1f}{unit}")


def run(args: argparse.Namespace, bench: database.Bench, out: Outcome) -> None:
    database.configure(bench)
    from django.contrib.auth.models import User
    from django.db import connection
    from django.db.models import Count, QuerySet
    from django.test import Client
    from django.test.utils import setup_test_environment

    from supportdesk.customers.models import Contact
    from supportdesk.search import reads
    from supportdesk.tickets.access import visible_requests
    from supportdesk.tickets.models import Message, Request
    from supportdesk.workspace import queue

    if not args.reuse:
        load(args, bench, out)
    requests_n = Request.objects.count()
    print(f"  requests: {requests_n:,}, messages: {Message.objects.count():,}")

    # The queue is read as the first staff member (the desk world's agent); the portal as
    # the customer admin of the organization with the most requests, and as its contact
    # with the most.
    agent = User.objects.filter(staff__isnull=False).order_by("pk").first()
    if agent is None:
        raise SystemExit("no staff member: load the database first (without --reuse)")
    by_size = list(Request.objects.values("organization_id").annotate(n=Count("pk")).order_by("-n"))
    biggest = by_size[0]["organization_id"]
    organizations = [row["organization_id"] for row in by_size]
    admin_contact = Contact.objects.get(organization_id=biggest, is_customer_admin=True)
    if admin_contact.user_id is None:
        admin_user = User.objects.create_user(f"bench-admin-{biggest}", admin_contact.email)
        Contact.objects.filter(pk=admin_contact.pk).update(user=admin_user)
    admin = User.objects.get(contact=admin_contact.pk)
    busiest = (
        Request.objects.filter(organization_id=biggest)
        .values("contact_id").annotate(n=Count("pk")).order_by("-n").first()
    )  # fmt: skip
    if busiest is None:
        raise SystemExit(f"organization {biggest} has no requests")
    contact = Contact.objects.get(pk=busiest["contact_id"])
    if contact.user_id is None:
        contact_user = User.objects.create_user(f"bench-contact-{contact.pk}", contact.email)
        Contact.objects.filter(pk=contact.pk).update(user=contact_user)
    contact_user = User.objects.get(contact=contact.pk)
    print(
        f"  organization {biggest}: {by_size[0]['n']:,} requests;"
        f" its contact {contact.pk}: {busiest['n']:,}"
    )

    rng = random.Random(args.seed)
    frequent = VOCABULARY[:12]
    middle = VOCABULARY[40:COMMON]
    tail = VOCABULARY[COMMON + 100 :]

    def workspace_scope(organization: int | None = None, status: str = "") -> QuerySet[Request]:
        """As the workspace's search: every status (or one), the organization filter."""
        requests = queue.base_queryset(agent, status=status) if status else visible_requests(agent)
        if organization is not None:
            requests = requests.filter(organization_id=organization)
        return requests

    def portal_scope(user: User) -> QuerySet[Request]:
        """As the portal's search: what the customer sees (the admin: the organization's
        requests; a contact: their own)."""
        rows = visible_requests(user).select_related("resolution_clock", "contact")
        return rows.filter(contact=contact) if user == contact_user else rows

    def workspace(text: str, organization: int | None = None, status: str = "") -> int:
        return len(reads.find(agent, workspace_scope(organization, status), text, None).rows)

    def portal(user: User, text: str) -> int:
        return len(reads.find(user, portal_scope(user), text, None, size=25).rows)

    setup_test_environment()  # the test client's responses carry their context
    client = Client(HTTP_HOST="localhost")
    client.force_login(agent)
    portal_client = Client(HTTP_HOST="localhost")
    portal_client.force_login(admin)

    def whole_page(text: str) -> int:
        """The queue's whole search page as the browser gets it (tab counts, marks, the
        template) through the test client: the search and everything around it."""
        response = client.get("/desk/", {"q": text})
        if response.status_code != 200:
            raise SystemExit(f"/desk/?q={text}: {response.status_code}")
        return len(response.context["rows"])

    def whole_portal_page(text: str) -> int:
        response = portal_client.get("/portal/", {"q": text, "scope": "org"})
        if response.status_code != 200:
            raise SystemExit(f"/portal/?q={text}: {response.status_code}")
        return len(response.context["rows"])

    def code() -> str:
        return f"err{rng.randrange(CODES)}"

    Kind = tuple[Callable[[], tuple[Any, ...]], Callable[..., int]]
    kinds: dict[str, Kind] = {
        "error code (rare)": (lambda: (code(),), workspace),
        "Russian word, another form": (lambda: (rng.choice(FORMS)[1],), workspace),
        "English word, another form": (lambda: (rng.choice(ENGLISH_FORMS)[1],), workspace),
        "frequent word": (lambda: (rng.choice(frequent),), workspace),
        "word of the long tail (0.3-5 %)": (lambda: (rng.choice(tail),), workspace),
        "two words": (lambda: (f"{rng.choice(middle)} {rng.choice(tail)}",), workspace),
        "three words of a message": (lambda: (" ".join(rng.sample(middle, 3)),), workspace),
        "frequent word, one organization": (
            lambda: (rng.choice(frequent), rng.choice(organizations)), workspace,
        ),
        "error code, one organization": (
            lambda: (code(), rng.choice(organizations)), workspace,
        ),
        "long-tail word, status open": (lambda: (rng.choice(tail), None, "open"), workspace),
        "portal, customer admin: frequent word": (
            lambda: (admin, rng.choice(frequent)), portal,
        ),
        "portal, customer admin: error code": (lambda: (admin, code()), portal),
        "portal, contact: frequent word": (lambda: (contact_user, rng.choice(frequent)), portal),
        "portal, contact: error code": (lambda: (contact_user, code()), portal),
        "whole queue page: frequent word": (lambda: (rng.choice(frequent),), whole_page),
        "whole queue page: error code": (lambda: (code(),), whole_page),
        "whole portal page, admin: frequent word": (
            lambda: (rng.choice(frequent),), whole_portal_page,
        ),
    }  # fmt: skip
    everything: list[float] = []
    workspace_all: list[float] = []
    print()
    for kind, (draw, measure) in kinds.items():
        for _ in range(WARM_UP):
            measure(*draw())
        samples: list[float] = []
        hits: list[int] = []
        for _ in range(RUNS):
            drawn = draw()
            started = time.perf_counter()
            hits.append(measure(*drawn))
            samples.append((time.perf_counter() - started) * 1000)
        everything += samples
        if measure is workspace:
            workspace_all += samples
        p50, p95, p99 = (percentile(samples, share) for share in (0.5, 0.95, 0.99))
        print(
            f"{kind}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms,"
            f" max {max(samples):.1f} ms; first page {min(hits)}-{max(hits)} rows"
        )
        if args.plans and measure in (workspace, portal):
            drawn = draw()
            if measure is workspace:
                user, scope, text = agent, workspace_scope(*drawn[1:]), drawn[0]
            else:
                user, scope, text = drawn[0], portal_scope(drawn[0]), drawn[1]
            print(f"  plans for {text!r}:")
            print(indent(plans(connection, user, scope, text)))
        out.add(f"search: {kind}", f"p50 {p50:.1f} / p95 {p95:.1f} / p99 {p99:.1f} ms")

    # A reference jumps without searching.
    reference_ms: list[float] = []
    for _ in range(RUNS):
        wanted = rng.randrange(1, requests_n + 1)
        started = time.perf_counter()
        found = reads.by_reference(agent, f"sd-{wanted}")
        reference_ms.append((time.perf_counter() - started) * 1000)
        out.check(found is not None and found.pk == wanted, f"SD-{wanted} not found")
    everything += reference_ms
    workspace_all += reference_ms
    out.add("reference SD-N", f"p95 {percentile(reference_ms, 0.95):.1f} ms")

    # Correctness: a request's own error code finds it, on the workspace's first page.
    for _ in range(20):
        sample = Request.objects.get(pk=rng.randrange(1, requests_n + 1))
        error_code = sample.subject.rsplit(" ", 1)[1]
        rows = reads.find(agent, visible_requests(agent), error_code, None).rows
        out.check(sample.pk in {r.pk for r in rows}, f"{error_code} does not find SD-{sample.pk}")
        newest = [(r.registered_at, r.pk) for r in rows]
        out.check(newest == sorted(newest, reverse=True), f"{error_code}: not newest first")
    for label, samples in (("workspace", workspace_all), ("all", everything)):
        p50, p95, p99 = (percentile(samples, share) for share in (0.5, 0.95, 0.99))
        print(f"\n{label}: {len(samples)} searches: p50 {p50:.1f}, p95 {p95:.1f}, p99 {p99:.1f} ms")
        out.add(
            f"{label} searches p50 / p95 / p99",
            f"{p50:.1f} / {p95:.1f} / {p99:.1f} ms",
            f"p95 <= {TARGET_MS:.0f} ms: {met(p95 <= TARGET_MS)}",
        )


def plans(connection: Any, user: Any, scope: Any, text: str) -> str:
    """EXPLAIN ANALYZE of the statements a first page runs (the SQL log of one call)."""
    from django.test.utils import CaptureQueriesContext

    from supportdesk.search import reads

    with CaptureQueriesContext(connection) as captured:
        reads.find(user, scope, text, None)
    lines = []
    forced = any("set_config" in q["sql"] for q in captured.captured_queries)
    with connection.cursor() as cursor:
        for statement in captured.captured_queries:
            sql = statement["sql"]
            if not sql.startswith("SELECT") or "set_config" in sql or "current_setting" in sql:
                continue
            planner = forced and "count(*) OVER" in sql
            if planner:  # as the first step runs it
                cursor.execute(
                    "SET enable_seqscan = off; SET enable_indexscan = off; SET work_mem = '32MB'"
                )
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql)
            lines += [row[0] for row in cursor.fetchall()] + [""]
            if planner:
                cursor.execute("RESET enable_seqscan; RESET enable_indexscan; RESET work_mem")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_bench", description=__doc__)
    parser.add_argument("--requests", type=int, help=f"requests (default {FULL_REQUESTS:,})")
    parser.add_argument(
        "--quick", action="store_true", help=f"smoke run: {QUICK_REQUESTS:,} requests"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--database", default="supportdesk_search_bench", help="database name")
    parser.add_argument(
        "--reuse", action="store_true", help="search a kept database as it is (no load)"
    )
    parser.add_argument("--plans", action="store_true", help="print EXPLAIN ANALYZE per kind")
    args = parser.parse_args(argv)
    if args.requests is None:
        args.requests = QUICK_REQUESTS if args.quick else FULL_REQUESTS
    print("\n".join(machine()))
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        bench = database.bench_database(Path(tmp), args.database)
        if not args.reuse:
            database.recreate(bench)
        print(f"postgres: {database.server_version(bench)}")
        print(f"database {bench.name}, {args.requests:,} requests")
        out = Outcome()
        started = time.perf_counter()
        try:
            run(args, bench, out)
        finally:
            if not (args.keep or args.reuse):
                database.drop(bench)
        print(f"\ntotal {time.perf_counter() - started:.0f} s")
    print_summary(out)
    return 1 if out.failures else 0


if __name__ == "__main__":
    sys.exit(main())
