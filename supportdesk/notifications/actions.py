"""The one change a person makes to the outbox: sending failed notifications again."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from supportdesk.audit.record import record_many
from supportdesk.notifications.models import Notification, NotificationState
from supportdesk.notifications.outbox import kick_after_commit

RETRIED = "notification.retried"


def retry_failed(*, actor: User, ids: Collection[int] | None, now: datetime) -> int:
    """Make failed notifications (all of them when ``ids`` is None) due again, with a
    fresh 24 hours of retries; returns how many. The outbox knows no roles: the pages
    that call this let only support leads do it."""
    with transaction.atomic():
        failed = Notification.objects.select_for_update().filter(state=NotificationState.FAILED)
        if ids is not None:
            failed = failed.filter(pk__in=ids)
        rows = list(failed.only("pk", "last_error"))
        if not rows:
            return 0
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
            state=NotificationState.PENDING,
            next_attempt_at=now,
            first_attempt_at=None,
            answers_lost=0,
        )
        record_many(
            at=now,
            actor=actor,
            action=RETRIED,
            subjects=[(row, {"last_error": row.last_error}) for row in rows],
        )
        kick_after_commit()
    return len(rows)
