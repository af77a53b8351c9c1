"""The live stream under uvicorn (Django's test server cannot stream): a page that
reconnects catches up from its last message id and gets nothing twice; Redis pub/sub wakes
the stream at once; without Redis the stream polls the database."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from django.core.signals import request_started
from django.db import connections
from django.test import Client
from pytest_django.fixtures import Settings

from supportdesk.channels.chat import actions
from supportdesk.channels.chat.models import Chat
from tests.core.loops import run_in_own_loop
from tests.core.processes import free_port
from tests.tickets.conftest import Desk, at

type Address = tuple[str, int]
TEXT = "The mail server rejects every message since 9:40, users see error 550."


@pytest.fixture
def server() -> Iterator[Address]:
    """The product's ASGI application under uvicorn in a thread of this process (the tests'
    settings apply), with the static files the pages load."""
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from supportdesk.asgi import application

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    served = ASGIStaticFilesHandler(application)  # type: ignore[arg-type]
    config = uvicorn.Config(served, lifespan="off", log_level="warning", access_log=False)
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    yield listener.getsockname()[:2]
    running.should_exit = True
    running.force_exit = True  # open streams do not end by themselves
    thread.join(10)
    listener.close()


class Stream:
    """A raw SSE connection: the events as (name, id, data)."""

    def __init__(self, address: Address, path: str, cookie: str, last_id: str = "") -> None:
        self.connection = socket.create_connection(address, timeout=10)
        headers = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", f"Cookie: sessionid={cookie}",
                   "Accept: text/event-stream"]  # fmt: skip
        if last_id:
            headers.append(f"Last-Event-ID: {last_id}")
        self.connection.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        self.buffer = b""
        self.status = 0

    def events(self, count: int, timeout: float) -> list[tuple[str, str, str]]:
        deadline = time.monotonic() + timeout
        while True:
            found = self._parse()
            if len(found) >= count or time.monotonic() > deadline:
                return found
            self.connection.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = self.connection.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                return found
            self.buffer += chunk

    def _parse(self) -> list[tuple[str, str, str]]:
        head, _, body = self.buffer.partition(b"\r\n\r\n")
        if not body:
            return []
        self.status = int(head.split()[1])
        events = []
        # chunked transfer: drop the chunk-size lines, keep the SSE text
        text = "\n".join(
            line for line in body.decode().replace("\r\n", "\n").split("\n")
            if not all(c in "0123456789abcdef" for c in line) or line == ""
        )  # fmt: skip
        for block in text.split("\n\n"):
            fields: dict[str, list[str]] = {}
            for line in block.split("\n"):
                name, _, value = line.partition(": ")
                fields.setdefault(name, []).append(value)
            if "event" in fields:
                events.append(
                    (fields["event"][0], fields.get("id", [""])[0], "\n".join(fields["data"]))
                )
        return events

    def close(self) -> None:
        self.connection.close()


def _login(user: object) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client.cookies["sessionid"].value


def _post(desk: Desk, chat: Chat, text: str, post_id: str) -> int:
    received = actions.post(
        actor=desk.anna, chat=chat, post=actions.Post(text=text, post_id=post_id), now=at(23, 12)
    )
    assert received.message is not None
    return received.message.pk


@pytest.fixture
def chat(transactional_db: None, desk: Desk) -> Chat:
    return actions.start(
        actor=desk.anna, post=actions.Post(text=TEXT, post_id="first-post-1"), now=at(23, 11)
    ).chat


def test_a_reconnecting_page_catches_up_from_its_last_message(
    server: Address, desk: Desk, chat: Chat, settings: Settings
) -> None:
    settings.CHAT_PUBSUB_URL = ""
    settings.CHAT_POLL_MILLISECONDS = 100
    ids = [_post(desk, chat, f"Message {n}", f"post-number-{n}") for n in range(3)]
    stream = Stream(server, f"/desk/chats/{chat.pk}/stream", _login(desk.agent), str(ids[0]))
    try:
        events = stream.events(3, timeout=5)  # two messages and the state
        assert stream.status == 200
        messages = [(event_id, data) for name, event_id, data in events if name == "message"]
        assert [event_id for event_id, _ in messages] == [str(ids[1]), str(ids[2])]
        assert "Message 2" in messages[-1][1]
        assert [name for name, _, _ in events].count("state") == 1
        later = _post(desk, chat, "Polled", "post-polled-1")  # without Redis: polled
        started = time.monotonic()
        events = stream.events(4, timeout=5)
        assert events[-1][:2] == ("message", str(later))
        assert time.monotonic() - started < 2
    finally:
        stream.close()


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no redis-server (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def test_redis_wakes_the_stream_at_once(
    server: Address, desk: Desk, chat: Chat, settings: Settings, redis_url: str
) -> None:
    settings.CHAT_PUBSUB_URL = redis_url
    settings.CHAT_POLL_MILLISECONDS = 30_000  # a poll would come far too late
    stream = Stream(server, f"/portal/chat/{chat.pk}/stream", _login(desk.anna))
    try:
        assert [name for name, _, _ in stream.events(1, timeout=5)] == ["state"]
        time.sleep(0.5)  # the process's subscription is made on the first stream
        first = _post(desk, chat, "Woken", "post-woken-1")
        started = time.monotonic()
        events = stream.events(2, timeout=4)
        assert events[-1][:2] == ("message", str(first))
        assert time.monotonic() - started < 1.5
    finally:
        stream.close()


def test_an_open_stream_holds_no_database_connection(
    desk: Desk, chat: Chat, settings: Settings
) -> None:
    """A server process keeps one pooled connection (supportdesk.server): a stream that
    stays open for hours must hold none between its reads, else the process's other
    requests would wait for it."""
    if connections["default"].vendor == "sqlite":  # the tests' is in memory
        pytest.skip("Django never closes an in-memory SQLite database")
    from supportdesk.asgi import application

    settings.CHAT_PUBSUB_URL = ""
    settings.CHAT_POLL_MILLISECONDS = 100
    cookie = _login(desk.agent)
    request_threads: list[Any] = []
    path = f"/desk/chats/{chat.pk}/stream"

    def started(**kwargs: Any) -> None:
        request_threads.append(connections["default"])

    async def open_stream() -> tuple[int, bool]:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "scheme": "http", "method": "GET", "path": path, "raw_path": path.encode(),
            "query_string": b"", "root_path": "", "server": ("127.0.0.1", 8000),
            "client": ("127.0.0.1", 40000),
            "headers": [(b"host", b"127.0.0.1"), (b"cookie", f"sessionid={cookie}".encode()),
                        (b"accept", b"text/event-stream")],
        }  # fmt: skip
        gone = asyncio.Event()
        requested = False
        sent: list[Mapping[str, Any]] = []

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: Mapping[str, Any]) -> None:
            sent.append(message)

        served = asyncio.create_task(application(scope, receive, send))  # type: ignore[arg-type]
        deadline = time.monotonic() + 10
        # the first event, then a few polls of the database
        while not any(b"event:" in m.get("body", b"") for m in sent):
            assert time.monotonic() < deadline, sent
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.5)
        status = sent[0]["status"]
        held = request_threads[0].connection is not None
        gone.set()
        await asyncio.wait_for(served, 10)
        return status, held

    request_started.connect(started, dispatch_uid="test-stream-connection")
    try:
        status, held = run_in_own_loop(open_stream())
    finally:
        request_started.disconnect(dispatch_uid="test-stream-connection")
    assert status == 200
    assert not held
