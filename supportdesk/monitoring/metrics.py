"""What /metrics reports, read from the database at each scrape: every web process
answers the same, and nothing is kept between scrapes.

Metrics (Prometheus text format):

- ``supportdesk_outbox_backlog``: notifications not sent yet (pending or being sent);
- ``supportdesk_outbox_notifications{state}``: unsent and failed notifications by state;
- ``supportdesk_outbox_oldest_unsent_age_seconds``: age of the oldest unsent one (0: none);
- ``supportdesk_sla_sweeper_lag_seconds``: how long the oldest SLA alert that came due has
  waited for the sweeper (0: none waiting);
- ``supportdesk_job_last_run_timestamp_seconds{job}``: when each watched job last finished
  a run (Unix time; 0: never);
- ``supportdesk_requests{status}``: requests by status.

The e-mail reader's lag per mailbox is ``supportdesk_imap_lag_seconds``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import Count, Min
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from supportdesk.channels.email.mailboxes import imap_lag_seconds
from supportdesk.jobs.heartbeat import last_runs
from supportdesk.notifications.models import UNSENT, Notification, NotificationState
from supportdesk.sla.models import SlaClock
from supportdesk.tickets.models import Request, Status


class DeskCollector(Collector):
    def __init__(self, *, now: datetime) -> None:
        self.now = now

    def collect(self) -> Iterator[Metric]:
        yield from self._outbox()
        yield from self._sweeper()
        yield from self._jobs()
        yield from self._requests()
        yield from self._imap()

    def _outbox(self) -> Iterator[Metric]:
        watched = (*UNSENT, NotificationState.FAILED)
        counts = dict(
            Notification.objects.filter(state__in=watched)
            .values("state")
            .annotate(n=Count("id"))
            .values_list("state", "n")
            .order_by()
        )
        backlog = GaugeMetricFamily(
            "supportdesk_outbox_backlog", "Notifications not sent yet (pending or being sent)."
        )
        backlog.add_metric([], sum(counts.get(state, 0) for state in UNSENT))
        yield backlog
        by_state = GaugeMetricFamily(
            "supportdesk_outbox_notifications",
            "Unsent and failed notifications by state.",
            labels=["state"],
        )
        for state in watched:
            by_state.add_metric([state.value], counts.get(state, 0))
        yield by_state
        oldest = Notification.objects.filter(state__in=UNSENT).aggregate(at=Min("created_at"))
        yield _age(
            "supportdesk_outbox_oldest_unsent_age_seconds",
            "Age of the oldest notification not sent yet (0 when none).",
            oldest["at"],
            self.now,
        )

    def _sweeper(self) -> Iterator[Metric]:
        waiting = SlaClock.objects.filter(next_alert_at__lte=self.now).aggregate(
            at=Min("next_alert_at")
        )
        yield _age(
            "supportdesk_sla_sweeper_lag_seconds",
            "How long the oldest SLA alert that came due has waited for the sweeper.",
            waiting["at"],
            self.now,
        )

    def _jobs(self) -> Iterator[Metric]:
        runs = GaugeMetricFamily(
            "supportdesk_job_last_run_timestamp_seconds",
            "When each watched job last finished a run (Unix time; 0 when never).",
            labels=["job"],
        )
        for job, at in last_runs().items():
            runs.add_metric([job.value], at.timestamp() if at else 0)
        yield runs

    def _requests(self) -> Iterator[Metric]:
        counts = dict(
            Request.objects.values("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
            .order_by()
        )
        requests = GaugeMetricFamily(
            "supportdesk_requests", "Requests by status.", labels=["status"]
        )
        for status in Status:
            requests.add_metric([status.value], counts.get(status.value, 0))
        yield requests

    def _imap(self) -> Iterator[Metric]:
        """Seconds since each configured support mailbox was last read successfully
        (+Inf for one never read: an alert should fire)."""
        lag = GaugeMetricFamily(
            "supportdesk_imap_lag_seconds",
            "Seconds since the support mailbox was last read successfully",
            labels=["mailbox"],
        )
        for mailbox, seconds in sorted(imap_lag_seconds(now=self.now).items()):
            lag.add_metric([mailbox], seconds)
        yield lag


def _age(name: str, documentation: str, since: datetime | None, now: datetime) -> Metric:
    gauge = GaugeMetricFamily(name, documentation)
    gauge.add_metric([], max((now - since).total_seconds(), 0.0) if since else 0.0)
    return gauge
