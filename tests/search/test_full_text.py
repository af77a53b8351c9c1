"""Full-text search on both databases: stemming on PostgreSQL, prefixes on SQLite, the
three texts (subject, description, messages), tenant rules and internal notes."""

from __future__ import annotations

import pytest
from django.db import connection

from supportdesk.search import fulltext, reads
from supportdesk.search.reads import search
from supportdesk.slamath.policy import Priority
from supportdesk.tickets import actions
from supportdesk.tickets.access import visible_requests
from supportdesk.tickets.models import Message, Request
from tests.tickets.conftest import Desk, at
from tests.workspace.conftest import browser, open_

POSTGRESQL = connection.vendor == "postgresql"


def found(user, text: str) -> list[str]:
    return [r.subject for r in search(user, visible_requests(user), text)]


def test_subject_description_and_messages_are_searched(desk: Desk) -> None:
    by_subject = open_(desk, Priority.P3, "Mail server rejects attachments")
    by_reply = open_(desk, Priority.P3, "Login trouble")
    open_(desk, Priority.P3, "Unrelated")
    actions.reply(
        actor=desk.anna, request=by_reply, body="The certificate expired yesterday.", files=[],
        now=at(23, 11),
    )  # fmt: skip
    assert found(desk.agent, "attachments") == [by_subject.subject]
    assert found(desk.agent, "certificate") == [by_reply.subject]
    # The conftest's detailed description is on every request.
    assert len(found(desk.agent, "reproduced")) == 3 or found(desk.agent, "Unrelated")


def test_newest_first(desk: Desk) -> None:
    open_(desk, Priority.P3, "printer old", when=at(23, 9))
    open_(desk, Priority.P3, "printer new", when=at(23, 11))
    assert found(desk.agent, "printer") == ["printer new", "printer old"]


def test_russian_and_english_words(desk: Desk) -> None:
    open_(desk, Priority.P3, "Серверы падали ночью")
    open_(desk, Priority.P3, "Clients crashing on start")
    if POSTGRESQL:  # stemming: other forms of the word
        assert found(desk.agent, "сервер упал") == []  # "упал" is another stem
        assert found(desk.agent, "сервер падает") == ["Серверы падали ночью"]
        assert found(desk.agent, "crashed client") == ["Clients crashing on start"]
    else:  # prefixes
        assert found(desk.agent, "серв пада") == ["Серверы падали ночью"]
        assert found(desk.agent, "crash") == ["Clients crashing on start"]
    # Case and ё do not matter on either.
    assert found(desk.agent, "СЕРВЕРЫ") == ["Серверы падали ночью"]


def test_a_subject_edit_is_found_at_once(desk: Desk) -> None:
    item = open_(desk, Priority.P3, "before")
    Request.objects.filter(pk=item.pk).update(subject="afterwards")
    assert found(desk.agent, "afterwards") == ["afterwards"]
    assert found(desk.agent, "before") == []


def test_customers_find_only_their_organization_and_no_internal_notes(desk: Desk) -> None:
    alfa = open_(desk, Priority.P3, "Alfa firewall")
    open_(desk, Priority.P3, "Beta firewall", customer=desk.vera)
    actions.add_internal_note(
        actor=desk.agent, request=alfa, body="Secret workaround zebra", files=[], now=at(23, 11)
    )
    assert found(desk.agent, "firewall") == ["Beta firewall", "Alfa firewall"]
    assert found(desk.anna, "firewall") == ["Alfa firewall"]
    assert found(desk.vera, "firewall") == ["Beta firewall"]
    assert found(desk.agent, "zebra") == ["Alfa firewall"]
    assert found(desk.anna, "zebra") == []  # an internal note is not the customer's to search


@pytest.mark.parametrize("text", ["", "   ", "!!!", "* OR -"])
def test_text_without_words_finds_nothing_and_never_breaks(desk: Desk, text: str) -> None:
    open_(desk, Priority.P3, "anything")
    assert found(desk.agent, text) == []


