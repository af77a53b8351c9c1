"""Quote actions (issue 13 section 3): a draft holds the inputs; issuing prices it on the
list in force, freezes every line and takes the year's next number under a row lock (no
gap, no duplicate, on SQLite and PostgreSQL); the customer's decision is recorded; an
accepted quote becomes a contract in one action. Each checks ``MANAGE_QUOTES`` first,
owns its transaction and records an audit event."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.billing import reads
from supportdesk.billing.display import as_json
from supportdesk.billing.models import Quote, QuoteStatus, QuoteYear
from supportdesk.contracts.models import Contract
from supportdesk.customers.models import Organization
from supportdesk.entitlements.actions import grant_quota
from supportdesk.entitlements.models import Resource
from supportdesk.pricing import calculator
from supportdesk.pricing.vat import add_months
from supportdesk.sla.policies import version_in_force
from supportdesk.staff.permissions import Capability, require

VALID_DAYS = 30
HOUR = 3600


class QuoteRefused(ValueError):
    """The change cannot happen in the quote's state or with these inputs."""


def inputs_of(quote: Quote) -> calculator.Inputs:
    data = quote.inputs
    return calculator.Inputs(
        plan=data["plan"], users=data["users"], servers=data["servers"],
        period_start=date.fromisoformat(data["period_start"]), months=data["months"],
        fault_tolerance=data["fault_tolerance"], add_ons=dict(data["add_ons"]),
        with_vat=data["with_vat"],
    )  # fmt: skip


def _stored(inputs: calculator.Inputs) -> dict[str, Any]:
    return {
        "plan": inputs.plan, "users": inputs.users, "servers": inputs.servers,
        "period_start": inputs.period_start.isoformat(), "months": inputs.months,
        "fault_tolerance": inputs.fault_tolerance, "add_ons": dict(inputs.add_ons),
        "with_vat": inputs.with_vat,
    }  # fmt: skip


def draft_quote(
    *, actor: User, organization: Organization, inputs: calculator.Inputs, now: datetime
) -> Quote:
    require(actor, Capability.MANAGE_QUOTES)
    _row, data = reads.in_force(inputs.period_start)
    try:
        calculator.check(inputs, data)
    except calculator.InputError as error:
        raise QuoteRefused(str(error)) from None
    with transaction.atomic():
        quote = Quote.objects.create(
            organization=organization, inputs=_stored(inputs), created_at=now
        )
        record(at=now, actor=actor, action="quote.drafted", subject=quote, data=quote.inputs)
    return quote


def issue_quote(*, actor: User, quote: Quote, now: datetime, valid_days: int = VALID_DAYS) -> Quote:
    """Price the draft on the list in force today, freeze it, number it and mark it sent."""
    require(actor, Capability.MANAGE_QUOTES)
    today = now.astimezone(ZoneInfo("Europe/Moscow")).date()
    with transaction.atomic():
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if quote.status != QuoteStatus.DRAFT:
            raise QuoteRefused(_("Only a draft can be issued."))
        row, data = reads.in_force(today)
        try:
            priced = calculator.quote(inputs_of(quote), data)
        except calculator.InputError as error:
            raise QuoteRefused(str(error)) from None
        frozen = as_json(priced)
        # The number last, under the year's row lock: held until this transaction ends.
        QuoteYear.objects.bulk_create([QuoteYear(year=today.year)], ignore_conflicts=True)
        counter = QuoteYear.objects.select_for_update().get(year=today.year)
        counter.last += 1
        counter.save(update_fields=["last"])
        quote.year, quote.serial = today.year, counter.last
        quote.status = QuoteStatus.SENT
        quote.price_list, quote.illustrative = row, row.illustrative
        quote.lines = frozen["lines"]
        quote.vat_parts = [
            {"from": p.start.isoformat(), "to": p.end.isoformat(), "rate": str(p.rate),
             "vat": str(p.vat)}
            for p in priced.vat_parts
        ]  # fmt: skip
        quote.net, quote.vat, quote.gross = priced.net, priced.vat, priced.gross
        quote.issued_at = now
        quote.valid_until = today + timedelta(days=valid_days)
        quote.save()
        record(
            at=now, actor=actor, action="quote.issued", subject=quote,
            data={"number": quote.number, "price_list": row.version, "gross": str(priced.gross)},
        )  # fmt: skip
    return quote


