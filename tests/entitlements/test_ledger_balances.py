"""Balances at any date: contract years (no carry-over unless granted), quarters for visits,
grants and purchases, and the estimate warning before work starts."""

from __future__ import annotations

from datetime import date

import pytest

from supportdesk.contracts.models import AddOn
from supportdesk.entitlements import actions
from supportdesk.entitlements.errors import EntitlementError
from supportdesk.entitlements.models import Activity, Estimate, LedgerEntry, LedgerKind, Resource
from supportdesk.entitlements.reads import balance, estimate_warning
from supportdesk.notifications.models import Notification
from supportdesk.slamath.policy import RequestType
from supportdesk.staff.permissions import ActionDenied
from supportdesk.tickets.models import Request
from tests.entitlements.conftest import Desk, msk, open_admin_request

HOUR = 3600


@pytest.fixture
def year_from_april(desk: Desk) -> Desk:
    """Beta's Premium contract runs its contract years from 1 April."""
    desk.beta_contract.valid_from = date(2025, 4, 1)
    desk.beta_contract.save(update_fields=["valid_from"])
    return desk


def work(desk: Desk, request: Request, start: str, end: str, now: str) -> None:
    entry = actions.log_time(
        actor=desk.engineer, request=request, start=msk(start), end=msk(end),
        activity=Activity.ADMINISTRATION, on_site=False, note="", now=msk(now),
    )  # fmt: skip
    actions.approve_time(actor=desk.lead, entry=entry, now=msk(now))


def test_hours_do_not_carry_over_a_contract_year_unless_a_lead_grants_them(
    year_from_april: Desk,
) -> None:
    desk = year_from_april
    request = open_admin_request(desk, on="2026-03-02 09:00")
    work(desk, request, "2026-03-30 10:00", "2026-03-30 15:00", "2026-03-31 12:00")
    contract = desk.beta_contract
    on_the_last_day = balance(contract, Resource.ADMIN_HOURS, date(2026, 3, 31))
    assert (on_the_last_day.used, on_the_last_day.left) == (5 * HOUR, 115 * HOUR)
    # Earlier dates do not see later debits.
    assert balance(contract, Resource.ADMIN_HOURS, date(2026, 3, 29)).left == 120 * HOUR
    next_year = balance(contract, Resource.ADMIN_HOURS, date(2026, 4, 1))
    assert (next_year.used, next_year.left, next_year.periods[0].start) == (
        0, 120 * HOUR, date(2026, 4, 1),
    )  # fmt: skip
    with pytest.raises(ActionDenied):
        actions.grant_quota(
            actor=desk.manager, contract=contract, resource=Resource.ADMIN_HOURS,
            amount=10 * HOUR, reason="carry-over", day=date(2026, 4, 1),
            now=msk("2026-04-01 10:00"),
        )  # fmt: skip
    actions.grant_quota(
        actor=desk.lead, contract=contract, resource=Resource.ADMIN_HOURS, amount=10 * HOUR,
        reason="unused hours carried over", day=date(2026, 4, 1), now=msk("2026-04-01 10:00"),
    )  # fmt: skip
    assert balance(contract, Resource.ADMIN_HOURS, date(2026, 4, 1)).left == 130 * HOUR
    assert balance(contract, Resource.ADMIN_HOURS, date(2026, 3, 31)).left == 115 * HOUR
    assert LedgerEntry.objects.filter(kind=LedgerKind.QUOTA).count() == 2  # one per year


def test_premium_has_one_visit_a_quarter(year_from_april: Desk) -> None:
    desk = year_from_april
    first = open_admin_request(desk, on="2026-03-02 09:00", kind=RequestType.ONSITE)
    second = open_admin_request(desk, on="2026-03-03 09:00", kind=RequestType.ONSITE)
    contract = desk.beta_contract
    actions.record_visit(actor=desk.engineer, request=first, now=msk("2026-03-31 12:00"))
    assert balance(contract, Resource.ONSITE_VISITS, date(2026, 3, 31)).left == 0
    with pytest.raises(EntitlementError):
        actions.record_visit(actor=desk.engineer, request=second, now=msk("2026-03-31 13:00"))
    with pytest.raises(EntitlementError):  # one visit per request
        actions.record_visit(actor=desk.engineer, request=first, now=msk("2026-04-01 10:00"))
    # The next quarter has its own visit.
    assert balance(contract, Resource.ONSITE_VISITS, date(2026, 4, 1)).left == 1
    actions.record_visit(actor=desk.engineer, request=second, now=msk("2026-04-01 10:00"))
    assert balance(contract, Resource.ONSITE_VISITS, date(2026, 4, 1)).left == 0
    assert balance(contract, Resource.ONSITE_VISITS, date(2026, 3, 31)).left == 0


