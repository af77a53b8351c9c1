"""The invariants each pricing method promises (docs/pricing.md), checked with Hypothesis
against a simple reference that prices unit by unit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from supportdesk.pricing import pricelist
from supportdesk.pricing.calculator import Inputs, LineKind, quote
from supportdesk.pricing.pricelist import PLANS, Slab, Tier, Unit

SHIPPED = pricelist.shipped()
ADD_ONS = sorted(SHIPPED.add_ons)


def reference_slab(slab: Slab, quantity: int) -> Decimal:
    """Unit by unit: find each unit's tier by scanning."""
    total = Decimal("0")
    for unit in range(1, quantity + 1):
        for tier in slab.tiers:
            if tier.first <= unit and (tier.last is None or unit <= tier.last):
                total += tier.unit_price
                break
    return total


@st.composite
def slabs(draw: st.DrawFn) -> Slab:
    bounds = sorted(set(draw(st.lists(st.integers(1, 60), max_size=4))))
    prices = draw(
        st.lists(st.decimals(0, 5000, places=2), min_size=len(bounds) + 1, max_size=len(bounds) + 1)
    )
    tiers, first = [], 1
    for index, price in enumerate(prices):
        last = bounds[index] if index < len(bounds) else None
        tiers.append(Tier(first, last, price))
        first = (last or 0) + 1
    return Slab(tuple(tiers))


def add_on_sets() -> st.SearchStrategy[dict[str, int]]:
    return st.dictionaries(st.sampled_from(ADD_ONS), st.integers(1, 300)).map(
        lambda chosen: {
            code: 1 if SHIPPED.add_ons[code].unit is Unit.YEAR else quantity
            for code, quantity in chosen.items()
        }
    )


def inputs() -> st.SearchStrategy[Inputs]:
    return st.builds(
        Inputs,
        plan=st.sampled_from(PLANS),
        users=st.integers(0, 30_000),
        servers=st.integers(1, 40),
        period_start=st.dates(date(2024, 1, 1), date(2028, 12, 31)),
        months=st.integers(1, 36),
        fault_tolerance=st.booleans(),
        add_ons=add_on_sets(),
        with_vat=st.booleans(),
    )


@given(slabs(), st.integers(0, 200))
def test_slab_total_is_the_unit_by_unit_sum(slab: Slab, quantity: int) -> None:
    assert sum(count * tier.unit_price for tier, count in slab.split(quantity)) == (
        reference_slab(slab, quantity)
    )
    assert sum(count for _tier, count in slab.split(quantity)) == quantity


@given(slabs(), st.integers(0, 200), st.integers(0, 50))
def test_slab_total_never_decreases_as_units_grow(slab: Slab, quantity: int, more: int) -> None:
    assert reference_slab(slab, quantity + more) >= reference_slab(slab, quantity)
    total = sum(count * tier.unit_price for tier, count in slab.split(quantity + more))
    assert total >= sum(count * tier.unit_price for tier, count in slab.split(quantity))


@given(inputs())
def test_users_lines_are_the_slab_at_the_term(given_inputs: Inputs) -> None:
    result = quote(given_inputs, SHIPPED)
    plan = SHIPPED.plans[given_inputs.plan]
    users = [line for line in result.lines if line.kind is LineKind.USERS]
    exact = reference_slab(plan.users, given_inputs.users) * given_inputs.months / 12
    # each tier's line is rounded half-up: at most half a kopeck per line away
    assert abs(sum(line.net for line in users) - exact) <= Decimal("0.005") * len(users)
    assert sum(line.quantity for line in users) == given_inputs.users


@given(inputs(), st.integers(1, 5_000), st.integers(0, 20))
def test_no_total_falls_as_users_or_servers_are_added(
    given_inputs: Inputs, more_users: int, more_servers: int
) -> None:
    before = quote(given_inputs, SHIPPED)
    after = quote(
        replace(
            given_inputs,
            users=given_inputs.users + more_users,
            servers=given_inputs.servers + more_servers,
        ),
        SHIPPED,
    )
    assert after.net >= before.net
    assert after.gross >= before.gross


@given(inputs(), add_on_sets())
def test_no_total_falls_as_add_ons_are_added(given_inputs: Inputs, extra: dict[str, int]) -> None:
    more = dict(given_inputs.add_ons)
    for code, quantity in extra.items():
        unit = SHIPPED.add_ons[code].unit
        more[code] = 1 if unit is Unit.YEAR else more.get(code, 0) + quantity
    before = quote(given_inputs, SHIPPED)
    after = quote(replace(given_inputs, add_ons=more), SHIPPED)
    assert after.net >= before.net
    assert after.gross >= before.gross


@given(inputs())
def test_premium_above_24x7_above_8x5_on_the_shipped_list(given_inputs: Inputs) -> None:
    net = {plan: quote(replace(given_inputs, plan=plan), SHIPPED).net for plan in PLANS}
    assert net["premium"] > net["24x7"] > net["8x5"]


@given(inputs())
def test_totals_add_up(given_inputs: Inputs) -> None:
    result = quote(given_inputs, SHIPPED)
    assert result.net == sum(line.net for line in result.lines)
    assert result.vat == sum(part.vat for part in result.vat_parts)
    assert result.gross == result.net + result.vat
    assert all(line.net == line.net.quantize(Decimal("0.01")) for line in result.lines)
    if given_inputs.with_vat:
        assert sum(part.months for part in result.vat_parts) == given_inputs.months
        exact = sum(
            result.net * part.months * part.rate / given_inputs.months for part in result.vat_parts
        )
        assert abs(result.vat - exact) <= Decimal("0.005") * len(result.vat_parts)
