"""Periodic jobs of the calendars. Each reads the time once and calls an idempotent
function."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from supportdesk.calendars.years import prepare_missing_years
from supportdesk.jobs.heartbeat import Job, beat


@db_periodic_task(crontab(hour="6", minute="13"))
def production_years() -> int:
    """Daily: draft the production-calendar years that lack official data and tell the
    support leads once per year (from 1 October of the year before)."""
    now = timezone.now()
    told = prepare_missing_years(now=now)
    beat(Job.PRODUCTION_YEARS, now=now)
    return len(told)
