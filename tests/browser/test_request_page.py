"""The request page in Chromium (issue 12): the forms open with the request's own
assignee, team and status; "take it"; a canned reply; an @mention in an internal note.
Each checks the page logged no error (a CSP violation would be one)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from supportdesk.notifications.models import Notification
from supportdesk.tickets import actions
from supportdesk.tickets.models import Request, Status
from tests.browser.conftest import Console
from tests.browser.test_request_journey import sign_in
from tests.browser.test_workspace_keys import two_requests
from tests.tickets.conftest import Desk
from tests.tickets.conftest import desk as desk

pytestmark = pytest.mark.django_db(transaction=True)


def one_request(desk: Desk) -> Request:
    return two_requests(desk)[0]


def test_the_forms_show_the_request_as_it_stands(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console
) -> None:
    request = one_request(desk)
    now = timezone.now()
    actions.assign(actor=desk.lead, request=request, assignee=desk.engineer, team=desk.team,
                   now=now)  # fmt: skip
    actions.set_status(actor=desk.lead, request=request, status=Status.WAITING, now=now)
    agent = sign_in(browser, live_server, console, "oleg")
    agent.goto(f"/desk/requests/{request.pk}/")
    expect(agent.locator("#id_assign-assignee")).to_have_value(str(desk.engineer.pk))
    expect(agent.locator("#id_assign-team")).to_have_value(str(desk.team.pk))
    expect(agent.locator("#id_status-status")).to_have_value("waiting")
    # The rarely used forms are folded: present, not visible until opened.
    expect(agent.locator("#form-merge")).to_be_hidden()
    agent.locator("#fold-merge > summary").click()
    expect(agent.locator("#form-merge")).to_be_visible()
    # Saving the assignment unchanged keeps it (it used to unassign).
    agent.locator("#form-assign button[type=submit]").click()
    expect(agent.locator("main")).to_contain_text("Назначение не изменено.")
    request.refresh_from_db()
    assert (request.assignee, request.team, request.status) == (
        desk.engineer, desk.team, Status.WAITING
    )  # fmt: skip
    assert console == []


def test_take_it(browser: Browser, live_server: LiveServer, desk: Desk, console: Console) -> None:
    request = one_request(desk)
    agent = sign_in(browser, live_server, console, "oleg")
    agent.goto(f"/desk/requests/{request.pk}/")
    agent.locator("#form-take button").click()
    expect(agent.locator("main")).to_contain_text("Заявка теперь ваша.")
    expect(agent.locator("#id_assign-assignee")).to_have_value(str(desk.agent.pk))
    expect(agent.locator("#form-take")).to_have_count(0)
    request.refresh_from_db()
    assert request.assignee == desk.agent
    assert console == []


def test_a_canned_reply(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console
) -> None:
    request = one_request(desk)
    lead = sign_in(browser, live_server, console, "lena")
    lead.goto("/desk/macros/")
    lead.locator("#id_name").fill("Ask for logs")
    lead.locator("#id_body").fill("Hello {customer_name}, please send the logs of {reference}.")
    lead.locator("#id_status").select_option("waiting")
    lead.locator("#form-new-macro button[type=submit]").click()
    expect(lead.locator("#macros")).to_contain_text("Ask for logs")

    agent = sign_in(browser, live_server, console, "oleg")
    agent.goto(f"/desk/requests/{request.pk}/")
    agent.locator("#id_macro-macro").select_option(label="Ask for logs")
    agent.locator("#form-macro button[type=submit]").click()
    expected = f"Hello Anna, please send the logs of {request.reference}."
    expect(agent.locator(".conversation")).to_contain_text(expected)
    expect(agent.locator("#id_status-status")).to_have_value("waiting")
    request.refresh_from_db()
    assert request.status == Status.WAITING
    assert console == []


def test_a_mention_in_a_note(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console
) -> None:
    request = one_request(desk)
    Notification.objects.all().delete()
    agent = sign_in(browser, live_server, console, "oleg")
    agent.goto(f"/desk/requests/{request.pk}/")
    agent.locator("#id_note-body").fill("@egor could you look at the logs? @nobody")
    agent.locator("#form-note button[type=submit]").click()
    expect(agent.locator(".conversation")).to_contain_text("@egor could you look at the logs?")
    mail = Notification.objects.get()
    assert (mail.event, mail.recipient) == ("staff.mentioned", desk.engineer.email)
    assert console == []