@pytest.mark.parametrize(
    ("text", "hit"),
    [('"plain', True), ("subject:plain", True), ("plain'", True), ("(plain)", True),
     ("NEAR(plain subject)", False), ("plain^2", False), ("plain & !zzz", False)],
)  # fmt: skip
def test_query_syntax_is_taken_as_words(desk: Desk, text: str, hit: bool) -> None:
    """FTS5 and tsquery operators in the text are words (all must match), never syntax."""
    open_(desk, Priority.P3, "plain subject")
    open_(desk, Priority.P3, "other")
    assert found(desk.agent, text) == (["plain subject"] if hit else [])


def test_fts5_query_quotes_every_word_as_a_prefix() -> None:
    assert fulltext.fts5_query('Сервер "упал" OR x*') == '"Сервер"* "упал"* "OR"* "x"*'


@pytest.mark.skipif(POSTGRESQL, reason="the SQLite triggers")
def test_triggers_come_back_after_a_table_remake(desk: Desk) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER search_request_ai")
    fulltext.ensure_sqlite_triggers()
    open_(desk, Priority.P3, "resurrected")
    assert found(desk.agent, "resurrected") == ["resurrected"]


@pytest.mark.skipif(not POSTGRESQL, reason="the PostgreSQL indexes")
def test_postgresql_reads_the_gin_indexes(desk: Desk) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        sql, params = search(
            desk.agent, visible_requests(desk.agent), "printer"
        ).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "search_request_staff" in plan


@pytest.mark.skipif(not POSTGRESQL, reason="the PostgreSQL trigger")
def test_a_new_requests_documents_are_what_its_texts_give(desk: Desk) -> None:
    """The insert trigger's shortcut (no messages yet) writes exactly what the full
    computation over the request and its messages gives."""
    new = open_(desk, Priority.P3, "Серверы падают: crashes after the update")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.search_public = d.public, r.search_staff = d.staff, r.search_public"
            " FROM tickets_request r,"
            " search_documents_of(r.id, r.subject, r.description) d WHERE r.id = %s",
            [new.pk],
        )
        public_same, staff_same, public = cursor.fetchone()
    assert (public_same, staff_same) == (True, True)
    assert "'сервер'" in public  # Russian stemming
    assert "'crash'" in public  # English stemming
    actions.reply(
        actor=desk.anna, request=new, body="The journal says: disk full.", files=[],
        now=at(23, 11),
    )  # fmt: skip
    assert found(desk.agent, "journal") == [new.subject]


