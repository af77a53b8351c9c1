"""Money: ``Decimal`` amounts with a currency code, rounded half-up to the currency's
minor unit at line level."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def round_half_up(amount: Decimal) -> Decimal:
    """To kopecks (cents), half away from zero: 0.005 -> 0.01."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def decimal_text(value: Decimal) -> str:
    """A decimal as a plain string without exponent ("0.22", "1500.00")."""
    return format(value, "f")
