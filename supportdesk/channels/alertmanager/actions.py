"""Alertmanager notifications taken in: one request per (integration, ``groupKey``), opened,
added to, proposed for resolution or reopened through intake (``channels.actions.receive``)
and the request actions. The webhook view is thin and calls ``take``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.channels.actions import receive
from supportdesk.channels.alertmanager.models import (
    AlertDelivery,
    AlertGroup,
    AlertIntegration,
    DeliveryOutcome,
)
from supportdesk.channels.alertmanager.payload import Alert, Malformed, Notification, parse
from supportdesk.channels.inbound import Inbound, Outcome
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.staff.permissions import ActionDenied
from supportdesk.tickets import actions
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Channel, Request, Status

ORDER = ("P1", "P2", "P3", "P4")


@dataclass(frozen=True)
class Taken:
    outcome: DeliveryOutcome
    request: Request | None
    reason: str = ""  # why it was quarantined
    delivery_id: int | None = None
    refused: bool = False  # quarantined because intake refused it (not malformed)


class _Refused(Exception):
    """Intake would not take it (no contract in force, an inactive contact): quarantined."""


def key_hash(group_key: str) -> str:
    return hashlib.sha256(group_key.encode()).hexdigest()


def mapped_priority(integration: AlertIntegration, alerts: list[Alert]) -> tuple[Priority, str]:
    """The most urgent priority the integration's mapping gives the firing alerts, and the
    label that gave it."""
    best, why = integration.default_priority, "default"
    mapping = {str(k).lower(): str(v) for k, v in integration.priority_map.items()}
    for alert in alerts:
        value = alert.labels.get(integration.severity_label, "")
        priority = mapping.get(value.lower())
        if priority in ORDER and ORDER.index(priority) < ORDER.index(best):
            best, why = priority, f"{integration.severity_label}={value}"
    if why == "default":
        why = f"no {integration.severity_label} in the mapping: default"
    return Priority(best), why


def _line(alert: Alert) -> str:
    name = alert.labels.get("alertname", alert.fingerprint)
    summary = alert.annotations.get("summary") or alert.annotations.get("description", "")
    labels = ", ".join(f"{k}={v}" for k, v in sorted(alert.labels.items()) if k != "alertname")
    return f"- {name}: {summary} [{labels}]".replace(":  [", ": [")


def _lines(alerts: list[Alert]) -> str:
    return "\n".join(_line(alert) for alert in alerts)


def _inbound(integration: AlertIntegration, **fields: object) -> Inbound:
    return Inbound(
        channel=Channel.MONITORING,
        sender_scope=f"alertmanager:{integration.slug}",
        external_id=None,
        contact=integration.contact,
        **fields,  # type: ignore[arg-type]
    )


def _open(integration: AlertIntegration, note: Notification, now: datetime) -> Request:
    firing = [a for a in note.alerts if a.firing]
    priority, why = mapped_priority(integration, firing)
    first = firing[0]
    name = note.common_labels.get("alertname") or first.labels.get("alertname", "alert")
    summary = note.common_annotations.get("summary") or first.annotations.get("summary", "")
    subject = f"[{integration.name}] {name}" + (f": {summary}" if summary else "")
    with translation.override(integration.contact.language or "ru"):
        description = "\n".join(
            [
                _("Alertmanager reports firing alerts (group %(key)s):") % {"key": note.group_key},
                _lines(firing),
                *([note.external_url] if note.external_url else []),
            ]
        )
    received = receive(
        _inbound(
            integration, request_type=RequestType.INCIDENT, subject=subject[:300],
            description=description, requested_priority=priority, channel_priority=priority,
            channel_priority_reason=why,
        ),
        now=now,
    )  # fmt: skip
    if received.outcome != Outcome.OPENED or received.request is None:
        raise _Refused(f"intake refused the contact: {received.reason}")
    return received.request


def _say(integration: AlertIntegration, request: Request, body: str, now: datetime) -> None:
    received = receive(_inbound(integration, thread=request, body=body), now=now)
    if received.outcome != Outcome.APPENDED:
        raise _Refused(f"intake refused the contact: {received.reason}")


def _reopens(group: AlertGroup, integration: AlertIntegration, now: datetime) -> bool | None:
    """For a new firing: True reopens the group's request, False adds to it, None opens a
    new one (closed, or resolved longer ago than the window)."""
    request = group.request
    if request.status == Status.CLOSED:
        return None
    if request.status != Status.RESOLVED:
        return False
    since = request.resolved_at or now
    return True if now - since <= integration.reopen_window else None


def _apply(
    integration: AlertIntegration, note: Notification, group: AlertGroup | None, now: datetime
) -> tuple[DeliveryOutcome, AlertGroup | None]:
    firing = sorted(note.firing)
    if group is None:
        if not firing:  # resolved alerts of a group never seen: nothing to do
            return DeliveryOutcome.REPEAT, None
        request = _open(integration, note, now)
        group = AlertGroup.objects.create(
            integration=integration, group_key=note.group_key,
            key_sha256=key_hash(note.group_key), request=request, firing=firing, seen=firing,
            notifications=1, last_notified_at=now,
        )  # fmt: skip
        _audit("alerts.opened", integration, group, firing, now)
        return DeliveryOutcome.OPENED, group
    group.notifications += 1
    group.last_notified_at = now
    # What fires now: what fired before and fires in this notification, less what it
    # reports resolved. A union, so that an HA twin's or a late notification's older view
    # takes nothing away; a notification with nothing firing resolves the group.
    if firing:
        firing = sorted((set(group.firing) | note.firing) - note.resolved)
    new = [a for a in note.alerts if a.firing and a.fingerprint not in group.firing]
    language = integration.contact.language or "ru"
    outcome = DeliveryOutcome.REPEAT
    if new:
        reopens = _reopens(group, integration, now)
        if reopens is None:  # a new episode: only this notification's alerts
            group.request = _open(integration, note, now)
            firing = sorted(note.firing)
            group.seen = firing
            outcome = DeliveryOutcome.OPENED
        elif reopens:
            with translation.override(language):
                reason = _("The alerts fired again:") + "\n" + _lines(new)
            actions.reopen(
                actor=None, contact=integration.contact, request=group.request, reason=reason,
                channel=Channel.MONITORING, now=now,
            )  # fmt: skip
            outcome = DeliveryOutcome.REOPENED
        else:
            with translation.override(language):
                body = _("New alerts firing:") + "\n" + _lines(new)
            _say(integration, group.request, body, now)
            outcome = DeliveryOutcome.ADDED
        group.firing = firing
        group.seen = sorted(set(group.seen) | set(firing))
        group.resolved_at = None
        group.resolution_proposed = False
    elif not firing and group.firing:
        resolved = [a for a in note.alerts if not a.firing]
        with translation.override(language):
            body = (
                _("All alerts of the group are resolved:")
                + "\n"
                + _lines(resolved)
                + "\n"
                + _("The agent is proposed to resolve the request.")
            )
        if group.request.status != Status.CLOSED:
            _say(integration, group.request, body, now)
        group.firing = []
        group.resolved_at = now
        group.resolution_proposed = group.request.status != Status.CLOSED
        outcome = DeliveryOutcome.RESOLVED
    elif firing != group.firing:  # some resolved, the others still firing: state only
        group.firing = firing
    group.save()
    if outcome != DeliveryOutcome.REPEAT:
        _audit(f"alerts.{outcome}", integration, group, firing, now)
    return outcome, group


def _audit(
    action: str, integration: AlertIntegration, group: AlertGroup, firing: list[str], now: datetime
) -> None:
    record(
        at=now, actor=None, action=action, subject=group.request,
        data={"integration": integration.slug, "group": group.pk, "firing": firing},
    )  # fmt: skip


def _locked_group(integration: AlertIntegration, group_key: str) -> AlertGroup | None:
    return (
        AlertGroup.objects.select_for_update(of=("self",))
        .select_related("request")
        .filter(integration=integration, key_sha256=key_hash(group_key))
        .first()
    )


def quarantine(
    integration: AlertIntegration, body: bytes, reason: str, now: datetime, *, refused: bool = False
) -> Taken:
    delivery = AlertDelivery.objects.create(
        integration=integration, received_at=now, body=body.decode("utf-8", "replace"),
        outcome=DeliveryOutcome.QUARANTINED, reason=reason,
    )  # fmt: skip
    return Taken(DeliveryOutcome.QUARANTINED, None, reason, delivery.pk, refused)


def take(integration: AlertIntegration, body: bytes, *, now: datetime) -> Taken:
    """Take one webhook notification. A malformed one, or one intake refuses (no contract
    in force), is kept quarantined with the reason. Notifications of one group are
    serialized on the group's row; two first ones racing meet on its unique key and the
    later is taken again as an addition."""
    try:
        note = parse(body)
    except Malformed as error:
        return quarantine(integration, body, str(error), now)
    for attempt in range(3):
        try:
            with transaction.atomic():
                group = _locked_group(integration, note.group_key)
                outcome, group = _apply(integration, note, group, now)
                delivery = AlertDelivery.objects.create(
                    integration=integration, received_at=now, body=body.decode(),
                    outcome=outcome, group=group,
                )  # fmt: skip
            return Taken(outcome, group.request if group else None, delivery_id=delivery.pk)
        except IntegrityError:
            if attempt == 2:
                raise
        except (_Refused, ActionError, ActionDenied) as error:
            return quarantine(integration, body, str(error), now, refused=True)
    raise AssertionError("unreachable")


def resolve_group(*, actor: User, group: AlertGroup, summary: str, now: datetime) -> Request:
    """The agent accepts the proposal: the request is resolved (the request action checks
    who may) and the proposal is cleared."""
    with transaction.atomic():
        request = actions.resolve(actor=actor, request=group.request, summary=summary, now=now)
        AlertGroup.objects.filter(pk=group.pk).update(resolution_proposed=False)
    return request
