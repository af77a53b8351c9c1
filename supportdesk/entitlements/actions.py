"""Every change to work time and the entitlement ledger (docs/worktime.md).

Nothing here updates or deletes a row: a time entry is logged (pending), approved by a
lead (an approval row, and the debit of the contract's hours), or corrected by a lead (a
new entry that supersedes it: the ledger gets the reversal of the old debit and the debit
of the new figure). Grants, purchases and visits are ledger rows.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.calendars.engine import Calendars
from supportdesk.contracts.models import Contract
from supportdesk.entitlements import notifications
from supportdesk.entitlements.errors import EntitlementError
from supportdesk.entitlements.models import (
    Activity,
    EntryKind,
    Estimate,
    LedgerEntry,
    LedgerKind,
    Resource,
    TimeApproval,
    TimeEntry,
)
from supportdesk.entitlements.quotas import may_purchase_hours, may_purchase_visits
from supportdesk.entitlements.reads import (
    balance,
    day_start,
    local_day,
    quota_due,
    quota_period,
    year_of,
)
from supportdesk.slamath.policy import RequestType
from supportdesk.slamath.worktime import DOUBLE_OFF_HOURS, Period, SplitError, split, whole_seconds
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.models import Request

# The rule every new entry is charged under; stored with the entry.
CHARGE_RULE = DOUBLE_OFF_HOURS
MAX_ENTRY_SECONDS = 7 * 24 * 3600  # one entry is at most a week of work


class AuditAction:
    TIME_LOGGED = "time.logged"
    TIME_APPROVED = "time.approved"
    TIME_CORRECTED = "time.corrected"
    QUOTA_GRANTED = "entitlement.granted"
    VISIT_RECORDED = "entitlement.visit_recorded"
    ESTIMATE_SET = "entitlement.estimate_set"


# -- time entries --------------------------------------------------------------------------


def _measured(
    *, request: Request, start: datetime, end: datetime, now: datetime
) -> dict[str, object]:
    """The split of ``[start, end)`` on the vendor's calendar, as the entry stores it."""
    try:
        start, end = whole_seconds(start), whole_seconds(end)
        if end <= start:
            raise EntitlementError(_("The end must be after the start."))
        if end > now:
            raise EntitlementError(_("Work cannot be logged ahead of time."))
        if (end - start).total_seconds() > MAX_ENTRY_SECONDS:
            raise EntitlementError(_("One entry covers at most seven days."))
        calendars = Calendars()
        name = settings.BUSINESS_CALENDAR
        parts = split(calendars(name), start, end, CHARGE_RULE)
    except SplitError as error:
        raise EntitlementError(str(error)) from None
    return {
        "started_at": start,
        "ended_at": end,
        "in_hours_seconds": parts.in_hours_seconds,
        "off_hours_seconds": parts.off_hours_seconds,
        "charged_seconds": parts.charged_seconds,
        "rule": CHARGE_RULE.code,
        "off_hours_multiplier": CHARGE_RULE.off_hours_multiplier,
        "calendar_name": name,
        "calendar_revision": calendars.revision(name),
        "debits_hours": request.request_type == RequestType.ADMIN,
    }


def log_time(
    *,
    actor: User,
    request: Request,
    start: datetime,
    end: datetime,
    activity: Activity,
    on_site: bool,
    note: str,
    now: datetime,
) -> TimeEntry:
    """An engineer's work on a request, pending a lead's approval."""
    require(actor, Capability.LOG_TIME)
    with transaction.atomic():
        entry = TimeEntry.objects.create(
            request=request,
            contract_id=request.contract_id,
            engineer=actor,
            kind=EntryKind.LOGGED,
            activity=activity,
            on_site=on_site,
            note=note.strip(),
            created_by=actor,
            created_at=now,
            **_measured(request=request, start=start, end=end, now=now),
        )
        record(at=now, actor=actor, action=AuditAction.TIME_LOGGED, subject=entry,
               data=_entry_data(entry))  # fmt: skip
    return entry


def approve_time(*, actor: User, entry: TimeEntry, now: datetime) -> TimeApproval:
    """A lead approves a logged entry; time on an administration request is debited."""
    require(actor, Capability.APPROVE_TIME)
    with transaction.atomic():
        entry = _lock(entry)
        if entry.kind != EntryKind.LOGGED or hasattr(entry, "approval"):
            raise EntitlementError(_("This entry is already approved."))
        if _superseded(entry):
            raise EntitlementError(_("This entry was corrected; approve the correction."))
        approval = TimeApproval.objects.create(entry=entry, approved_by=actor, approved_at=now)
        _debit(entry, actor=actor, now=now)
        record(at=now, actor=actor, action=AuditAction.TIME_APPROVED, subject=entry,
               data=_entry_data(entry))  # fmt: skip
    return approval


