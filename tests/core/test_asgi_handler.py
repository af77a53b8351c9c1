"""The ASGI application uvicorn serves: each request's synchronous code runs on one thread,
borrowed from a set of idle ones and given back, so requests do not start threads."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import connections
from django.utils import timezone

from supportdesk.api.actions import create_token
from supportdesk.asgi import application
from supportdesk.tickets.models import Request
from tests.core.loops import run_in_own_loop
from tests.tickets import conftest as personas
from tests.tickets.conftest import DETAILED, Desk

desk = personas.desk  # the shared personas fixture


async def call(
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    on_send: Callable[[Mapping[str, Any]], None] | None = None,
) -> tuple[int, bytes]:
    """One HTTP request through the ASGI application, as uvicorn makes it."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "scheme": "http",
        "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 40000),
        "headers": [(b"host", b"127.0.0.1")]
        + [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }  # fmt: skip
    incoming = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if incoming:
            return incoming.pop()
        await asyncio.Event().wait()  # the client stays connected
        raise AssertionError("unreachable")

    async def send(message: Mapping[str, Any]) -> None:
        if on_send is not None:
            on_send(message)
        sent.append(dict(message))

    await application(scope, receive, send)
    body_out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body_out


@pytest.fixture
def threads_seen() -> Iterator[list[tuple[str, str]]]:
    """(signal, thread name) for every request start and finish."""
    seen: list[tuple[str, str]] = []

    def started(**kwargs: Any) -> None:
        seen.append(("started", threading.current_thread().name))

    def finished(**kwargs: Any) -> None:
        seen.append(("finished", threading.current_thread().name))

    request_started.connect(started, dispatch_uid="test-threads-started")
    request_finished.connect(finished, dispatch_uid="test-threads-finished")
    yield seen
    request_started.disconnect(dispatch_uid="test-threads-started")
    request_finished.disconnect(dispatch_uid="test-threads-finished")


@pytest.mark.django_db(transaction=True)
def test_requests_one_after_another_reuse_one_thread(threads_seen: list[tuple[str, str]]) -> None:
    async def twenty() -> list[int]:
        return [(await call("GET", "/health"))[0] for _ in range(20)]

    assert run_in_own_loop(twenty()) == [200] * 20
    assert len(threads_seen) == 40
    assert len({name for _, name in threads_seen}) == 1
    assert threads_seen[0][1].startswith("request")


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_run_on_their_own_threads_then_those_are_reused(
    threads_seen: list[tuple[str, str]],
) -> None:
    async def at_once(count: int) -> list[int]:
        answers = await asyncio.gather(*(call("GET", "/health") for _ in range(count)))
        return [status for status, _ in answers]

    assert run_in_own_loop(at_once(8)) == [200] * 8
    first = {name for _, name in threads_seen}
    assert len(first) == 8
    threads_seen.clear()
    assert run_in_own_loop(at_once(8)) == [200] * 8
    assert {name for _, name in threads_seen} == first


@pytest.mark.django_db(transaction=True)
def test_a_request_registered_through_the_served_application(desk: Desk) -> None:
    _, token = create_token(user=desk.anna, name="asgi", now=timezone.now())
    body = {
        "request_type": "incident", "subject": "Messages are delayed", "description": DETAILED,
        "requested_priority": "P3", "component": "messaging", "scope": "mass",
    }  # fmt: skip
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    posted = call("POST", "/api/v1/requests", json.dumps(body).encode(), headers)
    status, answer = run_in_own_loop(posted)
    assert status == 201, answer
    created = Request.objects.get(pk=json.loads(answer)["id"])
    assert (created.contact, created.priority) == (desk.contact(desk.anna), "P3")


@pytest.mark.django_db(transaction=True)
def test_the_connection_goes_back_before_the_answer_is_sent() -> None:
    """With one pooled connection per server process (supportdesk.server's default), the
    next request must not wait for this one's answer to be sent before it can read."""
    if connections["default"].vendor == "sqlite":  # the tests' is in memory
        pytest.skip("Django never closes an in-memory SQLite database")
    request_threads_connection: list[Any] = []
    open_when_sent: list[bool] = []

    def started(**kwargs: Any) -> None:
        request_threads_connection.append(connections["default"])

    def on_send(message: Mapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            open_when_sent.append(request_threads_connection[0].connection is not None)

    request_started.connect(started, dispatch_uid="test-connection-started")
    try:
        status, _ = run_in_own_loop(call("GET", "/health", on_send=on_send))  # reads the db
        assert status == 200
    finally:
        request_started.disconnect(dispatch_uid="test-connection-started")
    assert open_when_sent == [False]
