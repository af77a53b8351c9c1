"""The queue's search box (a reference jumps, words search with the filters), tab counts,
saved views and the "changed since you looked" marks."""

from __future__ import annotations

import pytest
from django.test import Client

from supportdesk.audit.models import AuditEvent
from supportdesk.search.models import LastSeen, SavedView
from supportdesk.search.reads import Mark
from supportdesk.slamath.policy import Priority
from supportdesk.tickets import actions
from supportdesk.workspace import queue
from supportdesk.workspace.queue import Row
from tests.tickets.conftest import Desk, at
from tests.workspace.conftest import NOW, browser, open_


def subjects(response) -> list[str]:
    assert response.status_code == 200
    return [row.request.subject for row in response.context["rows"]]


def test_a_reference_jumps_to_the_request_in_any_spelling(desk: Desk) -> None:
    item = open_(desk, Priority.P3, "wanted")
    agent = browser(desk.agent)
    for text in (f"SD-{item.pk}", f"sd-{item.pk}", f"SD{item.pk}", f" {item.pk} ", f"#{item.pk}"):
        response = agent.get("/desk/", {"q": text})
        assert response.status_code == 302, text
        assert response["Location"] == f"/desk/requests/{item.pk}/"


def test_an_unknown_reference_is_searched_as_text(desk: Desk) -> None:
    open_(desk, Priority.P3, "wanted")
    response = browser(desk.agent).get("/desk/", {"q": "SD-999999"})
    assert subjects(response) == []
    assert response.context["searching"] == "SD-999999"


def test_search_takes_the_filters_and_every_status(desk: Desk) -> None:
    alfa = open_(desk, Priority.P3, "VPN drops")
    open_(desk, Priority.P2, "VPN slow", customer=desk.vera)
    actions.resolve(actor=desk.agent, request=alfa, summary="Fixed.", now=at(23, 11))
    agent = browser(desk.agent)
    assert subjects(agent.get("/desk/", {"q": "vpn"})) == ["VPN slow", "VPN drops"]
    assert subjects(agent.get("/desk/", {"q": "vpn", "organization": str(desk.alfa.pk)})) == [
        "VPN drops"
    ]
    assert subjects(agent.get("/desk/", {"q": "vpn", "status": "resolved"})) == ["VPN drops"]
    assert subjects(agent.get("/desk/", {"q": "vpn", "priority": "P2"})) == ["VPN slow"]


def test_tab_counts_follow_the_filters(desk: Desk) -> None:
    mine = open_(desk, Priority.P3, "mine")
    open_(desk, Priority.P4, "other")
    open_(desk, Priority.P2, "beta", customer=desk.vera)
    actions.assign(actor=desk.agent, request=mine, assignee=desk.agent, team=None, now=at(23, 11))
    agent = browser(desk.agent)
    counts = agent.get("/desk/").context["counts"]
    assert counts["mine"] == 1
    assert counts["all"] == 3
    assert counts["waiting"] == 0
    assert counts["unassigned"] == 3 - 1 - _assigned_at_intake(desk)
    filtered = agent.get("/desk/", {"organization": desk.beta.pk}).context["counts"]
    assert filtered["all"] == 1
    assert filtered["mine"] == 0


