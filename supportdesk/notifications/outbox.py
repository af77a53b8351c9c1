"""Actions announce what happened; the e-mail goes out from a job after the commit, so a
rolled-back change never sends mail and a slow mail server never slows an action."""

from __future__ import annotations

from typing import Any

from django.db import transaction


class Event:
    OPENED = "opened"
    PRIORITY_CORRECTED = "priority_corrected"
    DOWNGRADE_PROPOSED = "downgrade_proposed"
    SLA_WARNING = "sla_warning"
    SLA_BREACH = "sla_breach"
    RESOLVED = "resolved"


def notify_after_commit(event: str, request_id: int, **data: Any) -> None:
    from supportdesk.notifications.tasks import send_notification

    transaction.on_commit(lambda: send_notification(event, request_id, data))
