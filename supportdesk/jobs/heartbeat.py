"""Jobs write a heartbeat when they finish a run; the health check and the metrics read
them. The lowest layer: any app's job may beat."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from supportdesk.jobs.models import Heartbeat

# A watched job that has not finished a run for this long makes /health say "degraded".
STALE_AFTER = timedelta(minutes=5)


class Job(StrEnum):
    SLA_SWEEPER = "sla-sweeper"
    OUTBOX_SENDER = "outbox-sender"
    PRODUCTION_YEARS = "production-years"  # daily; not watched by /health
    MONTHLY_REPORTS = "monthly-reports"


WATCHED = (Job.SLA_SWEEPER, Job.OUTBOX_SENDER)


def beat(job: Job, *, now: datetime) -> None:
    """One statement: insert the job's row or move its time."""
    Heartbeat.objects.bulk_create(
        [Heartbeat(job=job, last_run_at=now)],
        update_conflicts=True,
        unique_fields=["job"],
        update_fields=["last_run_at"],
    )


def last_runs() -> dict[Job, datetime | None]:
    """Each watched job's last finished run; None when it never ran."""
    found = dict(Heartbeat.objects.filter(job__in=WATCHED).values_list("job", "last_run_at"))
    return {job: found.get(job.value) for job in WATCHED}


def late_jobs(*, now: datetime) -> list[Job]:
    """The watched jobs that never ran or have not finished a run for ``STALE_AFTER``."""
    return [job for job, at in last_runs().items() if at is None or now - at > STALE_AFTER]
