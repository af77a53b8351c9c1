"""A real SMTP server on loopback (aiosmtpd); the product sends through its SMTP backend to
it, as it would to the company's mail server. The server can be stopped and started again
on the same port (an outage), answer late (the client's timeout passes after the server
took the message), or hold a message until told to go on (a worker killed mid-batch)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pytest_django.fixtures import Settings

from tests.tickets.conftest import desk  # noqa: F401 - the personas


class Inbox:
    """What the server took, in order; its behaviour is set by the test."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.answer_delay = 0.0  # seconds between taking a message and answering 250
        self.hold_after: int | None = None  # take this many, then hold the next answer
        self.held = threading.Event()  # set once a message is held
        self.release = threading.Event()
        self.refuse: set[str] = set()  # recipients answered "550 no such user"
        self._lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._lock:
            self.messages.append(message)
            taken = len(self.messages)
        if self.hold_after is not None and taken > self.hold_after:
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        if self.answer_delay:
            await asyncio.sleep(self.answer_delay)
        return "250 OK"

    def about(self, word: str) -> list[EmailMessage]:
        return [m for m in self.messages if word in str(m["Subject"])]

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]).strip("<>") for m in self.messages]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """aiosmtpd on a fixed loopback port, started and stopped by the test."""

    def __init__(self, inbox: Inbox, port: int) -> None:
        self.inbox, self.port = inbox, port
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.inbox.release.set()  # a held answer must not keep the loop from stopping
            self.controller.stop()
            self.controller = None


def mailer(port: int, *, timeout: float = 5) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "supportdesk.notifications.transport.SmtpBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": timeout},
        }
    }


@pytest.fixture
def smtp_server(settings: Settings) -> Iterator[SmtpServer]:
    """The server on a free port, not started yet; the product's mailer points at it."""
    server = SmtpServer(Inbox(), free_port())
    settings.MAILERS = mailer(server.port)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> Inbox:
    """The server, running."""
    smtp_server.start()
    return smtp_server.inbox


def wait_until(condition: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
