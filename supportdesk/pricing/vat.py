"""VAT as data by date, resolved by the service period, apportioned by months.

Each month of a period ``[start, start + N months)`` takes the rate in force on its first
day; months in a row at the same rate make one part, whose VAT is the period's net times
the part's months over N times the rate, rounded half-up. A period within one rate is one
part. Russia: 20 % through 2025, 22 % from 1 January 2026.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from supportdesk.pricing.money import round_half_up


class VatError(ValueError):
    """No rate known for a date."""


@dataclass(frozen=True, slots=True)
class VatRate:
    valid_from: date
    rate: Decimal


RUSSIA: tuple[VatRate, ...] = (
    VatRate(date(2019, 1, 1), Decimal("0.20")),
    VatRate(date(2026, 1, 1), Decimal("0.22")),
)


@dataclass(frozen=True, slots=True)
class VatPart:
    start: date  # first day
    end: date  # the day after the last
    months: int
    rate: Decimal
    vat: Decimal


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def rate_on(day: date, schedule: Sequence[VatRate] = RUSSIA) -> Decimal:
    found = [item for item in schedule if item.valid_from <= day]
    if not found:
        raise VatError(f"no VAT rate known on {day.isoformat()}")
    return max(found, key=lambda item: item.valid_from).rate


def apportion(
    net: Decimal, *, start: date, months: int, schedule: Sequence[VatRate] = RUSSIA
) -> list[VatPart]:
    """The VAT of ``net`` for the period ``[start, start + months)``, one part per rate."""
    if months < 1:
        raise VatError("a period has at least one month")
    runs: list[tuple[date, date, int, Decimal]] = []
    for index in range(months):
        first = add_months(start, index)
        following = add_months(start, index + 1)
        rate = rate_on(first, schedule)
        if runs and runs[-1][3] == rate:
            begin, _end, count, _rate = runs[-1]
            runs[-1] = (begin, following, count + 1, rate)
        else:
            runs.append((first, following, 1, rate))
    return [
        VatPart(begin, end, count, rate, round_half_up(net * count * rate / months))
        for begin, end, count, rate in runs
    ]