def correct_time(
    *,
    actor: User,
    entry: TimeEntry,
    reason: str,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
    activity: Activity | None = None,
    on_site: bool | None = None,
    note: str | None = None,
    reverse: bool = False,
) -> TimeEntry:
    """A lead replaces an entry by a new one (or reverses it: nothing of it counts). The
    new entry is approved as it is made; the ledger moves by the difference."""
    require(actor, Capability.APPROVE_TIME)
    reason = reason.strip()
    if not reason:
        raise EntitlementError(_("Say why the entry is corrected."))
    with transaction.atomic():
        old = _lock(entry)
        if _superseded(old):
            raise EntitlementError(_("This entry was already corrected."))
        if old.kind == EntryKind.REVERSAL:
            raise EntitlementError(_("A reversal cannot be corrected."))
        request = old.request
        if reverse:
            fields: dict[str, object] = {
                "started_at": old.started_at,
                "ended_at": old.started_at,
                "in_hours_seconds": 0,
                "off_hours_seconds": 0,
                "charged_seconds": 0,
                "rule": old.rule,
                "off_hours_multiplier": old.off_hours_multiplier,
                "calendar_name": old.calendar_name,
                "calendar_revision": old.calendar_revision,
                "debits_hours": old.debits_hours,
            }
        else:
            fields = _measured(
                request=request,
                start=start or old.started_at,
                end=end or old.ended_at,
                now=now,
            )
        try:
            new = TimeEntry.objects.create(
                request=request,
                contract_id=old.contract_id,
                engineer_id=old.engineer_id,
                kind=EntryKind.REVERSAL if reverse else EntryKind.CORRECTION,
                supersedes=old,
                activity=activity or old.activity,
                on_site=old.on_site if on_site is None else on_site,
                note=old.note if note is None else note.strip(),
                created_by=actor,
                created_at=now,
                reason=reason,
                **fields,
            )
        except IntegrityError:
            raise EntitlementError(_("This entry was already corrected.")) from None
        TimeApproval.objects.create(entry=new, approved_by=actor, approved_at=now)
        if _counted(old):
            _reverse_debit(old, actor=actor, now=now)
        _debit(new, actor=actor, now=now)
        record(at=now, actor=actor, action=AuditAction.TIME_CORRECTED, subject=new,
               data={**_entry_data(new), "supersedes": old.pk, "reason": reason})  # fmt: skip
    return new


def _lock(entry: TimeEntry) -> TimeEntry:
    return (
        TimeEntry.objects.select_for_update(of=("self",))
        .select_related("request", "contract__organization", "contract__policy_version__plan")
        .get(pk=entry.pk)
    )


def _superseded(entry: TimeEntry) -> bool:
    return TimeEntry.objects.filter(supersedes=entry).exists()


def _counted(entry: TimeEntry) -> bool:
    """Whether the entry's figure is in the ledger: approved (corrections are at once)."""
    return TimeApproval.objects.filter(entry=entry).exists()


def _entry_period(entry: TimeEntry) -> Period:
    return year_of(entry.contract, local_day(entry.contract, entry.started_at))


def _debit(entry: TimeEntry, *, actor: User, now: datetime) -> None:
    if not entry.debits_hours or entry.charged_seconds == 0:
        return
    period = _entry_period(entry)
    ensure_quota(entry.contract, Resource.ADMIN_HOURS, period, now=now)
    LedgerEntry.objects.create(
        contract=entry.contract, resource=Resource.ADMIN_HOURS, kind=LedgerKind.DEBIT,
        amount=-entry.charged_seconds, period_start=period.start, period_end=period.end,
        at=now, time_entry=entry, request_id=entry.request_id, created_by=actor,
    )  # fmt: skip


def _reverse_debit(entry: TimeEntry, *, actor: User, now: datetime) -> None:
    for debit in LedgerEntry.objects.filter(time_entry=entry, kind=LedgerKind.DEBIT):
        LedgerEntry.objects.create(
            contract_id=debit.contract_id, resource=debit.resource, kind=LedgerKind.REVERSAL,
            amount=-debit.amount, period_start=debit.period_start, period_end=debit.period_end,
            at=now, time_entry=entry, request_id=debit.request_id, created_by=actor,
            reason=_("corrected"),
        )  # fmt: skip


def _entry_data(entry: TimeEntry) -> dict[str, object]:
    return {
        "request": entry.request_id,
        "start": entry.started_at.isoformat(),
        "end": entry.ended_at.isoformat(),
        "in_hours_seconds": entry.in_hours_seconds,
        "off_hours_seconds": entry.off_hours_seconds,
        "charged_seconds": entry.charged_seconds,
        "rule": entry.rule,
    }


# -- the ledger ----------------------------------------------------------------------------


def ensure_quota(contract: Contract, resource: Resource, period: Period, *, now: datetime) -> None:
    """The period's quota row, written once (the unique constraint makes a race harmless)."""
    if LedgerEntry.objects.filter(
        contract=contract, resource=resource, kind=LedgerKind.QUOTA, period_start=period.start
    ).exists():
        return
    try:
        with transaction.atomic():
            LedgerEntry.objects.create(
                contract=contract, resource=resource, kind=LedgerKind.QUOTA,
                amount=quota_due(contract, resource, period), period_start=period.start,
                period_end=period.end, at=day_start(contract, period.start),
                reason=str(contract.policy_version.plan.code),
            )  # fmt: skip
    except IntegrityError:
        pass


