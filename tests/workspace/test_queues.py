"""Queue tabs, filters, urgency order, keyset pages and the live rows fragment."""

from __future__ import annotations

import time_machine
from django.test import Client

from supportdesk.sla.models import SlaClock
from supportdesk.slamath.policy import Priority
from supportdesk.tickets import actions
from supportdesk.tickets.models import Status
from supportdesk.workspace import queue
from tests.tickets.conftest import Desk, at, without_dedicated_engineers
from tests.workspace.conftest import browser, open_


def refs(response) -> list[str]:
    assert response.status_code == 200
    return [row.request.subject for row in response.context["rows"]]


def test_all_open_is_in_urgency_order_with_paused_last(desk: Desk) -> None:
    made = {p: open_(desk, p) for p in (Priority.P4, Priority.P1, Priority.P3, Priority.P2)}
    for request in made.values():  # answered: the reaction clocks stop
        actions.reply(actor=desk.agent, request=request, body="On it.", files=[], now=at(23, 11))
    actions.set_status(
        actor=desk.agent, request=made[Priority.P1], status=Status.WAITING, now=at(23, 11)
    )
    response = browser(desk.agent).get("/desk/?tab=all")
    assert refs(response) == ["P2 case", "P3 case", "P4 case", "P1 case"]
    assert "paused" in response.text


def test_a_reaction_due_sooner_sorts_above_a_later_resolution(desk: Desk) -> None:
    """Both clocks count: a new request whose reaction is due at 11:00 Moscow comes before
    answered ones whose resolution is due later (the issue's P1 reaction case)."""
    answered_p1 = open_(desk, Priority.P1, "answered P1", when=at(23, 9))
    answered_p3 = open_(desk, Priority.P3, "answered P3", when=at(23, 9))
    for request in (answered_p1, answered_p3):
        actions.reply(actor=desk.agent, request=request, body="On it.", files=[], now=at(23, 9))
    fresh = open_(desk, Priority.P4, "new P4")  # registered 10:00, reaction due 11:00 MSK
    reaction = SlaClock.objects.get(pk=fresh.reaction_clock_id).due_at
    p1, p3 = (SlaClock.objects.get(resolution_of=r).due_at for r in (answered_p1, answered_p3))
    assert reaction is not None
    assert p1 is not None
    assert p3 is not None
    assert reaction == at(23, 11)
    assert reaction < p1 < p3
    response = browser(desk.agent).get("/desk/?tab=all")
    assert refs(response) == ["new P4", "answered P1", "answered P3"]


def test_tabs_mine_team_unassigned_waiting(desk: Desk) -> None:
    without_dedicated_engineers()
    mine = open_(desk, Priority.P3, "mine")
    team = open_(desk, Priority.P2, "team")
    open_(desk, Priority.P4, "nobody")
    waiting = open_(desk, Priority.P1, "waiting")
    actions.assign(actor=desk.agent, request=mine, assignee=desk.agent, team=None, now=at(23, 11))
    actions.assign(actor=desk.agent, request=team, assignee=None, team=desk.team, now=at(23, 11))
    actions.set_status(actor=desk.agent, request=waiting, status=Status.WAITING, now=at(23, 11))
    agent = browser(desk.agent)
    assert refs(agent.get("/desk/")) == ["mine"]  # "mine" is the default tab
    assert refs(agent.get("/desk/?tab=team")) == ["team"]
    assert refs(agent.get("/desk/?tab=unassigned")) == ["team", "nobody", "waiting"]
    assert refs(agent.get("/desk/?tab=waiting")) == ["waiting"]
    assert refs(browser(desk.lead).get("/desk/?tab=team")) == []  # the lead is in no team


def test_breaching_soon_tab(desk: Desk) -> None:
    # P1 incident on 8x5: the resolution target is short, so by 15:00 it is close or late.
    urgent = open_(desk, Priority.P1, "urgent")
    open_(desk, Priority.P4, "relaxed")
    clock = urgent.resolution_clock
    assert clock is not None
    assert clock.due_at is not None
    with time_machine.travel(clock.due_at, tick=False):
        response = browser(desk.agent).get("/desk/?tab=breaching")
    assert refs(response) == ["urgent"]
    assert 'class="clock breached"' in response.text or 'class="clock warning"' in response.text
    assert refs(browser(desk.agent).get("/desk/?tab=breaching")) == []


