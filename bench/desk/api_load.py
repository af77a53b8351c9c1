"""Registering requests through the REST API: the real server (uvicorn, 2 workers) on
loopback, a customer's API token, POST /api/v1/requests from several keep-alive clients."""

from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import socket
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.auth.models import User
from django.urls import Resolver404, resolve
from django.utils import timezone

from bench.desk import database
from bench.desk.measure import percentiles
from bench.desk.world import World
from supportdesk.tickets.models import Request

if TYPE_CHECKING:
    from bench.desk_bench import Outcome

PATH = "/api/v1/requests"
WORKERS = 2
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"uvicorn did not answer /health within {timeout:.0f} s")


@dataclass
class Load:
    statuses: Counter[int]
    latencies_ms: list[float]
    seconds: float
    errors: list[str]


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
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return Load(statuses, latencies, time.perf_counter() - started, errors)


SHIPPED = "supportdesk.settings"


def server_errors(log: Path) -> list[str]:
    """The distinct exception lines the server logged."""
    found: dict[str, None] = {}
    if log.exists():
        for line in log.read_text(errors="replace").splitlines():
            if re.match(r"^[\w.]+(Error|Exception): ", line):
                found[line[:200]] = None
    return list(found)


def run(
    bench: database.Bench,
    world: World,
    out: Outcome,
    *,
    total: int,
    threads: int,
) -> None:
    label = "API create"
    missing = api_missing()
    if missing is not None:
        print(f"{label}: not run: API missing ({missing})")
        out.add(label, "not run: API missing", missing)
        return
    from supportdesk.api.actions import create_token

    user = User.objects.get(pk=world.api_user_id)
    _, token = create_token(user=user, name="desk bench", now=timezone.now())
    before = Request.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    log = bench.jobs_file.with_name(f"uvicorn-{SHIPPED}.log")
    port = free_port()
    uvicorn = ROOT / ".venv" / "bin" / "uvicorn"
    command = [
        str(uvicorn), "supportdesk.asgi:application", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(WORKERS), "--no-access-log",
        "--log-level", "warning",
    ]  # fmt: skip
    env = {**os.environ, **database.environment(bench), "DJANGO_SETTINGS_MODULE": SHIPPED}
    # WhiteNoise warns that static files were not collected; the API serves none.
    env["PYTHONWARNINGS"] = "ignore:No directory at:UserWarning"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_ready(port, server)
        warm = post_many(port, token, total=WARM_UP, threads=threads)
        load = post_many(port, token, total=total, threads=threads)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    created = Request.objects.filter(pk__gt=before).count()
    statuses = warm.statuses + load.statuses
    ms = percentiles(load.latencies_ms) if len(load.latencies_ms) >= 2 else {}
    rate = len(load.latencies_ms) / load.seconds
    print(
        f"{label} (server settings {SHIPPED}): {total} POSTs from {threads} threads "
        f"(after {WARM_UP} warm-up) in "
        f"{load.seconds:.1f} s = {rate:.0f} requests/s"
    )
    if ms:
        print(
            f"  latency p50 {ms['p50']:.1f} ms, p95 {ms['p95']:.1f} ms, p99 {ms['p99']:.1f} ms, "
            f"max {ms['max']:.1f} ms"
        )
    print(f"  status codes (warm-up included): {dict(sorted(statuses.items()))}")
    print(f"  requests registered in the database: {created}")
    for error in (warm.errors + load.errors)[:5]:
        print(f"  answer {error}")
    for line in server_errors(log)[:5]:
        print(f"  server log: {line}")
    out.add(label, f"{rate:.0f} requests/s", f"{total} POSTs, {threads} threads")
    if ms:
        out.add(
            f"{label}: p50 / p95 / p99",
            f"{ms['p50']:.1f} / {ms['p95']:.1f} / {ms['p99']:.1f} ms",
        )
    all_created = set(statuses) == {201} and created == total + WARM_UP
    out.add(
        f"{label}: status codes",
        ", ".join(f"{code}: {count}" for code, count in sorted(statuses.items())),
        out.check(all_created, f"API answers {dict(statuses)}, {created} registered"),
    )
