"""The mailbox reader: fetches new messages over IMAP (imap-tools), hands each raw message
to ``actions.process_message`` and moves it to the processed folder. It never deletes.

Where it is in a folder is kept in the database (``MailboxState``: UIDVALIDITY and the last
UID handled), so a restart reads only what is new. A message is moved after its outcome
is committed: a crash in between leaves it in the folder, and reading it again answers
the earlier outcome (dedupe by Message-ID), so nothing is lost or taken twice.
"""

from __future__ import annotations

import logging
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone
from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted, U
from imap_tools.utils import encode_folder

from supportdesk.channels.email import mailboxes
from supportdesk.channels.email.actions import process_message
from supportdesk.env import MailboxSettings

log = logging.getLogger(__name__)

FETCH_BATCH = 25  # messages per FETCH: bounded memory, few round trips
IDLE_LIMIT_SECONDS = 25 * 60  # RFC 2177: re-issue IDLE at least every 29 minutes
_UID = re.compile(rb"\bUID (\d+)")


@dataclass
class ReadReport:
    """What one pass over a mailbox did."""

    fetched: int = 0
    moved: int = 0
    failed: list[str] = field(default_factory=list)  # "UID 7: <error>"
    outcomes: dict[str, int] = field(default_factory=dict)


@contextmanager
def connect(mailbox: MailboxSettings, *, timeout: float = 30) -> Iterator[BaseMailBox]:
    """A logged-in connection with ``mailbox.folder`` selected and the processed folder
    made if it is missing."""
    box: BaseMailBox
    if mailbox.security == "plain":
        box = MailBoxUnencrypted(mailbox.host, mailbox.port, timeout=timeout)
    else:
        context = ssl.create_default_context(cafile=mailbox.ca_file or None)
        if mailbox.security == "starttls":
            box = MailBoxStartTls(mailbox.host, mailbox.port, timeout=timeout, ssl_context=context)
        else:
            box = MailBox(mailbox.host, mailbox.port, timeout=timeout, ssl_context=context)
    box.login(mailbox.user, mailbox.password, initial_folder=None)
    try:
        # What the server can do once logged in (MOVE, UIDPLUS, IDLE): imaplib keeps the
        # capabilities of the greeting only.
        _typ, data = box.client.capability()
        box.client.capabilities = tuple(data[-1].decode().upper().split())
        if not box.folder.exists(mailbox.processed_folder):
            box.folder.create(mailbox.processed_folder)
        yield box
    finally:
        try:
            box.logout()
        except Exception:  # the connection may be gone already
            log.debug("logout from %s failed", mailbox.name, exc_info=True)


def _select(box: BaseMailBox, folder: str) -> int:
    """Select the folder; its UIDVALIDITY."""
    box.folder.set(folder)
    _typ, data = box.client.response("UIDVALIDITY")
    if not data or data[0] is None:
        raise RuntimeError(f"the server sent no UIDVALIDITY for {folder}")
    return int(data[0])


def _fetch(box: BaseMailBox, uids: list[int]) -> list[tuple[int, bytes]]:
    """The raw bytes of these messages (BODY.PEEK: the \\Seen flag is left alone)."""
    typ, data = box.client.uid("FETCH", ",".join(map(str, uids)), "(UID BODY.PEEK[])")
    if typ != "OK":
        raise RuntimeError(f"FETCH failed: {data!r}")
    found: list[tuple[int, bytes]] = []
    for index, item in enumerate(data):
        if not isinstance(item, tuple):
            continue
        uid = _UID.search(item[0])
        if uid is None and index + 1 < len(data) and isinstance(data[index + 1], bytes):
            uid = _UID.search(data[index + 1])  # some servers send UID after the literal
        if uid is not None:
            found.append((int(uid.group(1)), bytes(item[1])))
    return sorted(found)


def _move(box: BaseMailBox, uids: list[int], folder: str) -> None:
    """Move messages to ``folder``: UID MOVE (RFC 6851); without it, copy them and mark
    the originals deleted, expunging only those (UID EXPUNGE, RFC 4315) or, where the
    server cannot, none: the product never expunges anything it did not copy."""
    uid_set = ",".join(map(str, uids))
    target = encode_folder(folder).decode("ascii")
    if "MOVE" in box.client.capabilities:
        _checked(box.client.uid("MOVE", uid_set, target), "UID MOVE")
        return
    _checked(box.client.uid("COPY", uid_set, target), "UID COPY")
    _checked(box.client.uid("STORE", uid_set, "+FLAGS.SILENT", r"(\Deleted)"), "UID STORE")
    if "UIDPLUS" in box.client.capabilities:
        _checked(box.client.uid("EXPUNGE", uid_set), "UID EXPUNGE")


def _checked(result: tuple[str, list[Any]], command: str) -> None:
    if result[0] != "OK":
        raise RuntimeError(f"{command} failed: {result[1]!r}")


