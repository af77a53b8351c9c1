"""Quotes (issue 13 section 3): numbered per year at issue (drafts take no number), no gap
and no duplicate under concurrent issue on PostgreSQL, lines frozen as issued, the
decision, and an accepted quote made a contract field by field."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection

from supportdesk.audit.models import AuditEvent
from supportdesk.billing import actions, quotes
from supportdesk.billing.models import PriceList, Quote, QuoteStatus, QuoteYear
from supportdesk.billing.seed import seed_price_list
from supportdesk.customers.models import Organization
from supportdesk.entitlements.models import LedgerEntry, LedgerKind, Resource
from supportdesk.pricing.calculator import Inputs
from supportdesk.pricing.pricelist import shipped_document
from supportdesk.staff.models import StaffMember, StaffRole
from supportdesk.staff.permissions import ActionDenied
from tests.billing.conftest import NOW
from tests.tickets.conftest import Desk

INPUTS = Inputs(
    plan="24x7", users=600, servers=2, period_start=date(2027, 1, 1), fault_tolerance=True,
    add_ons={"onsite": 2, "administration": 40, "dedicated_engineer": 1},
)  # fmt: skip


def draft(desk: Desk, inputs: Inputs = INPUTS) -> Quote:
    return quotes.draft_quote(actor=desk.manager, organization=desk.alfa, inputs=inputs, now=NOW)


def test_a_draft_takes_no_number_and_issuing_numbers_in_order(desk: Desk) -> None:
    first, second = draft(desk), draft(desk)
    assert (first.number, first.status) == ("", QuoteStatus.DRAFT)
    quotes.issue_quote(actor=desk.manager, quote=second, now=NOW)
    quotes.issue_quote(actor=desk.lead, quote=first, now=NOW)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.number, first.number) == ("КП-2026-0001", "КП-2026-0002")
    assert (second.status, second.valid_until, second.revision) == (
        QuoteStatus.SENT, date(2026, 12, 30), 1,
    )  # fmt: skip
    assert QuoteYear.objects.get(year=2026).last == 2


def test_issued_lines_stay_as_issued(desk: Desk) -> None:
    quote = quotes.issue_quote(actor=desk.manager, quote=draft(desk), now=NOW)
    assert (quote.price_list.version, quote.illustrative) == ("illustrative-1", True)
    assert [(line["code"], line["quantity"], line["net"]) for line in quote.lines] == [
        ("base", 1, "600000.00"),
        ("users", 500, "450000.00"),
        ("users", 100, "70000.00"),
        ("servers", 2, "180000.00"),
        ("fault_tolerance", 1, "390000.00"),
        ("administration", 40, "160000.00"),
        ("dedicated_engineer", 1, "1800000.00"),
        ("onsite", 2, "120000.00"),
    ]
    assert (quote.net, quote.vat, quote.gross) == (
        Decimal("3770000.00"), Decimal("829400.00"), Decimal("4599400.00"),
    )  # fmt: skip
    # a new list in force later changes nothing in the issued quote
    newer = {**shipped_document(), "version": "2027-1", "illustrative": False}
    newer["plans"]["24x7"]["base"] = "900000.00"
    actions.put_in_force(
        actor=desk.lead,
        price_list=actions.load_draft(actor=desk.lead, document=newer, now=NOW),
        now=NOW,
    )
    stored = Quote.objects.get(pk=quote.pk)
    assert (stored.lines, stored.gross, stored.price_list.version) == (
        quote.lines, Decimal("4599400.00"), "illustrative-1",
    )  # fmt: skip
    with pytest.raises(quotes.QuoteRefused, match="Only a draft can be issued"):
        quotes.issue_quote(actor=desk.manager, quote=stored, now=NOW)


def test_decisions_and_expiry(desk: Desk) -> None:
    accepted = quotes.issue_quote(actor=desk.manager, quote=draft(desk), now=NOW)
    declined = quotes.issue_quote(actor=desk.manager, quote=draft(desk), now=NOW)
    late = quotes.issue_quote(actor=desk.manager, quote=draft(desk), now=NOW)
    quotes.decide_quote(actor=desk.manager, quote=accepted, accepted=True, now=NOW)
    quotes.decide_quote(actor=desk.manager, quote=declined, accepted=False, now=NOW)
    with pytest.raises(quotes.QuoteRefused, match="The quote expired on 2026-12-30"):
        quotes.decide_quote(
            actor=desk.manager, quote=late, accepted=True, now=datetime(2026, 12, 31, 9, tzinfo=UTC)
        )
    assert dict(Quote.objects.values_list("serial", "status")) == {
        1: QuoteStatus.ACCEPTED, 2: QuoteStatus.DECLINED, 3: QuoteStatus.EXPIRED,
    }  # fmt: skip


def test_an_accepted_quote_becomes_a_contract_field_by_field(desk: Desk) -> None:
    quote = quotes.issue_quote(actor=desk.manager, quote=draft(desk), now=NOW)
    quotes.decide_quote(actor=desk.manager, quote=quote, accepted=True, now=NOW)
    contract = quotes.contract_from_quote(
        actor=desk.lead, quote=quote, number="A-2027", dedicated_engineer=desk.engineer,
        personal_manager=desk.manager, now=NOW,
    )  # fmt: skip
    assert (
        contract.number, contract.organization, contract.policy_version.plan.code,
        contract.valid_from, contract.valid_until, contract.users, contract.cts_servers,
        contract.fault_tolerance, contract.add_ons, contract.dedicated_engineer,
        contract.personal_manager,
    ) == (
        "A-2027", desk.alfa, "24x7", date(2027, 1, 1), date(2027, 12, 31), 600, 2, True,
        ["administration", "dedicated_engineer", "onsite"], desk.engineer, desk.manager,
    )  # fmt: skip
    assert Quote.objects.get(pk=quote.pk).contract == contract
    assert Quote.objects.get(contract=contract) == quote  # the link back (contract.quote)
    assert list(
        LedgerEntry.objects.filter(contract=contract, kind=LedgerKind.PURCHASE)
        .order_by("id")
        .values_list("resource", "kind", "amount")
    ) == [
        (Resource.ADMIN_HOURS, LedgerKind.PURCHASE, 40 * 3600),
        (Resource.ONSITE_VISITS, LedgerKind.PURCHASE, 2),
    ]
    with pytest.raises(quotes.QuoteRefused, match="Only an accepted quote without a contract"):
        quotes.contract_from_quote(actor=desk.lead, quote=quote, number="A-2027b", now=NOW)


def test_other_roles_are_refused_and_nothing_changes(desk: Desk) -> None:
    quote = draft(desk)
    events = AuditEvent.objects.count()
    for actor in (desk.agent, desk.engineer, desk.anna, desk.alfa_admin):
        with pytest.raises(ActionDenied):
            quotes.draft_quote(actor=actor, organization=desk.alfa, inputs=INPUTS, now=NOW)
        with pytest.raises(ActionDenied):
            quotes.issue_quote(actor=actor, quote=quote, now=NOW)
    assert list(Quote.objects.values_list("pk", "status", "serial")) == [
        (quote.pk, QuoteStatus.DRAFT, None)
    ]
    assert AuditEvent.objects.count() == events
    assert not QuoteYear.objects.exists()


def test_bad_inputs_are_refused_at_draft(desk: Desk) -> None:
    bad = Inputs(plan="24x7", users=1, servers=1, period_start=date(2027, 1, 1),
                 add_ons={"test_dev": 2})  # fmt: skip
    with pytest.raises(quotes.QuoteRefused, match="sold per year"):
        draft(desk, bad)
    assert not Quote.objects.exists()


# Skipped before the database fixture: on SQLite the serialized rollback would reload the
# content types that another test module's transactional test had already restored.
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks between connections: PostgreSQL (SQLite serializes writers)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_issuing_at_once_get_two_numbers(django_db_setup: None) -> None:
    if not PriceList.objects.exists():
        seed_price_list(apps, None)
    lead = User.objects.create(username="lead-q")
    StaffMember.objects.create(user=lead, role=StaffRole.LEAD)
    organization = Organization.objects.create(name="Q", slug="q", time_zone="Europe/Moscow")
    drafts = [
        quotes.draft_quote(actor=lead, organization=organization, inputs=INPUTS, now=NOW)
        for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def work(quote: Quote) -> None:
        try:
            barrier.wait()
            quotes.issue_quote(actor=lead, quote=quote, now=NOW)
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(quote,)) for quote in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert list(Quote.objects.order_by("serial").values_list("serial", flat=True)) == [1, 2]
    assert QuoteYear.objects.get(year=2026).last == 2


def test_the_admin_shows_quotes_read_only(desk: Desk) -> None:
    from django.test import Client

    quote = quotes.issue_quote(actor=desk.manager, quote=draft(desk), now=NOW)
    desk.lead.is_staff = desk.lead.is_superuser = True
    desk.lead.save()
    client = Client()
    client.force_login(desk.lead)
    listing = client.get("/admin/billing/quote/")
    assert listing.status_code == 200
    assert "КП-2026-0001" in listing.content.decode()
    page = client.get(f"/admin/billing/quote/{quote.pk}/change/")
    assert page.status_code == 200
    assert b'name="status"' not in page.content
