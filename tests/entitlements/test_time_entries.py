"""Logging, approving and correcting work time: the split is stored, corrections append."""

from __future__ import annotations

from datetime import date

import pytest

from supportdesk.audit.models import AuditEvent
from supportdesk.entitlements import actions
from supportdesk.entitlements.errors import EntitlementError
from supportdesk.entitlements.models import (
    Activity,
    EntryKind,
    LedgerEntry,
    LedgerKind,
    Resource,
    TimeApproval,
    TimeEntry,
)
from supportdesk.entitlements.reads import balance, pending_entries
from supportdesk.slamath.policy import RequestType
from supportdesk.staff.permissions import ActionDenied
from supportdesk.tickets.models import Request
from tests.entitlements.conftest import Desk, msk, open_admin_request

HOUR = 3600


def log(desk: Desk, request: Request, start: str, end: str, **kwargs: object) -> TimeEntry:
    return actions.log_time(
        actor=kwargs.pop("actor", desk.engineer),  # type: ignore[arg-type]
        request=request, start=msk(start), end=msk(end), activity=Activity.ADMINISTRATION,
        on_site=False, note="disk moved", now=msk("2026-03-20 12:00"),
    )  # fmt: skip


def test_an_entry_stores_its_split_and_rule_and_waits_for_approval(
    desk: Desk, admin_request: Request
) -> None:
    # Tuesday 10 March 2026, 18:00-20:30 MSK: closing time is 19:00.
    entry = log(desk, admin_request, "2026-03-10 18:00", "2026-03-10 20:30")
    assert (entry.in_hours_seconds, entry.off_hours_seconds) == (HOUR, 90 * 60)
    assert entry.charged_seconds == HOUR + 2 * 90 * 60
    assert (entry.rule, entry.off_hours_multiplier, entry.calendar_name) == (
        "off-hours-2x", 2, "ru-support",
    )  # fmt: skip
    assert entry.debits_hours
    assert list(pending_entries(desk.beta_contract)) == [entry]
    assert not LedgerEntry.objects.filter(kind=LedgerKind.DEBIT).exists()
    assert AuditEvent.objects.filter(action="time.logged", subject_id=str(entry.pk)).exists()


@pytest.mark.parametrize("who", ["agent", "manager", "vera", "alfa_admin"])
def test_only_engineers_and_leads_log_time(desk: Desk, admin_request: Request, who: str) -> None:
    with pytest.raises(ActionDenied):
        log(desk, admin_request, "2026-03-10 10:00", "2026-03-10 11:00", actor=getattr(desk, who))
    assert not TimeEntry.objects.exists()


def test_bad_intervals_are_refused(desk: Desk, admin_request: Request) -> None:
    for start, end in [
        ("2026-03-10 11:00", "2026-03-10 10:00"),
        ("2026-03-10 11:00", "2026-03-10 11:00"),
        ("2026-03-20 11:00", "2026-03-20 13:00"),  # ends after now
        ("2026-03-01 10:00", "2026-03-10 10:00"),  # longer than a week
    ]:
        with pytest.raises(EntitlementError):
            log(desk, admin_request, start, end)
    assert not TimeEntry.objects.exists()


def test_approval_debits_the_contract_year_once(desk: Desk, admin_request: Request) -> None:
    entry = log(desk, admin_request, "2026-03-10 18:00", "2026-03-10 20:30")
    with pytest.raises(ActionDenied):
        actions.approve_time(actor=desk.engineer, entry=entry, now=msk("2026-03-20 13:00"))
    actions.approve_time(actor=desk.lead, entry=entry, now=msk("2026-03-20 13:00"))
    with pytest.raises(EntitlementError):
        actions.approve_time(actor=desk.lead, entry=entry, now=msk("2026-03-20 13:00"))
    debit = LedgerEntry.objects.get(kind=LedgerKind.DEBIT)
    assert (debit.amount, debit.time_entry, debit.period_start) == (
        -(HOUR + 3 * HOUR), entry, date(2026, 1, 1),
    )  # fmt: skip
    hours = balance(desk.beta_contract, Resource.ADMIN_HOURS, date(2026, 3, 20))
    assert (hours.quota, hours.used, hours.left, hours.pending) == (
        120 * HOUR, 4 * HOUR, 116 * HOUR, 0,
    )  # fmt: skip
    assert not pending_entries().exists()


