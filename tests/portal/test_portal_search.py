"""Search in the portal: a customer finds their organization's requests by reference or
words, never another's, and never by an internal note."""

from __future__ import annotations

from supportdesk.slamath.policy import Priority
from supportdesk.tickets import actions
from tests.tickets.conftest import Desk, at
from tests.workspace.conftest import browser, open_
from tests.workspace.conftest import desk as desk
from tests.workspace.conftest import frozen as frozen


def subjects(response) -> list[str]:
    assert response.status_code == 200
    return [row.subject for row in response.context["rows"]]


def test_words_find_own_requests_only(desk: Desk) -> None:
    mine = open_(desk, Priority.P3, "Printer jams")
    open_(desk, Priority.P3, "Printer offline", customer=desk.boris)
    open_(desk, Priority.P3, "Printer smoke", customer=desk.vera)
    actions.add_internal_note(
        actor=desk.agent, request=mine, body="walrus", files=[], now=at(23, 11)
    )
    anna = browser(desk.anna)
    assert subjects(anna.get("/portal/", {"q": "printer"})) == ["Printer jams"]
    assert subjects(anna.get("/portal/", {"q": "walrus"})) == []
    admin = browser(desk.alfa_admin)
    assert subjects(admin.get("/portal/", {"q": "printer", "scope": "org"})) == [
        "Printer offline",
        "Printer jams",
    ]


def test_a_reference_opens_the_request_if_it_is_visible(desk: Desk) -> None:
    mine = open_(desk, Priority.P3, "Mine")
    theirs = open_(desk, Priority.P3, "Theirs", customer=desk.vera)
    anna = browser(desk.anna)
    response = anna.get("/portal/", {"q": mine.reference})
    assert response.status_code == 302
    assert response["Location"] == f"/portal/requests/{mine.pk}/"
    other = anna.get("/portal/", {"q": theirs.reference})  # no leak: searched as words
    assert subjects(other) == []
    assert "Ничего не найдено." in other.text


def test_search_pages_by_cursor_and_counts(desk: Desk, monkeypatch) -> None:
    from supportdesk.portal import views
    from supportdesk.search import reads

    for hour in (9, 10, 11):
        open_(desk, Priority.P3, f"Modem {hour}", when=at(22, hour))
    open_(desk, Priority.P3, "Modem of Beta", customer=desk.vera)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    anna = browser(desk.anna)
    first = anna.get("/portal/", {"q": "modem"})
    assert [row.subject for row in first.context["rows"]] == ["Modem 11", "Modem 10"]
    assert "3 обращения" in first.text
    after = first.context["next_cursor"]
    second = anna.get("/portal/", {"q": "modem", "after": after})
    assert [row.subject for row in second.context["rows"]] == ["Modem 9"]
    assert second.context["next_cursor"] == ""
    assert "Самые новые" in second.text  # back to the first page
    monkeypatch.setattr(reads, "CAP", 1)
    capped = anna.get("/portal/", {"q": "modem"})
    assert [row.subject for row in capped.context["rows"]] == ["Modem 11", "Modem 10"]
    assert "Больше 1 обращений" in capped.text
    broken = anna.get("/portal/", {"q": "modem", "after": "not-a-cursor"})
    assert [row.subject for row in broken.context["rows"]] == ["Modem 11", "Modem 10"]
