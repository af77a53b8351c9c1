"""Registering a request. Channels call it through ``channels.actions.receive``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import DateField, Exists, IntegerField, OuterRef
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.calendars.engine import Calendars
from supportdesk.channels.rules import (
    OutsideContract,
    detail_rule,
    intake_notice,
    local_date,
    outside_contract,
)
from supportdesk.contracts.models import Contract
from supportdesk.contracts.reads import contracts_in_force
from supportdesk.customers.models import Contact
from supportdesk.rows import Param, Prepared, insert
from supportdesk.sla.actions import start_clocks, unstarted_clocks
from supportdesk.sla.models import ClockKind
from supportdesk.sla.policies import policy_rule
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.slamath.priority import intake_priority
from supportdesk.staff.absences import absences_on, is_away
from supportdesk.staff.models import Team
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.access import ActionDenied, contact_of, is_staff
from supportdesk.tickets.actions._common import STAFF_CHANNELS
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import (
    Channel,
    Component,
    Concern,
    Environment,
    OutOfContract,
    PriorityChange,
    PriorityChangeKind,
    Request,
    Scope,
)
from supportdesk.tickets.notifications import notify_opened
from supportdesk.tickets.reasons import encode, gap_codes

# ``channels.rules.contract_for``'s query (``contracts.reads.contracts_in_force``) with the
# absence: its SQL is compiled once, the rows are read on every registration.
_CONTRACT = Prepared(
    lambda: contracts_in_force(
        Param("organization", IntegerField()), Param("day", DateField()), related=False
    ).annotate(
        engineer_away=Exists(
            absences_on(Param("today", DateField())).filter(
                member__user_id=OuterRef("dedicated_engineer_id")
            )
        )
    )[:1]
)


def _contract_for(contact: Contact, at: datetime, *, now: datetime) -> Contract:
    """The contract in force on the organization's local date at ``at`` (the rule of
    ``channels.rules.contract_for``), with its plan and (``engineer_away``) whether its
    dedicated engineer is away on the local date at ``now``, in one query."""
    organization = contact.organization
    found = _CONTRACT(
        organization=organization.pk,
        day=local_date(organization, at),
        today=local_date(organization, now),
    )
    contract = found[0] if found else None
    if contract is None:
        raise ActionError(
            _("%(organization)s has no contract valid on %(day)s.")
            % {
                "organization": organization,
                "day": at.astimezone(ZoneInfo(organization.time_zone)).date(),
            }
        )
    return contract


def _check_customer(actor: User | None, contact: Contact, channel: Channel) -> None:
    """A customer registers for themself, a customer admin for a colleague; a contact
    without an account (identified by a channel, e.g. by e-mail address) for themself."""
    # A monitoring integration opens its incidents itself (no account): only people are
    # refused the staff channels.
    if channel in STAFF_CHANNELS and not (actor is None and channel == Channel.MONITORING):
        raise ActionDenied(
            _("The %(channel)s channel is for support staff.") % {"channel": channel.label}
        )
    if actor is None:
        if not contact.is_active:
            raise ActionDenied(_("The contact is not active."))
        return
    own = contact_of(actor)
    if own is None or own.organization_id != contact.organization_id:
        raise ActionDenied(_("A customer registers requests for their own organization only."))
    if own.pk != contact.pk and not own.is_customer_admin:
        raise ActionDenied(_("Only a customer admin registers requests for a colleague."))


def first_hands(
    contract: Contract, time_zone: str, *, now: datetime, away: bool | None = None
) -> tuple[int | None, int | None]:
    """Who gets a new request first: the contract's dedicated engineer, unless they are
    away on the organization's local date at ``now`` (``away``, when the caller read it
    with the contract); then their team (unassigned), or the triage queue when they have
    none."""
    engineer_id = contract.dedicated_engineer_id
    if engineer_id is None:
        return None, None
    if away is None:
        away = is_away(engineer_id, now.astimezone(ZoneInfo(time_zone)).date())
    if not away:
        return engineer_id, None
    team = Team.objects.filter(members__user_id=engineer_id).order_by("name").first()
    return None, team.pk if team is not None else None


def _intake_reason(
    *,
    requested: Priority,
    gaps: list[str],
    rule_one: Priority,
    staff_priority: Priority | None,
    staff_reason: str,
) -> str:
    """What the intake PriorityChange says, as data (``tickets.reasons``): rule 1's outcome,
    or the staff judgement with the staff member's words as typed."""
    if staff_priority is not None:
        return encode(
            "intake.staff",
            priority=staff_priority.value,
            rule_one=rule_one.value,
            note=staff_reason.strip(),
        )
    if not gaps:
        return encode("intake.as_requested", priority=requested.value)
    return encode("intake.rule_one", requested=requested.value, missing=gap_codes(gaps))


