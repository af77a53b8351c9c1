"""Exactly once, give or take the one copy a lost answer costs: four workers sending the
same outbox on PostgreSQL send each notification once, and a worker killed with
``kill -9`` in the middle of a batch loses nothing."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction

from supportdesk.notifications.models import Notification, NotificationState
from supportdesk.notifications.outbox import OutgoingMail, enqueue_many
from supportdesk.notifications.sender import BATCH, send_batch
from tests.core.processes import ROOT, base_env
from tests.notifications.conftest import Inbox, SmtpServer

WORKERS = 4


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent workers are PostgreSQL's; the embedded SQLite runs one writer at a time",
)
@pytest.mark.django_db(transaction=True)
def test_four_workers_send_each_notification_once(smtp: Inbox) -> None:
    # Due tomorrow: the kick after the commit (run at once in the tests) finds nothing due.
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    with transaction.atomic():
        rows = enqueue_many(
            [OutgoingMail(to=f"p{n}@alfa.example", language="ru", event="test.event",
                          subject=f"Mail {n}", body="Text\n") for n in range(200)],
            now=tomorrow,
        )  # fmt: skip
    start = threading.Barrier(WORKERS)
    sent: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            while (result := send_batch(now=tomorrow)).claimed:
                sent.append(result.sent)
        except BaseException as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()  # each thread had a connection of its own

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert sum(sent) == 200
    assert len(sent) > WORKERS  # the workers shared the batches
    assert sorted(smtp.message_ids()) == sorted(row.message_id for row in rows)
    assert set(Notification.objects.values_list("state", "attempts")) == {("sent", 1)}


@pytest.fixture
def database_url(transactional_db: None, tmp_path: Path) -> Iterator[str]:
    """The test database on PostgreSQL (the test is transactional, so other processes see
    its rows); a fresh migrated SQLite file otherwise."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        user = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        yield f"postgres://{user}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        return
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    env = worker_env(url, tmp_path, smtp_port=1)
    subprocess.run([sys.executable, "-m", "supportdesk.cli", "migrate", "--noinput", "-v0"],
                   env=env, cwd=ROOT, check=True)  # fmt: skip
    yield url


def worker_env(url: str, folder: Path, *, smtp_port: int) -> dict[str, str]:
    return base_env(
        DJANGO_SETTINGS_MODULE="supportdesk.settings",
        DATABASE_URL=url,
        SUPPORTDESK_SECRET_KEY=secrets.token_urlsafe(50),
        SUPPORTDESK_VAR_DIR=str(folder),
        SUPPORTDESK_MAIL="smtp",
        SUPPORTDESK_SMTP_HOST="127.0.0.1",
        SUPPORTDESK_SMTP_PORT=str(smtp_port),
    )


def test_a_worker_killed_mid_batch_loses_nothing(
    database_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    inbox = smtp_server.inbox
    inbox.hold_after = 5  # takes the sixth message, then never answers while the worker lives
    smtp_server.start()
    env = worker_env(database_url, tmp_path, smtp_port=smtp_server.port)
    command = [sys.executable, "-m", "tests.notifications.outbox_worker"]
    doomed = subprocess.Popen([*command, "--create", "40"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert inbox.held.wait(timeout=60), "the worker never reached the sixth message"
        os.kill(doomed.pid, signal.SIGKILL)
        assert doomed.wait(timeout=30) == -signal.SIGKILL
    finally:
        if doomed.poll() is None:
            doomed.kill()
        assert doomed.stdout is not None
        doomed.stdout.close()
    inbox.release.set()
    assert len(inbox.messages) == 6

    # The next worker, once the dead one's lease has run out (lease: a minute plus the
    # batch's worst case at the mailer's 10-second timeout).
    later = datetime.now(UTC) + timedelta(minutes=1) + timedelta(seconds=BATCH * 10 * 4 + 5)
    finished = subprocess.run([*command, "--now", later.isoformat()], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    rows = json.loads(finished.stdout.strip().splitlines()[-1])

    assert len(rows) == 40
    assert {row["state"] for row in rows} == {NotificationState.SENT}
    copies = Counter(inbox.message_ids())
    assert set(copies) == {row["message_id"] for row in rows}  # nothing lost
    # The sixth was taken before the worker died: it comes twice, with one Message-ID.
    assert copies.pop(rows[5]["message_id"]) == 2
    assert set(copies.values()) == {1}
