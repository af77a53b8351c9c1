"""The request-size limit lives in the server layer: uvicorn on a loopback port, real HTTP
written by hand, so the test controls how much of the body is ever sent. A body over the
limit is answered 413 before it is sent (declared length) or as soon as it passes the
limit (chunked), the connection is closed, and nothing is stored."""

from __future__ import annotations

import asyncio
import json
import select
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from pytest_django.fixtures import Settings

from supportdesk.api import actions as api_actions
from supportdesk.tickets import actions
from supportdesk.tickets.models import Attachment, Message
from tests import multipart
from tests.api.helpers import open_request
from tests.tickets.conftest import Desk, at
from tests.tickets.conftest import desk as desk

type Address = tuple[str, int]
UPLOAD = "/api/v1/requests/1/messages/1/attachments"
CHUNK = 32 * 1024


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def server() -> Iterator[Address]:
    """The product's ASGI application (``supportdesk.asgi``) under uvicorn, as ``./dev run``
    serves it, in a thread of this process so the tests' settings apply."""
    from supportdesk.asgi import application

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    config = uvicorn.Config(application, lifespan="off", log_level="warning", access_log=False)
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    yield listener.getsockname()[:2]
    running.should_exit = True
    thread.join(10)
    listener.close()


def request_head(path: str, **headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_response(connection: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        received = connection.recv(65536)
        assert received, f"the server closed without an answer: {data!r}"
        data += received
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    while len(rest) < int(headers.get("content-length", "0")):
        received = connection.recv(65536)
        assert received
        rest += received
    return int(status_line.split()[1]), headers, rest


def closed_by_server(connection: socket.socket) -> bool:
    try:
        return connection.recv(1) == b""
    except ConnectionResetError:
        return True


def test_an_oversized_content_length_is_refused_before_the_body_is_sent(
    server: Address, db: None, media: Path
) -> None:
    declared = 200 * 1024 * 1024  # over the default 103.5 MiB
    with socket.create_connection(server, timeout=5) as connection:
        connection.sendall(
            request_head(
                UPLOAD,
                Content_Type=multipart.CONTENT_TYPE,
                Content_Length=str(declared),
                Authorization="Bearer whatever",
            )
        )
        status, headers, body = read_response(connection)  # not one body byte sent
        assert status == 413
        assert headers["content-type"] == "application/json"
        assert headers["connection"] == "close"
        assert json.loads(body) == {"detail": "the request body is larger than 108527616 bytes"}
        assert closed_by_server(connection)
    assert not Attachment.objects.exists()
    assert not media.exists()


def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(
    server: Address, settings: Settings, db: None, media: Path
) -> None:
    settings.DATA_UPLOAD_MAX_REQUEST_SIZE = 256 * 1024
    planned = 4 * 1024 * 1024  # what the client would send if nobody stopped it
    sent = 0
    with socket.create_connection(server, timeout=5) as connection:
        connection.sendall(
            request_head(UPLOAD, Content_Type=multipart.CONTENT_TYPE, Transfer_Encoding="chunked")
        )
        answered = False
        while sent < planned and not answered:
            connection.sendall(b"%x\r\n" % CHUNK + b"x" * CHUNK + b"\r\n")
            sent += CHUNK
            answered = bool(select.select([connection], [], [], 0.05)[0])
        assert answered, "no answer although the body passed the limit"
        status, headers, body = read_response(connection)
        assert status == 413
        assert headers["connection"] == "close"
        assert json.loads(body) == {"detail": "the request body is larger than 262144 bytes"}
        assert closed_by_server(connection)
    # The answer came right after the limit; the final chunk was never sent.
    assert 256 * 1024 < sent <= 256 * 1024 + 2 * CHUNK
    assert not Attachment.objects.exists()
    assert not media.exists()


def test_a_page_hears_why_in_its_language(server: Address) -> None:
    for cookie, expected in [
        ("", "Запрос больше 103,5\xa0МБ и отклонён; ничего не сохранено."),
        ("django_language=en", "The request is larger than 103.5\xa0MB and was refused;"),
    ]:
        with socket.create_connection(server, timeout=5) as connection:
            head = {"Content_Type": multipart.CONTENT_TYPE, "Content_Length": str(2**30)}
            if cookie:
                head["Cookie"] = cookie
            connection.sendall(request_head("/portal/new/", **head))
            status, headers, body = read_response(connection)
        assert status == 413
        assert headers["content-type"] == "text/plain; charset=utf-8"
        assert body.decode().startswith(expected), body.decode()


def test_a_json_body_gets_the_form_fields_limit(server: Address) -> None:
    with socket.create_connection(server, timeout=5) as connection:
        connection.sendall(
            request_head(
                "/api/v1/requests", Content_Type="application/json", Content_Length="3000000"
            )
        )
        status, _, body = read_response(connection)
    assert (status, json.loads(body)) == (
        413,
        {"detail": "the request body is larger than 2621440 bytes"},
    )


def test_an_upload_within_the_limits_goes_through(
    server: Address, transactional_db: None, desk: Desk
) -> None:
    ticket = open_request(desk)
    message = actions.reply(actor=desk.anna, request=ticket, body="Logs", now=at(23, 11))
    _, token = api_actions.create_token(user=desk.anna, name="ci", now=at(23, 11))
    content = b"09:40 queue stalled\n" * 1000
    body = multipart.body(multipart.Part("file", content, "app.log", "text/plain"))
    path = f"/api/v1/requests/{ticket.pk}/messages/{message.pk}/attachments"
    with socket.create_connection(server, timeout=10) as connection:
        connection.sendall(
            request_head(
                path,
                Content_Type=multipart.CONTENT_TYPE,
                Content_Length=str(len(body)),
                Authorization=f"Bearer {token}",
            )
            + body
        )
        status, _, answer = read_response(connection)
    assert status == 201, answer
    stored = Attachment.objects.get(pk=json.loads(answer)["id"])
    assert (stored.message, stored.file.read()) == (Message.objects.get(pk=message.pk), content)


def test_the_server_layer_reads_no_further_than_the_limit(settings: Settings) -> None:
    """The same limit driven by a bare ASGI receive loop: after the limit, the application
    never asks for another chunk of a stream that would go on for 10 MB."""
    from supportdesk.asgi import application

    settings.DATA_UPLOAD_MAX_REQUEST_SIZE = 100_000
    pulled = 0
    sent: list[Mapping[str, Any]] = []

    async def receive() -> Mapping[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * 10_000, "more_body": pulled < 1000}

    async def send(message: Mapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": UPLOAD, "raw_path": UPLOAD.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", multipart.CONTENT_TYPE.encode()),
            (b"transfer-encoding", b"chunked"),
        ],
    }  # fmt: skip
    # In a thread of its own: the browser tests leave an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, application(scope, receive, send)).result(timeout=30)
    assert pulled == 11  # 110,000 bytes: the first chunk past the limit
    assert [message["type"] for message in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 413
