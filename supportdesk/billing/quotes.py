"""Quote actions (issue 13 section 3): a draft holds the inputs (editable while a draft);
issuing prices it on the list in force, freezes every line and takes the year's next
number under a row lock (no gap, no duplicate, on SQLite and PostgreSQL); the customer's
decision is recorded; a sent quote past its validity expires (the hourly job
``expire_quotes``; pages read it as expired from the first day after, ``Quote.status_on``);
a declined or expired quote may get a new revision, a draft that keeps the number; an
accepted quote becomes a contract in one action. Each checks ``MANAGE_QUOTES`` first
(the job acts for nobody), owns its transaction and records an audit event."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record, record_many
from supportdesk.billing import reads
from supportdesk.billing.display import as_json
from supportdesk.billing.models import Quote, QuoteStatus, QuoteYear, overdue
from supportdesk.contracts.models import Contract
from supportdesk.customers.models import Organization
from supportdesk.entitlements.actions import grant_quota
from supportdesk.entitlements.models import Resource
from supportdesk.pricing import calculator
from supportdesk.pricing.pricelist import Tier, Unit
from supportdesk.pricing.vat import add_months
from supportdesk.sla.policies import version_in_force
from supportdesk.staff.permissions import Capability, require

VALID_DAYS = 30
HOUR = 3600
MOSCOW = ZoneInfo("Europe/Moscow")


def today_of(now: datetime) -> date:
    """The quotes' calendar day: validity dates and the year's series are Moscow's."""
    return now.astimezone(MOSCOW).date()


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


def _frozen_lines(priced: calculator.Quote) -> list[dict[str, Any]]:
    """The lines as stored: the ``price quote --json`` line (English text) and what it
    takes to explain the line again in any language (``frozen_line``)."""
    lines: list[dict[str, Any]] = as_json(priced)["lines"]
    for stored, line in zip(lines, priced.lines, strict=True):
        stored.update({
            "kind": line.kind.value, "unit": line.unit.value, "months": line.months,
            "tier": None if line.tier is None else {
                "first": line.tier.first, "last": line.tier.last, "number": line.tier_number},
            "included": line.included,
            "factor": None if line.factor is None else str(line.factor),
            "of_amount": None if line.of_amount is None else str(line.of_amount),
        })  # fmt: skip
    return lines


def frozen_line(stored: dict[str, Any]) -> calculator.Line | None:
    """A stored line as the calculator's ``Line`` (to explain it in the reader's language);
    None for a line frozen before the details were stored (its English text stands)."""
    if "kind" not in stored:
        return None
    tier = stored["tier"]
    price = Decimal(stored["unit_price"])
    return calculator.Line(
        code=stored["code"], kind=calculator.LineKind(stored["kind"]),
        quantity=stored["quantity"], unit_price=price,
        net=Decimal(stored["net"]), unit=Unit(stored["unit"]), months=stored["months"],
        tier=None if tier is None else Tier(tier["first"], tier["last"], price),
        tier_number=None if tier is None else tier["number"], included=stored["included"],
        factor=None if stored["factor"] is None else Decimal(stored["factor"]),
        of_amount=None if stored["of_amount"] is None else Decimal(stored["of_amount"]),
    )  # fmt: skip


def _check_inputs(inputs: calculator.Inputs) -> None:
    _row, data = reads.in_force(inputs.period_start)
    try:
        calculator.check(inputs, data)
    except calculator.InputError as error:
        raise QuoteRefused(str(error)) from None


def draft_quote(
    *, actor: User, organization: Organization, inputs: calculator.Inputs, now: datetime
) -> Quote:
    require(actor, Capability.MANAGE_QUOTES)
    _check_inputs(inputs)
    with transaction.atomic():
        quote = Quote.objects.create(
            organization=organization, inputs=_stored(inputs), created_at=now
        )
        record(at=now, actor=actor, action="quote.drafted", subject=quote, data=quote.inputs)
    return quote


