"""The calculator: one set of inputs priced line by line on a price list.

Invariants (``tests/pricing`` checks them with Hypothesis against a unit-by-unit
reference; ``docs/pricing.md`` states them):

- Slab pricing: each user (server) is priced at its own tier's price, so the users' total
  is the sum over units and never decreases as users grow; a boundary unit (the tier's
  ``last``) is in the lower tier.
- Yearly items (base, users, servers, fault tolerance per server, yearly add-ons) are
  priced per contract year times ``months / 12``; visits and hours per unit.
- Fault tolerance as a multiplier adds ``(factor - 1)`` times the plan's lines; as a
  per-server item, servers times its yearly price.
- An add-on a plan includes is a zero line; one it includes up to some units per year
  (Premium: 120 administration hours, 4 visits) is free up to ``units * months // 12``,
  the rest charged on a second line.
- Every line is rounded half-up to kopecks; the net is the sum of the lines; VAT follows
  ``vat.apportion``. With ``with_vat=False`` ("без НДС") the rate is 0 and there is no VAT.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from supportdesk.pricing.money import round_half_up
from supportdesk.pricing.pricelist import (
    PLANS,
    FaultToleranceKind,
    PriceList,
    Tier,
    Unit,
)
from supportdesk.pricing.vat import (
    RUSSIA,
    VatError,
    VatPart,
    VatRate,
    add_months,
    apportion,
    rate_on,
)

MAX_USERS = 10_000_000
MAX_SERVERS = 100_000
MAX_QUANTITY = 100_000
MAX_MONTHS = 120
# The offer: Premium is recommended for installations over 10,000 users.
PREMIUM_ADVICE_USERS = 10_000


class InputError(ValueError):
    """Inputs the calculator refuses, with the reason (the API's 422, the CLI's exit 2)."""


class LineKind(StrEnum):
    BASE = "base"
    USERS = "users"
    SERVERS = "servers"
    FAULT_TOLERANCE = "fault_tolerance"
    ADD_ON = "add_on"


@dataclass(frozen=True, slots=True)
class Inputs:
    plan: str
    users: int
    servers: int
    period_start: date
    months: int = 12
    fault_tolerance: bool = False
    add_ons: Mapping[str, int] = field(default_factory=dict)  # code -> quantity
    with_vat: bool = True
    spread_over_time_zones: bool = False


@dataclass(frozen=True, slots=True)
class Line:
    code: str  # "base", "users", "servers", "fault_tolerance" or the add-on code
    kind: LineKind
    quantity: int
    unit_price: Decimal
    net: Decimal
    unit: Unit = Unit.YEAR
    months: int | None = None  # yearly items: the term they are prorated to
    tier: Tier | None = None
    tier_number: int | None = None
    included: bool = False  # the plan includes it (zero line)
    factor: Decimal | None = None  # fault tolerance as a multiplier ...
    of_amount: Decimal | None = None  # ... of the plan lines' net


@dataclass(frozen=True, slots=True)
class Advice:
    field: str  # the input it stands next to: "spread_over_time_zones" or "users"
    plan: str  # the plan it recommends
    code: str  # "time_zones" or "large_installation"


@dataclass(frozen=True, slots=True)
class Quote:
    price_list: PriceList
    inputs: Inputs
    lines: tuple[Line, ...]
    net: Decimal
    vat_parts: tuple[VatPart, ...]
    vat: Decimal
    gross: Decimal

    @property
    def vat_rate(self) -> Decimal | None:
        """The one rate of the period, None when it spans a change of rate."""
        if not self.inputs.with_vat:
            return Decimal("0")
        return self.vat_parts[0].rate if len(self.vat_parts) == 1 else None

    @property
    def period_end(self) -> date:
        return add_months(self.inputs.period_start, self.inputs.months)


def check(inputs: Inputs, price_list: PriceList, vat: Sequence[VatRate] = RUSSIA) -> None:
    if inputs.plan not in price_list.plans:
        raise InputError(f"unknown plan {inputs.plan!r} (one of: {', '.join(PLANS)})")
    if not 0 <= inputs.users <= MAX_USERS:
        raise InputError(f"users must be from 0 to {MAX_USERS}")
    if not 1 <= inputs.servers <= MAX_SERVERS:
        raise InputError(f"servers must be from 1 to {MAX_SERVERS}")
    if not 1 <= inputs.months <= MAX_MONTHS:
        raise InputError(f"months must be from 1 to {MAX_MONTHS}")
    for code, quantity in inputs.add_ons.items():
        item = price_list.add_ons.get(code)
        if item is None:
            known = ", ".join(sorted(price_list.add_ons))
            raise InputError(f"unknown add-on {code!r} (one of: {known})")
        if item.unit is Unit.YEAR and quantity != 1:
            raise InputError(f"add-on {code!r} is sold per year: no quantity")
        if not 1 <= quantity <= MAX_QUANTITY:
            raise InputError(f"add-on {code!r}: quantity must be from 1 to {MAX_QUANTITY}")
    if inputs.with_vat:
        try:
            rate_on(inputs.period_start, vat)
        except VatError as error:
            raise InputError(str(error)) from None


def _yearly(quantity: int, unit_price: Decimal, months: int) -> Decimal:
    return round_half_up(quantity * unit_price * months / 12)


def _plan_lines(inputs: Inputs, price_list: PriceList) -> list[Line]:
    plan = price_list.plans[inputs.plan]
    months = inputs.months
    lines = [
        Line("base", LineKind.BASE, 1, plan.base, _yearly(1, plan.base, months), months=months)
    ]
    for code, kind, slab, count in (
        ("users", LineKind.USERS, plan.users, inputs.users),
        ("servers", LineKind.SERVERS, plan.servers, inputs.servers),
    ):
        for number, (tier, quantity) in enumerate(slab.split(count), start=1):
            lines.append(
                Line(
                    code,
                    kind,
                    quantity,
                    tier.unit_price,
                    _yearly(quantity, tier.unit_price, months),
                    months=months,
                    tier=tier,
                    tier_number=number,
                )
            )
    return lines


def _fault_tolerance(plan_lines: list[Line], inputs: Inputs, price_list: PriceList) -> Line:
    rule = price_list.fault_tolerance
    if rule.kind is FaultToleranceKind.PER_SERVER:
        return Line(
            "fault_tolerance",
            LineKind.FAULT_TOLERANCE,
            inputs.servers,
            rule.value,
            _yearly(inputs.servers, rule.value, inputs.months),
            months=inputs.months,
        )
    plan_net = sum((line.net for line in plan_lines), Decimal("0"))
    extra = round_half_up(plan_net * (rule.value - 1))
    return Line(
        "fault_tolerance",
        LineKind.FAULT_TOLERANCE,
        1,
        extra,
        extra,
        factor=rule.value,
        of_amount=plan_net,
    )


def _add_on_lines(inputs: Inputs, price_list: PriceList) -> list[Line]:
    lines = []
    ordered = [code for code in price_list.add_ons if code in inputs.add_ons]
    for code in ordered:
        item = price_list.add_ons[code]
        quantity = inputs.add_ons[code]
        zero = Decimal("0.00")
        if inputs.plan in item.included:
            per_year = item.included[inputs.plan]
            free = quantity if per_year is None else min(quantity, per_year * inputs.months // 12)
            if free:
                lines.append(
                    Line(code, LineKind.ADD_ON, free, zero, zero, unit=item.unit, included=True)
                )
            quantity -= free
            if not quantity:
                continue
        if item.unit is Unit.YEAR:
            net = _yearly(quantity, item.unit_price, inputs.months)
            lines.append(
                Line(code, LineKind.ADD_ON, quantity, item.unit_price, net, months=inputs.months)
            )
        else:
            net = round_half_up(quantity * item.unit_price)
            lines.append(
                Line(code, LineKind.ADD_ON, quantity, item.unit_price, net, unit=item.unit)
            )
    return lines


def quote(inputs: Inputs, price_list: PriceList, vat: Sequence[VatRate] = RUSSIA) -> Quote:
    check(inputs, price_list, vat)
    lines = _plan_lines(inputs, price_list)
    if inputs.fault_tolerance:
        lines.append(_fault_tolerance(lines, inputs, price_list))
    lines.extend(_add_on_lines(inputs, price_list))
    net = sum((line.net for line in lines), Decimal("0.00"))
    parts = (
        apportion(net, start=inputs.period_start, months=inputs.months, schedule=vat)
        if inputs.with_vat
        else []
    )
    vat_total = sum((part.vat for part in parts), Decimal("0.00"))
    return Quote(price_list, inputs, tuple(lines), net, tuple(parts), vat_total, net + vat_total)


def compare(
    inputs: Inputs, price_list: PriceList, vat: Sequence[VatRate] = RUSSIA
) -> dict[str, Quote]:
    """The same inputs on each plan, side by side (8/5, 24/7, Premium)."""
    return {plan: quote(replace(inputs, plan=plan), price_list, vat) for plan in PLANS}


def advice(inputs: Inputs) -> list[Advice]:
    """The offer's advice, for the inputs that trigger it on a plan that does not follow it:
    24/7 for companies spread over time zones, Premium over 10,000 users."""
    found = []
    if inputs.spread_over_time_zones and inputs.plan == "8x5":
        found.append(Advice("spread_over_time_zones", "24x7", "time_zones"))
    if inputs.users > PREMIUM_ADVICE_USERS and inputs.plan != "premium":
        found.append(Advice("users", "premium", "large_installation"))
    return found


def explain(
    line: Line,
    *,
    gettext: Callable[[str], str],
    money: Callable[[Decimal], str],
    label: Callable[[str], str],
) -> str:
    """A line in words: quantity × unit price, the tier used, the term. ``gettext``
    translates, ``money`` formats an amount, ``label`` names an add-on code."""
    term = ""
    if line.months is not None and line.months != 12:
        term = gettext(" × %(months)s/12 of a year") % {"months": line.months}
    if line.kind is LineKind.BASE:
        return gettext("Plan base price") + f": {money(line.unit_price)}" + term
    if line.kind in (LineKind.USERS, LineKind.SERVERS) and line.tier is not None:
        what = gettext("Users") if line.kind is LineKind.USERS else gettext("CTS servers")
        if line.tier.last is None:
            band = gettext("tier %(number)s, from %(first)s") % {
                "number": line.tier_number,
                "first": line.tier.first,
            }
        else:
            band = gettext("tier %(number)s, %(first)s–%(last)s") % {
                "number": line.tier_number,
                "first": line.tier.first,
                "last": line.tier.last,
            }
        return f"{what} ({band}): {line.quantity} × {money(line.unit_price)}{term}"
    if line.kind is LineKind.FAULT_TOLERANCE:
        if line.factor is not None:
            return gettext("Fault tolerance: plan lines %(amount)s × (%(factor)s − 1)") % {
                "amount": money(line.of_amount or Decimal("0")),
                "factor": line.factor,
            }
        return gettext("Fault tolerance per CTS server") + (
            f": {line.quantity} × {money(line.unit_price)}{term}"
        )
    name = label(line.code)
    name = name[:1].upper() + name[1:]
    if line.included:
        return gettext("%(name)s: %(quantity)s, included in the plan") % {
            "name": name,
            "quantity": line.quantity,
        }
    per = {
        Unit.YEAR: gettext("per year"),
        Unit.VISIT: gettext("per visit"),
        Unit.HOUR: gettext("per hour"),
    }[line.unit]
    return f"{name}: {line.quantity} × {money(line.unit_price)} {per}{term}"
