"""The configured mailboxes (``settings.MAILBOXES``) and where the reader is in each."""

from __future__ import annotations

import math
from datetime import datetime

from django.conf import settings

from supportdesk.channels.email.models import MailboxState
from supportdesk.env import MailboxSettings


def mailbox_settings(name: str) -> MailboxSettings | None:
    return next((mailbox for mailbox in settings.MAILBOXES if mailbox.name == name), None)


def state_of(name: str) -> MailboxState:
    state, _created = MailboxState.objects.get_or_create(name=name)
    return state


def start_from(state: MailboxState, uidvalidity: int) -> int:
    """The last UID already handled in this folder; after a UIDVALIDITY change the old
    UIDs mean nothing, so everything in the folder is read again (duplicates are
    recognised by Message-ID and answered, not stored twice)."""
    if state.uidvalidity != uidvalidity:
        state.uidvalidity = uidvalidity
        state.last_uid = 0
        state.save(update_fields=["uidvalidity", "last_uid"])
    return state.last_uid


def handled_up_to(state: MailboxState, uid: int) -> None:
    if uid > state.last_uid:
        state.last_uid = uid
        state.save(update_fields=["last_uid"])


def poll_succeeded(state: MailboxState, *, now: datetime) -> None:
    state.last_success_at = now
    state.save(update_fields=["last_success_at"])


def poll_failed(state: MailboxState, error: str, *, now: datetime) -> None:
    state.last_error = error[:2000]
    state.last_error_at = now
    state.save(update_fields=["last_error", "last_error_at"])


def imap_lag_seconds(*, now: datetime) -> dict[str, float]:
    """Seconds since each configured mailbox was last read successfully (the IMAP lag
    metric); infinity for one never read."""
    seen = dict(
        MailboxState.objects.filter(
            name__in=[mailbox.name for mailbox in settings.MAILBOXES]
        ).values_list("name", "last_success_at")
    )
    lag = {}
    for mailbox in settings.MAILBOXES:
        last = seen.get(mailbox.name)
        lag[mailbox.name] = max(0.0, (now - last).total_seconds()) if last else math.inf
    return lag
