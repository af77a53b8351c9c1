"""A job store that is busy (the SQLite job file locked by another writer) or down (Redis
unreachable) never turns an action into an error: the API create answers 201, the mail
waits in the outbox, and the periodic pickup sends it."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from django.core import mail
from huey.contrib.djhuey import HUEY
from huey.storage import BaseStorage, RedisStorage, SqliteStorage

from supportdesk.api.actions import create_token
from supportdesk.jobs.models import Heartbeat
from supportdesk.notifications.models import Notification, NotificationState
from supportdesk.notifications.tasks import send_outbox
from tests.api.helpers import Api
from tests.notifications.conftest import free_port
from tests.tickets.conftest import DETAILED, Desk

BODY = {
    "request_type": "incident", "subject": "Messages are delayed", "description": DETAILED,
    "requested_priority": "P3", "component": "messaging", "scope": "mass",
}  # fmt: skip


@pytest.fixture
def job_store() -> Iterator[Callable[[BaseStorage], None]]:
    """Queue jobs (instead of running them at once, as the tests do) into a given store."""
    immediate, storage = HUEY.immediate, HUEY.storage
    HUEY.immediate = False

    def use(store: BaseStorage) -> None:
        HUEY.storage = store

    try:
        yield use
    finally:
        HUEY.immediate = immediate
        HUEY.storage = storage


def locked_sqlite(folder: Path) -> tuple[SqliteStorage, sqlite3.Connection]:
    store = SqliteStorage(name="supportdesk", filename=str(folder / "jobs.sqlite3"), timeout=0.2)
    store.enqueue(b"a job already waiting", priority=0)  # the file and its tables exist
    writer = sqlite3.connect(str(folder / "jobs.sqlite3"), isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")  # another writer holds the file
    return store, writer


@pytest.mark.parametrize("store", ["sqlite-locked", "redis-down"])
@pytest.mark.django_db(transaction=True)
def test_an_api_create_succeeds_and_its_mail_goes_with_the_periodic_pickup(
    desk: Desk,
    store: str,
    job_store: Callable[[BaseStorage], None],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    writer = None
    if store == "sqlite-locked":
        storage, writer = locked_sqlite(tmp_path)
        job_store(storage)
    else:
        job_store(RedisStorage(name="supportdesk", url=f"redis://127.0.0.1:{free_port()}/0"))
    _, token = create_token(user=desk.anna, name="sync", now=desk.anna.date_joined)
    mail.outbox.clear()

    with caplog.at_level(logging.WARNING, logger="supportdesk.notifications.outbox"):
        answer = Api(token=token).post("/requests", BODY)

    assert answer.status_code == 201, answer.content
    assert "the job queue did not take the kick" in caplog.text
    (ack,) = Notification.objects.filter(event="request.acknowledged")
    assert ack.state == NotificationState.PENDING
    assert mail.outbox == []

    if writer is not None:
        with closing(writer):
            writer.execute("ROLLBACK")
    send_outbox.call_local()  # the periodic pickup, a minute later at most

    ack.refresh_from_db()
    assert ack.state == NotificationState.SENT
    assert [m.to for m in mail.outbox if m.subject.startswith("[SD-")] == [
        [desk.anna.email],
        [desk.engineer.email],  # P3 to the contract's dedicated engineer
    ]
    assert Heartbeat.objects.filter(job="outbox-sender").exists()
