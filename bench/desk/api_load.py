"""Registering requests through the REST API: the real server (uvicorn, as ``./dev run``
and docs/deploy.md start it) on loopback, a customer's API token, POST /api/v1/requests
from several keep-alive clients; CPU time of the server, of PostgreSQL's backends and of
the client, and how many PostgreSQL sessions were opened."""

from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.auth.models import User
from django.urls import Resolver404, resolve
from django.utils import timezone

from bench.desk import database
from bench.desk.measure import percentiles
from bench.desk.server import (
    Postgres,
    children,
    cpu_seconds,
    cpu_used,
    free_port,
    server_command,
    wait_ready,
)
from bench.desk.world import World
from supportdesk.server import WORKERS
from supportdesk.tickets.models import Request

if TYPE_CHECKING:
    from bench.desk_bench import Outcome

PATH = "/api/v1/requests"
WARM_UP = 40  # requests before the timed ones: each worker compiles its calendars
ROOT = Path(__file__).resolve().parents[2]
BODY = {
    "request_type": "incident",
    "subject": "Messages are delayed in the main workspace",
    "description": (
        "Messages to all users in the main workspace have been delayed by 10 minutes "
        "since 09:40; the server log shows queue timeouts."
    ),
    "requested_priority": "P3",
    "component": "messaging",
    "scope": "mass",
}


def api_missing() -> str | None:
    """Why the API cannot be benchmarked, or None when it is there."""
    if not apps.is_installed("supportdesk.api"):
        return "supportdesk.api is not installed"
    try:
        match = resolve(PATH)
    except Resolver404:
        return f"no route {PATH}"
    if match.func.__name__ == "_unknown_path":
        return f"no endpoint {PATH}"
    return None


# -- the load ---------------------------------------------------------------------------------


@dataclass
class Load:
    statuses: Counter[int]
    latencies_ms: list[float]
    seconds: float
    errors: list[str]
    client_cpu_s: float


def post_many(port: int, token: str, *, total: int, threads: int) -> Load:
    """``total`` POSTs shared by ``threads`` clients, each on one keep-alive connection."""
    body = json.dumps(BODY).encode()
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Connection": "keep-alive",
    }
    tickets = itertools.count()
    lock = threading.Lock()
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    errors: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while next(tickets) < total:
                started = time.perf_counter()
                try:
                    conn.request("POST", PATH, body=body, headers=headers)
                    response = conn.getresponse()
                    answer = response.read()
                except (OSError, http.client.HTTPException) as error:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    with lock:
                        statuses[0] += 1
                        errors.append(repr(error))
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    statuses[response.status] += 1
                    latencies.append(elapsed)
                    if response.status != 201 and len(errors) < 10:
                        errors.append(f"{response.status}: {answer[:300]!r}")
        finally:
            conn.close()

    workers = [threading.Thread(target=client) for _ in range(threads)]
    cpu_started = time.process_time()
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    return Load(statuses, latencies, seconds, errors, time.process_time() - cpu_started)


SHIPPED = "supportdesk.settings"


def server_errors(log: Path) -> list[str]:
    """The distinct exception lines the server logged."""
    found: dict[str, None] = {}
    if log.exists():
        for line in log.read_text(errors="replace").splitlines():
            if re.match(r"^[\w.]+(Error|Exception): ", line):
                found[line[:200]] = None
    return list(found)


@contextmanager
def serving(bench: database.Bench, *, workers: int, log: Path) -> Iterator[tuple[int, int]]:
    """uvicorn with the shipped settings on a free loopback port: (port, master pid)."""
    port = free_port()
    env = {**os.environ, **database.environment(bench), "DJANGO_SETTINGS_MODULE": SHIPPED}
    # WhiteNoise warns that static files were not collected; the API serves none.
    env["PYTHONWARNINGS"] = "ignore:No directory at:UserWarning"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603
            server_command(port, workers), cwd=ROOT, env=env, stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_ready(port, server)
        yield port, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@dataclass
