"""The CPU of one API create in-process, on PostgreSQL: Django's test client posts the API
bench's request (``bench.desk.api_load.BODY``) one at a time on one kept connection; the
process's CPU per create (``time.process_time``), the statements per create and, with
``--profile``, where the time goes (cProfile, the top functions by own time).

Run from the project root (PostgreSQL at 127.0.0.1:5432, user postgres, trust auth)::

    .venv/bin/python -m bench.create_cost [--creates 300] [--rounds 3] [--profile]

The database ``supportdesk_create_cost`` is dropped, created, migrated and given the API
bench's world (50 organizations, ten L1 agents); it is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.desk import database

NAME = "supportdesk_create_cost"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.create_cost", description=__doc__)
    parser.add_argument("--creates", type=int, default=300, help="creates per round (300)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the best counts (3)")
    parser.add_argument("--profile", action="store_true", help="cProfile the last round")
    parser.add_argument("--database", default=NAME, help=f"the database ({NAME})")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="create-cost-") as folder:
        bench = database.bench_database(Path(folder), name=args.database)
        database.recreate(bench)
        try:
            database.configure(bench)
            return measure(args)
        finally:
            if not args.keep:
                database.drop(bench)


def measure(args: argparse.Namespace) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.desk import api_load, world

    token = api_load.token_for(world.make_world(now=datetime.now(UTC), seed=1))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    body = json.dumps(api_load.BODY)

    def create() -> None:
        answer = client.post(api_load.PATH, body, content_type="application/json")
        if answer.status_code != 201:
            raise SystemExit(f"create answered {answer.status_code}: {answer.content[:300]!r}")

    for _ in range(20):  # calendars compiled, policy read, statements prepared
        create()
    with CaptureQueriesContext(connection) as queries:
        create()
    print(f"statements per create: {len(queries.captured_queries)}")
    per_create = []
    for number in range(1, args.rounds + 1):
        profile = (
            cProfile.Profile(time.process_time) if args.profile and number == args.rounds else None
        )
        started = time.process_time()
        if profile is not None:
            profile.enable()
        for _ in range(args.creates):
            create()
        if profile is not None:
            profile.disable()
        ms = (time.process_time() - started) * 1000 / args.creates
        per_create.append(ms)
        print(f"round {number}: {ms:.2f} ms of CPU per create (load {os.getloadavg()[0]:.2f})")
        if profile is not None:
            stats = pstats.Stats(profile)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats("supportdesk", 40)
    print(f"in-process CPU per create: best {min(per_create):.2f} ms, "
          f"median {statistics.median(per_create):.2f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
