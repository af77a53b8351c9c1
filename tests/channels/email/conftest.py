"""E-mail in: the desk's personas, one configured support mailbox, and what a test can
count to prove nothing was lost or changed."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from pytest_django.fixtures import Settings

from supportdesk.audit.models import AuditEvent
from supportdesk.channels.email.models import InboundMail
from supportdesk.channels.models import Receipt
from supportdesk.customers.models import Contact
from supportdesk.env import MailboxSettings
from supportdesk.sla.models import SlaClock, SlaClockEvent
from supportdesk.tickets.models import Attachment, Message, PriorityChange, Request
from tests.channels.email.imap import DOVECOT, Dovecot, start_dovecot

SUPPORT = MailboxSettings(
    name="support",
    host="127.0.0.1",
    port=143,
    security="plain",
    user="support@desk.example",
    password="not-used-here",
    address="support@desk.example",
)


@pytest.fixture(autouse=True)
def _mail_settings(settings: Settings) -> None:
    settings.MAILBOXES = (SUPPORT,)
    settings.MAIL_DOMAIN = "desk.example"
    settings.DEFAULT_FROM_EMAIL = "support@desk.example"
    settings.MAIL_MAX_BYTES = 25 * 2**20


def stored_files() -> list[str]:
    """Every file in the (private, per test) media storage."""
    options: dict[str, str] = django_settings.STORAGES["default"]["OPTIONS"]  # type: ignore[index]
    root = Path(options["location"])
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def snapshot() -> dict[str, Any]:
    """Everything taking a message in could change, to assert that nothing did."""
    tables: list[Any] = [
        Request, Message, Attachment, PriorityChange, SlaClock, SlaClockEvent, AuditEvent,
        Receipt, InboundMail, Contact,
    ]  # fmt: skip
    state: dict[str, Any] = {
        model.__name__: list(model.objects.order_by("pk").values()) for model in tables
    }
    state["files"] = stored_files()
    return state


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """One Dovecot for the session; every test takes mailboxes of its own from it."""
    if not DOVECOT.exists():
        pytest.skip("no Dovecot here: ./dev test installs dovecot-imapd")
    # Not under pytest's temporary folder: that is private to us, and Dovecot's own
    # users must reach the maildirs when the tests run as root.
    folder = Path(tempfile.mkdtemp(prefix="supportdesk-dovecot-"))
    folder.chmod(0o755)
    server = start_dovecot(folder / "server")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
