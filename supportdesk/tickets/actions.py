"""Every change to a request, one function each. Views, the API, mail ingestion, bots and
jobs call these; none of them changes a request any other way.

Each action checks permission, runs in one transaction, writes the audit event, keeps the
SLA clocks in step (through ``lifecycle``) and queues notifications after the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.calendars.engine import Calendars, get_calendar
from supportdesk.contracts.models import Contract
from supportdesk.contracts.reads import contract_in_force
from supportdesk.customers.models import Contact
from supportdesk.notifications.outbox import Event, notify_after_commit
from supportdesk.sla.actions import start_clocks
from supportdesk.sla.models import ClockKind
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.slamath.priority import (
    DetailRule,
    PriorityRuleError,
    check_correction,
    check_downgrade,
    check_raise,
    intake_priority,
)
from supportdesk.staff.models import Team
from supportdesk.tickets.access import (
    ActionDenied,
    contact_of,
    is_staff,
    require_customer_of,
    require_staff,
)
from supportdesk.tickets.lifecycle import (
    ActionError,
    change_priority,
    change_status,
    policy_rule,
    stop_reaction,
)
from supportdesk.tickets.models import (
    Channel,
    Component,
    DowngradeProposal,
    Environment,
    Message,
    MessageKind,
    PriorityChange,
    PriorityChangeKind,
    ProposalState,
    Request,
    Scope,
    Status,
)

SYSTEM = None  # the actor of jobs: no person
# Only staff register phone calls; monitoring alerts arrive through their own channel.
STAFF_CHANNELS = (Channel.PHONE, Channel.MONITORING)


def detail_rule() -> DetailRule:
    return DetailRule(min_description_length=settings.DETAIL_MIN_DESCRIPTION_LENGTH)


def _lock(request: Request) -> Request:
    """Re-read the request under a row lock: two agents never interleave on one request."""
    return (
        Request.objects.select_for_update(of=("self",))
        .select_related("reaction_clock", "resolution_clock")
        .get(pk=request.pk)
    )


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
    now: datetime,
) -> Request:
    """Register a request. Staff register for any contact (a phone call keeps the call's
    time as ``registered_at``); a customer for themself, a customer admin for a colleague."""
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
        notify_after_commit(
            Event.OPENED,
            request.pk,
            reaction_starts=calendars(rule.reaction.calendar).next_open(registered).isoformat(),
            reaction_due=reaction.due_at.isoformat() if reaction.due_at else None,
        )
    return request


def reply(*, actor: User, request: Request, body: str, now: datetime) -> Message:
    """A public reply. The vendor's first one ends the reaction clock; the customer's
    reply to a request waiting for them resumes the resolution clock."""
    if not body.strip():
        raise ActionError(_("A reply needs text."))
    vendor = is_staff(actor)
    if not vendor:
        require_customer_of(actor, request)
    with transaction.atomic():
        request = _lock(request)
        if request.status == Status.CLOSED:
            raise ActionError(_("The request is closed; open a new one."))
        message = request.messages.create(
            kind=MessageKind.PUBLIC,
            author=actor,
            from_vendor=vendor,
            channel=request.channel if not vendor else Channel.PORTAL,
            body=body,
            created_at=now,
        )
        if vendor:
            stop_reaction(request, now=now)
            if request.status == Status.NEW:
                change_status(request, Status.OPEN, now=now)
        elif request.status == Status.WAITING:
            change_status(request, Status.OPEN, now=now, reason="customer replied")
        request.updated_at = now
        request.save(update_fields=["updated_at"])
        record(
            at=now,
            actor=actor,
            action="request.replied",
            subject=request,
            data={"message": message.pk},
        )
    return message


def add_internal_note(*, actor: User, request: Request, body: str, now: datetime) -> Message:
    require_staff(actor)
    if not body.strip():
        raise ActionError(_("A note needs text."))
    with transaction.atomic():
        request = _lock(request)
        message = request.messages.create(
            kind=MessageKind.INTERNAL, author=actor, from_vendor=True, channel=Channel.PORTAL,
            body=body, created_at=now,
        )  # fmt: skip
        record(
            at=now,
            actor=actor,
            action="request.noted",
            subject=request,
            data={"message": message.pk},
        )
    return message


def assign(
    *, actor: User, request: Request, assignee: User | None, team: Team | None, now: datetime
) -> Request:
    require_staff(actor)
    if assignee is not None and not is_staff(assignee):
        raise ActionError(_("Requests are assigned to support staff only."))
    with transaction.atomic():
        request = _lock(request)
        before = {"assignee": request.assignee_id, "team": request.team_id}
        request.assignee, request.team, request.updated_at = assignee, team, now
        request.save(update_fields=["assignee", "team", "updated_at"])
        record(
            at=now, actor=actor, action="request.assigned", subject=request,
            data={"from": before, "to": {"assignee": request.assignee_id, "team": request.team_id}},
        )  # fmt: skip
    return request


def set_status(
    *, actor: User, request: Request, status: Status, now: datetime, reason: str = ""
) -> Request:
    """Staff move a request between working states (resolve and close have their own
    actions: they need a summary or the customer)."""
    require_staff(actor)
    if status in (Status.RESOLVED, Status.CLOSED, Status.NEW):
        raise ActionError(
            _("Use the %(action)s action, not a status change.") % {"action": status.value}
        )
    with transaction.atomic():
        request = _lock(request)
        before = request.status
        change_status(request, status, now=now, reason=reason)
        record(
            at=now, actor=actor, action="request.status", subject=request,
            data={"from": before, "to": status.value, "reason": reason},
        )  # fmt: skip
    return request


def resolve(*, actor: User, request: Request, summary: str, now: datetime) -> Request:
    """Restoration: the summary goes to the customer and the resolution clock stops, both
    or neither."""
    require_staff(actor)
    with transaction.atomic():
        if _lock(request).status in (Status.RESOLVED, Status.CLOSED):
            raise ActionError(_("The request is already resolved."))
        reply(actor=actor, request=request, body=summary, now=now)
        request = _lock(request)
        change_status(request, Status.RESOLVED, now=now, reason="resolved")
        record(at=now, actor=actor, action="request.resolved", subject=request, data={})
        notify_after_commit(Event.RESOLVED, request.pk)
    return request


def confirm_resolution(*, actor: User, request: Request, now: datetime) -> Request:
    require_customer_of(actor, request)
    with transaction.atomic():
        request = _lock(request)
        if request.status != Status.RESOLVED:
            raise ActionError(_("Only a resolved request can be confirmed."))
        change_status(request, Status.CLOSED, now=now, reason="confirmed by the customer")
        record(at=now, actor=actor, action="request.confirmed", subject=request, data={})
    return request


def reopen(*, actor: User, request: Request, reason: str, now: datetime) -> Request:
    """The customer (or staff) says the problem is not solved: the resolution clock resumes."""
    if not is_staff(actor):
        require_customer_of(actor, request)
    if not reason.strip():
        raise ActionError(_("Say why the request is reopened."))
    with transaction.atomic():
        request = _lock(request)
        if request.status != Status.RESOLVED:
            raise ActionError(_("Only a resolved request can be reopened."))
        request.messages.create(
            kind=MessageKind.PUBLIC, author=actor, from_vendor=is_staff(actor),
            channel=Channel.PORTAL, body=reason, created_at=now,
        )  # fmt: skip
        change_status(request, Status.OPEN, now=now, reason="reopened")
        record(
            at=now, actor=actor, action="request.reopened", subject=request, data={"reason": reason}
        )
    return request


def auto_close_resolved(*, now: datetime) -> int:
    """Close requests resolved more than N business days ago (the resolution day counts as
    the first) without a word from the customer. A job: safe to run twice or in two
    workers, as each request is claimed under a row lock and re-checked."""
    days = settings.AUTO_CLOSE_BUSINESS_DAYS
    calendar = get_calendar(settings.BUSINESS_CALENDAR)
    # N business days take at least N calendar days: a cheap, indexed first cut.
    candidates = Request.objects.filter(
        status=Status.RESOLVED, resolved_at__lte=now - timedelta(days=days)
    ).values_list("pk", "resolved_at")
    closed = 0
    for request_id, resolved_at in candidates.iterator():
        if resolved_at is None or calendar.working_days(resolved_at, now) <= days:
            continue
        with transaction.atomic():
            request = (
                Request.objects.select_for_update(of=("self",))
                .select_related("reaction_clock", "resolution_clock")
                .filter(pk=request_id, status=Status.RESOLVED)
                .first()
            )
            if request is None:  # another worker or the customer got there first
                continue
            change_status(
                request, Status.CLOSED, now=now, reason=f"auto-closed after {days} business days"
            )
            record(
                at=now, actor=SYSTEM, action="request.auto_closed", subject=request,
                data={"days": days},
            )  # fmt: skip
            closed += 1
    return closed


# -- priority (SPEC 6) -------------------------------------------------------------------


def raise_priority(
    *, actor: User, request: Request, to: Priority, reason: str, now: datetime
) -> Request:
    """Rule 2: during diagnosis or when the customer adds information."""
    require_staff(actor)
    with transaction.atomic():
        request = _lock(request)
        _refuse_closed(request)
        _check(check_raise, request, to)
        change_priority(
            request, to, kind=PriorityChangeKind.RAISE, reason=reason, actor=actor, now=now
        )
        _withdraw_pending_proposals(request, now=now)
        record(
            at=now,
            actor=actor,
            action="request.priority_raised",
            subject=request,
            data={"to": to.value, "reason": reason},
        )
    return request


def correct_priority(
    *, actor: User, request: Request, to: Priority, reason: str, now: datetime
) -> Request:
    """Rule 3: the priority did not match the definitions; the customer is told why."""
    require_staff(actor)
    with transaction.atomic():
        request = _lock(request)
        _refuse_closed(request)
        before = request.priority
        _check(check_correction, request, to)
        change_priority(
            request, to, kind=PriorityChangeKind.CORRECT, reason=reason, actor=actor, now=now
        )
        _withdraw_pending_proposals(request, now=now)
        record(
            at=now,
            actor=actor,
            action="request.priority_corrected",
            subject=request,
            data={"from": before, "to": to.value, "reason": reason},
        )
        notify_after_commit(
            Event.PRIORITY_CORRECTED, request.pk, before=before, after=to.value, reason=reason
        )
    return request


def propose_downgrade(
    *, actor: User, request: Request, to: Priority, reason: str, now: datetime
) -> DowngradeProposal:
    """Rule 4: the engineer proposes; the priority stays until the customer accepts."""
    require_staff(actor)
    if not reason.strip():
        raise ActionError(_("A downgrade proposal needs a reason."))
    with transaction.atomic():
        request = _lock(request)
        _refuse_closed(request)
        _check(check_downgrade, request, to)
        if request.downgrade_proposals.filter(state=ProposalState.PENDING).exists():
            raise ActionError(_("A downgrade proposal is already waiting for the customer."))
        proposal = request.downgrade_proposals.create(
            from_priority=request.priority, to_priority=to.value, reason=reason,
            proposed_by=actor, proposed_at=now,
        )  # fmt: skip
        record(
            at=now,
            actor=actor,
            action="request.downgrade_proposed",
            subject=request,
            data={"proposal": proposal.pk, "to": to.value},
        )
        notify_after_commit(Event.DOWNGRADE_PROPOSED, request.pk, proposal=proposal.pk)
    return proposal


def decide_downgrade(
    *, by: Contact, proposal: DowngradeProposal, accept: bool, now: datetime
) -> DowngradeProposal:
    """The customer accepts (the priority goes down, targets re-apply from the start) or
    declines (nothing changes). Callers establish ``by``: the signed-in contact, or the
    contact a signed e-mail link was made for."""
    request = proposal.request
    if by.organization_id != request.organization_id or not (
        by.pk == request.contact_id or by.is_customer_admin
    ):
        raise ActionDenied(_("Only the requester or a customer admin decides a downgrade."))
    with transaction.atomic():
        request = _lock(request)
        proposal = DowngradeProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.state != ProposalState.PENDING:
            raise ActionError(
                _("The proposal is already %(state)s.") % {"state": proposal.get_state_display()}
            )
        if request.priority != proposal.from_priority:
            raise ActionError(_("The priority changed since the proposal; it no longer applies."))
        proposal.state = ProposalState.ACCEPTED if accept else ProposalState.DECLINED
        proposal.decided_by, proposal.decided_at = by.user, now
        proposal.save(update_fields=["state", "decided_by", "decided_at"])
        if accept:
            change_priority(
                request, Priority(proposal.to_priority), kind=PriorityChangeKind.DOWNGRADE,
                reason=f"accepted by {by.name}: {proposal.reason}", actor=by.user, now=now,
            )  # fmt: skip
        record(
            at=now, actor=by.user, action="request.downgrade_" + proposal.state, subject=request,
            data={"proposal": proposal.pk, "contact": by.pk},
        )  # fmt: skip
    return proposal


def _check(rule: Callable[[Priority, Priority], None], request: Request, to: Priority) -> None:
    """Apply one of the pure priority rules; its refusal, in the reader's language."""
    current = Priority(request.priority)
    try:
        rule(current, to)
    except PriorityRuleError:
        refusals: dict[Callable[[Priority, Priority], None], str] = {
            check_raise: _("%(to)s is not higher than %(current)s."),
            check_correction: _("The priority is already %(current)s."),
            check_downgrade: _("A downgrade goes P1->P2 or P2->P3 only, not %(current)s->%(to)s."),
        }
        raise ActionError(refusals[rule] % {"to": to, "current": current}) from None


def _refuse_closed(request: Request) -> None:
    if request.status in (Status.RESOLVED, Status.CLOSED):
        raise ActionError(
            _("The priority of a %(status)s request is final.")
            % {"status": Status(request.status).label}
        )


def _withdraw_pending_proposals(request: Request, *, now: datetime) -> None:
    request.downgrade_proposals.filter(Q(state=ProposalState.PENDING)).update(
        state=ProposalState.WITHDRAWN, decided_at=now
    )