def grant_quota(
    *,
    actor: User,
    contract: Contract,
    resource: Resource,
    amount: int,
    reason: str,
    day: date,
    now: datetime,
    purchase: bool = False,
) -> LedgerEntry:
    """A lead adds hours (seconds) or visits to the contract year that holds ``day``:
    granted with a reason (also how unused hours are carried over), or purchased."""
    require(actor, Capability.GRANT_QUOTA)
    reason = reason.strip()
    if amount <= 0:
        raise EntitlementError(_("The amount must be positive."))
    if not reason:
        raise EntitlementError(_("Say why the quota is granted."))
    if not contract.valid_from <= day <= contract.valid_until:
        raise EntitlementError(_("The date is outside the contract's term."))
    if purchase:
        allowed = (
            may_purchase_hours(contract)
            if resource == Resource.ADMIN_HOURS
            else may_purchase_visits(contract)
        )
        if not allowed:
            raise EntitlementError(_("The contract has no add-on that sells this."))
    period = year_of(contract, day)
    with transaction.atomic():
        ensure_quota(contract, resource, quota_period(contract, resource, day), now=now)
        row = LedgerEntry.objects.create(
            contract=contract, resource=resource,
            kind=LedgerKind.PURCHASE if purchase else LedgerKind.GRANT, amount=amount,
            period_start=period.start, period_end=period.end, at=now, reason=reason,
            created_by=actor,
        )  # fmt: skip
        record(at=now, actor=actor, action=AuditAction.QUOTA_GRANTED, subject=contract,
               data={"resource": resource.value, "amount": amount, "reason": reason,
                     "purchase": purchase, "period": period.start.isoformat()})  # fmt: skip
    return row


def record_visit(*, actor: User, request: Request, now: datetime) -> LedgerEntry:
    """An on-site visit for a request: Premium's visit of the quarter if it is unused,
    else a purchased visit of the contract year; none left is refused."""
    require(actor, Capability.LOG_TIME)
    contract = request.contract
    today = local_day(contract, now)
    with transaction.atomic():
        Contract.objects.select_for_update().filter(pk=contract.pk).first()
        if LedgerEntry.objects.filter(
            request=request, resource=Resource.ONSITE_VISITS, kind=LedgerKind.DEBIT
        ).exists():
            raise EntitlementError(_("The visit for this request is already recorded."))
        visits = balance(contract, Resource.ONSITE_VISITS, today)
        if visits.left <= 0:
            raise EntitlementError(_("No on-site visit is left for this quarter."))
        the_quarter = quota_period(contract, Resource.ONSITE_VISITS, today)
        ensure_quota(contract, Resource.ONSITE_VISITS, the_quarter, now=now)
        quarter_left = quota_due(contract, Resource.ONSITE_VISITS, the_quarter) - (
            LedgerEntry.objects.filter(
                contract=contract, resource=Resource.ONSITE_VISITS, kind=LedgerKind.DEBIT,
                period_start=the_quarter.start, period_end=the_quarter.end,
            ).count()
        )  # fmt: skip
        period = the_quarter if quarter_left > 0 else year_of(contract, today)
        row = LedgerEntry.objects.create(
            contract=contract, resource=Resource.ONSITE_VISITS, kind=LedgerKind.DEBIT,
            amount=-1, period_start=period.start, period_end=period.end, at=now,
            request=request, created_by=actor,
        )  # fmt: skip
        record(at=now, actor=actor, action=AuditAction.VISIT_RECORDED, subject=request,
               data={"period": period.start.isoformat()})  # fmt: skip
    return row


def set_estimate(*, actor: User, request: Request, seconds: int, now: datetime) -> Estimate:
    """An estimate of an administration request. When it exceeds the hours left (pending
    entries counted as used), the engineer and the personal manager are told at once."""
    require(actor, Capability.LOG_TIME)
    if request.request_type != RequestType.ADMIN:
        raise EntitlementError(_("Only administration requests carry an estimate."))
    if seconds <= 0:
        raise EntitlementError(_("The estimate must be positive."))
    hours = balance(request.contract, Resource.ADMIN_HOURS, local_day(request.contract, now))
    left = hours.left_after_pending
    with transaction.atomic():
        estimate = Estimate.objects.create(
            request=request, seconds=seconds, set_by=actor, set_at=now,
            balance_seconds=left, exceeds_balance=seconds > left,
        )  # fmt: skip
        record(at=now, actor=actor, action=AuditAction.ESTIMATE_SET, subject=request,
               data={"seconds": seconds, "left": left})  # fmt: skip
        if estimate.exceeds_balance:
            notifications.notify_estimate_exceeds(request, estimate, now=now)
    return estimate
