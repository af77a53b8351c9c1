"""The outbox's jobs: a kick queued after each commit that wrote notifications, and the
periodic pickup that sends whatever is left (a kick the queue did not take, a retry that
came due, a lease that ran out)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from supportdesk.jobs.heartbeat import Job, beat
from supportdesk.notifications.sender import deliver_due


@db_task()
def send_outbox_now() -> int:
    return _send()


@db_periodic_task(crontab(minute="*"))
def send_outbox() -> int:
    return _send()


def _send() -> int:
    sent = deliver_due().sent
    beat(Job.OUTBOX_SENDER, now=timezone.now())
    return sent