def test_filters(desk: Desk) -> None:
    open_(desk, Priority.P3, "alfa")
    beta = open_(desk, Priority.P2, "beta", customer=desk.vera)
    agent = browser(desk.agent)
    assert refs(agent.get(f"/desk/?tab=all&organization={desk.beta.pk}")) == ["beta"]
    assert refs(agent.get("/desk/?tab=all&plan=premium")) == ["beta"]
    assert refs(agent.get("/desk/?tab=all&plan=8x5")) == ["alfa"]
    assert refs(agent.get("/desk/?tab=all&priority=P3")) == ["alfa"]
    assert refs(agent.get("/desk/?tab=all&type=incident")) == ["beta", "alfa"]
    assert refs(agent.get("/desk/?tab=all&type=bug")) == []
    assert refs(agent.get(f"/desk/?tab=all&component={desk.messaging.pk}")) == ["beta", "alfa"]
    actions.resolve(actor=desk.agent, request=beta, summary="Done.", now=at(23, 11))
    assert refs(agent.get("/desk/?tab=all")) == ["alfa"]
    assert refs(agent.get("/desk/?tab=all&status=resolved")) == ["beta"]


def test_keyset_pages_walk_the_whole_queue(desk: Desk, monkeypatch) -> None:
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    made = [open_(desk, p, f"{p}-{n}") for n in range(2) for p in Priority]
    actions.reply(actor=desk.agent, request=made[0], body="On it.", files=[], now=at(23, 11))
    actions.set_status(actor=desk.agent, request=made[0], status=Status.WAITING, now=at(23, 11))
    agent = browser(desk.agent)
    seen: list[str] = []
    url = "/desk/?tab=all"
    while True:
        response = agent.get(url)
        seen += refs(response)
        cursor = response.context["next_cursor"]
        if not cursor:
            break
        query = response.context["request"].GET.copy()
        query["after"] = cursor
        url = "/desk/?" + query.urlencode()
    whole = refs(agent.get("/desk/?tab=all"))  # the first page only, two rows
    assert len(seen) == len(made) == 8
    assert len(set(seen)) == 8
    assert seen[:2] == whole
    assert seen[-1] == made[0].subject  # the paused one is last


def test_bad_cursor_is_ignored(desk: Desk) -> None:
    open_(desk, Priority.P3, "one")
    assert refs(browser(desk.agent).get("/desk/?tab=all&after=garbage")) == ["one"]


def test_rows_fragment_renders_rows_only(desk: Desk) -> None:
    request = open_(desk, Priority.P2, "fragment")
    agent = browser(desk.agent)
    response = agent.get("/desk/rows?tab=all")
    assert response.status_code == 200
    assert request.reference in response.text
    assert "<html" not in response.text
    page = agent.get("/desk/?tab=all&priority=P2")
    assert 'hx-get="/desk/rows?tab=all&amp;priority=P2"' in page.text
    assert 'hx-trigger="every 30s"' in page.text


def test_countdown_is_working_time_not_wall_time(desk: Desk) -> None:
    request = open_(desk, Priority.P3, "p3", when=at(23, 17))
    clock = request.resolution_clock
    assert clock is not None
    assert clock.due_at is not None
    # Monday 17:00 on an 8x5 calendar: 16 h of work left whatever the wall clock says.
    with time_machine.travel(at(23, 17), tick=False):
        response = browser(desk.agent).get("/desk/?tab=all")
    row = response.context["rows"][0]
    assert row.resolution.remaining is not None
    assert row.resolution.remaining.total_seconds() <= (clock.target_seconds or 0)
    assert row.resolution.remaining < clock.due_at - at(23, 17)


def test_anonymous_goes_to_sign_in() -> None:
    response = Client().get("/desk/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/")


def test_queries_do_not_grow_with_the_rows(desk: Desk) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agent = browser(desk.agent)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert agent.get("/desk/rows?tab=all").status_code == 200
        return len(queries)

    open_(desk, Priority.P3)
    few = count()
    for priority in (Priority.P1, Priority.P2, Priority.P4, Priority.P3, Priority.P2):
        open_(desk, priority, customer=desk.vera)
    assert count() == few