def edit_draft(*, actor: User, quote: Quote, inputs: calculator.Inputs, now: datetime) -> Quote:
    """New inputs for a draft (nothing is priced or frozen until it is issued)."""
    require(actor, Capability.MANAGE_QUOTES)
    _check_inputs(inputs)
    with transaction.atomic():
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if quote.status != QuoteStatus.DRAFT:
            raise QuoteRefused(_("Only a draft can be edited."))
        before = quote.inputs
        quote.inputs = _stored(inputs)
        quote.save(update_fields=["inputs"])
        record(at=now, actor=actor, action="quote.draft_edited", subject=quote,
               data={"before": before, "after": quote.inputs})  # fmt: skip
    return quote


def revise_quote(*, actor: User, quote: Quote, now: datetime) -> Quote:
    """A new draft from a declined or expired quote: the same organization and inputs,
    the next revision; issued, it keeps the number (``КП-2026-0007``, revision 2)."""
    require(actor, Capability.MANAGE_QUOTES)
    today = today_of(now)
    with transaction.atomic():
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if quote.status_on(today) not in (QuoteStatus.DECLINED, QuoteStatus.EXPIRED):
            raise QuoteRefused(_("Only a declined or expired quote gets a new revision."))
        if Quote.objects.filter(previous=quote).exists():
            raise QuoteRefused(_("This quote has a newer revision already."))
        if quote.status == QuoteStatus.SENT:  # past its validity, not yet stored
            _expire([quote], now=now)
        revision = Quote.objects.create(
            organization_id=quote.organization_id, inputs=quote.inputs, created_at=now,
            revision=quote.revision + 1, previous=quote,
        )  # fmt: skip
        record(at=now, actor=actor, action="quote.revised", subject=revision,
               data={"number": quote.number, "revision": revision.revision})  # fmt: skip
    return revision


def _expire(rows: list[Quote], *, now: datetime) -> None:
    Quote.objects.filter(pk__in=[q.pk for q in rows]).update(
        status=QuoteStatus.EXPIRED, decided_at=now
    )
    record_many(
        at=now, actor=None, action="quote.expired",
        subjects=[(q, {"number": q.number, "valid_until": str(q.valid_until)}) for q in rows],
    )  # fmt: skip


def expire_quotes(*, now: datetime) -> int:
    """Every sent quote whose validity ended before today, expired (the hourly job; safe
    to run twice: the rows are claimed under a lock, skipping those another run holds)."""
    with transaction.atomic():
        rows = list(
            Quote.objects.select_for_update(skip_locked=True).filter(overdue(today_of(now)))
        )
        if rows:
            _expire(rows, now=now)
    return len(rows)


def issue_quote(*, actor: User, quote: Quote, now: datetime, valid_days: int = VALID_DAYS) -> Quote:
    """Price the draft on the list in force today, freeze it, number it and mark it sent."""
    require(actor, Capability.MANAGE_QUOTES)
    today = today_of(now)
    with transaction.atomic():
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if quote.status != QuoteStatus.DRAFT:
            raise QuoteRefused(_("Only a draft can be issued."))
        row, data = reads.in_force(today)
        try:
            priced = calculator.quote(inputs_of(quote), data)
        except calculator.InputError as error:
            raise QuoteRefused(str(error)) from None
        previous = quote.previous
        if previous is not None and previous.serial is not None:
            # A revision keeps its quote's number.
            quote.year, quote.serial = previous.year, previous.serial
        else:
            # The number last, under the year's row lock: held until this transaction ends.
            QuoteYear.objects.bulk_create([QuoteYear(year=today.year)], ignore_conflicts=True)
            counter = QuoteYear.objects.select_for_update().get(year=today.year)
            counter.last += 1
            counter.save(update_fields=["last"])
            quote.year, quote.serial = today.year, counter.last
        quote.status = QuoteStatus.SENT
        quote.price_list, quote.illustrative = row, row.illustrative
        quote.lines = _frozen_lines(priced)
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
            data={"number": quote.number, "revision": quote.revision, "price_list": row.version,
                  "gross": str(priced.gross)},
        )  # fmt: skip
    return quote


def decide_quote(*, actor: User, quote: Quote, accepted: bool, now: datetime) -> Quote:
    """The customer's answer to a sent quote; past its validity it can only expire."""
    require(actor, Capability.MANAGE_QUOTES)
    today = today_of(now)
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