def test_a_tab_count_stops_above_the_cap(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    # A large desk's tabs are counted up to the cap, each through its own index, rather
    # than reading every open request on each page.
    monkeypatch.setattr(queue, "COUNT_CAP", 2)
    for subject in ("one", "two", "three"):
        open_(desk, Priority.P3, subject)
    response = browser(desk.agent).get("/desk/")
    assert response.context["counts"]["all"] == 3  # the cap + 1: "more than 2"
    assert response.context["counts"]["mine"] == 0
    tabs = response.content.decode()
    assert '<span class="count">2+</span>' in tabs
    assert '<span class="count">0</span>' in tabs


def _assigned_at_intake(desk: Desk) -> int:
    """Requests the intake gave a dedicated engineer (not unassigned)."""
    from supportdesk.tickets.models import Request

    return Request.objects.exclude(subject="mine").filter(assignee__isnull=False).count()


def test_saved_views_are_per_agent_and_audited(desk: Desk) -> None:
    agent = browser(desk.agent)
    response = agent.post(
        "/desk/views/", {"name": "Beta P2", "query": "tab=all&priority=P2&after=x&evil=1"}
    )
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert (view.owner, view.name, view.query) == (desk.agent, "Beta P2", "tab=all&priority=P2")
    event = AuditEvent.objects.get(action="queue.view_saved")
    assert event.actor == desk.agent
    page = agent.get("/desk/")
    assert [v.name for v in page.context["saved_views"]] == ["Beta P2"]
    assert 'href="?tab=all&amp;priority=P2"' in page.text
    assert browser(desk.engineer).get("/desk/").context["saved_views"] == []
    # Another agent cannot delete it: nothing changes.
    browser(desk.engineer).post(f"/desk/views/{view.pk}/delete")
    assert SavedView.objects.count() == 1
    assert not AuditEvent.objects.filter(action="queue.view_deleted").exists()
    agent.post(f"/desk/views/{view.pk}/delete")
    assert SavedView.objects.count() == 0
    assert AuditEvent.objects.filter(action="queue.view_deleted", actor=desk.agent).count() == 1


def test_saving_a_view_again_replaces_its_query(desk: Desk) -> None:
    agent = browser(desk.agent)
    agent.post("/desk/views/", {"name": "Mine", "query": "tab=mine"})
    agent.post("/desk/views/", {"name": "Mine", "query": "tab=mine&priority=P1"})
    assert list(SavedView.objects.values_list("name", "query")) == [
        ("Mine", "tab=mine&priority=P1")
    ]


def test_customers_have_no_saved_views(desk: Desk) -> None:
    response = browser(desk.anna).post("/desk/views/", {"name": "x", "query": "tab=all"})
    assert response.status_code == 404
    assert SavedView.objects.count() == 0


def test_marks_unseen_updated_and_customer_replied(desk: Desk) -> None:
    item = open_(desk, Priority.P3, "marked")
    agent = browser(desk.agent)

    def mark() -> Mark:
        rows: list[Row] = agent.get("/desk/?tab=all").context["rows"]
        return rows[0].mark

    assert mark().unseen
    assert agent.get(f"/desk/requests/{item.pk}/").status_code == 200
    assert LastSeen.objects.get(user=desk.agent, request=item).seen_at == NOW
    assert (mark().unseen, mark().updated, mark().customer_replied) == (False, False, False)
    # The engineer's look is theirs alone.
    assert browser(desk.engineer).get("/desk/?tab=all").context["rows"][0].mark.unseen
    later = NOW.replace(minute=30)
    actions.reply(actor=desk.anna, request=item, body="Any news?", files=[], now=later)
    now_mark = mark()
    assert (now_mark.updated, now_mark.customer_replied) == (True, True)


def test_the_mark_is_shown_in_the_rows(desk: Desk, client: Client) -> None:
    item = open_(desk, Priority.P3, "marked")
    agent = browser(desk.agent)
    agent.get(f"/desk/requests/{item.pk}/")
    actions.reply(
        actor=desk.anna, request=item, body="Any news?", files=[], now=NOW.replace(minute=30)
    )
    text = agent.get("/desk/rows?tab=all", HTTP_ACCEPT_LANGUAGE="en").text
    assert 'class="mark replied"' in text


def test_a_search_says_how_many_it_found_or_that_there_are_more(desk: Desk, monkeypatch) -> None:
    from supportdesk.search import reads

    for hour in (9, 10, 11):
        open_(desk, Priority.P3, f"VPN {hour}", when=at(22, hour))
    agent = browser(desk.agent)
    response = agent.get("/desk/", {"q": "vpn"})
    assert (response.context["found_count"], response.context["found_more"]) == (3, False)
    assert "3 обращения" in response.text  # Russian plural, the agent's language
    monkeypatch.setattr(reads, "CAP", 2)
    response = agent.get("/desk/", {"q": "vpn"})
    assert subjects(response) == ["VPN 11", "VPN 10", "VPN 9"]  # all of them, newest first
    assert "Больше 2 обращений" in response.text