def _documents_match(request: Request, *, exactly: bool) -> tuple[bool, bool]:
    """Whether the request's stored documents are what the full computation over its texts
    gives: the same words (``strip`` drops the positions, which matching ignores), or, with
    ``exactly``, the same vectors."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.search_public = d.public, r.search_staff = d.staff,"
            " strip(r.search_public) = strip(d.public), strip(r.search_staff) = strip(d.staff)"
            " FROM tickets_request r, search_documents_of(r.id, r.subject, r.description) d"
            " WHERE r.id = %s",
            [request.pk],
        )
        same_public, same_staff, public, staff = cursor.fetchone()
    if exactly:
        return same_public, same_staff
    return public, staff


# Texts a thread holds: inflected Russian, English, ё, addresses, versions, hyphenated and
# joined words, stop words alone, punctuation alone, a word cut at the message's edge.
THREAD = [
    ("public", "После обновления серверы перестали отвечать, серверов два."),
    ("internal", "Проверил журнал: ошибка TLS на push-шлюзе, https://push.example.ru/v1/send?x=1"),
    ("public", "Crashing again since 15.3.2 — see ivan.petrov@example.ru and the e-mail logs"),
    ("public", "и the a"),
    ("internal", "!!!"),
    ("public", "Ёлка зелёная; ёжик; CTS-сервер 2.14.1-rc1 (build #4411)"),
    ("public", "серв"),
    ("public", "ер"),
]


@pytest.mark.skipif(not POSTGRESQL, reason="the PostgreSQL trigger")
def test_a_threads_documents_hold_the_words_its_texts_give(desk: Desk) -> None:
    """A new message's words are appended to the request's documents (the public one only
    for a public message), never re-read from the other messages: after every message, the
    words are those of the full computation; an edit or a deletion gives it exactly."""
    request = open_(desk, Priority.P3, "Уведомления не приходят")
    for kind, body in THREAD:
        if kind == "public":
            actions.reply(actor=desk.anna, request=request, body=body, files=[], now=at(23, 11))
        else:
            actions.add_internal_note(
                actor=desk.agent, request=request, body=body, files=[], now=at(23, 11)
            )
        assert _documents_match(request, exactly=False) == (True, True), body
    assert found(desk.anna, "журналы") == []  # an internal note's words stay the staff's
    assert found(desk.agent, "журналы") == [request.subject]
    assert found(desk.anna, "шлюз") == []
    assert found(desk.anna, "серверу") == [request.subject]
    assert found(desk.anna, "crashes") == [request.subject]
    first = request.messages.order_by("id").first()
    assert first is not None
    Message.objects.filter(pk=first.pk).update(body="Совсем другой текст")
    assert _documents_match(request, exactly=True) == (True, True)
    Message.objects.filter(pk=first.pk).delete()
    assert _documents_match(request, exactly=True) == (True, True)


@pytest.mark.skipif(not POSTGRESQL, reason="the PostgreSQL trigger")
def test_a_new_message_reads_none_of_the_threads_other_messages(desk: Desk) -> None:
    """A message's INSERT costs the same at the thousandth message as at the first: the
    trigger scans no message (this transaction's own statistics say so)."""
    request = open_(desk, Priority.P3, "A long chat")
    for number in range(3):
        actions.reply(
            actor=desk.anna, request=request, body=f"line {number}", files=[], now=at(23, 11)
        )

    def scans() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0)"
                " FROM pg_stat_xact_user_tables WHERE relname = 'tickets_message'"
            )
            return int(cursor.fetchone()[0])

    before = scans()
    Message.objects.create(
        request=request, kind="public", contact=request.contact, from_vendor=False,
        channel=request.channel, body="the fourth line, about a gateway", created_at=at(23, 12),
    )  # fmt: skip
    assert scans() == before
    assert found(desk.anna, "gateway") == [request.subject]


# -- pages: the capped first step, the walk newest first past the cap ---------------------


def _pages(user, text: str, *, size: int, cap: int) -> list[reads.Found]:
    """Every page of a search, following the cursors."""
    result, cursor = [], None
    while True:
        found = reads.find(user, visible_requests(user), text, cursor, size=size, cap=cap)
        result.append(found)
        cursor = found.next_cursor
        if cursor is None:
            return result


def _seven_printers(desk: Desk) -> list[str]:
    """Seven requests found by "printer", opened in a shuffled order of time (so the ids
    are not the order), and one that is not."""
    hours = [12, 9, 15, 10, 14, 11, 13]
    for hour in hours:
        open_(desk, Priority.P3, f"printer {hour}", when=at(22, hour))
    open_(desk, Priority.P3, "scanner")
    return [f"printer {hour}" for hour in sorted(hours, reverse=True)]


@pytest.mark.parametrize("cap", [1, 3, 7, 100])
def test_pages_are_newest_first_under_and_over_the_cap(desk: Desk, cap: int) -> None:
    newest_first = _seven_printers(desk)
    pages = _pages(desk.agent, "printer", size=3, cap=cap)
    assert [[r.subject for r in found.rows] for found in pages] == [
        newest_first[0:3], newest_first[3:6], newest_first[6:7],
    ]  # fmt: skip
    first = pages[0]
    if cap >= 7:  # every match through the index: counted exactly
        assert (first.count, first.more) == (7, False)
    else:  # the cap reached: at least that many
        assert (first.count, first.more) == (cap, True)