class ApiRun:
    """One measured run: the timed load, and what the warm-up and the load did in all."""

    total: int
    threads: int
    warm_up: int
    workers: int
    load: Load
    statuses: Counter[int]  # warm-up included
    created: int  # new requests in the database afterwards
    server_cpu_s: float  # the workers, timed load only
    postgres_cpu_s: float  # the database's backends, timed load only
    sessions_opened: int  # PostgreSQL sessions opened during the timed load
    server_log: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.load.latencies_ms) / self.load.seconds

    @property
    def ms(self) -> dict[str, float]:
        lat = self.load.latencies_ms
        return percentiles(lat) if len(lat) >= 2 else {}

    @property
    def ok(self) -> bool:
        return set(self.statuses) == {201} and self.created == self.total + self.warm_up

    def per_request_ms(self, seconds: float) -> float:
        return seconds * 1000 / max(1, self.total)


def measure(
    bench: database.Bench,
    token: str,
    *,
    total: int,
    threads: int,
    warm_up: int = WARM_UP,
    workers: int = WORKERS,
) -> ApiRun:
    before = Request.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    postgres = Postgres(bench.admin_conninfo(), bench.name)
    log = bench.jobs_file.with_name(f"uvicorn-{SHIPPED}.log")
    with serving(bench, workers=workers, log=log) as (port, master):
        warm = post_many(port, token, total=warm_up, threads=threads)
        time.sleep(1.2)  # PostgreSQL publishes session counts at most once a second
        sessions = postgres.sessions()
        server = cpu_seconds(children(master))
        backends = postgres.cpu()
        load = post_many(port, token, total=total, threads=threads)
        server_cpu = cpu_used(server, cpu_seconds(children(master)))
        postgres_cpu = cpu_used(backends, postgres.cpu())
        time.sleep(1.2)
        sessions = postgres.sessions() - sessions
    created = Request.objects.filter(pk__gt=before).count()
    return ApiRun(
        total=total, threads=threads, warm_up=warm_up, workers=workers, load=load,
        statuses=warm.statuses + load.statuses, created=created, server_cpu_s=server_cpu,
        postgres_cpu_s=postgres_cpu, sessions_opened=sessions, server_log=server_errors(log),
    )  # fmt: skip


def describe(label: str, run: ApiRun) -> list[str]:
    lines = [
        f"{label}: {run.total} POSTs from {run.threads} threads (after {run.warm_up} warm-up), "
        f"{run.workers} server processes, in {run.load.seconds:.1f} s = {run.rate:.0f} requests/s"
    ]
    if ms := run.ms:
        lines.append(
            f"  latency p50 {ms['p50']:.1f} ms, p95 {ms['p95']:.1f} ms, p99 {ms['p99']:.1f} ms, "
            f"max {ms['max']:.1f} ms"
        )
    lines += [
        f"  CPU per request: server {run.per_request_ms(run.server_cpu_s):.1f} ms, PostgreSQL "
        f"{run.per_request_ms(run.postgres_cpu_s):.1f} ms, client "
        f"{run.per_request_ms(run.load.client_cpu_s):.1f} ms; PostgreSQL sessions opened "
        f"during the load: {run.sessions_opened}",
        f"  status codes (warm-up included): {dict(sorted(run.statuses.items()))}",
        f"  requests registered in the database: {run.created}",
    ]
    lines += [f"  answer {error}" for error in run.load.errors[:5]]
    lines += [f"  server log: {line}" for line in run.server_log[:5]]
    return lines


def token_for(world: World) -> str:
    from supportdesk.api.actions import create_token

    user = User.objects.get(pk=world.api_user_id)
    return create_token(user=user, name="desk bench", now=timezone.now())[1]


def run(
    bench: database.Bench,
    world: World,
    out: Outcome,
    *,
    total: int,
    threads: int,
) -> None:
    """The desk bench's API section."""
    label = "API create"
    missing = api_missing()
    if missing is not None:
        print(f"{label}: not run: API missing ({missing})")
        out.add(label, "not run: API missing", missing)
        return
    result = measure(bench, token_for(world), total=total, threads=threads)
    print("\n".join(describe(f"{label} (server settings {SHIPPED})", result)))
    out.add(label, f"{result.rate:.0f} requests/s", f"{total} POSTs, {threads} threads")
    if ms := result.ms:
        out.add(
            f"{label}: p50 / p95 / p99",
            f"{ms['p50']:.1f} / {ms['p95']:.1f} / {ms['p99']:.1f} ms",
        )
    out.add(
        f"{label}: status codes",
        ", ".join(f"{code}: {count}" for code, count in sorted(result.statuses.items())),
        out.check(result.ok, f"API answers {dict(result.statuses)}, {result.created} registered"),
    )
