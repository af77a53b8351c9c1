"""The calculator pages: /desk/price/ for staff (Russian by default, money through Babel),
/price/ without sign-in only when SUPPORTDESK_PUBLIC_CALCULATOR is on; every page says the
list is illustrative; the advice stands next to the input that triggers it; bad input is
the form again with its reasons (400)."""

from __future__ import annotations

import re

from django.test import Client
from pytest_django.fixtures import Settings

from tests.tickets.conftest import Desk
from tests.workspace.conftest import browser

DESK = "/desk/price/"
QUERY = {
    "plan": "8x5", "users": "10001", "servers": "1", "period_start": "2025-12-01",
    "months": "2", "spread_over_time_zones": "on", "addon_onsite": "1",
}  # fmt: skip


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_staff_price_a_quote_in_russian(desk: Desk) -> None:
    page = browser(desk.agent).get(DESK, QUERY)
    assert page.status_code == 200
    html = page.content.decode()
    words = text(html)
    assert "Иллюстративные цены" in words
    assert "Калькулятор стоимости" in words
    # the offer's advice next to the inputs that trigger it
    users = html.split('name="users"')[1].split("</div>")[0]
    assert "Premium рекомендуется для инсталляций более 10 000 пользователей." in users
    zones = html.split('name="spread_over_time_zones"')[1].split("</div>")[0]
    assert "24/7 рекомендуется компаниям, распределённым по часовым поясам." in zones
    # Babel's Russian money; 2 months: the first at 20 %, the second at 22 %
    assert "Пользователи (ступень 4, от 10001): 1 × 200,00 ₽ × 2/12 года 33,33 ₽" in words
    assert "НДС 20 % за 1 мес., 01.12.2025–01.01.2026" in words
    assert "НДС 22 % за 1 мес., 01.01.2026–01.02.2026" in words
    # the rules the prices follow, as the quote states them
    assert "каждая единица — по цене своей ступени, поэтому итог не уменьшается" in words
    assert "НДС определяется периодом обслуживания" in words
    plans = text(html.split("price-plans")[1])
    assert plans.index("8/5") < plans.index("24/7") < plans.index("Premium")


def test_english_money(desk: Desk) -> None:
    client = browser(desk.agent)
    client.cookies["django_language"] = "en"
    words = text(client.get(DESK, {**QUERY, "months": "12"}).content.decode())
    assert "Illustrative prices" in words
    assert "On-site support: 1 × RUB60,000.00 per visit RUB60,000.00" in words


def test_bad_input_is_the_form_again(desk: Desk) -> None:
    page = browser(desk.agent).get(DESK, {**QUERY, "servers": "0", "months": "x"})
    assert page.status_code == 400
    assert page.content.decode().count('role="alert"') == 2


def test_customers_are_refused_and_strangers_sent_to_sign_in(desk: Desk) -> None:
    assert browser(desk.anna).get(DESK).status_code == 403
    assert Client().get(DESK).status_code == 302


def test_the_public_page_is_off_by_default(desk: Desk, settings: Settings) -> None:
    assert Client().get("/price/", QUERY).status_code == 404
    settings.PUBLIC_CALCULATOR = True
    page = Client().get("/price/", QUERY)
    assert page.status_code == 200
    assert "Иллюстративные цены" in text(page.content.decode())
