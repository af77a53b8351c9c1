"""The design system in Chromium (issue 12): the request page puts the conversation first
and the facts and actions in a side column from 1024 px, stacked below it on a phone;
priority, status and SLA state show as badges with words in them; every page of the tour
fits a phone and logs no error (a CSP violation would be one).

With SUPPORTDESK_SCREENSHOTS=<folder> (``./dev screenshots``) it saves the queue with
requests in every SLA state, the public pages and the phone views there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Browser, FloatRect, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from supportdesk.billing.seed import seed_price_list
from supportdesk.sla.models import SlaClock
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Request, Scope, Status
from supportdesk.tickets.sweeper import sweep_sla
from tests.browser.conftest import Console, open_page
from tests.browser.test_request_journey import shot, sign_in
from tests.tickets.conftest import DETAILED, Desk
from tests.tickets.conftest import desk as desk

pytestmark = pytest.mark.django_db(transaction=True)


def _open(desk: Desk, subject: str, priority: Priority, *, ago: timedelta = timedelta()) -> Request:
    return actions.open_request(
        actor=desk.agent, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject=subject, description=DETAILED, requested_priority=priority,
        channel=Channel.PHONE, component=desk.messaging, scope=Scope.MASS,
        now=timezone.now() - ago,
    )  # fmt: skip


def every_sla_state(desk: Desk) -> dict[str, Request]:
    """Requests whose clocks are running, at risk, breached, paused and met."""
    made = {
        "running": _open(desk, "Не приходят push-уведомления", Priority.P2),
        "breached": _open(desk, "Сообщения не доставляются", Priority.P1, ago=timedelta(days=4)),
        "paused": _open(desk, "Ошибка в консоли администратора", Priority.P3),
        "met": _open(desk, "Опечатка в документации", Priority.P4),
        "at risk": _open(desk, "Обрывы звонков", Priority.P3),
    }
    now = timezone.now()  # after the openings: no clock event may come before them
    # Past 75 % of its target: the sweeper would mark it so some hours from now; the
    # mark is what the queue reads, so it is set here rather than waited for.
    clock = made["at risk"].resolution_clock
    assert clock is not None
    SlaClock.objects.filter(pk=clock.pk).update(warning_75_at=now - timedelta(minutes=1))
    actions.reply(actor=desk.agent, request=made["paused"], body="Пришлите логи.", now=now)
    actions.set_status(actor=desk.agent, request=made["paused"], status=Status.WAITING, now=now)
    actions.reply(actor=desk.agent, request=made["met"], body="Исправим.", now=now)
    sweep_sla(now=now)  # marks the 75 % warnings and the breaches
    return made


def _badges(page: Page, selector: str) -> list[str]:
    texts = [text.strip() for text in page.locator(selector).all_inner_texts()]
    assert texts, selector
    assert all(texts), f"a badge without words: {selector}"
    return texts


def test_look_of_the_queue_badges(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console
) -> None:
    every_sla_state(desk)
    agent = sign_in(browser, live_server, console, "oleg")
    agent.goto("/desk/?tab=all")
    assert set(_badges(agent, "#queue-rows .badge[class*=priority-]")) == {"P1", "P2", "P3", "P4"}
    assert "ожидает ответа клиента" in _badges(agent, "#queue-rows .badge[class*=status-]")
    states = agent.locator("#queue-rows .clock")
    for css, word in [
        ("breached", "просрочен"), ("paused", "приостановлен"), ("met", "в срок"),
        ("warning", "под угрозой"),
    ]:  # fmt: skip
        expect(states.and_(agent.locator(f".{css}")).first).to_contain_text(word)
    expect(agent.locator("#queue-rows .clock.running").first).to_be_visible()
    assert agent.evaluate("document.documentElement.scrollWidth") <= 1280
    shot(agent, "desk-queue")
    phone = sign_in(browser, live_server, console, "oleg", width=375)
    phone.goto("/desk/?tab=all")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "desk-queue-phone")
    assert console == []


def _box(page: Page, selector: str) -> FloatRect:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box


@pytest.mark.parametrize(
    ("who", "path"), [("oleg", "/desk/requests/{pk}/"), ("anna", "/portal/requests/{pk}/")]
)
def test_look_of_the_request_page_side_column(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console, who: str, path: str
) -> None:
    request = every_sla_state(desk)["paused"]
    wide = sign_in(browser, live_server, console, who, width=1280)
    wide.goto(path.format(pk=request.pk))
    main, side = _box(wide, ".main-column"), _box(wide, "aside.side")
    assert side["x"] >= main["x"] + main["width"]  # beside, on the right
    assert abs(side["y"] - main["y"]) < 1  # level with the conversation
    # The conversation comes first in reading order too (screen readers, stacked layout).
    assert wide.evaluate(
        "document.querySelector('.main-column').compareDocumentPosition("
        "document.querySelector('aside.side')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    expect(wide.locator(".badges .badge")).to_have_count(2)
    expect(wide.locator("aside.side h2").first).to_have_text("Об обращении")
    phone = sign_in(browser, live_server, console, who, width=375)
    phone.goto(path.format(pk=request.pk))
    main, side = _box(phone, ".main-column"), _box(phone, "aside.side")
    assert side["y"] >= main["y"] + main["height"]  # stacked below the conversation
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    if who == "oleg":
        shot(wide, "desk-request-waiting")
        shot(phone, "desk-request-phone")
    else:  # the customer's list: status, priority and the resolution's state as badges
        wide.goto("/portal/")
        assert len(_badges(wide, "tbody .badge")) == 10
        expect(wide.locator("tbody .clock.paused")).to_have_count(1)
        expect(wide.locator("tbody .clock.breached")).to_contain_text("просрочено")
        shot(wide, "portal-requests")
    assert console == []


def test_look_of_the_public_pages(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console, settings: Settings
) -> None:
    settings.PUBLIC_CALCULATOR = True
    # The shipped price list comes with a data migration, which a flushed database lost.
    seed_price_list(apps, None)
    for width in (1280, 375):
        page = open_page(browser, live_server, console, width=width)
        for path, name in [("/login/", "sign-in"), ("/price/", "price-calculator")]:
            response = page.goto(path)
            assert response is not None
            assert response.status == 200, path
            sheets = page.evaluate("[...document.styleSheets].map(s => s.href || '')")
            assert any(href.endswith("/web/site.css") for href in sheets), (path, sheets)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            if width == 1280:
                shot(page, name)
        response = page.goto("/no-such-page/")
        assert response is not None
        assert response.status == 404
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    console[:] = [line for line in console if "404" not in line]  # the expected ones
    assert console == []