def open_request(
    *,
    actor: User | None,
    contact: Contact,
    request_type: RequestType,
    subject: str,
    description: str,
    requested_priority: Priority,
    channel: Channel,
    component: Component | None = None,
    scope: Scope | None = None,
    environment: Environment = Environment.PRODUCTION,
    concern: Concern = Concern.PLATFORM,
    registered_at: datetime | None = None,
    staff_priority: Priority | None = None,
    staff_priority_reason: str = "",
    channel_priority: Priority | None = None,
    channel_priority_reason: str = "",
    calendars: Calendars | None = None,
    also_write: Callable[[Request], None] | None = None,
    email_message_id: str = "",
    now: datetime,
) -> Request:
    """Register a request. Staff register for any contact (a phone call keeps the call's
    time as ``registered_at``) at the priority they judged (``staff_priority``, with a
    reason when rule 1 would give another); a customer for themself, a customer admin for
    a colleague, at rule 1's priority. ``actor`` is None for a contact without an account
    whom a channel identified (an e-mail from their address). ``also_write`` writes the
    caller's own rows in the same transaction once the request exists (intake: the files
    sent with it, its receipt); what it raises rolls the registration back.
    ``email_message_id``: the Message-ID of the e-mail that asks for it, which the
    acknowledgement answers. ``channel_priority``: the priority a channel's own
    configuration gives (a monitoring integration's label mapping, with the label in
    ``channel_priority_reason``); it stands in for rule 1, since an alert has no
    description, and only a channel without an account may set it.

    A request the contract does not cover (``channels.rules.outside_contract``: an add-on's
    gate) is registered all the same, marked outside the contract with the add-on it needs,
    and its clocks do not start: ``accept_out_of_contract`` starts them, or
    ``decline_out_of_contract`` closes it."""
    if actor is not None:
        require(actor, Capability.REGISTER_REQUEST)
    if channel_priority is not None and (actor is not None or channel != Channel.MONITORING):
        raise ActionDenied(_("Only a monitoring integration sets the priority by its mapping."))
    staff = actor is not None and is_staff(actor)
    if not staff:
        _check_customer(actor, contact, channel)
        if staff_priority is not None:
            raise ActionDenied(_("Only support staff set the priority at registration."))
        registered_at = None  # customers cannot backdate
    registered = registered_at or now
    if registered > now:
        raise ActionError(_("A request cannot be registered in the future."))
    if not subject.strip():
        raise ActionError(_("A request needs a subject."))
    contract = _contract_for(contact, registered, now=now)
    gaps = detail_rule().missing(
        has_component=component is not None, has_scope=bool(scope), description=description
    )
    rule_one = intake_priority(requested_priority, detailed=not gaps)
    judged_otherwise = staff_priority is not None and staff_priority != rule_one
    if judged_otherwise and not staff_priority_reason.strip():
        raise ActionError(
            _("Say why the priority is %(priority)s: rule 1 gives %(rule)s for this description.")
            % {"priority": staff_priority, "rule": rule_one}
        )
    priority = staff_priority or channel_priority or rule_one
    assignee_id, team_id = first_hands(
        contract,
        contact.organization.time_zone,
        now=now,
        away=contract.engineer_away,  # type: ignore[attr-defined]
    )
    rule = policy_rule(contract.policy_version_id, request_type.value, priority.value, now=now)
    targets = [(ClockKind.REACTION, rule.reaction)]
    if rule.resolution is not None:
        targets.append((ClockKind.RESOLUTION, rule.resolution))
    outside: OutsideContract | None = outside_contract(
        contract,
        request_type=request_type.value,
        environment=Environment(environment).value,
        concern=Concern(concern).value,
    )
    calendars = calendars or Calendars()  # one read for the clocks and the notice below
    notice = None
    if outside is None:
        notice = intake_notice(
            registered_at=registered, reaction_calendar=calendars(rule.reaction.calendar)
        )
    with transaction.atomic():
        if outside is None:
            reaction, *others = start_clocks(
                targets=targets,
                at=registered,
                now=now,
                policy_version_id=contract.policy_version_id,
                calendars=calendars,
            )
        else:
            reaction, *others = unstarted_clocks(
                kinds=[kind for kind, _target in targets],
                policy_version_id=contract.policy_version_id,
            )
        request = Request(
            organization=contact.organization,  # read with the contact: no query
            contract=contract,
            contact=contact,
            created_by=actor,
            request_type=request_type.value,
            component=component,
            environment=environment,
            concern=concern,
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
            assignee_id=assignee_id,
            team_id=team_id,
            out_of_contract=OutOfContract.PENDING if outside else "",
            out_of_contract_add_on=outside.add_on.value if outside else "",
        )
        insert([request])
        intake = PriorityChange(
            request=request,
            kind=PriorityChangeKind.INTAKE,
            to_priority=priority.value,
            actor=actor,
            reason=encode("intake.channel", priority=priority.value, note=channel_priority_reason)
            if channel_priority is not None
            else _intake_reason(
                requested=requested_priority,
                gaps=gaps,
                rule_one=rule_one,
                staff_priority=staff_priority,
                staff_reason=staff_priority_reason,
            ),
            at=now,
        )
        insert([intake])
        record(
            at=now,
            actor=actor,
            action="request.opened",
            subject=request,
            data={
                "priority": priority.value,
                "requested": requested_priority.value,
                "missing": gaps,
                "contact": contact.pk,
                "channel": channel.value,
                "assignee": assignee_id,
                **({"staff_priority": staff_priority.value} if staff_priority else {}),
                **({"out_of_contract": outside.add_on.value} if outside else {}),
            },
        )
        notify_opened(
            request,
            actor=actor,
            notice=notice,
            outside=outside,
            reaction_due=reaction.due_at,
            now=now,
        )
        if also_write is not None:
            also_write(request)
    return request