def test_the_count_counts_from_the_cursor_on(desk: Desk) -> None:
    _seven_printers(desk)
    assert [found.count for found in _pages(desk.agent, "printer", size=3, cap=100)] == [7, 4, 1]


def test_a_capped_page_keeps_tenant_isolation(desk: Desk) -> None:
    for hour in (9, 10, 11):
        open_(desk, Priority.P3, f"router {hour}", when=at(22, hour))
        open_(desk, Priority.P3, f"router beta {hour}", customer=desk.vera, when=at(22, hour))
    for cap in (1, 100):
        pages = _pages(desk.vera, "router", size=2, cap=cap)
        assert [r.subject for found in pages for r in found.rows] == [
            "router beta 11", "router beta 10", "router beta 9",
        ]  # fmt: skip
        assert pages[0].more == (cap == 1)


def test_nothing_found_is_an_empty_page(desk: Desk) -> None:
    open_(desk, Priority.P3, "printer")
    found = reads.find(desk.agent, visible_requests(desk.agent), "zzz", None)
    assert found == reads.Found([], None, 0, False)


@pytest.mark.skipif(not POSTGRESQL, reason="the PostgreSQL planner settings")
def test_the_first_step_asks_the_gin_index_and_gives_the_settings_back(
    desk: Desk, monkeypatch
) -> None:
    """As on a million requests (here the plan is forced: a handful is planned freely)."""
    from django.test.utils import CaptureQueriesContext

    open_(desk, Priority.P3, "printer")
    monkeypatch.setattr(reads, "_plan", lambda user, requests, found: "index")
    with CaptureQueriesContext(connection) as captured:
        found = reads.find(desk.agent, visible_requests(desk.agent), "printer", None)
    assert [r.subject for r in found.rows] == ["printer"]
    first_step = next(q["sql"] for q in captured.captured_queries if "OVER ()" in q["sql"])
    assert any("set_config" in q["sql"] for q in captured.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("on",)  # put back: the rest of the request plans freely
        cursor.execute("SHOW enable_indexscan")
        assert cursor.fetchone() == ("on",)
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone() != ("32MB",)
        cursor.execute("SET enable_seqscan = off; SET enable_indexscan = off")
        cursor.execute("EXPLAIN " + first_step)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan; RESET enable_indexscan")
    assert "Bitmap Index Scan on search_request_staff" in plan


def test_words_the_planner_knows_frequent_walk_newest_first_uncounted(
    desk: Desk, monkeypatch
) -> None:
    """The walk on the planner's word (a frequent word at a million requests; here forced):
    the same pages, not counted while a page is full, counted when it is not."""
    newest_first = _seven_printers(desk)
    monkeypatch.setattr(reads, "_plan", lambda user, requests, found: "walk")
    pages = _pages(desk.agent, "printer", size=3, cap=100)
    assert [r.subject for found in pages for r in found.rows] == newest_first
    assert [(found.count, found.more) for found in pages] == [
        (None, True),
        (None, True),
        (1, False),
    ]
    assert "7 обращений" in browser(desk.agent).get("/desk/", {"q": "printer"}).text
    monkeypatch.setattr(reads, "PAGE_SIZE", 3)
    assert "Много обращений" in browser(desk.agent).get("/desk/", {"q": "printer"}).text


@pytest.mark.skipif(not POSTGRESQL, reason="the PostgreSQL planner's estimate")
def test_a_handful_of_requests_is_never_walked_on_an_estimate(desk: Desk) -> None:
    _seven_printers(desk)
    requests = visible_requests(desk.agent)
    assert reads._plan(desk.agent, requests, search(desk.agent, requests, "printer")) == "small"
