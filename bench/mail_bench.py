"""Benchmark of e-mail in: messages read from a real IMAP server into PostgreSQL.

Run from the project root (PostgreSQL at 127.0.0.1:5432, user postgres, trust auth; Debian's
Dovecot installed, as ``./dev bench mail`` and ``./dev test`` do)::

    .venv/bin/python -m bench.mail_bench [--messages 10000] [--quick] [--database NAME]

The run

1. drops and creates the database (default ``supportdesk_mail_bench``), migrates it and
   makes the desk benchmark's customers through the ORM: 50 organizations with 20 contacts
   and a contract each, 20 staff;
2. starts Dovecot on loopback (as the tests do) and APPENDs the messages to one mailbox:
   about half new requests, the rest replies to an earlier one by a colleague of the same
   organization (threaded by In-Reply-To/References against the stored Message-IDs), with
   2 % from unknown senders and 1 % out-of-office replies; plain text, HTML alternatives,
   quoted history, and a log file attached to 5 %;
3. times one pass of the mailbox reader (``channels.email.reader.poll_once``): FETCH in
   batches, ``process_message`` for each (dedupe, raw stored, threading, intake), MOVE to
   the processed folder. The time is split into parsing (``parsing.parse``), SQL (every
   statement, timed by a database execute wrapper), the rest of taking a message in
   (Python of the actions and intake, file storage) and IMAP (the rest of the pass);
4. checks that nothing was lost: requests opened, messages appended and quarantined add
   up to the messages sent, each as generated, and the folder is empty. The exit status
   is 1 when a check fails; a missed speed target (100 messages/s) is only reported.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header
from pathlib import Path
from typing import Any

from bench.desk import database

TARGET_PER_SECOND = 100.0
FULL, QUICK = 10_000, 1_000

WORDS = [
    "сервер", "очередь", "сообщения", "задержка", "клиент", "обновление", "консоль",
    "администратора", "уведомления", "звонки", "маршрутизация", "пользователи", "ошибка",
    "журнал", "версия", "перезапуск", "сеть", "сертификат", "база", "данных", "проверка",
    "настройки", "доступ", "роль",
]  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """The messages to send and what each must become."""

    messages: list[bytes]
    new: int
    replies: int
    unknown: int
    auto_replies: int


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randrange(6, 16))
    return " ".join(words).capitalize() + "."


def _body(rng: random.Random, paragraphs: int) -> str:
    return "\n\n".join(
        " ".join(_sentence(rng) for _ in range(rng.randrange(2, 5))) for _ in range(paragraphs)
    )


def _message(
    rng: random.Random,
    *,
    sender: str,
    message_id: str,
    subject: str,
    body: str,
    headers: dict[str, str],
) -> bytes:
    head = {
        "From": f"{Header('Контакт', 'utf-8').encode()} <{sender}>",
        "To": "support@desk.example",
        "Subject": Header(subject, "utf-8").encode(),
        "Date": "Mon, 23 Nov 2026 10:00:00 +0300",
        "Message-ID": f"<{message_id}>",
        "MIME-Version": "1.0",
        **headers,
    }
    text = body.replace("\n", "\r\n").encode()
    roll = rng.random()
    if roll < 0.05:  # a log attached
        boundary = f"mixed-{message_id}"
        log = "\r\n".join(f"2026-11-23 10:{n:02d}:00 WARN queue backlog {n * 7}" for n in range(40))
        head["Content-Type"] = f'multipart/mixed; boundary="{boundary}"'
        payload = (
            f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n".encode()
            + text
            + f"\r\n--{boundary}\r\nContent-Type: text/x-log; name=cts.log\r\n"
            f"Content-Disposition: attachment; filename=cts.log\r\n\r\n{log}\r\n"
            f"--{boundary}--\r\n".encode()
        )
    elif roll < 0.45:  # Outlook-like: plain and HTML alternatives
        boundary = f"alt-{message_id}"
        html = "".join(f"<p>{paragraph}</p>" for paragraph in body.split("\n\n"))
        head["Content-Type"] = f'multipart/alternative; boundary="{boundary}"'
        payload = (
            f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n".encode()
            + text
            + f"\r\n--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n".encode()
            + f"<html><body>{html}</body></html>".encode()
            + f"\r\n--{boundary}--\r\n".encode()
        )
    else:
        head["Content-Type"] = "text/plain; charset=utf-8; format=flowed"
        head["Content-Transfer-Encoding"] = "8bit"
        payload = text + b"\r\n"
    return "".join(f"{name}: {value}\r\n" for name, value in head.items()).encode() + (
        b"\r\n" + payload
    )


def plan(n: int, contacts: dict[int, list[str]], *, seed: int) -> Plan:
    rng = random.Random(seed)
    messages: list[bytes] = []
    opened: list[tuple[int, str, str]] = []  # organization, Message-ID, subject
    new = replies = unknown = auto = 0
    organizations = sorted(contacts)
    for index in range(n):
        roll = rng.random()
        message_id = f"bench-{index}.{rng.getrandbits(32):08x}@mail.example"
        if roll < 0.02:
            unknown += 1
            messages.append(
                _message(rng, sender=f"someone{index}@elsewhere.example", message_id=message_id,
                         subject="Сколько стоит поддержка?", body=_body(rng, 1), headers={})
            )  # fmt: skip
        elif roll < 0.03 and opened:
            auto += 1
            organization, original, subject = rng.choice(opened)
            messages.append(
                _message(rng, sender=rng.choice(contacts[organization]), message_id=message_id,
                         subject=f"Автоматический ответ: {subject}", body="Я в отпуске.",
                         headers={"Auto-Submitted": "auto-replied", "In-Reply-To": f"<{original}>"})
            )  # fmt: skip
        elif roll < 0.52 or not opened:
            new += 1
            organization = rng.choice(organizations)
            subject = " ".join(rng.choices(WORDS, k=4)).capitalize()
            opened.append((organization, message_id, subject))
            messages.append(
                _message(rng, sender=rng.choice(contacts[organization]), message_id=message_id,
                         subject=subject, body=_body(rng, rng.randrange(1, 4)), headers={})
            )  # fmt: skip
        else:
            replies += 1
            organization, original, subject = rng.choice(opened)
            quote = "\n".join(f"> {line}" for line in _body(rng, 2).splitlines())
            body = f"{_body(rng, 1)}\n\n23.11.2026 10:00, Служба поддержки пишет:\n{quote}"
            messages.append(
                _message(rng, sender=rng.choice(contacts[organization]), message_id=message_id,
                         subject=f"Re: {subject}", body=body,
                         headers={"In-Reply-To": f"<{original}>", "References": f"<{original}>"})
            )  # fmt: skip
    return Plan(messages, new, replies, unknown, auto)


class Timer:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        return timed


@contextmanager
def patched(module: Any, name: str, timer: Timer) -> Iterator[None]:
    original = getattr(module, name)
    setattr(module, name, timer.wrap(original))
    try:
        yield
    finally:
        setattr(module, name, original)


def run(args: argparse.Namespace, bench: database.Bench, tmp: Path) -> list[str]:
    database.configure(bench)
    # Imported after django.setup().
    from django.conf import settings
    from django.db import connection

    from bench.desk import world
    from supportdesk.channels.email import actions, reader
    from supportdesk.channels.email.models import InboundMail, Outcome
    from supportdesk.customers.models import Contact
    from supportdesk.tickets.models import Message, Request
    from tests.channels.email.imap import start_dovecot

    failures: list[str] = []
    now = datetime.now(UTC).replace(microsecond=0)
    world.make_world(now=now, seed=args.seed)
    contacts: dict[int, list[str]] = {}
    for organization_id, email in Contact.objects.values_list("organization_id", "email"):
        contacts.setdefault(organization_id, []).append(email)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp / "media")},
        },
    }
    settings.MAIL_DOMAIN = "desk.example"
    sent = plan(args.messages, contacts, seed=args.seed)
    print(
        f"messages: {len(sent.messages):,} ({sent.new:,} new, {sent.replies:,} replies, "
        f"{sent.unknown:,} from unknown senders, {sent.auto_replies:,} out-of-office), "
        f"{sum(map(len, sent.messages)) / 2**20:.1f} MiB"
    )
    server_folder = tmp / "dovecot"
    server_folder.parent.chmod(0o755)
    dovecot = start_dovecot(server_folder)
    try:
        mailbox = dovecot.account()
        settings.MAILBOXES = (mailbox,)
        started = time.perf_counter()
        with dovecot.client(mailbox) as box:
            for raw in sent.messages:
                box.append(raw, "INBOX")
        print(f"APPEND to Dovecot: {time.perf_counter() - started:.1f} s")
        requests_before, messages_before = Request.objects.count(), Message.objects.count()

        parsing, taking, sql = Timer(), Timer(), Timer()

        def timed_sql(execute: Any, query: str, params: Any, many: bool, context: Any) -> Any:
            started = time.perf_counter()
            try:
                return execute(query, params, many, context)
            finally:
                sql.seconds += time.perf_counter() - started
                sql.calls += 1

        with (
            patched(actions, "parse", parsing),
            patched(reader, "process_message", taking),
            connection.execute_wrapper(timed_sql),
        ):
            started, cpu_started = time.perf_counter(), time.process_time()
            report = reader.poll_once(mailbox)
            total = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
        inbox, processed = dovecot.count(mailbox, "INBOX"), dovecot.count(mailbox, "Processed")
    finally:
        dovecot.stop()

    n = len(sent.messages)
    outcomes = {outcome: InboundMail.objects.filter(outcome=outcome).count() for outcome in Outcome}
    opened, appended, quarantined = (
        outcomes[Outcome.OPENED], outcomes[Outcome.APPENDED], outcomes[Outcome.QUARANTINED]
    )  # fmt: skip
    # A new request's files go on a first message of its own: only the replies add others.
    added = InboundMail.objects.exclude(added_message=None).values("added_message")
    first_messages = Message.objects.filter(request__channel="email").exclude(pk__in=added).count()
    reasons = dict(report.outcomes)
    print(f"reader pass: {report.fetched:,} fetched, {report.moved:,} moved, {report.failed[:3]}")
    print(f"outcomes: {reasons}")
    checks = [
        (report.failed == [], f"failed messages: {report.failed[:5]}"),
        (opened + appended + quarantined == n, f"{opened}+{appended}+{quarantined} != {n}"),
        (opened == sent.new, f"opened {opened}, sent {sent.new} new"),
        (appended == sent.replies, f"appended {appended}, sent {sent.replies} replies"),
        (reasons.get("unknown-sender", 0) == sent.unknown, "unknown senders"),
        (reasons.get("auto-reply", 0) == sent.auto_replies, "out-of-office replies"),
        ((inbox, processed) == (0, n), f"INBOX {inbox}, Processed {processed}"),
        (InboundMail.objects.count() == n, "stored raw messages"),
        (Request.objects.count() - requests_before == opened, "requests opened"),
        (
            Message.objects.count() - messages_before == appended + first_messages,
            "messages added",
        ),
    ]
    for ok, failure in checks:
        if not ok:
            failures.append(failure)
    python = taking.seconds - parsing.seconds - sql.seconds
    imap = total - taking.seconds
    rate = n / total
    print()
    verdict = "met" if rate >= TARGET_PER_SECOND else "MISSED"
    print(f"{n:,} messages in {total:.1f} s: {rate:,.0f} messages/s "
          f"(target {TARGET_PER_SECOND:.0f}: {verdict})")  # fmt: skip
    for label, seconds in (
        ("parsing (parse)", parsing.seconds),
        (f"SQL ({sql.calls / n:.1f} statements a message)", sql.seconds),
        ("taking in, besides SQL (actions, intake, file storage)", python),
        ("IMAP (FETCH, MOVE), batch commits, the reader", imap),
    ):
        print(f"  {label:<58} {seconds:7.1f} s {100 * seconds / total:5.1f} %"
              f" {1000 * seconds / n:6.2f} ms/message")  # fmt: skip
    # On a shared machine the reader's own CPU is steadier than the wall times above.
    print(f"  CPU of the reader's process: {1000 * cpu / n:.2f} ms/message")
    print(
        f"  parsing vs the database (SQL): {parsing.seconds / total:.0%} vs "
        f"{sql.seconds / total:.0%} of the time"
    )
    return failures


def main(argv: list[str] | None = None) -> int:
    from bench.desk_bench import machine

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--messages", type=int, default=FULL)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK} messages")
    parser.add_argument("--database", default="supportdesk_mail_bench")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if args.quick:
        args.messages = QUICK
    print("\n".join(machine()))
    print(f"database: {args.database}; started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    tmp = Path(tempfile.mkdtemp(prefix="supportdesk-mail-bench-"))
    bench = database.bench_database(tmp, name=args.database)
    database.recreate(bench)
    try:
        failures = run(args, bench, tmp)
    finally:
        if not args.keep:
            database.drop(bench)
        shutil.rmtree(tmp, ignore_errors=True)
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
