"""A price list as data: what the ``billing`` app stores as JSON and a lead loads.

Every price is per contract year unless its unit says otherwise (``visit``, ``hour``).
``parse`` checks a document whole and raises ``PriceListError`` naming the first fault.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from importlib import resources
from typing import Any

PLANS = ("8x5", "24x7", "premium")


class PriceListError(ValueError):
    """A price list document that cannot be used, with the reason."""


class Unit(StrEnum):
    YEAR = "year"
    VISIT = "visit"
    HOUR = "hour"


class FaultToleranceKind(StrEnum):
    MULTIPLIER = "multiplier"  # the plan's lines (base, users, servers) times a factor
    PER_SERVER = "per_server"  # a price per CTS server per year


@dataclass(frozen=True, slots=True)
class Tier:
    first: int  # the first unit priced at this tier (1-based)
    last: int | None  # the last one, None: no upper bound
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class Slab:
    """Volume tiers, each unit at its own tier's price (slab, not all-units, pricing)."""

    tiers: tuple[Tier, ...]

    def split(self, quantity: int) -> list[tuple[Tier, int]]:
        """How many of ``quantity`` units fall in each tier (tiers with none left out)."""
        parts = []
        for tier in self.tiers:
            if quantity < tier.first:
                break
            top = quantity if tier.last is None else min(quantity, tier.last)
            parts.append((tier, top - tier.first + 1))
        return parts


@dataclass(frozen=True, slots=True)
class PlanPrices:
    code: str
    base: Decimal
    users: Slab
    servers: Slab


@dataclass(frozen=True, slots=True)
class FaultTolerance:
    kind: FaultToleranceKind
    value: Decimal  # the factor (>= 1) or the price per server


@dataclass(frozen=True, slots=True)
class AddOnPrice:
    code: str
    unit: Unit
    unit_price: Decimal
    # plan -> units included per contract year (None: the add-on whole, a zero line)
    included: Mapping[str, int | None]


@dataclass(frozen=True, slots=True)
class PriceList:
    version: str
    currency: str
    illustrative: bool
    valid_from: date
    valid_until: date | None
    plans: Mapping[str, PlanPrices]
    fault_tolerance: FaultTolerance
    add_ons: Mapping[str, AddOnPrice]

    def with_inclusions(self, inclusions: Mapping[str, list[str]]) -> PriceList:
        """The list with the plans that include each add-on taken from the add-on
        catalogue (code -> plan codes): the catalogue says which plans include an add-on,
        the list how many units (none listed: the whole add-on)."""
        add_ons = {
            code: AddOnPrice(
                code,
                item.unit,
                item.unit_price,
                {plan: item.included.get(plan) for plan in inclusions.get(code, [])},
            )
            for code, item in self.add_ons.items()
        }
        return PriceList(
            self.version,
            self.currency,
            self.illustrative,
            self.valid_from,
            self.valid_until,
            self.plans,
            self.fault_tolerance,
            add_ons,
        )


def _money(value: Any, where: str) -> Decimal:
    if not isinstance(value, str | int):
        raise PriceListError(f"{where}: a price is a decimal string")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise PriceListError(f"{where}: {value!r} is not a decimal") from None
    if not amount.is_finite() or amount < 0:
        raise PriceListError(f"{where}: {value!r} is not a price (a finite amount >= 0)")
    if amount != amount.quantize(Decimal("0.01")):
        raise PriceListError(f"{where}: {value!r} has more than two decimals")
    return amount


