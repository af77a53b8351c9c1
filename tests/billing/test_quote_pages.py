"""The quote pages (/desk/price/quotes/): only those who price quotes (personal managers
and leads) see them, every change goes through a form with its CSRF token, and a quote
goes draft → edited → issued → accepted → contract, or declined → new revision (same
number), or past its validity → expired (read at once, stored by the hourly job)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import time_machine
from django.test import Client

from supportdesk.audit.models import AuditEvent
from supportdesk.billing import quotes
from supportdesk.billing.models import Quote, QuoteStatus
from supportdesk.billing.tasks import expire_sent_quotes
from supportdesk.contracts.models import Contract
from tests.billing.conftest import NOW
from tests.billing.test_quotes import INPUTS, draft
from tests.tickets.conftest import Desk
from tests.workspace.conftest import browser

LIST = "/desk/price/quotes/"
FORM = {
    "plan": "24x7", "users": "600", "servers": "2", "fault_tolerance": "on",
    "period_start": "2027-01-01", "months": "12", "addon_onsite": "2",
    "addon_administration": "40", "addon_dedicated_engineer": "on",
}  # fmt: skip


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def page_of(quote: Quote) -> str:
    return f"{LIST}{quote.pk}/"


def test_customers_and_staff_without_the_capability_are_refused(desk: Desk) -> None:
    quote = draft(desk)
    events = AuditEvent.objects.count()
    urls = [LIST, f"{LIST}new/", page_of(quote), f"{page_of(quote)}edit/",
            f"{page_of(quote)}pdf", f"{page_of(quote)}xlsx"]  # fmt: skip
    for user, status in ((desk.anna, 404), (desk.alfa_admin, 404), (desk.agent, 403),
                         (desk.engineer, 403)):  # fmt: skip
        client = browser(user)
        for url in urls:
            assert client.get(url).status_code == status, (user, url)
        for action in ("issue", "accept", "revise", "contract"):
            assert client.post(f"{page_of(quote)}{action}/").status_code == status
        assert client.post(f"{LIST}new/", {**FORM, "organization": desk.alfa.pk}).status_code == (
            status
        )
    assert Client().get(LIST).status_code == 302  # to sign in
    assert list(Quote.objects.values_list("status", flat=True)) == [QuoteStatus.DRAFT]
    assert AuditEvent.objects.count() == events


def test_the_forms_keep_csrf(desk: Desk) -> None:
    quote = draft(desk)
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.manager)
    assert client.post(f"{page_of(quote)}issue/").status_code == 403
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.DRAFT
    page = client.get(page_of(quote)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    answer = client.post(f"{page_of(quote)}issue/", {"csrfmiddlewaretoken": token[1]})
    assert answer.status_code == 302
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.SENT


def test_a_quote_from_draft_to_contract_through_the_pages(desk: Desk) -> None:
    manager = browser(desk.manager)
    assert 'href="/desk/price/quotes/"' in manager.get("/desk/price/").content.decode()
    new = manager.post(f"{LIST}new/", {**FORM, "organization": desk.alfa.pk, "users": "500"})
    quote = Quote.objects.get()
    assert (new.status_code, new["Location"]) == (302, page_of(quote))
    words = text(manager.get(page_of(quote)).content.decode())
    assert "Черновик коммерческого предложения" in words
    assert "Предварительный расчёт по прайс-листу, действующему сегодня" in words
    assert "Выставить" in words
    assert "Принято клиентом" not in words
    # the draft's inputs, edited
    edit = manager.post(f"{page_of(quote)}edit/", FORM)
    assert edit.status_code == 302
    assert Quote.objects.get().inputs["users"] == 600
    assert manager.post(f"{page_of(quote)}edit/", {**FORM, "servers": "0"}).status_code == 400
    # issued: numbered, lines frozen and explained in Russian, VAT, the illustrative mark
    manager.post(f"{page_of(quote)}issue/")
    words = text(manager.get(page_of(quote)).content.decode())
    assert "Коммерческое предложение КП-2026-0001" in words
    assert "Иллюстративные цены" in words
    assert "Пользователи (ступень 2, 501–2000): 100 × 700,00 ₽ 70 000,00 ₽" in words
    assert "НДС 22 % 829 400,00 ₽" in words
    assert "Итого 4 599 400,00 ₽" in words
    assert "Действует до 30.12.2026" in words
    assert "Прайс-лист illustrative-1" in words
    assert "Редактировать черновик" not in words
    assert "Принято клиентом" in words
    listing = text(manager.get(LIST, {"status": "sent"}).content.decode())
    assert "КП-2026-0001 Alfa отправлено 4 599 400,00 ₽ 30.12.2026" in listing
    assert "КП-2026-0001" not in text(manager.get(LIST, {"status": "draft"}).content.decode())
    # accepted, then the contract (a lead: the hours and visits are purchases)
    manager.post(f"{page_of(quote)}accept/")
    lead = browser(desk.lead)
    made = lead.post(
        f"{page_of(quote)}contract/",
        {"number": "A-2027", "dedicated_engineer": desk.engineer.pk,
         "personal_manager": desk.manager.pk},
    )  # fmt: skip
    contract = Contract.objects.get(number="A-2027")
    assert (made.status_code, made["Location"]) == (302, f"/desk/contracts/{contract.pk}/")
    words = text(lead.get(page_of(quote)).content.decode())
    assert "Договор: A-2027" in words
    assert "Сделать договор" not in words
    assert list(
        AuditEvent.objects.filter(subject_type="billing.quote", subject_id=str(quote.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["quote.drafted", "quote.draft_edited", "quote.issued", "quote.accepted",
          "quote.contract_made"]  # fmt: skip


def test_a_refused_change_is_a_message_not_a_500(desk: Desk) -> None:
    quote = quotes.issue_quote(actor=desk.manager, quote=draft(desk), now=NOW)
    client = browser(desk.manager)
    answer = client.post(f"{page_of(quote)}issue/", follow=True)
    assert answer.status_code == 200
    assert "Выставить можно только черновик." in text(answer.content.decode())
    assert client.post(f"{page_of(quote)}nonsense/").status_code == 404
    assert client.get(f"{LIST}999999/").status_code == 404
    assert client.post(f"{page_of(quote)}edit/", FORM).status_code == 302  # back, refused
    assert Quote.objects.get().inputs == quote.inputs


def test_a_declined_quote_gets_a_revision_that_keeps_its_number(desk: Desk) -> None:
    quote = quotes.issue_quote(actor=desk.manager, quote=draft(desk), now=NOW)
    client = browser(desk.manager)
    client.post(f"{page_of(quote)}decline/")
    answer = client.post(f"{page_of(quote)}revise/")
    revision = Quote.objects.get(previous=quote)
    assert answer["Location"] == page_of(revision)
    assert (revision.revision, revision.status, revision.inputs) == (
        2, QuoteStatus.DRAFT, quote.inputs,
    )  # fmt: skip
    assert "Новая редакция" not in text(client.get(page_of(quote)).content.decode())
    client.post(f"{page_of(revision)}issue/")
    revision.refresh_from_db()
    assert (revision.number, revision.revision) == ("КП-2026-0001", 2)
    words = text(client.get(page_of(revision)).content.decode())
    assert "Коммерческое предложение КП-2026-0001 (редакция 2)" in words
    # one revision per quote
    client.post(f"{page_of(quote)}revise/")
    assert Quote.objects.count() == 2


def test_a_quote_past_its_validity_reads_expired_and_the_job_stores_it(desk: Desk) -> None:
    quote = quotes.issue_quote(actor=desk.manager, quote=draft(desk), now=NOW)
    with time_machine.travel(datetime(2026, 12, 30, 20, 59, tzinfo=UTC), tick=False):
        client = browser(desk.manager)
        assert expire_sent_quotes.call_local() == 0  # the last day of validity, Moscow
        assert "Принято клиентом" in text(client.get(page_of(quote)).content.decode())
    with time_machine.travel(datetime(2026, 12, 30, 21, 1, tzinfo=UTC), tick=False):
        client = browser(desk.manager)
        words = text(client.get(page_of(quote)).content.decode())
        assert "Статус истекло" in words
        assert "Принято клиентом" not in words
        assert "КП-2026-0001" in text(client.get(LIST, {"status": "expired"}).content.decode())
        assert "КП-2026-0001" not in text(client.get(LIST, {"status": "sent"}).content.decode())
        assert Quote.objects.get().status == QuoteStatus.SENT
        assert expire_sent_quotes.call_local() == 1
        assert expire_sent_quotes.call_local() == 0
    assert Quote.objects.get().status == QuoteStatus.EXPIRED
    event = AuditEvent.objects.get(action="quote.expired")
    assert (event.actor, event.data) == (None, {"number": "КП-2026-0001",
                                                "valid_until": "2026-12-30"})  # fmt: skip


def test_the_list_filters_by_status(desk: Desk) -> None:
    sent = quotes.issue_quote(actor=desk.manager, quote=draft(desk), now=NOW)
    quotes.draft_quote(actor=desk.manager, organization=desk.beta, inputs=INPUTS, now=NOW)
    client = browser(desk.lead)
    everything = text(client.get(LIST).content.decode())
    assert "КП-2026-0001" in everything
    assert "Beta" in everything
    drafts = text(client.get(LIST, {"status": "draft"}).content.decode())
    assert "Beta" in drafts
    assert "КП-2026-0001" not in drafts
    assert client.get(LIST, {"status": "bogus"}).status_code == 200
    assert sent.valid_until == date(2026, 12, 30)
