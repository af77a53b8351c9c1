"""What every calculator (the pages, the API) shows for one set of inputs: the quote on the
list in force, the three plans side by side and the offer's advice. Who may see prices:
staff (``SEE_PRICES``), and anyone when the vendor enables the public calculator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User

from supportdesk.billing import reads
from supportdesk.billing.models import PriceList
from supportdesk.pricing import calculator
from supportdesk.staff.permissions import Capability, may


@dataclass(frozen=True)
class Calculation:
    row: PriceList
    quote: calculator.Quote
    plans: dict[str, calculator.Quote]
    advice: list[calculator.Advice]


def may_see_prices(user: User | AnonymousUser | None) -> bool:
    return settings.PUBLIC_CALCULATOR or may(user, Capability.SEE_PRICES)


def calculate(inputs: calculator.Inputs, *, today: date) -> Calculation:
    """Raises ``reads.NoPriceList`` or ``calculator.InputError`` with the reason."""
    row, data = reads.in_force(today)
    result = calculator.quote(inputs, data)
    return Calculation(row, result, calculator.compare(inputs, data), calculator.advice(inputs))
