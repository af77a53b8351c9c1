"""Alertmanager's webhook: one request per (integration, groupKey), the mapping's priority,
the same clocks and mails as a portal request, repeats add nothing, all resolved proposes
resolution, firing again reopens within the window; refused and malformed calls change
nothing but the quarantine."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from supportdesk.channels.actions import receive
from supportdesk.channels.alertmanager.models import (
    AlertDelivery,
    AlertGroup,
    AlertIntegration,
    DeliveryOutcome,
)
from supportdesk.notifications.models import Notification
from supportdesk.slamath.policy import Priority
from supportdesk.tickets import actions
from supportdesk.tickets.models import Message, Request, Status
from supportdesk.tickets.reasons import render_in
from tests.api.helpers import snapshot
from tests.channels.alertmanager.conftest import payload, post, with_alert
from tests.channels.conftest import new_in_portal
from tests.tickets.conftest import Desk, at


def _fire(body: dict[str, Any] | None = None, when: datetime | None = None) -> Any:
    with time_machine.travel(when or at(23, 11), tick=False):
        return post(body or payload("firing"))


def test_firing_opens_an_incident_at_the_mapped_priority_like_a_portal_one(
    desk: Desk, monitoring: AlertIntegration
) -> None:
    response = _fire()
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "opened"
    alert = Request.objects.get()
    assert (alert.channel, alert.priority, alert.contact, alert.organization) == (
        "monitoring", "P1", monitoring.contact, desk.alfa,
    )  # fmt: skip
    assert render_in("en", alert.priority_changes.get().reason) == (
        "set by the channel's mapping: P1 (severity=critical)"
    )
    alert_mails = sorted(Notification.objects.values_list("event", flat=True))

    Notification.objects.all().delete()
    portal = receive(new_in_portal(desk, requested_priority=Priority.P1), now=at(23, 11)).request
    assert portal is not None
    assert portal.priority == alert.priority
    assert alert.reaction_clock is not None
    assert portal.reaction_clock is not None
    assert alert.reaction_clock.due_at == portal.reaction_clock.due_at
    assert alert.resolution_clock is not None
    assert portal.resolution_clock is not None
    assert alert.resolution_clock.due_at == portal.resolution_clock.due_at
    assert sorted(Notification.objects.values_list("event", flat=True)) == alert_mails
    assert alert_mails  # the customer's acknowledgement and the desk's new-request mails


def test_repeats_and_ha_duplicates_add_nothing_a_new_alert_is_added(
    desk: Desk, monitoring: AlertIntegration
) -> None:
    _fire()
    for minute in (15, 15, 20):  # two Alertmanagers of an HA pair, then a repeat
        response = _fire(when=at(23, 11, minute))
        assert response.json()["outcome"] == "repeat"
    assert (Request.objects.count(), Message.objects.count()) == (1, 0)

    response = _fire(with_alert(payload("firing"), "ffff000011112222", instance="msg-02"),
                     when=at(23, 11, 30))  # fmt: skip
    assert response.json()["outcome"] == "added"
    assert Request.objects.count() == 1
    message = Message.objects.get()
    assert "msg-02" in message.body
    assert message.channel == "monitoring"
    group = AlertGroup.objects.get()
    assert group.firing == ["a1b2c3d4e5f60718", "ffff000011112222"]
    assert group.notifications == 5


def test_all_resolved_posts_a_note_and_proposes_resolution_never_closes(
    desk: Desk, monitoring: AlertIntegration
) -> None:
    _fire()
    response = _fire(payload("resolved"), when=at(23, 12))
    assert response.json()["outcome"] == "resolved"
    request = Request.objects.get()
    assert request.status in (Status.NEW, Status.OPEN)
    note = Message.objects.get()
    assert (note.channel, note.from_vendor) == ("monitoring", False)
    assert "HighLatency" in note.body
    assert AlertGroup.objects.get().resolution_proposed


def test_firing_again_within_the_window_reopens_after_it_opens_anew(
    desk: Desk, monitoring: AlertIntegration
) -> None:
    _fire()
    _fire(payload("resolved"), when=at(23, 12))
    request = Request.objects.get()
    actions.resolve(actor=desk.agent, request=request, summary="Fixed.", now=at(23, 13))

    response = _fire(when=at(23, 14))
    assert response.json()["outcome"] == "reopened"
    request.refresh_from_db()
    assert request.status == Status.OPEN
    assert Request.objects.count() == 1

    _fire(payload("resolved"), when=at(23, 15))
    actions.resolve(actor=desk.agent, request=request, summary="Fixed.", now=at(23, 16))
    later = at(23, 16) + monitoring.reopen_window + timedelta(minutes=1)
    response = _fire(when=later)
    request.refresh_from_db()
    assert (request.status, request.resolved_at) == (Status.RESOLVED, at(23, 16))
    assert response.json()["outcome"] == "opened"
    assert Request.objects.count() == 2
    assert AlertGroup.objects.get().request != request


def test_unauthenticated_or_wrong_credentials_change_nothing(
    desk: Desk, monitoring: AlertIntegration
) -> None:
    before = snapshot()
    assert post(payload("firing"), token=None).status_code == 401
    assert post(payload("firing"), token="wrong").status_code == 403
    wrong_basic = base64.b64encode(b"am:nope").decode()
    assert (
        post(payload("firing"), token=None, Authorization=f"Basic {wrong_basic}").status_code == 403
    )
    assert snapshot() == before
    assert not AlertDelivery.objects.exists()

    right_basic = base64.b64encode(b"am:basic-secret").decode()
    with time_machine.travel(at(23, 11), tick=False):
        answer = post(payload("firing"), token=None, Authorization=f"Basic {right_basic}")
    assert answer.status_code == 200


def test_a_malformed_body_is_answered_400_with_the_reason_and_kept(
    desk: Desk, monitoring: AlertIntegration
) -> None:
    before = snapshot()
    broken = payload("firing")
    del broken["alerts"][0]["fingerprint"]
    for body, reason in (
        (b"{not json", "not JSON"),
        (json.dumps({**payload("firing"), "version": "3"}).encode(), "version"),
        (json.dumps(broken).encode(), "alerts[0].fingerprint is missing"),
    ):
        response = post(body)
        assert response.status_code == 400
        assert reason in response.json()["detail"]
    assert snapshot() == before
    kept = AlertDelivery.objects.filter(outcome=DeliveryOutcome.QUARANTINED)
    assert kept.count() == 3
    assert kept.filter(body="{not json").exists()


def test_a_replayed_delivery_acts_once(desk: Desk, monitoring: AlertIntegration) -> None:
    first = _fire()
    replay = _fire()
    assert (first.json()["outcome"], replay.json()["outcome"]) == ("opened", "repeat")
    assert (Request.objects.count(), Message.objects.count()) == (1, 0)


def test_no_contract_in_force_is_kept_and_answered_422(
    desk: Desk, monitoring: AlertIntegration
) -> None:
    desk.alfa_contract.valid_until = desk.alfa_contract.valid_from
    desk.alfa_contract.save()
    response = _fire()
    assert response.status_code == 422
    assert not Request.objects.exists()
    assert AlertDelivery.objects.get().outcome == DeliveryOutcome.QUARANTINED


def test_a_transient_database_fault_is_503_and_nothing_is_half_written(
    desk: Desk, monitoring: AlertIntegration
) -> None:
    """Alertmanager retries a 5xx: the fault (here the database refusing the group's
    insert, as a lost connection would) rolls the whole notification back."""

    def refuse_group_insert(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith('INSERT INTO "alertmanager_alertgroup"'):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    before = snapshot()
    with connection.execute_wrapper(refuse_group_insert):
        response = _fire()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert snapshot() == before
    assert not AlertDelivery.objects.exists()
    assert _fire().json()["outcome"] == "opened"  # the retry


def test_the_admin_refuses_a_contact_of_another_organization_and_a_bad_mapping(
    desk: Desk, monitoring: AlertIntegration
) -> None:
    monitoring.contact = desk.vera.contact
    monitoring.priority_map = {"critical": "urgent"}
    monitoring.bearer_token = monitoring.basic_password = ""
    with pytest.raises(ValidationError) as refused:
        monitoring.full_clean()
    assert set(refused.value.message_dict) == {"contact", "priority_map", "bearer_token"}


def test_an_older_view_of_the_group_takes_no_alert_away(
    desk: Desk, monitoring: AlertIntegration
) -> None:
    both = with_alert(payload("firing"), "ffff000011112222", instance="msg-02")
    _fire(both)
    assert _fire(payload("firing"), when=at(23, 11, 5)).json()["outcome"] == "repeat"
    assert AlertGroup.objects.get().firing == ["a1b2c3d4e5f60718", "ffff000011112222"]
    assert _fire(both, when=at(23, 11, 6)).json()["outcome"] == "repeat"
    assert Message.objects.count() == 0
