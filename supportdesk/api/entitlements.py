"""A contract's entitlements: administration hours and on-site visits left, the ledger and
the time entries pending approval. Staff see every contract; a customer admin their
organization's; anyone else gets 404 (docs/worktime.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from supportdesk.api.auth import acting_user
from supportdesk.api.schemas import READ_ERRORS, Id
from supportdesk.entitlements import reads
from supportdesk.entitlements.models import LedgerEntry, Resource, TimeEntry

router = Router(tags=["entitlements"])

Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))]


class BalanceQuery(Schema):
    on: Day | None = Field(None, description="the date of the balance (default: today)")


class BalanceOut(Schema):
    resource: str
    period_start: date
    period_end: date
    quota: int
    granted: int
    used: int
    pending: int
    left: int


class LedgerOut(Schema):
    id: int
    resource: str
    kind: str
    amount: int
    period_start: date
    period_end: date
    at: datetime
    time_entry_id: int | None
    request_id: int | None
    reason: str


class TimeEntryOut(Schema):
    id: int
    request_id: int
    kind: str
    supersedes_id: int | None
    started_at: datetime
    ended_at: datetime
    activity: str
    on_site: bool
    in_hours_seconds: int
    off_hours_seconds: int
    off_hours_multiplier: int
    rule: str
    charged_seconds: int
    calendar: str
    debits_hours: bool


class EntitlementsOut(Schema):
    contract_id: int
    on: date
    hours: BalanceOut = Field(description="seconds of administration")
    visits: BalanceOut = Field(description="on-site visits")
    ledger: list[LedgerOut] = Field(description="the contract year's movements, latest first")
    pending: list[TimeEntryOut] = Field(description="time entries waiting for approval")


def _balance(balance: reads.Balance) -> BalanceOut:
    return BalanceOut(
        resource=balance.resource.value,
        period_start=balance.periods[-1].start,
        period_end=balance.periods[-1].end,
        quota=balance.quota,
        granted=balance.granted,
        used=balance.used,
        pending=balance.pending,
        left=balance.left,
    )


def _ledger(row: LedgerEntry) -> LedgerOut:
    return LedgerOut(
        id=row.pk, resource=row.resource, kind=row.kind, amount=row.amount,
        period_start=row.period_start, period_end=row.period_end, at=row.at,
        time_entry_id=row.time_entry_id, request_id=row.request_id, reason=row.reason,
    )  # fmt: skip


def _entry(entry: TimeEntry) -> TimeEntryOut:
    return TimeEntryOut(
        id=entry.pk, request_id=entry.request_id, kind=entry.kind,
        supersedes_id=entry.supersedes_id, started_at=entry.started_at, ended_at=entry.ended_at,
        activity=entry.activity, on_site=entry.on_site, in_hours_seconds=entry.in_hours_seconds,
        off_hours_seconds=entry.off_hours_seconds, off_hours_multiplier=entry.off_hours_multiplier,
        rule=entry.rule, charged_seconds=entry.charged_seconds, calendar=entry.calendar_name,
        debits_hours=entry.debits_hours,
    )  # fmt: skip


@router.get("/contracts/{contract_id}/entitlements", response={200: EntitlementsOut, **READ_ERRORS})
def get_entitlements(
    request: HttpRequest, contract_id: Id, query: Query[BalanceQuery]
) -> EntitlementsOut:
    contract = reads.get_contract(acting_user(request), contract_id)
    day = query.on or reads.local_day(contract, timezone.now())
    year = reads.year_of(contract, day)
    return EntitlementsOut(
        contract_id=contract.pk,
        on=day,
        hours=_balance(reads.balance(contract, Resource.ADMIN_HOURS, day)),
        visits=_balance(reads.balance(contract, Resource.ONSITE_VISITS, day)),
        ledger=[_ledger(row) for row in reads.ledger_of(contract, year)],
        pending=[_entry(entry) for entry in reads.pending_entries(contract).order_by("started_at")],
    )