def test_other_plans_buy_hours_and_visits_with_their_add_ons(desk: Desk) -> None:
    contract = desk.alfa_contract  # 8x5
    assert balance(contract, Resource.ADMIN_HOURS, date(2026, 5, 1)).left == 0
    assert balance(contract, Resource.ONSITE_VISITS, date(2026, 5, 1)).left == 0

    def buy(resource: Resource, amount: int) -> None:
        actions.grant_quota(
            actor=desk.lead, contract=contract, resource=resource, amount=amount,
            reason="order 17", day=date(2026, 5, 1), now=msk("2026-05-01 10:00"), purchase=True,
        )  # fmt: skip

    with pytest.raises(EntitlementError):
        buy(Resource.ADMIN_HOURS, 20 * HOUR)
    contract.add_ons = [AddOn.ADMINISTRATION.value, AddOn.ONSITE.value]
    contract.save(update_fields=["add_ons"])
    buy(Resource.ADMIN_HOURS, 20 * HOUR)
    buy(Resource.ONSITE_VISITS, 2)
    assert balance(contract, Resource.ADMIN_HOURS, date(2026, 5, 1)).left == 20 * HOUR
    visit = open_admin_request(desk, on="2026-05-04 09:00", kind=RequestType.ONSITE, user=desk.anna)
    actions.record_visit(actor=desk.engineer, request=visit, now=msk("2026-05-05 10:00"))
    # A purchased visit belongs to the contract year: still one left next quarter.
    assert balance(contract, Resource.ONSITE_VISITS, date(2026, 7, 1)).left == 1
    # The next contract year starts from nothing again.
    assert balance(contract, Resource.ADMIN_HOURS, date(2027, 1, 1)).left == 0


def test_an_estimate_above_the_balance_warns_before_work_starts(desk: Desk) -> None:
    contract = desk.beta_contract
    request = open_admin_request(desk, on="2026-03-02 09:00")
    Notification.objects.all().delete()
    actions.set_estimate(actor=desk.engineer, request=request, seconds=100 * HOUR,
                         now=msk("2026-03-02 10:00"))  # fmt: skip
    assert estimate_warning(request, today=date(2026, 3, 2)) is None
    assert not Notification.objects.exists()
    actions.grant_quota(
        actor=desk.lead, contract=contract, resource=Resource.ADMIN_HOURS, amount=HOUR,
        reason="goodwill", day=date(2026, 3, 2), now=msk("2026-03-02 10:00"),
    )  # fmt: skip
    estimate = actions.set_estimate(actor=desk.engineer, request=request, seconds=125 * HOUR,
                                    now=msk("2026-03-02 11:00"))  # fmt: skip
    assert (estimate.exceeds_balance, estimate.balance_seconds) == (True, 121 * HOUR)
    warning = estimate_warning(request, today=date(2026, 3, 2))
    assert warning is not None
    assert warning.left_seconds == 121 * HOUR
    told = sorted(Notification.objects.values_list("recipient", "event"))
    assert told == [
        ("egor@vendor.example", "staff.estimate_exceeds_balance"),
        ("maria@vendor.example", "staff.estimate_exceeds_balance"),
    ]
    incident = open_admin_request(desk, kind=RequestType.INCIDENT)
    with pytest.raises(EntitlementError):
        actions.set_estimate(actor=desk.engineer, request=incident, seconds=HOUR,
                             now=msk("2026-03-02 11:00"))  # fmt: skip
    with pytest.raises(ActionDenied):
        actions.set_estimate(actor=desk.vera, request=request, seconds=HOUR,
                             now=msk("2026-03-02 11:00"))  # fmt: skip
    assert Estimate.objects.count() == 2
