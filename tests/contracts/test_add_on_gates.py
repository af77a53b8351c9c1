"""Add-ons gate what they sell, through the portal and the API: a request the contract does
not cover is registered, marked, runs no clock until a lead accepts it (clocks start then)
or declines it (closed, left out of the SLA report); the customer is told plainly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from supportdesk.audit.models import AuditEvent
from supportdesk.calendars.engine import Calendars
from supportdesk.contracts.models import AddOn
from supportdesk.notifications.models import Notification
from supportdesk.sla.policies import policy_of
from supportdesk.sla.reads import clock_state
from supportdesk.slamath.clock import ClockStatus
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.slamath.replay import replay
from supportdesk.staff.permissions import ActionDenied
from supportdesk.tickets import actions
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Component, OutOfContract, Request, Status
from supportdesk.tickets.whatif import _requests, history
from tests.api.helpers import Api
from tests.tickets.conftest import DETAILED, Desk, at

pytestmark = pytest.mark.django_db

NOW = at(23, 12)  # a Monday noon in Moscow
LATER = at(23, 15)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def portal(user: User) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def file_in_portal(user: User, **fields: str) -> Any:
    data = {
        "request_type": "incident", "component": "", "scope": "mass",
        "environment": "production", "requested_priority": "P3", "subject": "Test server down",
        "description": DETAILED, **fields,
    }  # fmt: skip
    return portal(user).post("/portal/new/", data, follow=True)


def file_by_api(user: User, **fields: str) -> Any:
    body = {
        "request_type": "incident", "subject": "Test server down", "description": DETAILED,
        "requested_priority": "P3", "component": "messaging", "scope": "mass", **fields,
    }  # fmt: skip
    return Api(user).post("/requests", body)


def latest() -> Request:
    return Request.objects.select_related("reaction_clock", "resolution_clock").latest("pk")


def assert_no_clock_runs(request: Request) -> None:
    assert request.reaction_clock.status == ClockStatus.NOT_STARTED
    assert request.resolution_clock is not None
    assert request.resolution_clock.status == ClockStatus.NOT_STARTED
    assert request.reaction_clock.due_at is None
    assert not request.reaction_clock.events.exists()


# -- test/dev environments ----------------------------------------------------------------


def test_portal_test_environment_without_the_add_on_is_registered_outside_the_contract(
    desk: Desk,
) -> None:
    page = file_in_portal(desk.anna, environment="test").text

    request = latest()
    assert request.out_of_contract == OutOfContract.PENDING
    assert request.out_of_contract_add_on == AddOn.TEST_DEV
    assert_no_clock_runs(request)
    assert "which your contract does not include" in page
    assert "test/dev environment support" in page
    mail = Notification.objects.get(event="request.acknowledged")  # in Anna's Russian
    assert "которой нет в вашем договоре" in mail.body
    assert "Срок реакции" not in mail.body
    event = AuditEvent.objects.get(action="request.opened")
    assert event.data["out_of_contract"] == "test_dev"
    told = set(
        Notification.objects.filter(event="staff.new_request").values_list("recipient", flat=True)
    )
    assert desk.lead.email in told  # a support lead decides


def test_a_covered_request_is_not_mailed_to_the_leads(desk: Desk) -> None:
    file_in_portal(desk.anna)
    told = Notification.objects.filter(event="staff.new_request").values_list(
        "recipient", flat=True
    )
    assert desk.lead.email not in set(told)


def test_portal_test_environment_with_the_add_on_is_covered(desk: Desk) -> None:
    desk.alfa_contract.add_ons = [AddOn.TEST_DEV.value]
    desk.alfa_contract.save()

    page = file_in_portal(desk.anna, environment="development").text

    request = latest()
    assert request.out_of_contract == ""
    assert request.reaction_clock.status == ClockStatus.RUNNING
    assert "which your contract does not include" not in page


def test_api_test_environment_without_the_add_on_says_so_in_the_answer(desk: Desk) -> None:
    answer = file_by_api(desk.anna, environment="test")

    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["out_of_contract"] == "pending"
    assert body["out_of_contract_add_on"] == "test_dev"
    assert "which your contract does not include" in body["out_of_contract_notice"]
    assert body["reaction_due"] is None
    assert_no_clock_runs(latest())


def test_api_production_request_is_covered(desk: Desk) -> None:
    body = file_by_api(desk.anna).json()
    assert body["out_of_contract"] is None
    assert body["out_of_contract_notice"] is None
    assert body["reaction_due"] is not None


# -- chatbots and SmartApps, remote access, on-site ------------------------------------------


def test_a_failure_of_the_platform_chatbot_is_base_support(desk: Desk) -> None:
    chatbot = Component.objects.get(code="chatbot")
    file_in_portal(desk.anna, concern="platform", component=str(chatbot.pk))
    assert latest().out_of_contract == ""


def test_work_on_a_custom_chatbot_needs_the_chatbot_smartapp_add_on(desk: Desk) -> None:
    file_in_portal(desk.anna, concern="custom_chatbot_smartapp")
    request = latest()
    assert (request.out_of_contract, request.out_of_contract_add_on) == (
        OutOfContract.PENDING, AddOn.CHATBOT_SMARTAPP,
    )  # fmt: skip

    body = file_by_api(desk.anna, concern="custom_chatbot_smartapp").json()
    assert body["out_of_contract_add_on"] == "chatbot_smartapp"


def test_the_chatbot_smartapp_add_on_covers_custom_work(desk: Desk) -> None:
    desk.alfa_contract.add_ons = [AddOn.CHATBOT_SMARTAPP.value]
    desk.alfa_contract.save()
    assert (
        file_by_api(desk.anna, concern="custom_chatbot_smartapp").json()["out_of_contract"] is None
    )


def test_remote_access_organization_needs_its_add_on(desk: Desk) -> None:
    body = file_by_api(desk.anna, concern="remote_access", request_type="consultation").json()
    assert body["out_of_contract_add_on"] == "remote_access"


def test_on_site_visits_are_included_on_premium_and_gated_on_8x5(desk: Desk) -> None:
    assert file_by_api(desk.vera, request_type="onsite").json()["out_of_contract"] is None
    body = file_by_api(desk.anna, request_type="onsite").json()
    assert body["out_of_contract_add_on"] == "onsite"


def test_premium_without_test_dev_is_gated_too(desk: Desk) -> None:
    assert file_by_api(desk.vera, environment="test").json()["out_of_contract"] == "pending"


# -- the lead's decision -------------------------------------------------------------------


@pytest.fixture
def pending(desk: Desk) -> Request:
    file_by_api(desk.anna, environment="test")
    return latest()


def test_a_lead_accepts_and_the_clocks_start_then(desk: Desk, pending: Request) -> None:
    Notification.objects.all().delete()
    accepted = actions.accept_out_of_contract(
        actor=desk.lead, request=pending, reason="billable, agreed by phone", now=LATER
    )

    request = Request.objects.get(pk=accepted.pk)
    assert request.out_of_contract == OutOfContract.ACCEPTED
    assert request.out_of_contract_decided_by == desk.lead
    assert request.reaction_clock.status == ClockStatus.RUNNING
    assert request.reaction_clock.started_at == LATER
    assert request.resolution_clock is not None
    assert request.resolution_clock.started_at == LATER
    assert request.reaction_clock.due_at is not None
    assert request.reaction_clock.due_at > LATER
    mail = Notification.objects.get(event="request.out_of_contract_accepted")
    assert "платное исключение" in mail.body
    assert AuditEvent.objects.filter(action="request.out_of_contract_accepted").count() == 1
    answer = Api(desk.anna).get(f"/requests/{request.pk}").json()
    assert answer["out_of_contract"] == "accepted"
    assert answer["out_of_contract_notice"] is None


def test_a_reply_before_acceptance_is_not_the_first_response(desk: Desk, pending: Request) -> None:
    actions.reply(actor=desk.engineer, request=pending, body="Looking", now=at(23, 13))
    accepted = actions.accept_out_of_contract(
        actor=desk.lead, request=pending, reason="", now=LATER
    )
    assert Request.objects.get(pk=accepted.pk).first_response_at is None
    actions.reply(actor=desk.engineer, request=accepted, body="On it", now=at(23, 16))
    request = Request.objects.select_related("reaction_clock").get(pk=accepted.pk)
    assert request.first_response_at == at(23, 16)
    assert request.reaction_clock.status == ClockStatus.STOPPED


def test_a_lead_declines_the_request_is_closed_and_out_of_the_report(
    desk: Desk, pending: Request
) -> None:
    actions.decline_out_of_contract(
        actor=desk.lead, request=pending, reason="Test servers are not covered", now=LATER
    )

    request = latest()
    assert request.out_of_contract == OutOfContract.DECLINED
    assert request.status == Status.CLOSED
    assert request.sla_excluded_at == LATER
    assert_no_clock_runs(request)
    mail = Notification.objects.get(event="request.out_of_contract_declined")
    assert "Test servers are not covered" in mail.body
    assert AuditEvent.objects.filter(action="request.out_of_contract_declined").count() == 1


def test_a_decline_needs_a_reason(desk: Desk, pending: Request) -> None:
    with pytest.raises(ActionError):
        actions.decline_out_of_contract(actor=desk.lead, request=pending, reason=" ", now=LATER)
    assert latest().out_of_contract == OutOfContract.PENDING


@pytest.mark.parametrize("who", ["agent", "engineer", "manager", "anna", "alfa_admin"])
def test_only_a_lead_decides_and_a_refusal_changes_nothing(
    desk: Desk, pending: Request, who: str
) -> None:
    actor = getattr(desk, who)
    events = AuditEvent.objects.count()
    for decide in (actions.accept_out_of_contract, actions.decline_out_of_contract):
        with pytest.raises(ActionDenied):
            decide(actor=actor, request=pending, reason="x", now=LATER)
    request = latest()
    assert request.out_of_contract == OutOfContract.PENDING
    assert_no_clock_runs(request)
    assert AuditEvent.objects.count() == events


def test_api_decision_endpoints(desk: Desk, pending: Request) -> None:
    path = f"/requests/{pending.pk}/out-of-contract"
    assert Api(desk.agent).post(f"{path}/accept", {"reason": "x"}).status_code == 403
    answer = Api(desk.lead).post(f"{path}/accept", {"reason": "agreed"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["out_of_contract"] == "accepted"
    assert Api(desk.lead).post(f"{path}/decline", {"reason": "x"}).status_code == 409


def test_a_covered_request_cannot_be_decided(desk: Desk) -> None:
    file_by_api(desk.anna)
    with pytest.raises(ActionError):
        actions.accept_out_of_contract(actor=desk.lead, request=latest(), reason="", now=LATER)


def test_the_priority_of_a_pending_request_may_change_and_applies_at_acceptance(
    desk: Desk, pending: Request
) -> None:
    actions.raise_priority(
        actor=desk.engineer, request=pending, to=Priority.P2, reason="many users", now=at(23, 13)
    )
    accepted = actions.accept_out_of_contract(
        actor=desk.lead, request=pending, reason="", now=LATER
    )
    assert accepted.priority == "P2"
    assert Request.objects.get(pk=accepted.pk).reaction_clock.status == ClockStatus.RUNNING


def test_a_resolved_request_is_not_accepted_but_may_be_declined(
    desk: Desk, pending: Request
) -> None:
    actions.resolve(actor=desk.engineer, request=pending, summary="Done anyway", now=at(23, 13))
    with pytest.raises(ActionError):
        actions.accept_out_of_contract(actor=desk.lead, request=pending, reason="", now=LATER)
    actions.decline_out_of_contract(actor=desk.lead, request=pending, reason="no", now=LATER)
    assert latest().status == Status.CLOSED


def test_the_desk_marks_it_and_offers_the_lead_the_decision(desk: Desk, pending: Request) -> None:
    lead_page = portal(desk.lead).get(f"/desk/requests/{pending.pk}/").text
    assert "Accept as a billable exception" in lead_page
    agent_page = portal(desk.agent).get(f"/desk/requests/{pending.pk}/").text
    assert "Accept as a billable exception" not in agent_page
    assert "outside the contract: waiting for a support lead" in agent_page
    queue = portal(desk.agent).get("/desk/", {"tab": "all"}).text
    assert "outside the contract" in queue
    assert "not_started" not in queue

    answer = portal(desk.lead).post(
        f"/desk/requests/{pending.pk}/decline_out/", {"decline_out-reason": "not covered"}
    )
    assert answer.status_code == 302
    assert latest().out_of_contract == OutOfContract.DECLINED


def test_the_what_if_replay_of_an_accepted_request_matches_its_live_clocks(
    desk: Desk, pending: Request
) -> None:
    actions.raise_priority(
        actor=desk.engineer, request=pending, to=Priority.P2, reason="many users", now=at(23, 13)
    )
    actions.accept_out_of_contract(actor=desk.lead, request=pending, reason="", now=LATER)
    actions.reply(actor=desk.engineer, request=latest(), body="On it", now=at(23, 16))
    actions.resolve(actor=desk.engineer, request=latest(), summary="Done", now=at(24, 11))
    now = at(24, 12)
    request = latest()
    policy = policy_of(request.policy_version_id, now=now)
    calendars = Calendars()

    replayed = replay(
        history(request),
        rule=lambda p: policy.rule(RequestType(request.request_type), p),
        calendars=calendars,
        now=now,
    )

    for live, again in (
        (request.reaction_clock, replayed.reaction),
        (request.resolution_clock, replayed.resolution),
    ):
        assert live is not None
        assert again is not None
        state, _events = clock_state(live, now=now)
        assert again.state == state


def test_what_if_leaves_out_requests_no_clock_ran_for(desk: Desk, pending: Request) -> None:
    assert not _requests(desk.alfa, at(1, 0), at(30, 0)).filter(pk=pending.pk).exists()


def test_the_new_request_page_says_what_the_contract_does_not_cover(desk: Desk) -> None:
    alfa = portal(desk.anna).get("/portal/new/").text
    assert "Your contract does not include:" in alfa
    assert "test/dev environment support" in alfa
    assert "on-site support" in alfa  # 8x5 without it
    beta = portal(desk.vera).get("/portal/new/").text
    assert "test/dev environment support" in beta
    assert "on-site support" not in beta.split("Your contract does not include:")[1]
