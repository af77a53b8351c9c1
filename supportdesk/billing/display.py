"""Quotes for people and scripts: money through Babel in Russian and English, each line in
words, and the CLI's JSON (a contract: ``docs/pricing.md``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import format_currency, format_decimal
from django.utils import translation
from django.utils.translation import gettext

from supportdesk.contracts.models import AddOn
from supportdesk.pricing.calculator import Advice, Line, Quote, explain
from supportdesk.pricing.money import decimal_text
from supportdesk.pricing.vat import RUSSIA

LOCALES = {"ru": "ru_RU", "en": "en_US"}

# The plans as the offer names them (the same in every language).
PLAN_TITLES = {"8x5": "8/5", "24x7": "24/7", "premium": "Premium"}


def locale() -> str:
    return LOCALES.get((translation.get_language() or "ru")[:2], "ru_RU")


def money(amount: Decimal, currency: str) -> str:
    """``1 234 567,00 ₽`` in Russian, ``RUB 1,234,567.00`` in English."""
    return format_currency(amount, currency, locale=locale())


def rate(value: Decimal) -> str:
    return format_decimal(value * 100, format="#,##0.##", locale=locale()) + " %"


def add_on_label(code: str) -> str:
    return str(AddOn(code).label) if code in AddOn.values else code


def line_text(line: Line, currency: str) -> str:
    return explain(
        line,
        gettext=gettext,
        money=lambda amount: money(amount, currency),
        label=add_on_label,
    )


def as_json(quote: Quote) -> dict[str, Any]:
    """The ``price quote --json`` object; amounts and rates as decimal strings."""
    currency = quote.price_list.currency
    with translation.override("en"):
        lines = [
            {
                "code": line.code,
                "text": explain(line, gettext=gettext, money=decimal_text, label=add_on_label),
                "quantity": line.quantity,
                "unit_price": decimal_text(line.unit_price),
                "net": decimal_text(line.net),
            }
            for line in quote.lines
        ]
    payload: dict[str, Any] = {
        "price_list": quote.price_list.version,
        "illustrative": quote.price_list.illustrative,
        "currency": currency,
        "lines": lines,
        "net": decimal_text(quote.net),
        "vat_rate": None if quote.vat_rate is None else decimal_text(quote.vat_rate),
        "vat": decimal_text(quote.vat),
        "gross": decimal_text(quote.gross),
    }
    if quote.vat_rate is None:
        payload["vat_parts"] = [
            {
                "from": part.start.isoformat(),
                "to": part.end.isoformat(),
                "rate": decimal_text(part.rate),
                "vat": decimal_text(part.vat),
            }
            for part in quote.vat_parts
        ]
    return payload


def advice_text(advice: Advice) -> str:
    """The offer's words for an advice (SPEC section 3, "recommended use")."""
    if advice.code == "time_zones":
        return gettext("24/7 is recommended for companies spread over time zones.")
    return gettext("Premium is recommended for installations over 10,000 users.")


def rules(*, illustrative: bool, version: str, with_vat: bool) -> list[str]:
    """The rules the prices follow, as the quote and the calculator state them."""
    found = []
    if illustrative:
        found.append(
            gettext(
                "Illustrative prices: price list %(version)s only shows how the calculator "
                "works; the offer publishes no prices."
            )
            % {"version": version}
        )
    found.append(
        gettext(
            "Users and servers are priced by slab: each unit at its own tier's price, so a "
            "total never falls as users grow."
        )
    )
    found.append(
        gettext("Each line is rounded half-up to kopecks; the net total is the sum of the lines.")
    )
    if with_vat:
        found.append(
            gettext(
                "VAT follows the service period, not the date of the quote: %(before)s "
                "through 2025, %(after)s from 1 January 2026; a period that spans a change "
                "of rate is apportioned by months, each part rounded half-up."
            )
            % {"before": rate(RUSSIA[0].rate), "after": rate(RUSSIA[1].rate)}
        )
    else:
        found.append(gettext("Without VAT: the prices carry no VAT."))
    return found
