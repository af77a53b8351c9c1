"""A long thread's messages on PostgreSQL: what writing one more message costs as the thread
grows, with the search documents' trigger as it is (a new message's words appended,
migration search/0005) and as it was (every message of the request read again).

Run from the project root (PostgreSQL at 127.0.0.1:5432, user postgres, trust auth)::

    .venv/bin/python -m bench.thread_bench [--messages 1000] [--rounds 2]

or ``./dev bench thread``. The database ``supportdesk_thread_bench`` is dropped, created,
migrated and given the API bench's world; each round opens a request through the API (test
client) per trigger, alternating, then INSERTs ``--messages`` public messages of a chat
line's length into it one by one (the statement as the ORM sends it, the triggers
included) and prints the median time of the ten INSERTs up to the 10th, 100th, 300th and
last message, and the total. The trigger as it was is put back for its rounds and the
current one restored at the end. Then, with the current trigger, the customer replies
``--messages`` times through the API (``POST /api/v1/requests/{id}/reply``: the whole
action, its clocks, mails and triggers) and the medians of the same marks are printed, wall
time and the process's CPU. The database is dropped unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.desk import database
from bench.desk_bench import machine

NAME = "supportdesk_thread_bench"
LINE = (
    "Здравствуйте, после обновления сервера перестали приходить уведомления в мобильном "
    "клиенте, проверьте, пожалуйста, журналы. The push gateway answers 502."
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.thread_bench", description=__doc__)
    parser.add_argument("--messages", type=int, default=1000, help="messages a thread (1000)")
    parser.add_argument("--rounds", type=int, default=2, help="threads per trigger (2)")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args(argv)
    if args.messages < 10:
        parser.error("--messages must be at least 10")
    print("\n".join(machine()))
    with tempfile.TemporaryDirectory(prefix="thread-bench-") as folder:
        bench = database.bench_database(Path(folder), name=NAME)
        database.recreate(bench)
        try:
            database.configure(bench)
            measure(args.messages, args.rounds)
        finally:
            if not args.keep:
                database.drop(bench)
    return 0


def measure(messages: int, rounds: int) -> None:
    from django.db import connection
    from django.test import Client

    from bench.desk import api_load, world
    from supportdesk.search import fulltext

    token = api_load.token_for(world.make_world(now=datetime.now(UTC), seed=1))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    triggers = {
        "appended (now)": fulltext.MESSAGE_WRITTEN,
        "read again (before search/0005)": fulltext.MESSAGE_WRITTEN_BEFORE,
    }
    marks = sorted({10, 100, 300, messages} & set(range(10, messages + 1)))
    try:
        for number in range(1, rounds + 1):
            for label, definition in triggers.items():
                answer = client.post(
                    api_load.PATH, json.dumps(api_load.BODY), content_type="application/json"
                )
                if answer.status_code != 201:
                    raise SystemExit(f"create answered {answer.status_code}")
                request = answer.json()["id"]
                with connection.cursor() as cursor:
                    cursor.execute(definition)
                    cursor.execute(
                        "SELECT contact_id, channel FROM tickets_request WHERE id = %s", [request]
                    )
                    contact, channel = cursor.fetchone()
                    seconds = []
                    for line in range(1, messages + 1):
                        started = time.perf_counter()
                        cursor.execute(
                            "INSERT INTO tickets_message (request_id, kind, contact_id,"
                            " from_vendor, channel, body, created_at)"
                            " VALUES (%s, 'public', %s, false, %s, %s, %s)",
                            [request, contact, channel, f"{line}. {LINE}", datetime.now(UTC)],
                        )
                        seconds.append(time.perf_counter() - started)
                at = ", ".join(
                    f"{mark}: {statistics.median(seconds[mark - 10 : mark]) * 1000:.2f}"
                    for mark in marks
                )
                print(f"round {number}, {label}: ms a message at {at}; "
                      f"all {messages} in {sum(seconds):.1f} s")  # fmt: skip
    finally:
        with connection.cursor() as cursor:
            cursor.execute(fulltext.MESSAGE_WRITTEN)
    replies(client, messages, marks)


def replies(client: Any, messages: int, marks: list[int]) -> None:
    """The customer's replies through the API into one request, one by one."""
    from bench.desk import api_load

    answer = client.post(api_load.PATH, json.dumps(api_load.BODY), content_type="application/json")
    path = f"{api_load.PATH}/{answer.json()['id']}/reply"
    wall, cpu = [], []
    for line in range(1, messages + 1):
        started, started_cpu = time.perf_counter(), time.process_time()
        answer = client.post(
            path, json.dumps({"body": f"{line}. {LINE}"}), content_type="application/json"
        )
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        if answer.status_code != 201:
            raise SystemExit(f"reply answered {answer.status_code}: {answer.content[:300]!r}")
    at = ", ".join(
        f"{mark}: {statistics.median(wall[mark - 10 : mark]) * 1000:.1f}"
        f" ({statistics.median(cpu[mark - 10 : mark]) * 1000:.1f} CPU)"
        for mark in marks
    )
    print(f"replies through the API, ms a reply at {at}")


if __name__ == "__main__":
    sys.exit(main())
