"""/desk/what-if/: support leads and personal managers replay an organization's requests
on every plan; other staff are refused (403), customers and strangers see no page (404)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from supportdesk.slamath.policy import Priority
from supportdesk.staff.models import StaffRole
from supportdesk.tickets import actions
from tests.tickets.conftest import Desk, _staff, at
from tests.workspace.conftest import browser, open_

URL = reverse("workspace:what-if")


def rows(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("</tr>")[:-1]]


@pytest.fixture
def answered(desk: Desk) -> None:
    request = open_(desk, Priority.P3)  # Monday 23 Nov 10:00
    actions.reply(actor=desk.engineer, request=request, body="Looking.", now=at(23, 10, 30))


def test_a_lead_sees_every_plan_with_the_actual_one_marked(desk: Desk, answered: None) -> None:
    page = browser(desk.lead).get(
        URL, {"organization": str(desk.alfa.pk), "first": "2026-11", "last": "2026-11"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Что, если" in html  # Russian by default
    # Answered after 30 minutes; the resolution clocks run within their targets (not
    # counted); Premium's reaction target is 15 minutes.
    assert rows(html) == [
        "8/5 действующий тариф 1 обращения 1 1 / 1 (100 %) — 0",
        "24/7 1 1 / 1 (100 %) — 0",
        "Premium 1 0 / 1 (0 %) — 1",
    ]
    assert html.count('class="actual-plan"') == 1


def test_the_form_proposes_the_last_twelve_full_months(desk: Desk) -> None:
    html = browser(desk.lead).get(URL).content.decode()
    assert 'value="2025-11"' in html
    assert 'value="2026-10"' in html
    assert "<tbody>" not in html


def test_the_personal_manager_may_and_another_manager_gets_404(desk: Desk, answered: None) -> None:
    query = {"organization": str(desk.alfa.pk), "first": "2026-11", "last": "2026-11"}
    assert browser(desk.manager).get(URL, query).status_code == 200
    stranger = _staff("mila", StaffRole.MANAGER)
    page = browser(stranger).get(URL, query)
    assert page.status_code == 404
    assert "Alfa" not in page.content.decode()


def test_other_staff_are_refused_and_customers_see_no_page(desk: Desk) -> None:
    query = {"organization": str(desk.alfa.pk), "first": "2026-11", "last": "2026-11"}
    assert browser(desk.engineer).get(URL, query).status_code == 403
    assert browser(desk.anna).get(URL, query).status_code == 404
    assert browser(desk.alfa_admin).get(URL).status_code == 404


def test_a_period_backwards_is_a_400_and_nothing_changes_by_post(desk: Desk) -> None:
    client = browser(desk.lead)
    query = {"organization": str(desk.alfa.pk), "first": "2026-11", "last": "2026-10"}
    assert client.get(URL, query).status_code == 400
    assert client.post(URL, query).status_code == 405
