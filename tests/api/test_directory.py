"""Organizations, contacts, contracts: staff see all, a customer their own organization."""

from __future__ import annotations

from typing import Any

from tests.api.helpers import Api
from tests.tickets.conftest import Desk


def names(answer: Any, field: str = "name") -> list[str]:
    assert answer.status_code == 200, answer.content
    return [item[field] for item in answer.json()["items"]]


def test_staff_see_every_organization_contact_and_contract(desk: Desk) -> None:
    staff = Api(desk.agent)
    assert names(staff.get("/organizations")) == ["Alfa", "Beta"]
    assert names(staff.get("/contacts")) == ["Alla", "Anna", "Boris", "Vera"]
    assert names(staff.get("/contracts"), "number") == ["A-1", "B-1"]
    assert staff.get(f"/organizations/{desk.beta.pk}").json()["slug"] == "beta"


def test_a_customer_sees_their_own_organization_only(desk: Desk) -> None:
    anna = Api(desk.anna)
    assert names(anna.get("/organizations")) == ["Alfa"]
    assert names(anna.get("/contacts")) == ["Alla", "Anna", "Boris"]
    assert names(anna.get("/contracts"), "number") == ["A-1"]
    assert anna.get(f"/organizations/{desk.alfa.pk}").status_code == 200
    assert anna.get(f"/contacts/{desk.contact(desk.boris).pk}").status_code == 200
    contract = anna.get(f"/contracts/{desk.alfa_contract.pk}").json()
    assert (contract["plan"], contract["policy_version"], contract["valid_from"]) == (
        "8x5",
        1,
        "2026-01-01",
    )
    assert anna.get(f"/organizations/{desk.beta.pk}").status_code == 404
    assert anna.get(f"/contacts/{desk.contact(desk.vera).pk}").status_code == 404
    assert anna.get(f"/contracts/{desk.beta_contract.pk}").status_code == 404


def test_someone_without_a_contact_sees_nothing(desk: Desk) -> None:
    desk.contact(desk.anna).delete()
    anna = Api(desk.anna)
    assert names(anna.get("/organizations")) == []
    assert names(anna.get("/contacts")) == []
    assert anna.get(f"/organizations/{desk.alfa.pk}").status_code == 404


def test_directory_pagination(desk: Desk) -> None:
    page = Api(desk.agent).get("/contacts", limit=2, offset=1).json()
    assert (page["count"], [item["name"] for item in page["items"]]) == (4, ["Anna", "Boris"])
    assert Api(desk.agent).get("/contacts", limit=500).status_code == 422
