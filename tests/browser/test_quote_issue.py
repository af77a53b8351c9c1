"""A quote in Chromium, as the personal manager and the lead click it: from the calculator
to a new draft, issued (numbered, priced, with the illustrative mark), its PDF and
spreadsheet downloaded, accepted by the customer, and made into a contract."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from supportdesk.billing.models import Quote, QuoteStatus
from supportdesk.contracts.models import Contract
from tests.browser.conftest import Console
from tests.browser.test_request_journey import sign_in
from tests.tickets.conftest import Desk
from tests.tickets.conftest import desk as desk

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_issues_a_quote_and_a_lead_makes_the_contract(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console
) -> None:
    manager = sign_in(browser, live_server, console, desk.manager.username)
    manager.goto("/desk/price/")
    manager.get_by_role("link", name="Коммерческие предложения").first.click()
    manager.get_by_role("link", name="Новое предложение").click()
    manager.locator("#id_organization").select_option(str(desk.alfa.pk))
    manager.locator("#id_plan").select_option("24x7")
    manager.locator("#id_users").fill("600")
    manager.locator("#id_servers").fill("2")
    manager.locator("#id_fault_tolerance").check()
    manager.locator("#id_period_start").fill("2027-01-01")
    manager.locator("#id_months").fill("12")
    manager.get_by_role("button", name="Сохранить черновик").click()
    manager.wait_for_url(re.compile(r"/desk/price/quotes/\d+/$"))
    quote = Quote.objects.get()
    expect(manager.locator("main")).to_contain_text("Черновик коммерческого предложения")
    expect(manager.get_by_role("link", name="PDF")).to_have_count(0)

    manager.get_by_role("button", name=re.compile("^Выставить")).click()
    manager.wait_for_load_state()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT
    assert re.fullmatch(r"КП-\d{4}-0001", quote.number), quote.number
    main = manager.locator("main")
    expect(main).to_contain_text(f"Коммерческое предложение {quote.number}")
    expect(main).to_contain_text("Иллюстративные цены")
    expect(main).to_contain_text("Пользователи (ступень 2, 501–2000)")
    expect(main).to_contain_text("НДС 22 %")
    expect(manager.get_by_role("button", name=re.compile("^Выставить"))).to_have_count(0)

    for name, kind, magic in (("PDF", "pdf", b"%PDF-"), ("Таблица", "xlsx", b"PK\x03\x04")):
        with manager.expect_download() as downloading:
            manager.get_by_role("link", name=name).click()
        download = downloading.value
        assert download.suggested_filename.endswith(f".{kind}"), download.suggested_filename
        path = download.path()
        assert path.read_bytes().startswith(magic)

    manager.get_by_role("button", name="Принято клиентом").click()
    manager.wait_for_load_state()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED

    lead = sign_in(browser, live_server, console, desk.lead.username)
    lead.goto(f"/desk/price/quotes/{quote.pk}/")
    lead.locator("input[name=number]").fill("A-2027")
    lead.locator("select[name=dedicated_engineer]").select_option(str(desk.engineer.pk))
    lead.locator("select[name=personal_manager]").select_option(str(desk.manager.pk))
    lead.get_by_role("button", name="Сделать договор").click()
    contract = Contract.objects.get(number="A-2027")
    lead.wait_for_url(f"**/desk/contracts/{contract.pk}/")
    lead.goto(f"/desk/price/quotes/{quote.pk}/")
    expect(lead.get_by_role("link", name="A-2027")).to_be_visible()
    assert (contract.users, contract.cts_servers, contract.fault_tolerance) == (600, 2, True)
    assert console == []
