"""A command the bot cannot handle is tried five times, backing off (1, 2, 4, 8 minutes),
then held as failed for a support lead, who sees it in the admin; the user is told."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from supportdesk.audit.models import AuditEvent
from supportdesk.channels.express import dialogue
from supportdesk.channels.express.actions import MAX_ATTEMPTS
from supportdesk.channels.express.models import Command, CommandState, Dialogue
from supportdesk.channels.express.tasks import handle_stranded_commands
from tests.channels.express.conftest import Messenger
from tests.tickets.conftest import Desk

START = "2026-03-03 10:00 +03:00"


@pytest.fixture
def broken(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The dialogue raises halfway, after it wrote something: every try is counted."""
    tries: list[int] = []
    real = dialogue.handle

    def handle(command: Command, *, now: Any) -> Any:
        tries.append(command.pk)
        real(command, now=now)  # writes the dialogue and an answer, rolled back below
        raise RuntimeError("the catalogue is unreachable")

    monkeypatch.setattr(dialogue, "handle", handle)
    return tries


def test_a_failing_command_is_retried_with_backoff_then_held(
    anna_in_chat: Messenger, desk: Desk, broken: list[int]
) -> None:
    chat = anna_in_chat
    with time_machine.travel(START, tick=False) as clock:
        start = timezone.now()
        chat.send("/new")  # the first try, right after the commit
        command = Command.objects.get()
        assert (command.state, command.attempts) == (CommandState.PENDING, 1)
        assert command.next_attempt_at == start + timedelta(minutes=1)
        assert command.last_error == "RuntimeError: the catalogue is unreachable"
        assert Dialogue.objects.count() == 0  # the failed try changed nothing
        assert chat.answers() == []

        minutes_between_tries = []
        elapsed = 0
        while len(broken) < MAX_ATTEMPTS:
            before = len(broken)
            clock.shift(timedelta(seconds=30))
            elapsed += 30
            handle_stranded_commands.call_local()
            if len(broken) > before:
                minutes_between_tries.append(elapsed / 60)
                elapsed = 0
        assert minutes_between_tries == [1, 2, 4, 8]

        command.refresh_from_db()
        assert (command.state, command.attempts) == (CommandState.FAILED, MAX_ATTEMPTS)
        assert command.next_attempt_at is None
        # held: the pickup leaves it alone from now on
        clock.shift(timedelta(hours=1))
        assert handle_stranded_commands.call_local() == 0
        assert len(broken) == MAX_ATTEMPTS

    event = AuditEvent.objects.get(action="express.command_failed")
    assert event.data["attempts"] == MAX_ATTEMPTS
    assert event.data["sync_id"] == str(command.sync_id)
    told = chat.answers()
    assert [m["notification"]["body"][:40] for m in told] == [
        "Извините, мы не смогли обработать ваше с"
    ]
    lead = Client()
    lead.force_login(User.objects.create_superuser("root", "root@vendor.example", "x"))
    listing = lead.get("/admin/express/command/", {"state__exact": "failed"})
    assert listing.status_code == 200
    page = listing.content.decode()
    assert str(command.sync_id) in page
    assert "the catalogue is unreachable" in page


def test_a_command_that_succeeds_on_a_retry_is_done(
    anna_in_chat: Messenger, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = anna_in_chat
    real = dialogue.handle
    failures = [RuntimeError("once")]

    def flaky(command: Command, *, now: Any) -> Any:
        if failures:
            raise failures.pop()
        return real(command, now=now)

    monkeypatch.setattr(dialogue, "handle", flaky)
    with time_machine.travel(START, tick=False) as clock:
        chat.send("/new")
        clock.shift(timedelta(minutes=1))
        assert handle_stranded_commands.call_local() == 1
    command = Command.objects.get()
    assert (command.state, command.attempts, command.next_attempt_at) == (
        CommandState.DONE, 2, None,
    )  # fmt: skip
    assert len(chat.answers()) == 1
