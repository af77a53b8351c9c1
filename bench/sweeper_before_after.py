"""The SLA sweeper's pass as it was before issue 8 and as it is, alternating on the same data
in one run, so a shared machine's changing load weighs on both alike (issue 7 item 13).

Run from the project root (PostgreSQL at 127.0.0.1:5432, user postgres, trust auth)::

    .venv/bin/python -m bench.sweeper_before_after [--requests N] [--rounds R]

It loads a desk with ``bench.desk`` (1,000 clocks due among the open ones) into the
database ``supportdesk_bench_sweeper``, then times R rounds of two committed passes over
the same 1,000 due clocks: "before" is the pass of commit a2c6ca7 (the clocks saved with
``bulk_update``, the owners read as models, an audit event per breach, and one Huey job per
alert queued into a SQLite job file after the commit); "now" is ``tickets.sweeper.sweep_sla``
(the outbox rows written in the claim's transaction). After each pass the due clocks are
put back as they were and the rows it wrote are deleted. Prints each round and the
medians, with the wall time and this process's CPU.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.desk import database

NAME = "supportdesk_bench_sweeper"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sweeper_before_after")
    parser.add_argument("--requests", type=int, default=200_000, help="default 200,000")
    parser.add_argument("--rounds", type=int, default=7, help="default 7")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sweeper-bench-") as tmp:
        bench = database.bench_database(Path(tmp), NAME)
        database.recreate(bench)
        try:
            run(bench, Path(tmp), requests=args.requests, rounds=args.rounds)
        finally:
            database.drop(bench)
    return 0


def run(bench: database.Bench, folder: Path, *, requests: int, rounds: int) -> None:
    database.configure(bench)
    from django.db import connection, transaction
    from django.db.models import Q
    from django.urls import reverse
    from django.utils import translation
    from huey import SqliteHuey

    from bench.desk import generate, world
    from supportdesk.audit.models import AuditEvent
    from supportdesk.audit.record import record
    from supportdesk.notifications.models import Notification
    from supportdesk.sla.models import SlaClock
    from supportdesk.tickets.models import Request
    from supportdesk.tickets.sweeper import _claim, sweep_sla

    now = datetime.now(UTC).replace(microsecond=0)
    desk = world.make_world(now=now, seed=1)
    generate.load(bench.conninfo, desk, n=requests, now=now, seed=1)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    reverse("workspace:index")  # what a running worker has loaded already
    with translation.override("ru"):
        pass

    jobs = SqliteHuey("legacy", filename=str(folder / "jobs.sqlite3"))

    @jobs.task()  # type: ignore[untyped-decorator]
    def send_notification(event: str, request_id: int, data: dict[str, Any]) -> None:
        """Never run: queueing it is what the old pass paid per alert."""

    def queue(request_id: int, data: dict[str, Any]) -> Callable[[], None]:
        return lambda: send_notification("sla", request_id, data)

    def before() -> int:
        """The pass of commit a2c6ca7, its notification job queued per alert."""
        alerted = 0
        while True:
            with transaction.atomic():
                due = list(
                    SlaClock.objects.select_for_update(skip_locked=True)
                    .filter(next_alert_at__lte=now)
                    .order_by("next_alert_at")[:500]
                )
                if not due:
                    return alerted
                percents = {clock.pk: _claim(clock, now) for clock in due}
                SlaClock.objects.bulk_update(due, ["alerted_percent", "next_alert_at"])
                ids = list(percents)
                owners = Request.objects.filter(
                    Q(reaction_clock_id__in=ids) | Q(resolution_clock_id__in=ids)
                )
                for request in owners.only("pk", "reaction_clock_id", "resolution_clock_id"):
                    for clock_id, kind in (
                        (request.reaction_clock_id, "reaction"),
                        (request.resolution_clock_id, "resolution"),
                    ):
                        if clock_id not in percents:
                            continue
                        clock = next(c for c in due if c.pk == clock_id)
                        percent = percents[clock_id]
                        due_iso = clock.due_at.isoformat() if clock.due_at else None
                        data = {"clock": kind, "percent": percent, "due": due_iso}
                        if percent == 100:
                            record(at=now, actor=None, action="sla.breached", subject=request,
                                   data={"clock": kind})  # fmt: skip
                        transaction.on_commit(queue(request.pk, data))
                alerted += len(due)
            if len(due) < 500:
                return alerted

    def after() -> int:
        return sweep_sla(now=now)

    due = list(
        SlaClock.objects.filter(next_alert_at__lte=now).values_list(
            "pk", "alerted_percent", "next_alert_at"
        )
    )
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def restore() -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE sla_slaclock SET alerted_percent = %s, next_alert_at = %s WHERE id = %s",
                [(percent, next_alert, pk) for pk, percent, next_alert in due],
            )
        AuditEvent.objects.filter(pk__gt=last_event).delete()
        Notification.objects.all().delete()
        jobs.flush()

    passes: dict[str, list[tuple[float, float]]] = {"before": [], "now": []}
    timed: dict[str, Callable[[], int]] = {"before": before, "now": after}
    print(f"{requests:,} requests, {len(due)} clocks due; {rounds} rounds")
    for round_ in range(rounds):
        line = []
        for name, sweep in timed.items():
            cpu, started = time.process_time(), time.perf_counter()
            alerted = sweep()
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            if alerted != len(due):
                raise RuntimeError(f"{name} alerted {alerted}, not {len(due)}")
            passes[name].append((wall, cpu))
            restore()
            line.append(f"{name} {wall:.3f} s (CPU {cpu:.3f} s)")
        print(f"round {round_ + 1}: " + ", ".join(line))
    for name, figures in passes.items():
        walls, cpus = zip(*figures[1:], strict=True)  # the first round warms up
        print(
            f"{name}: median {statistics.median(walls):.3f} s, "
            f"CPU {statistics.median(cpus):.3f} s (rounds 2-{rounds})"
        )


if __name__ == "__main__":
    raise SystemExit(main())
