"""Priority after registration (SPEC 6 rules 2 to 4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.customers.models import Contact
from supportdesk.slamath.policy import Priority
from supportdesk.slamath.priority import (
    PriorityRuleError,
    check_correction,
    check_downgrade,
    check_raise,
    rank,
)
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.actions._common import lock_request
from supportdesk.tickets.actions._lifecycle import change_priority
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import (
    DowngradeProposal,
    ObjectionState,
    PriorityChange,
    PriorityChangeKind,
    PriorityDefinition,
    PriorityObjection,
    ProposalState,
    Request,
    Status,
    definition_priority,
)
from supportdesk.tickets.notifications import (
    notify_downgrade_proposed,
    notify_objection_decided,
    notify_priority_corrected,
    notify_priority_objection,
)
from supportdesk.tickets.priorities import (
    is_customers,
    latest_change,
    pending_objection,
    set_by_customer,
)
from supportdesk.tickets.reasons import encode


def raise_priority(
    *, actor: User, request: Request, to: Priority, reason: str, now: datetime
) -> Request:
    """Rule 2: during diagnosis or when the customer adds information."""
    require(actor, Capability.RAISE_PRIORITY)
    with transaction.atomic():
        request = lock_request(request)
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
    *,
    actor: User,
    request: Request,
    to: Priority,
    reason: str,
    now: datetime,
    definition: PriorityDefinition | None = None,
) -> Request:
    """Rule 3: the priority did not match the definitions; the customer is told why.

    A priority staff or rule 1 set: any staff member, with a reason. Lowering a priority
    the customer set: an engineer or a lead only, naming the definition of SPEC section 5
    the request matches (``definition``, which must define ``to``); the customer's mail
    carries a one-click objection that restores their priority until a lead decides.
    """
    require(actor, Capability.CORRECT_STAFF_PRIORITY)
    if not reason.strip():
        raise ActionError(_("A correction needs a reason."))
    if definition is not None and definition_priority(definition) != to.value:
        raise ActionError(
            _("The definition chosen is that of %(defined)s, not of %(to)s.")
            % {"defined": definition_priority(definition), "to": to}
        )
    with transaction.atomic():
        request = lock_request(request)
        _refuse_closed(request)
        before = request.priority
        _check(check_correction, request, to)
        if pending_objection(request) is not None:
            raise ActionError(_("The customer objected to a correction; a support lead decides."))
        lowers_customers = rank(to) > rank(Priority(before)) and set_by_customer(request)
        if lowers_customers:
            require(actor, Capability.CORRECT_CUSTOMER_PRIORITY_DOWN)
            if definition is None:
                raise ActionError(
                    _(
                        "Lowering the priority the customer set needs the definition the "
                        "request matches (or a downgrade proposal, rule 4)."
                    )
                )
        change = change_priority(
            request, to, kind=PriorityChangeKind.CORRECT, reason=reason, actor=actor, now=now,
            definition=definition.value if definition is not None else "",
        )  # fmt: skip
        _withdraw_pending_proposals(request, now=now)
        record(
            at=now,
            actor=actor,
            action="request.priority_corrected",
            subject=request,
            data={
                "from": before,
                "to": to.value,
                "reason": reason,
                "change": change.pk,
                **({"definition": definition.value} if definition is not None else {}),
                **({"customer_priority": True} if lowers_customers else {}),
            },
        )
        notify_priority_corrected(
            request, actor=actor, before=before, after=to.value, reason=reason, now=now,
            definition=definition, objection_for=change if lowers_customers else None,
        )  # fmt: skip
    return request


def may_object(change: PriorityChange) -> bool:
    """A rule-3 correction that lowered the priority the customer set, not yet objected
    to, and not the lead's own decision on an earlier objection (that one is final)."""
    if change.kind != PriorityChangeKind.CORRECT or not change.definition:
        return False
    if not change.from_priority or rank(Priority(change.to_priority)) <= rank(
        Priority(change.from_priority)
    ):
        return False
    if PriorityObjection.objects.filter(correction=change).exists():
        return False
    earlier = (
        PriorityChange.objects.filter(request_id=change.request_id)
        .filter(Q(at__lt=change.at) | Q(at=change.at, id__lt=change.id))
        .order_by("-at", "-id")
        .first()
    )
    # Restored on an objection and corrected again: that was the lead's decision, final.
    return (
        earlier is not None
        and earlier.kind != PriorityChangeKind.RESTORE
        and is_customers(earlier, change.request)
    )