def _take_in(
    batch: list[tuple[int, bytes]],
    mailbox: MailboxSettings,
    clock: Callable[[], datetime],
    report: ReadReport,
) -> tuple[list[int], int | None]:
    """Hand each message of a fetched batch to ``process_message``; the UIDs taken in and
    the first that failed. One commit for the batch (the database's flush to disk is a
    good part of a message's cost), each message in a savepoint of its own: one that fails
    is rolled back alone and left in the folder. A batch that cannot commit is left whole."""
    done: list[int] = []
    tallies: list[str] = []
    failed: int | None = None
    try:
        with transaction.atomic():
            for uid, raw in batch:
                try:
                    outcome = process_message(raw, mailbox=mailbox.name, now=clock())
                except Exception as error:
                    log.exception("%s: UID %s could not be taken in", mailbox.name, uid)
                    report.failed.append(f"UID {uid}: {type(error).__name__}: {error}")
                    failed = uid if failed is None else failed
                    continue
                done.append(uid)
                tallies.append(outcome.reason.value if outcome.reason else outcome.outcome.value)
    except DatabaseError as error:
        log.exception("%s: a batch of %s could not be committed", mailbox.name, len(batch))
        report.failed.append(f"UIDs {batch[0][0]}-{batch[-1][0]}: {type(error).__name__}: {error}")
        return [], batch[0][0]
    for key in tallies:
        report.outcomes[key] = report.outcomes.get(key, 0) + 1
    return done, failed


def read_once(
    box: BaseMailBox, mailbox: MailboxSettings, *, clock: Callable[[], datetime] = timezone.now
) -> ReadReport:
    """Take in every message of the folder past the last UID handled."""
    report = ReadReport()
    uidvalidity = _select(box, mailbox.folder)
    state = mailboxes.state_of(mailbox.name)
    last = mailboxes.start_from(state, uidvalidity)
    # "n:*" names the last message even when its UID is below n: keep only the new ones.
    found = box.uids(AND(uid=U(str(last + 1), "*")))
    pending = sorted(uid for uid in map(int, found) if uid > last)
    first_failure: int | None = None
    for start in range(0, len(pending), FETCH_BATCH):
        batch = _fetch(box, pending[start : start + FETCH_BATCH])
        report.fetched += len(batch)
        done, failed = _take_in(batch, mailbox, clock, report)
        if failed is not None:
            first_failure = failed if first_failure is None else min(first_failure, failed)
        if done:
            _move(box, done, mailbox.processed_folder)
            report.moved += len(done)
        handled = [uid for uid, _raw in batch if first_failure is None or uid < first_failure]
        if handled:
            mailboxes.handled_up_to(state, max(handled))
    mailboxes.poll_succeeded(state, now=clock())
    return report


def poll_once(mailbox: MailboxSettings) -> ReadReport:
    """Connect, read what is new, disconnect (the one-shot mode, for a scheduled job)."""
    try:
        with connect(mailbox) as box:
            return read_once(box, mailbox)
    except Exception as error:
        mailboxes.poll_failed(mailboxes.state_of(mailbox.name), str(error), now=timezone.now())
        raise


def watch(
    mailbox: MailboxSettings,
    stop: threading.Event,
    *,
    poll_seconds: int,
    working: threading.Lock | None = None,
) -> None:
    """Read the mailbox until ``stop``: IDLE between reads where the server has it (new
    mail wakes it at once), else a read every ``poll_seconds``. A lost connection is
    retried with a growing pause, up to five minutes. ``working`` is held while messages
    are taken in, so a stopping process can wait for that and no more."""
    working = working or threading.Lock()
    pause = 1.0
    while not stop.is_set():
        try:
            with connect(mailbox) as box:
                pause = 1.0
                while True:
                    with working:
                        if stop.is_set():
                            return
                        report = read_once(box, mailbox)
                        close_old_connections()
                    if report.fetched:
                        log.info("%s: %s", mailbox.name, report)
                    if "IDLE" in box.client.capabilities:
                        box.idle.wait(timeout=min(poll_seconds, IDLE_LIMIT_SECONDS))
                    elif stop.wait(poll_seconds):
                        return
        except Exception as error:  # the reader outlives a broken connection
            log.warning("%s: %s; retrying in %.0f s", mailbox.name, error, pause)
            try:
                mailboxes.poll_failed(
                    mailboxes.state_of(mailbox.name), str(error), now=timezone.now()
                )
            except Exception:  # the database may be the thing that is down
                log.exception("%s: could not record the failure", mailbox.name)
            close_old_connections()
            stop.wait(pause)
            pause = min(pause * 2, 300.0)


@dataclass
class Watcher:
    mailbox: MailboxSettings
    thread: threading.Thread
    working: threading.Lock


def watch_all(
    mailboxes_to_read: tuple[MailboxSettings, ...], stop: threading.Event, *, poll_seconds: int
) -> list[Watcher]:
    """One reader thread per mailbox (IDLE holds a connection each)."""
    watchers = []
    for mailbox in mailboxes_to_read:
        working = threading.Lock()
        thread = threading.Thread(
            target=watch,
            args=(mailbox, stop),
            kwargs={"poll_seconds": poll_seconds, "working": working},
            name=f"mail-{mailbox.name}",
            daemon=True,  # one waiting in IDLE must not hold the process at exit
        )
        thread.start()
        watchers.append(Watcher(mailbox, thread, working))
    return watchers


def finish(watchers: list[Watcher], *, grace: float) -> list[str]:
    """After ``stop``: wait up to ``grace`` seconds for the messages in hand (a reader in
    IDLE or waiting has none); the mailboxes still busy then."""
    deadline = time.monotonic() + grace
    busy = []
    for watcher in watchers:
        if not watcher.working.acquire(timeout=max(0.0, deadline - time.monotonic())):
            busy.append(watcher.mailbox.name)
    return busy
