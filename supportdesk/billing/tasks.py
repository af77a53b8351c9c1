"""Periodic jobs of billing. Each reads the time once and calls an idempotent function."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from supportdesk.billing.quotes import expire_quotes


# Every hour at :13: a quote valid through yesterday is stored as expired within the hour
# after midnight in Moscow; the pages read it as expired from midnight on.
@db_periodic_task(crontab(minute="13"))
def expire_sent_quotes() -> int:
    return expire_quotes(now=timezone.now())
