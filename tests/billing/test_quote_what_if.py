"""The what-if on the quote page: for an existing customer, the last 12 full months of its
requests replayed on the quoted plan next to their actual clocks. Alfa's November of
tests/tickets/test_what_if.py, worked out by hand there: on 8/5 (Alfa's own plan, so the
actual figures) reaction 4 of 4 and resolution 1 of 2; on 24/7 reaction 3 of 4 and
resolution 0 of 3. Its October request (a P3 opened on 30 October, never answered) is in
the twelve months too: by 2 December both its clocks have breached on every plan, so
8/5: reaction 4 of 5, resolution 1 of 3; 24/7: reaction 3 of 5, resolution 0 of 4."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from supportdesk.billing import quotes
from supportdesk.customers.models import Organization
from supportdesk.pricing.calculator import Inputs
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.models import Request
from supportdesk.tickets.whatif import full_months_before, plan_against_actual
from tests.billing.conftest import NOW
from tests.billing.test_quote_pages import text
from tests.tickets.conftest import MOSCOW, Desk
from tests.tickets.test_what_if import november as november
from tests.workspace.conftest import browser

DECEMBER = datetime(2026, 12, 2, 12, tzinfo=MOSCOW)  # November is a full month now


def inputs(plan: str) -> Inputs:
    return Inputs(plan=plan, users=500, servers=1, period_start=date(2027, 1, 1))


def test_the_twelve_full_months_before_today() -> None:
    assert full_months_before(date(2026, 12, 2), MOSCOW) == (
        datetime(2025, 12, 1, tzinfo=MOSCOW), datetime(2026, 12, 1, tzinfo=MOSCOW),
    )  # fmt: skip
    assert full_months_before(date(2027, 1, 31), MOSCOW)[0] == datetime(2026, 1, 1, tzinfo=MOSCOW)


def test_the_quoted_plan_against_the_actual_clocks(desk: Desk, november: list[Request]) -> None:
    start, end = full_months_before(DECEMBER.date(), MOSCOW)
    on_24 = plan_against_actual(desk.manager, desk.alfa, "24x7", start=start, end=end,
                                now=DECEMBER)  # fmt: skip
    figures = [(s.met, s.total) for s in (on_24.actual_reaction, on_24.actual_resolution,
                                           on_24.reaction, on_24.resolution)]  # fmt: skip
    assert (on_24.requests, figures) == (5, [(4, 5), (1, 3), (3, 5), (0, 4)])
    assert (on_24.actual_reaction.share, on_24.reaction.share) == (
        Decimal("0.8000"), Decimal("0.6000"),
    )  # fmt: skip
    # the own plan: the quoted figures are the actual ones
    on_8 = plan_against_actual(desk.lead, desk.alfa, "8x5", start=start, end=end, now=DECEMBER)
    assert (on_8.reaction, on_8.resolution) == (on_8.actual_reaction, on_8.actual_resolution)
    # on 30 November, November is not a full month yet
    start, end = full_months_before(NOW.astimezone(MOSCOW).date(), MOSCOW)
    early = plan_against_actual(desk.manager, desk.alfa, "24x7", start=start, end=end, now=NOW)
    assert early.requests == 1  # October only
    with pytest.raises(ActionDenied):
        plan_against_actual(desk.agent, desk.alfa, "24x7", start=start, end=end, now=NOW)


def test_the_quote_page_shows_it(desk: Desk, november: list[Request]) -> None:
    quote = quotes.draft_quote(actor=desk.manager, organization=desk.alfa, inputs=inputs("24x7"),
                               now=NOW)  # fmt: skip
    with time_machine.travel(DECEMBER, tick=False):
        words = text(browser(desk.manager).get(f"/desk/price/quotes/{quote.pk}/").content.decode())
    assert "Alfa: 5 обращений, зарегистрированных с 01.12.2025 до 01.12.2026" in words
    assert "Фактически (каждое обращение на своём тарифе) 4 / 5 (80 %) 1 / 3 (33 %)" in words
    assert "На предлагаемом тарифе, 24/7 3 / 5 (60 %) 0 / 4 (0 %)" in words


def test_a_new_customer_has_no_history(desk: Desk) -> None:
    new = Organization.objects.create(name="Gamma", slug="gamma")
    quote = quotes.draft_quote(actor=desk.manager, organization=new, inputs=inputs("premium"),
                               now=NOW)  # fmt: skip
    words = text(browser(desk.manager).get(f"/desk/price/quotes/{quote.pk}/").content.decode())
    assert "Новый клиент: истории для воспроизведения нет." in words
