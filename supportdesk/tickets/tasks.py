"""Periodic jobs. Each reads the time once and calls an idempotent function."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from supportdesk.jobs.heartbeat import Job, beat
from supportdesk.tickets.actions import auto_close_resolved
from supportdesk.tickets.sweeper import sweep_sla


@db_periodic_task(crontab(minute="*"))
def sla_sweeper() -> int:
    now = timezone.now()
    alerted = sweep_sla(now=now)
    beat(Job.SLA_SWEEPER, now=now)
    return alerted


@db_periodic_task(crontab(minute="7"))
def close_resolved_requests() -> int:
    return auto_close_resolved(now=timezone.now())
