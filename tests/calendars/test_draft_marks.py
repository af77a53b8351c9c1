"""A request whose deadline reaches a year without official production-calendar data says
so wherever the deadline is shown: the API, the workspace's request page, the portal's;
loading the official year takes the mark off. Other organizations still get 404."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.slamath.russia import draft_year_from_holidays
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Request, Scope
from tests.api.helpers import Api
from tests.tickets.conftest import DETAILED, Desk
from tests.tickets.conftest import desk as desk

pytestmark = pytest.mark.django_db
MOSCOW = ZoneInfo("Europe/Moscow")
LAST_HOUR_OF_2027 = datetime(2027, 12, 30, 18, tzinfo=MOSCOW)  # 31.12.2027 is a day off
IN_2026 = datetime(2026, 11, 23, 10, tzinfo=MOSCOW)

STAFF_NOTE = {
    "en": "draft calendar year: the official production calendar is not loaded",
    "ru": "проект календаря: официальный производственный календарь не загружен",
}
CUSTOMER_NOTE = {
    "en": "provisional: the official production calendar for this period is not published yet",
    "ru": "предварительно: официальный производственный календарь на этот период "
    "ещё не опубликован",
}


def open_at(desk: Desk, when: datetime) -> Request:
    """Anna's P1 incident on the 8x5 plan: reaction 1 h, resolution 5 h on ru-support."""
    return actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject="Calls drop", description=DETAILED, requested_priority=Priority.P1,
        channel=Channel.PORTAL, scope=Scope.MASS, component=desk.messaging, now=when,
    )  # fmt: skip


@pytest.fixture
def at_new_year(desk: Desk) -> Iterator[Request]:
    with time_machine.travel(LAST_HOUR_OF_2027 + timedelta(minutes=5), tick=False):
        yield open_at(desk, LAST_HOUR_OF_2027)


def client(user: object, language: str) -> Client:
    browser = Client()
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    browser.force_login(user)  # type: ignore[arg-type]
    return browser


def test_the_resolution_deadline_into_2028_is_a_draft_the_reaction_is_not(
    at_new_year: Request,
) -> None:
    reaction, resolution = at_new_year.reaction_clock, at_new_year.resolution_clock
    assert resolution is not None

    assert reaction.due_at == datetime(2027, 12, 30, 19, tzinfo=MOSCOW)
    assert reaction.calendar_draft is False
    # 1 h on 30 December, then 4 h on Monday 10 January: 1-9 January are drafted days off.
    assert resolution.due_at == datetime(2028, 1, 10, 14, tzinfo=MOSCOW)
    assert resolution.calendar_draft is True


def test_the_api_says_calendar_draft(desk: Desk, at_new_year: Request) -> None:
    with time_machine.travel(LAST_HOUR_OF_2027 + timedelta(minutes=5), tick=False):
        earlier = open_at(desk, IN_2026)
        api = Api(desk.anna)
        drafted = api.get(f"/requests/{at_new_year.pk}")
        official = api.get(f"/requests/{earlier.pk}")
        listed = api.get("/requests")

    assert drafted.status_code == 200
    assert drafted.json()["calendar_draft"] is True
    assert official.json()["calendar_draft"] is False
    marks = {item["id"]: item["calendar_draft"] for item in listed.json()["items"]}
    assert marks == {at_new_year.pk: True, earlier.pk: False}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_workspace_request_page_notes_the_draft(
    desk: Desk, at_new_year: Request, language: str
) -> None:
    with time_machine.travel(LAST_HOUR_OF_2027 + timedelta(minutes=5), tick=False):
        page = client(desk.agent, language).get(f"/desk/requests/{at_new_year.pk}/")
        earlier = open_at(desk, IN_2026)
        plain = client(desk.agent, language).get(f"/desk/requests/{earlier.pk}/")

    assert page.status_code == 200
    assert page.text.count(STAFF_NOTE[language]) == 1  # by the resolution deadline only
    assert STAFF_NOTE[language] not in plain.text


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_portal_request_page_notes_the_draft(
    desk: Desk, at_new_year: Request, language: str
) -> None:
    with time_machine.travel(LAST_HOUR_OF_2027 + timedelta(minutes=5), tick=False):
        page = client(desk.anna, language).get(f"/portal/requests/{at_new_year.pk}/")
        other_organization = client(desk.vera, language).get(f"/portal/requests/{at_new_year.pk}/")

    assert page.status_code == 200
    assert page.text.count(CUSTOMER_NOTE[language]) == 1
    assert other_organization.status_code == 404


def test_loading_the_official_year_takes_the_marks_off(
    desk: Desk, at_new_year: Request, tmp_path: Path
) -> None:
    path = tmp_path / "2028.json"
    path.write_text(json.dumps(draft_year_from_holidays(2028)))

    with time_machine.travel(LAST_HOUR_OF_2027 + timedelta(minutes=10), tick=False):
        call_command("calendar", "load-production", "--file", str(path))
        page = client(desk.agent, "en").get(f"/desk/requests/{at_new_year.pk}/")
        answer = Api(desk.anna).get(f"/requests/{at_new_year.pk}")

    resolution = at_new_year.resolution_clock
    assert resolution is not None
    resolution.refresh_from_db()
    assert resolution.calendar_draft is False
    assert STAFF_NOTE["en"] not in page.text
    assert answer.json()["calendar_draft"] is False


@pytest.mark.parametrize("language", ["ru", "en"])
def test_leads_see_a_banner_while_next_year_is_missing(desk: Desk, language: str) -> None:
    words = {
        "ru": "Официальный производственный календарь на 2028 год",
        "en": "The official production calendar for 2028",
    }[language]
    with time_machine.travel(datetime(2027, 10, 1, 9, tzinfo=MOSCOW), tick=False):
        lead = client(desk.lead, language).get("/desk/")
        agent = client(desk.agent, language).get("/desk/")
    with time_machine.travel(datetime(2027, 9, 30, 9, tzinfo=MOSCOW), tick=False):
        before = client(desk.lead, language).get("/desk/")

    assert words in lead.text
    assert "supportdesk calendar load-production --code ru --file ru-2028.json" in lead.text
    assert words not in agent.text
    assert words not in before.text
