"""``supportdesk mail ingest|poll``: e-mail in from the shell (docs/mail.md)."""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from supportdesk.channels.email import reader
from supportdesk.channels.email.actions import process_message
from supportdesk.core.commands import ScriptCommand
from supportdesk.env import MailboxSettings

# How long a stopping reader may take to finish the message in hand.
STOP_GRACE_SECONDS = 10


class Command(ScriptCommand):
    help = "E-mail in: take one raw message in, or read the configured support mailboxes."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        ingest = commands.add_parser(
            "ingest", help="run one raw message (RFC 5322) through the mailbox reader's path"
        )
        ingest.add_argument("--file", required=True, type=Path, help="the message, e.g. a .eml")
        ingest.add_argument(
            "--mailbox", default="", help="the configured mailbox it counts as (the first)"
        )
        ingest.add_argument("--json", action="store_true")
        poll = commands.add_parser(
            "poll", help="read the mailboxes until stopped (IDLE, or polling), or once"
        )
        poll.add_argument("--once", action="store_true", help="read what is new and exit")
        poll.add_argument("--mailbox", action="append", default=[], help="only this one")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "ingest":
            self.ingest(options)
        else:
            self.poll(options)

    def ingest(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror or error}") from None
        if not raw.strip():
            raise CommandError(f"{path} is empty: no message to read")
        mailbox = options["mailbox"] or (settings.MAILBOXES[0].name if settings.MAILBOXES else "")
        outcome = process_message(raw, mailbox=mailbox or "manual", now=timezone.now())
        payload = outcome.as_json()
        where = payload["request"] or payload["reason"]
        self.emit(payload, as_json=options["json"], text=f"{payload['outcome']} {where}")

    def _mailboxes(self, names: list[str]) -> tuple[MailboxSettings, ...]:
        configured: tuple[MailboxSettings, ...] = settings.MAILBOXES
        if not configured:
            raise CommandError("no mailboxes are configured: set SUPPORTDESK_MAILBOXES")
        unknown = sorted(set(names) - {mailbox.name for mailbox in configured})
        if unknown:
            raise CommandError(f"no mailbox named {', '.join(unknown)} is configured")
        return tuple(mailbox for mailbox in configured if not names or mailbox.name in names)

    def poll(self, options: dict[str, Any]) -> None:
        chosen = self._mailboxes(options["mailbox"])
        if options["once"]:
            failed = []
            for mailbox in chosen:
                try:
                    report = reader.poll_once(mailbox)
                except Exception as error:  # reported per mailbox, the others go on
                    failed.append(f"{mailbox.name}: {error}")
                    continue
                self.stdout.write(
                    f"{mailbox.name}: {report.fetched} fetched, {report.moved} moved, "
                    f"{len(report.failed)} failed {report.outcomes}"
                )
                failed.extend(f"{mailbox.name} {problem}" for problem in report.failed)
            if failed:
                raise CommandError("; ".join(failed))
            return
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        watchers = reader.watch_all(chosen, stop, poll_seconds=settings.MAIL_POLL_SECONDS)
        names = ", ".join(mailbox.name for mailbox in chosen)
        self.stdout.write(f"reading {names} (stop with Ctrl-C)")
        self.stdout.flush()
        # Waking every half second, not one wait without a timeout: the kernel may hand the
        # signal to a reader thread, and Python runs its handler only when the main thread
        # next runs Python code, which a wait without a timeout never does (the cause of
        # `./dev run` still reading mail a minute after Ctrl-C, now and then).
        while not stop.wait(timeout=0.5):
            pass
        busy = reader.finish(watchers, grace=STOP_GRACE_SECONDS)
        if busy:  # left in their folders, read again next time
            self.stderr.write(f"stopped while taking in mail of {', '.join(busy)}")
