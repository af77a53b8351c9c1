"""Read helpers: balances, entries and what is pending, for whoever may see them.

A balance on a date is the sum of the ledger entries written by then in the periods that
hold that date: the contract year for hours (and purchased visits), the calendar quarter
for Premium's visit. A period's quota counts from its first day even before its row is
written (the actions write it the first time they touch the period), so the figure never
depends on whether a job has run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, QuerySet, Sum

from supportdesk.contracts.models import Contract
from supportdesk.entitlements.models import (
    Estimate,
    LedgerEntry,
    LedgerKind,
    Resource,
    TimeApproval,
    TimeEntry,
)
from supportdesk.entitlements.quotas import plan_quota
from supportdesk.slamath.worktime import Period, contract_year, quarter
from supportdesk.staff.permissions import Capability, Role, may, role_of
from supportdesk.tickets.access import NotFound, contact_of
from supportdesk.tickets.models import Request


def zone_of(contract: Contract) -> ZoneInfo:
    return ZoneInfo(contract.organization.time_zone)


def local_day(contract: Contract, at: datetime) -> date:
    """The date of ``at`` where the customer is: the periods are the customer's dates."""
    return at.astimezone(zone_of(contract)).date()


def day_start(contract: Contract, day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone_of(contract))


def year_of(contract: Contract, day: date) -> Period:
    return contract_year(contract.valid_from, day)


def quota_due(contract: Contract, resource: Resource, period: Period) -> int:
    quota = plan_quota(contract)
    if resource == Resource.ADMIN_HOURS:
        return quota.admin_seconds_per_year
    return quota.visits_per_quarter


def quota_period(contract: Contract, resource: Resource, day: date) -> Period:
    return year_of(contract, day) if resource == Resource.ADMIN_HOURS else quarter(day)


@dataclass(frozen=True, slots=True)
class Balance:
    """One resource on one date: seconds for hours, a count for visits."""

    resource: Resource
    day: date
    periods: tuple[Period, ...]  # the contract year (and the quarter, for visits)
    quota: int
    granted: int  # grants and purchases
    used: int  # debits net of reversals, positive
    pending: int  # logged, not yet approved (hours only)

    @property
    def left(self) -> int:
        return self.quota + self.granted - self.used

    @property
    def left_after_pending(self) -> int:
        return self.left - self.pending


def balance(
    contract: Contract, resource: Resource, day: date, *, using: str | None = None
) -> Balance:
    year = year_of(contract, day)
    periods = (year,) if resource == Resource.ADMIN_HOURS else (year, quarter(day))
    quota_at = quota_period(contract, resource, day)
    rows = LedgerEntry.objects.using(using).filter(
        contract=contract,
        resource=resource,
        period_start__lte=day,
        period_end__gt=day,
        at__lt=day_start(contract, day + timedelta(days=1)),
    )
    sums: dict[str, int] = {}
    for kind, total in (
        rows.values("kind").annotate(total=Sum("amount")).values_list("kind", "total")
    ):
        sums[kind] = int(total or 0)
    quota = sums.get(LedgerKind.QUOTA, quota_due(contract, resource, quota_at))
    granted = sums.get(LedgerKind.GRANT, 0) + sums.get(LedgerKind.PURCHASE, 0)
    used = -(sums.get(LedgerKind.DEBIT, 0) + sums.get(LedgerKind.REVERSAL, 0))
    pending = 0
    if resource == Resource.ADMIN_HOURS:
        pending = (
            pending_entries(contract, using=using)
            .filter(
                debits_hours=True,
                started_at__gte=day_start(contract, year.start),
                started_at__lt=day_start(contract, year.end),
            )
            .aggregate(total=Sum("charged_seconds"))["total"]
            or 0
        )
    return Balance(resource, day, periods, quota, granted, used, int(pending))


def pending_entries(
    contract: Contract | None = None, *, using: str | None = None
) -> QuerySet[TimeEntry]:
    """Entries logged and waiting for a lead: not approved, not corrected."""
    entries = TimeEntry.objects.using(using).filter(
        ~Exists(TimeApproval.objects.using(using).filter(entry=OuterRef("pk"))),
        superseded_by__isnull=True,
    )
    if contract is not None:
        entries = entries.filter(contract=contract)
    return entries.select_related("request", "engineer", "contract__organization")


def current_entries(contract: Contract, *, using: str | None = None) -> QuerySet[TimeEntry]:
    """Entries that stand: not corrected by a later one, reversals left out."""
    return (
        TimeEntry.objects.using(using)
        .filter(contract=contract, superseded_by__isnull=True)
        .exclude(kind="reversal")
        .select_related("request", "engineer", "approval")
    )


def ledger_of(contract: Contract, period: Period | None = None) -> QuerySet[LedgerEntry]:
    rows = LedgerEntry.objects.filter(contract=contract).select_related(
        "time_entry", "request", "created_by"
    )
    if period is not None:
        rows = rows.filter(period_start__gte=period.start, period_start__lt=period.end)
    return rows.order_by("-at", "-pk")


def latest_estimate(request: Request) -> Estimate | None:
    return request.estimates.select_related("set_by").first()


@dataclass(frozen=True, slots=True)
class EstimateWarning:
    estimate_seconds: int
    left_seconds: int


def estimate_warning(request: Request, *, today: date) -> EstimateWarning | None:
    """The warning the request page shows: the latest estimate above the hours left
    (pending entries counted as used)."""
    estimate = latest_estimate(request)
    if estimate is None:
        return None
    hours = balance(request.contract, Resource.ADMIN_HOURS, today)
    logged = (
        current_entries(request.contract)
        .filter(request=request, debits_hours=True)
        .aggregate(total=Sum("charged_seconds"))["total"]
        or 0
    )
    still_needed = max(estimate.seconds - int(logged), 0)
    if still_needed <= hours.left_after_pending:
        return None
    return EstimateWarning(estimate.seconds, hours.left_after_pending)


# -- who sees which contract ---------------------------------------------------------------


def visible_contracts(user: User | AnonymousUser) -> QuerySet[Contract]:
    contracts = Contract.objects.select_related("organization", "policy_version__plan")
    if not may(user, Capability.SEE_ENTITLEMENTS):
        return contracts.none()
    if role_of(user) == Role.CUSTOMER_ADMIN and isinstance(user, User):
        contact = contact_of(user)
        if contact is None:
            return contracts.none()
        return contracts.filter(organization_id=contact.organization_id)
    return contracts


def get_contract(user: User | AnonymousUser, contract_id: int) -> Contract:
    contract = visible_contracts(user).filter(pk=contract_id).first()
    if contract is None:
        raise NotFound(f"no contract {contract_id}")
    return contract


def hours_text(seconds: int) -> str:
    """Seconds as hours and minutes, e.g. ``-1:05``; no rounding beyond whole minutes."""
    sign = "-" if seconds < 0 else ""
    minutes = abs(seconds) // 60
    return f"{sign}{minutes // 60}:{minutes % 60:02d}"


def local_day_in(zone: str, at: datetime) -> date:
    return at.astimezone(ZoneInfo(zone)).date()