def decide_quote(*, actor: User, quote: Quote, accepted: bool, now: datetime) -> Quote:
    """The customer's answer to a sent quote; past its validity it can only expire."""
    require(actor, Capability.MANAGE_QUOTES)
    today = now.astimezone(ZoneInfo("Europe/Moscow")).date()
    with transaction.atomic():
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if quote.status != QuoteStatus.SENT:
            raise QuoteRefused(_("Only a sent quote can be accepted or declined."))
        expired = quote.valid_until is not None and today > quote.valid_until
        if expired:
            quote.status = QuoteStatus.EXPIRED
        else:
            quote.status = QuoteStatus.ACCEPTED if accepted else QuoteStatus.DECLINED
        quote.decided_at = now
        quote.save(update_fields=["status", "decided_at"])
        record(at=now, actor=actor, action=f"quote.{quote.status}", subject=quote,
               data={"number": quote.number})  # fmt: skip
    if expired:
        raise QuoteRefused(_("The quote expired on %(day)s.") % {"day": quote.valid_until})
    return quote


def contract_from_quote(
    *,
    actor: User,
    quote: Quote,
    number: str,
    dedicated_engineer: User | None = None,
    personal_manager: User | None = None,
    now: datetime,
) -> Contract:
    """The accepted quote as a contract: its plan on the SLA policy version in force on the
    first day, the period, users, servers, fault tolerance, add-ons, named people; the
    hours and visits the quote charges for are purchases in the ledger (a lead's, as
    ``grant_quota`` asks). The quote links to it."""
    require(actor, Capability.MANAGE_QUOTES)
    number = number.strip()
    if not number:
        raise QuoteRefused(_("The new contract needs a number."))
    with transaction.atomic():
        quote = Quote.objects.select_for_update().select_related("organization").get(pk=quote.pk)
        if quote.status != QuoteStatus.ACCEPTED or quote.contract_id is not None:
            raise QuoteRefused(_("Only an accepted quote without a contract becomes one."))
        if Contract.objects.filter(number=number).exists():
            raise QuoteRefused(_("Contract %(number)s exists already.") % {"number": number})
        inputs = inputs_of(quote)
        zone = ZoneInfo(quote.organization.time_zone)
        start = inputs.period_start
        until = add_months(start, inputs.months) - timedelta(days=1)
        version = version_in_force(inputs.plan, datetime.combine(start, time(), tzinfo=zone))
        contract = Contract.objects.create(
            number=number, organization=quote.organization, policy_version=version,
            valid_from=start, valid_until=until, users=inputs.users,
            cts_servers=inputs.servers, fault_tolerance=inputs.fault_tolerance,
            add_ons=sorted(inputs.add_ons), dedicated_engineer=dedicated_engineer,
            personal_manager=personal_manager,
        )  # fmt: skip
        quote.contract = contract
        quote.save(update_fields=["contract"])
        charged = {"administration": 0, "onsite": 0}
        for line in quote.lines:
            if line["code"] in charged and line["net"] != "0.00":
                charged[line["code"]] += line["quantity"]
        for code, resource, unit in (
            ("administration", Resource.ADMIN_HOURS, HOUR),
            ("onsite", Resource.ONSITE_VISITS, 1),
        ):
            if charged[code]:
                grant_quota(
                    actor=actor, contract=contract, resource=resource,
                    amount=charged[code] * unit, reason=_("Quote %(number)s") % {
                        "number": quote.number}, day=start, now=now, purchase=True,
                )  # fmt: skip
        record(at=now, actor=actor, action="quote.contract_made", subject=quote,
               data={"number": quote.number, "contract": contract.number})  # fmt: skip
    return contract
