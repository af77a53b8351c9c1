"""POST /api/v1/price-quotes: staff get the itemized price, the three plans and the advice;
customers get 404 while the public calculator is off; bad input is a 422 with a reason."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.fixtures import Settings

from supportdesk.billing.models import PriceList
from tests.api.helpers import Api
from tests.tickets.conftest import Desk

BODY = {"plan": "8x5", "users": 12000, "servers": 2, "spread_over_time_zones": True}


def post(user: Any, body: Any) -> Any:
    return Api(user).post("/price-quotes", body)


def test_staff_get_lines_plans_and_advice(desk: Desk) -> None:
    answer = post(desk.agent, {**BODY, "period_start": "2026-01-01", "add_ons": {"onsite": 1}})
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert [(line["code"], line["quantity"], line["net"]) for line in data["lines"]] == [
        ("base", 1, "300000.00"),
        ("users", 500, "300000.00"),
        ("users", 1500, "675000.00"),
        ("users", 8000, "2400000.00"),
        ("users", 2000, "400000.00"),
        ("servers", 2, "120000.00"),
        ("onsite", 1, "60000.00"),
    ]
    assert data["lines"][3]["text"] == "Users (tier 3, 2001–10000): 8000 × RUB300.00"
    assert (data["net"], data["vat_rate"], data["vat"], data["gross"]) == (
        "4255000.00", "0.22", "936100.00", "5191100.00",
    )  # fmt: skip
    assert (data["price_list"], data["illustrative"], data["period_end"]) == (
        "illustrative-1", True, "2027-01-01",
    )  # fmt: skip
    assert [plan["plan"] for plan in data["plans"]] == ["8x5", "24x7", "premium"]
    assert data["plans"][0]["net"] == "4255000.00"
    assert data["advice"] == [
        {"field": "spread_over_time_zones", "plan": "24x7",
         "text": "24/7 is recommended for companies spread over time zones."},
        {"field": "users", "plan": "premium",
         "text": "Premium is recommended for installations over 10,000 users."},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"add_ons": {"gold": 1}}, "unknown add-on 'gold'"),
        ({"add_ons": {"test_dev": 3}}, "add-on 'test_dev' is sold per year: no quantity"),
        ({"plan": "gold"}, "plan"),
        ({"users": -1}, "users"),
        ({"months": 0}, "months"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_422_with_a_reason(desk: Desk, change: dict[str, Any], detail: str) -> None:
    answer = post(desk.agent, {**BODY, **change})
    assert answer.status_code == 422
    assert detail in answer.json()["detail"]


def test_no_list_in_force_is_a_409(desk: Desk) -> None:
    PriceList.objects.update(status="retired")
    answer = post(desk.agent, BODY)
    assert (answer.status_code, answer.json()) == (409, {"detail": "No price list is in force."})


def test_customers_get_404_unless_the_calculator_is_public(desk: Desk, settings: Settings) -> None:
    assert post(desk.anna, BODY).status_code == 404
    settings.PUBLIC_CALCULATOR = True
    assert post(desk.anna, BODY).status_code == 200
    assert Api().post("/price-quotes", BODY).status_code == 401
