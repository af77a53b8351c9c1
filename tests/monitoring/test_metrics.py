"""/metrics in Prometheus' text format, for whoever holds the token or comes from an
allowed address; a 404 when neither is configured, a 403 for anyone else."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families
from pytest_django.fixtures import Settings

from supportdesk.env import env_networks, env_token
from supportdesk.jobs.heartbeat import Job, beat
from supportdesk.notifications.models import Notification, NotificationState
from supportdesk.notifications.outbox import OutgoingMail, enqueue_many
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Scope
from tests.tickets.conftest import DETAILED, Desk, at

TOKEN = "t" * 40


def scrape(**headers: str) -> tuple[int, dict[tuple[str, tuple[tuple[str, str], ...]], float]]:
    response = Client().get("/metrics", headers=headers)
    if response.status_code != 200:
        return response.status_code, {}
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }
    return 200, samples


@pytest.mark.django_db
def test_without_a_token_or_an_allow_list_there_is_no_such_page(settings: Settings) -> None:
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = "", []
    assert scrape(Authorization=f"Bearer {TOKEN}")[0] == 404


@pytest.mark.django_db
def test_the_token_opens_it_and_nothing_else_does(settings: Settings) -> None:
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = TOKEN, []
    assert scrape()[0] == 403
    assert scrape(Authorization=f"Bearer {TOKEN[:-1]}x")[0] == 403
    assert scrape(Authorization=f"Basic {TOKEN}")[0] == 403
    assert scrape(Authorization=f"Bearer {TOKEN}")[0] == 200


@pytest.mark.django_db
def test_an_allowed_address_needs_no_token(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.METRICS_TOKEN = ""
    monkeypatch.setenv("SD_METRICS_ALLOW", "10.0.0.0/8")
    settings.METRICS_ALLOWED_NETWORKS = env_networks("SD_METRICS_ALLOW")
    assert scrape()[0] == 403  # the test client comes from 127.0.0.1
    monkeypatch.setenv("SD_METRICS_ALLOW", "10.0.0.0/8, 127.0.0.1")
    settings.METRICS_ALLOWED_NETWORKS = env_networks("SD_METRICS_ALLOW")
    assert scrape()[0] == 200


def test_a_short_token_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SD_TOKEN", "short")
    with pytest.raises(ImproperlyConfigured, match="SD_TOKEN is too short"):
        env_token("SD_TOKEN")


def test_it_reports_the_outbox_the_sweeper_the_jobs_and_the_requests(
    desk: Desk, settings: Settings
) -> None:
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = TOKEN, []
    open_: dict[str, Any] = {
        "actor": desk.anna, "contact": desk.contact(desk.anna), "description": DETAILED,
        "request_type": RequestType.INCIDENT, "channel": Channel.PORTAL,
    }  # fmt: skip
    # A P2 whose reaction is due at 11:00 (its 75 % warning at 10:45), and a resolved P4.
    request = actions.open_request(
        **open_, subject="Calls drop", requested_priority=Priority.P2,
        component=desk.messaging, scope=Scope.MASS, now=at(23, 10),
    )  # fmt: skip
    other = actions.open_request(
        **open_, subject="Other", requested_priority=Priority.P4, now=at(23, 10, 1)
    )
    actions.resolve(actor=desk.engineer, request=other, summary="Done", now=at(23, 10, 2))
    with transaction.atomic():
        (failed,) = enqueue_many(
            [OutgoingMail(to="x@alfa.example", language="ru", event="test", subject="s", body="b")],
            now=at(23, 10, 3),
        )
    Notification.objects.filter(pk=failed.pk).update(state=NotificationState.FAILED)
    beat(Job.OUTBOX_SENDER, now=at(23, 10, 55))

    with time_machine.travel(at(23, 10, 55), tick=False):
        status, samples = scrape(Authorization=f"Bearer {TOKEN}")

    assert status == 200
    unsent = Notification.objects.filter(state=NotificationState.PENDING).count()
    assert unsent == 6  # two acknowledgements, three new-request mails, one resolution
    assert samples[("supportdesk_outbox_backlog", ())] == unsent
    assert samples[("supportdesk_outbox_notifications", (("state", "pending"),))] == unsent
    assert samples[("supportdesk_outbox_notifications", (("state", "sending"),))] == 0
    assert samples[("supportdesk_outbox_notifications", (("state", "failed"),))] == 1
    # The first rows were written at 10:00, 55 minutes before the scrape.
    assert samples[("supportdesk_outbox_oldest_unsent_age_seconds", ())] == 55 * 60
    # The warning due at 10:45 has waited ten minutes for the sweeper.
    assert request.reaction_clock.next_alert_at == at(23, 10, 45)
    assert samples[("supportdesk_sla_sweeper_lag_seconds", ())] == 10 * 60
    last_run = "supportdesk_job_last_run_timestamp_seconds"
    assert samples[(last_run, (("job", "outbox-sender"),))] == at(23, 10, 55).timestamp()
    assert samples[(last_run, (("job", "sla-sweeper"),))] == 0  # never ran
    assert samples[("supportdesk_requests", (("status", "new"),))] == 1
    assert samples[("supportdesk_requests", (("status", "resolved"),))] == 1
    assert samples[("supportdesk_requests", (("status", "closed"),))] == 0


@pytest.mark.django_db
def test_imap_lag_per_mailbox_counts_from_its_last_successful_read(settings: Settings) -> None:
    from supportdesk.channels.email.models import MailboxState
    from supportdesk.env import MailboxSettings

    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = TOKEN, []
    settings.MAILBOXES = tuple(
        MailboxSettings(
            name=name, host="127.0.0.1", port=143, security="plain", user=name, password="x"
        )
        for name in ("support", "alerts")
    )
    MailboxState.objects.create(name="support", last_success_at=at(23, 10))
    with time_machine.travel(at(23, 10, 3), tick=False):
        status, samples = scrape(Authorization=f"Bearer {TOKEN}")
    assert status == 200
    assert samples[("supportdesk_imap_lag_seconds", (("mailbox", "support"),))] == 180.0
    # never read: +Inf, so an alert on the lag fires for a mailbox the reader cannot reach
    assert samples[("supportdesk_imap_lag_seconds", (("mailbox", "alerts"),))] == float("inf")
