"""Worked examples on the shipped illustrative list: tier boundaries, the fault-tolerance
multiplier, inclusions, VAT switch at 2026-01-01, rounding, refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from supportdesk.pricing import pricelist
from supportdesk.pricing.calculator import InputError, Inputs, advice, compare, quote
from supportdesk.pricing.money import round_half_up
from supportdesk.pricing.vat import add_months, apportion

SHIPPED = pricelist.shipped()
D = Decimal


def lines_of(inputs: Inputs) -> list[tuple[str, int, Decimal, Decimal]]:
    return [
        (line.code, line.quantity, line.unit_price, line.net)
        for line in quote(inputs, SHIPPED).lines
    ]


def base(**changes: object) -> Inputs:
    inputs = Inputs(plan="8x5", users=500, servers=1, period_start=date(2026, 1, 1))
    return replace(inputs, **changes)  # type: ignore[arg-type]


def test_users_at_tier_boundary_stay_in_the_lower_tier() -> None:
    assert lines_of(base(users=500)) == [
        ("base", 1, D("300000.00"), D("300000.00")),
        ("users", 500, D("600.00"), D("300000.00")),
        ("servers", 1, D("60000.00"), D("60000.00")),
    ]


def test_one_user_past_the_boundary_is_priced_at_the_next_tier_alone() -> None:
    assert lines_of(base(users=501))[1:3] == [
        ("users", 500, D("600.00"), D("300000.00")),
        ("users", 1, D("450.00"), D("450.00")),
    ]


def test_servers_span_three_tiers() -> None:
    servers = [line for line in lines_of(base(servers=12)) if line[0] == "servers"]
    assert servers == [
        ("servers", 3, D("60000.00"), D("180000.00")),
        ("servers", 7, D("45000.00"), D("315000.00")),
        ("servers", 2, D("30000.00"), D("60000.00")),
    ]


def test_zero_users_has_no_user_line() -> None:
    assert [line[0] for line in lines_of(base(users=0))] == ["base", "servers"]


def test_fault_tolerance_multiplies_the_plan_lines() -> None:
    result = quote(base(fault_tolerance=True), SHIPPED)
    line = result.lines[-1]
    assert (line.code, line.quantity, line.unit_price, line.net) == (
        "fault_tolerance",
        1,
        D("198000.00"),
        D("198000.00"),
    )
    assert line.of_amount == D("660000.00")
    assert result.net == D("858000.00")


def test_fault_tolerance_per_server() -> None:
    per_server = replace(
        SHIPPED,
        fault_tolerance=pricelist.FaultTolerance(
            pricelist.FaultToleranceKind.PER_SERVER, D("25000.00")
        ),
    )
    line = quote(base(servers=3, fault_tolerance=True), per_server).lines[-1]
    assert (line.code, line.quantity, line.unit_price, line.net) == (
        "fault_tolerance",
        3,
        D("25000.00"),
        D("75000.00"),
    )


def test_included_add_on_is_a_zero_line_and_hours_beyond_the_quota_are_charged() -> None:
    inputs = base(plan="premium", add_ons={"dedicated_engineer": 1, "administration": 150})
    assert lines_of(inputs)[-3:] == [
        ("administration", 120, D("0.00"), D("0.00")),
        ("administration", 30, D("4000.00"), D("120000.00")),
        ("dedicated_engineer", 1, D("0.00"), D("0.00")),
    ]


def test_included_hours_are_prorated_to_the_term() -> None:
    inputs = base(plan="premium", months=6, add_ons={"administration": 100})
    assert lines_of(inputs)[-2:] == [
        ("administration", 60, D("0.00"), D("0.00")),
        ("administration", 40, D("4000.00"), D("160000.00")),
    ]


def test_yearly_items_are_prorated_and_rounded_half_up_per_line() -> None:
    # 7 users x 450.00 x 7/12 = 1837.50; 1 x 600 x ... the base 300000 x 7/12 = 175000.00
    inputs = base(users=507, months=7)
    assert lines_of(inputs)[:3] == [
        ("base", 1, D("300000.00"), D("175000.00")),
        ("users", 500, D("600.00"), D("175000.00")),
        ("users", 7, D("450.00"), D("1837.50")),
    ]
    # 1 user x 450.00 x 1/12 = 37.5 exactly; 1 x 600 x 1/12 = 50
    one = base(users=1, servers=1, months=1, add_ons={"remote_access": 1})
    # 90000 / 12 = 7500
    assert lines_of(one)[-1] == ("remote_access", 1, D("90000.00"), D("7500.00"))


def test_half_kopeck_rounds_up() -> None:
    assert round_half_up(D("0.005")) == D("0.01")
    assert round_half_up(D("2.675")) == D("2.68")
    assert round_half_up(D("2.6749")) == D("2.67")


def test_vat_2025_is_20_percent() -> None:
    result = quote(base(period_start=date(2025, 1, 1)), SHIPPED)
    assert (result.vat_rate, result.vat, result.gross) == (
        D("0.20"),
        D("132000.00"),
        D("792000.00"),
    )


def test_vat_2026_is_22_percent() -> None:
    result = quote(base(period_start=date(2026, 1, 1)), SHIPPED)
    assert (result.vat_rate, result.vat, result.gross) == (
        D("0.22"),
        D("145200.00"),
        D("805200.00"),
    )


def test_a_period_spanning_the_change_is_apportioned_by_months() -> None:
    result = quote(base(period_start=date(2025, 10, 1)), SHIPPED)  # 3 months 2025, 9 in 2026
    assert result.vat_rate is None
    assert [(p.start, p.end, p.months, p.rate, p.vat) for p in result.vat_parts] == [
        (date(2025, 10, 1), date(2026, 1, 1), 3, D("0.20"), D("33000.00")),
        (date(2026, 1, 1), date(2026, 10, 1), 9, D("0.22"), D("108900.00")),
    ]
    assert result.vat == D("141900.00")


def test_each_part_is_rounded_half_up() -> None:
    # 100.01 over 3 months, 1 at 20 %, 2 at 22 %: 6.667 -> 6.67 and 14.668... -> 14.67
    parts = apportion(D("100.01"), start=date(2025, 12, 1), months=3)
    assert [(p.months, p.vat) for p in parts] == [(1, D("6.67")), (2, D("14.67"))]


def test_a_month_takes_the_rate_of_its_first_day() -> None:
    parts = apportion(D("1200.00"), start=date(2025, 12, 15), months=2)
    assert [(p.start, p.end, p.rate) for p in parts] == [
        (date(2025, 12, 15), date(2026, 1, 15), D("0.20")),
        (date(2026, 1, 15), date(2026, 2, 15), D("0.22")),
    ]


def test_month_ends_clamp() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 31), 2) == date(2026, 3, 31)


def test_without_vat() -> None:
    result = quote(base(with_vat=False), SHIPPED)
    assert (result.vat_rate, result.vat, result.gross, result.vat_parts) == (
        D("0"),
        D("0.00"),
        D("660000.00"),
        (),
    )


def test_three_plans_side_by_side() -> None:
    totals = {plan: q.net for plan, q in compare(base(users=1000, servers=2), SHIPPED).items()}
    assert totals == {
        "8x5": D("300000.00") + D("300000.00") + D("225000.00") + D("120000.00"),
        "24x7": D("600000.00") + D("450000.00") + D("350000.00") + D("180000.00"),
        "premium": D("4800000.00") + D("650000.00") + D("500000.00") + D("260000.00"),
    }


def test_advice_next_to_its_inputs() -> None:
    assert advice(base(spread_over_time_zones=True)) == [
        advice(base(spread_over_time_zones=True))[0]
    ]
    found = advice(base(users=10_001, spread_over_time_zones=True))
    assert [(a.field, a.plan, a.code) for a in found] == [
        ("spread_over_time_zones", "24x7", "time_zones"),
        ("users", "premium", "large_installation"),
    ]
    assert advice(base(users=10_000)) == []
    assert advice(base(plan="24x7", spread_over_time_zones=True)) == []
    assert advice(base(plan="premium", users=50_000, spread_over_time_zones=True)) == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"plan": "gold"}, "unknown plan 'gold' (one of: 8x5, 24x7, premium)"),
        ({"users": -1}, "users must be from 0 to 10000000"),
        ({"servers": 0}, "servers must be from 1 to 100000"),
        ({"months": 0}, "months must be from 1 to 120"),
        ({"add_ons": {"gold": 1}}, "unknown add-on 'gold'"),
        ({"add_ons": {"test_dev": 2}}, "add-on 'test_dev' is sold per year: no quantity"),
        ({"add_ons": {"onsite": 0}}, "add-on 'onsite': quantity must be from 1 to 100000"),
        ({"period_start": date(2018, 12, 1)}, "no VAT rate known on 2018-12-01"),
    ],
)
def test_refusals(changes: dict[str, object], reason: str) -> None:
    with pytest.raises(InputError) as raised:
        quote(base(**changes), SHIPPED)
    assert str(raised.value).startswith(reason)
