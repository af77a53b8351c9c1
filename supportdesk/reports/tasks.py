"""Periodic jobs of the reports. Each reads the time once and calls an idempotent function."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from supportdesk.jobs.heartbeat import Job, beat
from supportdesk.reports.monthly import run_monthly


# Every hour at :23: the run starts within the hour the first business day opens and
# catches up after a missed day; a run with nothing due reads two small queries.
@db_periodic_task(crontab(minute="23"))
def monthly_sla_reports() -> int:
    now = timezone.now()
    done = run_monthly(now=now)
    beat(Job.MONTHLY_REPORTS, now=now)
    return done
