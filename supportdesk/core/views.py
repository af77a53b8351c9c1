import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from supportdesk.jobs.heartbeat import WATCHED, Job, late_jobs

logger = logging.getLogger(__name__)


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and the run script, and
    whether the jobs run: "degraded" (still 200: the web works) when the SLA sweeper or
    the outbox sender has not finished a run for 5 minutes. The endpoint is public: a
    failure's detail (host names, users, paths) goes to the log only."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any database failure means "not healthy"
        logger.error("health: the database is unavailable: %s", str(error).strip())
        return JsonResponse({"status": "unavailable"}, status=503)
    late: list[Job]
    try:
        late = late_jobs(now=timezone.now())
    except DatabaseError as error:  # e.g. not migrated yet: no heartbeat can be read
        logger.error("health: the jobs' heartbeats cannot be read: %s", str(error).strip())
        late = list(WATCHED)
    jobs = {job.value: "late" if job in late else "ok" for job in WATCHED}
    return JsonResponse({"status": "degraded" if late else "ok", "database": "ok", "jobs": jobs})
