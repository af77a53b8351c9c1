"""Registering a request."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.calendars.engine import Calendars
from supportdesk.contracts.models import Contract
from supportdesk.contracts.reads import contract_in_force
from supportdesk.customers.models import Contact
from supportdesk.sla.actions import start_clocks
from supportdesk.sla.models import ClockKind
from supportdesk.sla.policies import policy_rule
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.slamath.priority import (
    DetailRule,
    intake_priority,
)
from supportdesk.tickets.access import (
    ActionDenied,
    contact_of,
    is_staff,
)
from supportdesk.tickets.actions._common import STAFF_CHANNELS
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import (
    Channel,
    Component,
    Environment,
    PriorityChange,
    PriorityChangeKind,
    Request,
    Scope,
)
from supportdesk.tickets.notifications import notify_opened


def detail_rule() -> DetailRule:
    return DetailRule(min_description_length=settings.DETAIL_MIN_DESCRIPTION_LENGTH)


def _contract_for(contact: Contact, at: datetime) -> Contract:
    contract = contract_in_force(contact.organization_id, at.date(), related=False)
    if contract is None:
        raise ActionError(
            _("%(organization)s has no contract valid on %(day)s.")
            % {"organization": contact.organization, "day": at.date()}
        )
    return contract


def open_request(
    *,
    actor: User,
    contact: Contact,
    request_type: RequestType,
    subject: str,
    description: str,
    requested_priority: Priority,
    channel: Channel,
    component: Component | None = None,
    scope: Scope | None = None,
    environment: Environment = Environment.PRODUCTION,
    registered_at: datetime | None = None,
    email_message_id: str = "",
    now: datetime,
) -> Request:
    """Register a request. Staff register for any contact (a phone call keeps the call's
    time as ``registered_at``); a customer for themself, a customer admin for a colleague.
    ``email_message_id``: the Message-ID of the e-mail that asks for it, which the
    acknowledgement answers."""
    if not is_staff(actor):
        own = contact_of(actor)
        if own is None or own.organization_id != contact.organization_id:
            raise ActionDenied(_("A customer registers requests for their own organization only."))
        if own.pk != contact.pk and not own.is_customer_admin:
            raise ActionDenied(_("Only a customer admin registers requests for a colleague."))
        registered_at = None  # customers cannot backdate
        if channel in STAFF_CHANNELS:
            raise ActionDenied(
                _("The %(channel)s channel is for support staff.") % {"channel": channel.label}
            )
    registered = registered_at or now
    if registered > now:
        raise ActionError(_("A request cannot be registered in the future."))
    if not subject.strip():
        raise ActionError(_("A request needs a subject."))
    contract = _contract_for(contact, registered)
    gaps = detail_rule().missing(
        has_component=component is not None, has_scope=bool(scope), description=description
    )
    priority = intake_priority(requested_priority, detailed=not gaps)
    rule = policy_rule(contract.policy_version_id, request_type.value, priority.value, now=now)
    targets = [(ClockKind.REACTION, rule.reaction)]
    if rule.resolution is not None:
        targets.append((ClockKind.RESOLUTION, rule.resolution))
    calendars = Calendars()  # one read for the clocks and the notice below
    with transaction.atomic():
        reaction, *others = start_clocks(
            targets=targets,
            at=registered,
            now=now,
            policy_version_id=contract.policy_version_id,
            calendars=calendars,
        )
        request = Request.objects.create(
            organization_id=contact.organization_id,
            contract=contract,
            contact=contact,
            created_by=actor,
            request_type=request_type.value,
            component=component,
            environment=environment,
            channel=channel,
            scope=scope or "",
            subject=subject.strip(),
            description=description,
            is_detailed=not gaps,
            requested_priority=requested_priority.value,
            priority=priority.value,
            policy_version_id=contract.policy_version_id,
            reaction_clock=reaction,
            resolution_clock=others[0] if others else None,
            # In UTC, as stored: the returned request reads as a fresh read of it would.
            registered_at=registered.astimezone(UTC),
            updated_at=now,
            customer_message_id=email_message_id,
        )
        reason = (
            f"registered as requested ({requested_priority})"
            if not gaps
            else f"requested {requested_priority}; registered P4: no detailed description "
            f"(missing: {', '.join(gaps)})"
        )
        PriorityChange.objects.create(
            request=request,
            kind=PriorityChangeKind.INTAKE,
            to_priority=priority.value,
            actor=actor,
            reason=reason,
            at=now,
        )
        record(
            at=now,
            actor=actor,
            action="request.opened",
            subject=request,
            data={
                "priority": priority.value,
                "requested": requested_priority.value,
                "missing": gaps,
            },
        )
        notify_opened(
            request,
            actor=actor,
            reaction_starts=calendars(rule.reaction.calendar).next_open(registered),
            reaction_due=reaction.due_at,
            now=now,
        )
    return request