def object_to_correction(
    *, by: Contact, correction: PriorityChange, reason: str, now: datetime
) -> PriorityObjection:
    """The customer objects to a correction that lowered their priority: it is restored
    now (the clocks follow) and a support lead decides. Callers establish ``by``: the
    signed-in contact, or the contact a signed e-mail link was made for."""
    if by.user_id is not None:
        require(by.user, Capability.OBJECT_TO_PRIORITY_CORRECTION)
    request = correction.request
    if (
        not by.is_active
        or by.organization_id != request.organization_id
        or not (by.pk == request.contact_id or by.is_customer_admin)
    ):
        raise ActionDenied(_("Only the requester or a customer admin objects to a correction."))
    with transaction.atomic():
        request = lock_request(request)
        _refuse_closed(request)
        if not may_object(correction):
            raise ActionError(_("This correction cannot be objected to."))
        latest = latest_change(request)
        if latest is None or latest.pk != correction.pk:
            raise ActionError(_("The priority changed since the correction; it no longer applies."))
        restored = change_priority(
            request, Priority(correction.from_priority), kind=PriorityChangeKind.RESTORE,
            reason=encode("objection", by=by.name, note=reason.strip()), actor=by.user, now=now,
        )  # fmt: skip
        objection = PriorityObjection.objects.create(
            request=request, correction=correction, contact=by, reason=reason.strip(),
            raised_at=now,
        )  # fmt: skip
        record(
            at=now, actor=by.user, action="request.priority_objection", subject=request,
            data={"objection": objection.pk, "correction": correction.pk,
                  "restored": restored.to_priority, "contact": by.pk},
        )  # fmt: skip
        notify_priority_objection(request, objection, now=now)
    return objection


def decide_priority_objection(
    *, actor: User, objection: PriorityObjection, uphold: bool, note: str, now: datetime
) -> PriorityObjection:
    """A support lead decides: uphold the correction (the priority goes down again, and
    that is final) or revert it (the customer's priority stays)."""
    require(actor, Capability.DECIDE_PRIORITY_OBJECTION)
    if not note.strip():
        raise ActionError(_("Say why the correction is upheld or reverted."))
    with transaction.atomic():
        request = lock_request(objection.request)
        objection = (
            PriorityObjection.objects.select_for_update()
            .select_related("correction")
            .get(pk=objection.pk)
        )
        if objection.state != ObjectionState.PENDING:
            raise ActionError(_("The objection is already decided."))
        correction = objection.correction
        if uphold:
            _refuse_closed(request)
            change_priority(
                request, Priority(correction.to_priority), kind=PriorityChangeKind.CORRECT,
                reason=encode("correction_upheld", note=note.strip()), actor=actor, now=now,
                definition=correction.definition,
            )  # fmt: skip
        objection.state = ObjectionState.UPHELD if uphold else ObjectionState.REVERTED
        objection.decided_by, objection.decided_at = actor, now
        objection.decision_note = note.strip()
        objection.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        record(
            at=now, actor=actor, action="request.priority_objection_" + objection.state,
            subject=request, data={"objection": objection.pk, "note": objection.decision_note},
        )  # fmt: skip
        notify_objection_decided(request, objection, actor=actor, now=now)
    return objection


def propose_downgrade(
    *, actor: User, request: Request, to: Priority, reason: str, now: datetime
) -> DowngradeProposal:
    """Rule 4: the engineer proposes; the priority stays until the customer accepts."""
    require(actor, Capability.PROPOSE_DOWNGRADE)
    if not reason.strip():
        raise ActionError(_("A downgrade proposal needs a reason."))
    with transaction.atomic():
        request = lock_request(request)
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
        notify_downgrade_proposed(request, proposal, actor=actor, now=now)
    return proposal


def decide_downgrade(
    *, by: Contact, proposal: DowngradeProposal, accept: bool, now: datetime
) -> DowngradeProposal:
    """The customer accepts (the priority goes down, targets re-apply from the start) or
    declines (nothing changes). Callers establish ``by``: the signed-in contact, or the
    contact a signed e-mail link was made for."""
    if by.user_id is not None:
        require(by.user, Capability.DECIDE_DOWNGRADE)
    request = proposal.request
    if by.organization_id != request.organization_id or not (
        by.pk == request.contact_id or by.is_customer_admin
    ):
        raise ActionDenied(_("Only the requester or a customer admin decides a downgrade."))
    with transaction.atomic():
        request = lock_request(request)
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
                reason=encode("downgrade_accepted", by=by.name, note=proposal.reason),
                actor=by.user, now=now,
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