def test_time_on_other_request_types_is_kept_but_not_debited(desk: Desk) -> None:
    incident = open_admin_request(desk, kind=RequestType.INCIDENT)
    entry = log(desk, incident, "2026-03-10 10:00", "2026-03-10 11:00")
    actions.approve_time(actor=desk.lead, entry=entry, now=msk("2026-03-20 13:00"))
    assert not entry.debits_hours
    assert not LedgerEntry.objects.filter(kind=LedgerKind.DEBIT).exists()


def test_a_correction_is_a_new_entry_and_moves_the_ledger_by_the_difference(
    desk: Desk, admin_request: Request
) -> None:
    entry = log(desk, admin_request, "2026-03-10 10:00", "2026-03-10 13:00")
    actions.approve_time(actor=desk.lead, entry=entry, now=msk("2026-03-20 13:00"))
    with pytest.raises(EntitlementError):
        actions.correct_time(actor=desk.lead, entry=entry, reason=" ", now=msk("2026-03-20 14:00"))
    fixed = actions.correct_time(
        actor=desk.lead, entry=entry, reason="lunch break not worked",
        end=msk("2026-03-10 12:00"), now=msk("2026-03-20 14:00"),
    )  # fmt: skip
    entry.refresh_from_db()
    assert (entry.ended_at, entry.charged_seconds) == (msk("2026-03-10 13:00"), 3 * HOUR)
    assert (fixed.kind, fixed.supersedes, fixed.charged_seconds) == (
        EntryKind.CORRECTION, entry, 2 * HOUR,
    )  # fmt: skip
    assert TimeApproval.objects.filter(entry=fixed, approved_by=desk.lead).exists()
    moves = list(LedgerEntry.objects.exclude(kind=LedgerKind.QUOTA).values_list("kind", "amount"))
    assert moves == [("debit", -3 * HOUR), ("reversal", 3 * HOUR), ("debit", -2 * HOUR)]
    assert balance(desk.beta_contract, Resource.ADMIN_HOURS, date(2026, 3, 20)).used == 2 * HOUR
    with pytest.raises(EntitlementError):
        actions.correct_time(
            actor=desk.lead, entry=entry, reason="again", now=msk("2026-03-20 15:00")
        )
    gone = actions.correct_time(
        actor=desk.lead, entry=fixed, reason="billed elsewhere", reverse=True,
        now=msk("2026-03-20 16:00"),
    )  # fmt: skip
    assert (gone.kind, gone.charged_seconds) == (EntryKind.REVERSAL, 0)
    assert balance(desk.beta_contract, Resource.ADMIN_HOURS, date(2026, 3, 20)).used == 0


def test_correcting_a_pending_entry_debits_only_the_correction(
    desk: Desk, admin_request: Request
) -> None:
    entry = log(desk, admin_request, "2026-03-10 10:00", "2026-03-10 13:00")
    actions.correct_time(
        actor=desk.lead, entry=entry, reason="one hour was travel", start=msk("2026-03-10 11:00"),
        now=msk("2026-03-20 14:00"),
    )  # fmt: skip
    moves = list(LedgerEntry.objects.exclude(kind=LedgerKind.QUOTA).values_list("kind", "amount"))
    assert moves == [("debit", -2 * HOUR)]
    assert not pending_entries().exists()
    with pytest.raises(EntitlementError):
        actions.approve_time(actor=desk.lead, entry=entry, now=msk("2026-03-20 15:00"))
