"""The request page as a support team lives in it (issue 12): the forms open with the
request's own assignee, team and status; "take it"; only the actions that apply; merge,
incident link and canned replies from the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.contrib.auth.models import User

from supportdesk.audit.models import AuditEvent
from supportdesk.slamath.policy import Priority
from supportdesk.tickets import actions
from supportdesk.tickets.models import Request, Status
from tests.tickets.conftest import Desk, at
from tests.workspace.conftest import NOW, browser, open_
from tests.workspace.test_request_page import post


@dataclass
class Option:
    value: str
    text: str = ""
    selected: bool = False


@dataclass
class Page(HTMLParser):
    """The forms of a page: their ids, whether folded in a <details>, their selects."""

    forms: dict[str, bool] = field(default_factory=dict)  # id -> folded
    selects: dict[str, list[Option]] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()
        self._details = 0
        self._select = ""
        self._option: Option | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "details":
            self._details += 1
        elif tag == "form" and found.get("id"):
            self.forms[str(found["id"]).removeprefix("form-")] = self._details > 0
        elif tag == "select":
            self._select = str(found.get("name"))
            self.selects[self._select] = []
        elif tag == "option" and self._select:
            self._option = Option(str(found.get("value")), selected="selected" in found)
            self.selects[self._select].append(self._option)
        elif tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self._details -= 1
        elif tag == "select":
            self._select = ""
        elif tag == "option":
            self._option = None

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option.text += data.strip()

    def values(self, name: str) -> list[str]:
        return [o.value for o in self.selects[name]]

    def selected(self, name: str) -> str:
        return next((o.value for o in self.selects[name] if o.selected), "")


def page_of(user: User, request: Request) -> Page:
    response = browser(user).get(f"/desk/requests/{request.pk}/")
    assert response.status_code == 200
    page = Page()
    page.feed(response.text)
    return page


def test_the_forms_open_with_the_requests_own_values(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    actions.assign(actor=desk.lead, request=request, assignee=desk.engineer, team=desk.team,
                   now=at(23, 11))  # fmt: skip
    actions.set_status(actor=desk.lead, request=request, status=Status.IN_PROGRESS, now=at(23, 11))
    page = page_of(desk.agent, request)
    assert page.selected("assign-assignee") == str(desk.engineer.pk)
    assert page.selected("assign-team") == str(desk.team.pk)
    assert page.selected("status-status") == "in_progress"
    # Only the states it may become, its own first.
    assert page.values("status-status") == ["in_progress", "open", "waiting"]


def test_sending_the_forms_unchanged_changes_nothing(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    actions.assign(actor=desk.lead, request=request, assignee=desk.engineer, team=desk.team,
                   now=at(23, 11))  # fmt: skip
    events = AuditEvent.objects.count()
    client = browser(desk.agent)
    post(client, request, "assign", assignee=desk.engineer.pk, team=desk.team.pk)
    post(client, request, "status", status=request.status)
    request.refresh_from_db()
    assert (request.assignee, request.team, request.status) == (desk.engineer, desk.team, "new")
    assert AuditEvent.objects.count() == events


def test_take_it_assigns_to_me_and_keeps_the_team(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    actions.assign(actor=desk.lead, request=request, assignee=None, team=desk.team, now=at(23, 11))
    assert "take" in page_of(desk.agent, request).forms
    response = post(browser(desk.agent), request, "take")
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.assignee, request.team, request.updated_at) == (desk.agent, desk.team, NOW)
    event = AuditEvent.objects.filter(action="request.assigned").order_by("at", "pk").last()
    assert event is not None
    assert event.actor == desk.agent
    # Mine now: no "take it" for me, still one for a colleague.
    assert "take" not in page_of(desk.agent, request).forms
    assert "take" in page_of(desk.engineer, request).forms


def test_only_the_actions_that_apply_are_offered(desk: Desk) -> None:
    request = open_(desk, Priority.P1)
    page = page_of(desk.engineer, request)
    assert {name: page.forms.get(name) for name in ("resolve", "assign", "status")} == {
        "resolve": False, "assign": False, "status": False,
    }  # fmt: skip
    assert request.assignee == desk.engineer  # the dedicated engineer, at intake
    assert "take" not in page.forms  # already theirs
    assert "reopen" not in page.forms
    assert "raise" not in page.forms  # P1 is the top
    assert page.values("downgrade-to") == ["P2"]
    # The rare ones fold away.
    for name in ("correct", "downgrade", "merge", "incident"):
        assert page.forms[name] is True, name

    actions.resolve(actor=desk.engineer, request=request, summary="Done.", now=at(23, 11))
    page = page_of(desk.engineer, request)
    for name in ("resolve", "status", "raise", "downgrade", "merge", "macro"):
        assert name not in page.forms, name
    assert page.forms["reopen"] is False

    response = post(browser(desk.engineer), request, "reopen", reason="Back again.")
    assert response.status_code == 302
    assert Request.objects.get(pk=request.pk).status == Status.OPEN


def test_merge_from_the_page_links_both_ways(desk: Desk) -> None:
    original = open_(desk, Priority.P3, "Calls drop")
    duplicate = open_(desk, Priority.P3, "Calls drop again", customer=desk.boris)
    response = post(browser(desk.agent), duplicate, "merge", into=f"sd-{original.pk}")
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.merged_into, duplicate.status) == (original, Status.CLOSED)
    assert f"/desk/requests/{duplicate.pk}/" in page_of(desk.agent, original).links
    assert f"/desk/requests/{original.pk}/" in page_of(desk.agent, duplicate).links


def test_merge_into_another_organization_is_refused_on_the_page(desk: Desk) -> None:
    alfa = open_(desk, Priority.P3)
    beta = open_(desk, Priority.P3, customer=desk.vera)
    events = AuditEvent.objects.count()
    post(browser(desk.agent), beta, "merge", into=alfa.reference)
    beta.refresh_from_db()
    assert (beta.merged_into, beta.status, beta.sla_excluded_at) == (None, "new", None)
    assert AuditEvent.objects.count() == events


def test_a_canned_reply_from_the_page(desk: Desk) -> None:
    macro = actions.save_macro(
        actor=desk.lead, name="Logs", body="Hello {customer_name}, send logs for {reference}.",
        status=Status.WAITING, now=at(23, 9),
    )  # fmt: skip
    request = open_(desk, Priority.P3)
    page = page_of(desk.agent, request)
    assert [o.text for o in page.selects["macro-macro"]] == ["—", "Logs"]
    response = post(browser(desk.agent), request, "macro", macro=macro.pk)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.WAITING
    assert list(request.messages.values_list("body", flat=True)) == [
        f"Hello Anna, send logs for {request.reference}."
    ]


def test_leads_manage_canned_replies_and_others_only_read_them(desk: Desk) -> None:
    lead = browser(desk.lead)
    response = lead.post(
        "/desk/macros/", {"name": "Logs", "body": "Hi {customer_name}", "status": ""}
    )
    assert response.status_code == 302
    refused = lead.post("/desk/macros/", {"name": "Bad", "body": "Hi {name}", "status": ""})
    assert refused.status_code == 400
    agent_page = browser(desk.agent).get("/desk/macros/").text
    assert "Hi {customer_name}" in agent_page
    assert 'id="form-new-macro"' not in agent_page
    assert browser(desk.agent).post("/desk/macros/", {"name": "X", "body": "y"}).status_code == 400
    assert browser(desk.agent).get("/desk/macros/1/").status_code == 404


def test_an_incident_on_the_desk(desk: Desk) -> None:
    alfa = open_(desk, Priority.P2)
    beta = open_(desk, Priority.P2, customer=desk.vera)
    engineer = browser(desk.engineer)
    response = engineer.post("/desk/incidents/", {"title": "Push down", "description": ""})
    assert response.status_code == 302
    url = response["Location"]
    for item in (alfa, beta):
        engineer.post(f"{url}link/", {"link-request": item.reference})
    engineer.post(f"{url}broadcast/", {"broadcast-body": "Working on it."})
    engineer.post(f"{url}resolve/", {"resolve-summary": "Restored."})
    for item in (alfa, beta):
        item.refresh_from_db()
        assert item.status == Status.RESOLVED
        assert list(item.messages.values_list("body", flat=True)) == ["Working on it.", "Restored."]
    page = engineer.get(url).text
    assert alfa.reference in page
    assert beta.reference in page