def _day(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise PriceListError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _slab(value: Any, where: str) -> Slab:
    if not isinstance(value, list) or not value:
        raise PriceListError(f"{where}: a list of tiers is required")
    tiers = []
    first = 1
    for index, item in enumerate(value):
        spot = f"{where}[{index}]"
        if not isinstance(item, dict) or set(item) != {"up_to", "unit_price"}:
            raise PriceListError(f"{spot}: a tier is {{'up_to': N or null, 'unit_price': ...}}")
        last = item["up_to"]
        is_last = index == len(value) - 1
        if is_last and last is not None:
            raise PriceListError(f"{spot}: the last tier has no upper bound (up_to null)")
        if not is_last and (type(last) is not int or last < first):
            raise PriceListError(f"{spot}: up_to must be a whole number >= {first}")
        tiers.append(Tier(first, last, _money(item["unit_price"], f"{spot}.unit_price")))
        first = (last or 0) + 1
    return Slab(tuple(tiers))


def parse(document: Mapping[str, Any]) -> PriceList:
    expected = {
        "version",
        "currency",
        "illustrative",
        "valid_from",
        "valid_until",
        "plans",
        "fault_tolerance",
        "add_ons",
    }
    if not isinstance(document, Mapping):
        raise PriceListError("a price list is a JSON object")
    if missing := expected - set(document):
        raise PriceListError(f"missing: {', '.join(sorted(missing))}")
    if extra := set(document) - expected - {"note"}:
        raise PriceListError(f"unknown keys: {', '.join(sorted(extra))}")
    version = document["version"]
    if not isinstance(version, str) or not version.strip() or len(version) > 40:
        raise PriceListError("version: a non-blank text of at most 40 characters")
    currency = document["currency"]
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isupper():
        raise PriceListError("currency: an ISO 4217 code such as RUB")
    if not isinstance(document["illustrative"], bool):
        raise PriceListError("illustrative: true or false")
    valid_from = _day(document["valid_from"], "valid_from")
    valid_until = (
        None if document["valid_until"] is None else _day(document["valid_until"], "valid_until")
    )
    if valid_until is not None and valid_until < valid_from:
        raise PriceListError("valid_until is before valid_from")
    plans_in = document["plans"]
    if not isinstance(plans_in, dict) or set(plans_in) != set(PLANS):
        raise PriceListError(f"plans: exactly {', '.join(PLANS)}")
    plans = {}
    for code in PLANS:
        item = plans_in[code]
        if not isinstance(item, dict) or set(item) != {"base", "users", "servers"}:
            raise PriceListError(f"plans.{code}: base, users and servers")
        plans[code] = PlanPrices(
            code,
            _money(item["base"], f"plans.{code}.base"),
            _slab(item["users"], f"plans.{code}.users"),
            _slab(item["servers"], f"plans.{code}.servers"),
        )
    fault = document["fault_tolerance"]
    if not isinstance(fault, dict) or set(fault) != {"kind", "value"}:
        raise PriceListError("fault_tolerance: {'kind': 'multiplier' or 'per_server', 'value'}")
    try:
        kind = FaultToleranceKind(fault["kind"])
    except ValueError:
        raise PriceListError("fault_tolerance.kind: multiplier or per_server") from None
    if kind is FaultToleranceKind.MULTIPLIER:
        factor = fault["value"]
        try:
            value = Decimal(factor) if isinstance(factor, str) else Decimal("NaN")
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or value < 1 or value > 10:
            raise PriceListError("fault_tolerance.value: a factor from 1 to 10, as a string")
    else:
        value = _money(fault["value"], "fault_tolerance.value")
    add_ons_in = document["add_ons"]
    if not isinstance(add_ons_in, dict):
        raise PriceListError("add_ons: an object keyed by add-on code")
    add_ons = {}
    for code, item in add_ons_in.items():
        spot = f"add_ons.{code}"
        if (
            not isinstance(item, dict)
            or not {"unit", "unit_price"} <= set(item)
            or (set(item) - {"unit", "unit_price", "included"})
        ):
            raise PriceListError(f"{spot}: unit, unit_price and optionally included")
        try:
            unit = Unit(item["unit"])
        except ValueError:
            raise PriceListError(f"{spot}.unit: year, visit or hour") from None
        included = item.get("included", {})
        if not isinstance(included, dict) or not all(
            plan in PLANS and (count is None or (type(count) is int and count >= 0))
            for plan, count in included.items()
        ):
            raise PriceListError(f"{spot}.included: plan -> units per year or null")
        if unit is Unit.YEAR and any(count is not None for count in included.values()):
            raise PriceListError(f"{spot}.included: a yearly add-on is included whole (null)")
        add_ons[code] = AddOnPrice(
            code, unit, _money(item["unit_price"], f"{spot}.unit_price"), dict(included)
        )
    return PriceList(
        version.strip(),
        currency,
        document["illustrative"],
        valid_from,
        valid_until,
        plans,
        FaultTolerance(kind, value),
        add_ons,
    )


def shipped_document() -> dict[str, Any]:
    """The illustrative list shipped with the product (the offer publishes no prices)."""
    text = resources.files("supportdesk.pricing").joinpath("data/illustrative.json").read_text()
    document: dict[str, Any] = json.loads(text)
    return document


def shipped() -> PriceList:
    return parse(shipped_document())
