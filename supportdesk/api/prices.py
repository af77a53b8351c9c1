"""The price calculator over the API: ``POST /api/v1/price-quotes`` prices the inputs on the
list in force, with every line explained, the three plans side by side and the offer's
advice (docs/pricing.md). Staff may; anyone else only when the public calculator is on
(otherwise 404, as for anything the caller may not see). Nothing is stored."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from supportdesk.api.auth import acting_user
from supportdesk.api.schemas import ERRORS, Code, StrictBody
from supportdesk.billing import reads
from supportdesk.billing.calculate import calculate, may_see_prices
from supportdesk.billing.display import advice_text, line_text
from supportdesk.pricing import calculator
from supportdesk.pricing.money import decimal_text

router = Router(tags=["prices"])

Day = Annotated[date, Field(ge=date(2019, 1, 1), le=date(2099, 12, 31))]


class QuoteIn(StrictBody):
    plan: Literal["8x5", "24x7", "premium"]
    users: int = Field(ge=0, le=calculator.MAX_USERS)
    servers: int = Field(ge=1, le=calculator.MAX_SERVERS, description="CTS servers")
    fault_tolerance: bool = False
    add_ons: dict[Code, Annotated[int, Field(ge=1, le=calculator.MAX_QUANTITY)]] = Field(
        default_factory=dict,
        description="add-on code -> quantity (1 for yearly add-ons; visits or hours)",
    )
    period_start: Day | None = Field(None, description="default: today")
    months: int = Field(12, ge=1, le=calculator.MAX_MONTHS)
    with_vat: bool = Field(True, description="false: без НДС")
    spread_over_time_zones: bool = False


class LineOut(Schema):
    code: str
    text: str
    quantity: int
    unit_price: str
    net: str
    included: bool


class VatPartOut(Schema):
    start: date
    end: date
    rate: str
    vat: str


class PlanTotalOut(Schema):
    plan: str
    net: str
    vat: str
    gross: str


class AdviceOut(Schema):
    field: str
    plan: str
    text: str


class QuoteOut(Schema):
    price_list: str
    illustrative: bool
    currency: str
    plan: str
    period_start: date
    period_end: date
    lines: list[LineOut]
    net: str
    vat_rate: str | None
    vat_parts: list[VatPartOut]
    vat: str
    gross: str
    plans: list[PlanTotalOut]
    advice: list[AdviceOut]


@router.post("/price-quotes", response={200: QuoteOut, **ERRORS})
def price_quote(request: HttpRequest, data: QuoteIn) -> QuoteOut:
    """An itemized price on the price list in force (stores nothing)."""
    if not may_see_prices(acting_user(request)):
        raise HttpError(404, "Not Found")
    today = timezone.localdate(timezone.now())
    inputs = calculator.Inputs(
        plan=data.plan, users=data.users, servers=data.servers,
        period_start=data.period_start or today, months=data.months,
        fault_tolerance=data.fault_tolerance, add_ons=dict(data.add_ons),
        with_vat=data.with_vat, spread_over_time_zones=data.spread_over_time_zones,
    )  # fmt: skip
    try:
        result = calculate(inputs, today=today)
    except reads.NoPriceList as error:
        raise HttpError(409, str(error)) from None
    except calculator.InputError as error:
        raise HttpError(422, str(error)) from None
    quote, currency = result.quote, result.row.currency
    return QuoteOut(
        price_list=result.row.version,
        illustrative=result.row.illustrative,
        currency=currency,
        plan=inputs.plan,
        period_start=inputs.period_start,
        period_end=quote.period_end,
        lines=[
            LineOut(
                code=line.code,
                text=line_text(line, currency),
                quantity=line.quantity,
                unit_price=decimal_text(line.unit_price),
                net=decimal_text(line.net),
                included=line.included,
            )
            for line in quote.lines
        ],
        net=decimal_text(quote.net),
        vat_rate=None if quote.vat_rate is None else decimal_text(quote.vat_rate),
        vat_parts=[
            VatPartOut(
                start=part.start,
                end=part.end,
                rate=decimal_text(part.rate),
                vat=decimal_text(part.vat),
            )
            for part in quote.vat_parts
        ],
        vat=decimal_text(quote.vat),
        gross=decimal_text(quote.gross),
        plans=[
            PlanTotalOut(
                plan=plan,
                net=decimal_text(other.net),
                vat=decimal_text(other.vat),
                gross=decimal_text(other.gross),
            )
            for plan, other in result.plans.items()
        ],
        advice=[
            AdviceOut(field=item.field, plan=item.plan, text=advice_text(item))
            for item in result.advice
        ],
    )
