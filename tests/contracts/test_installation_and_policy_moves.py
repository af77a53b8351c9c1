"""The installation record ("fixed in version X" shows who is still affected) and moving
contracts to a new SLA policy version (a lead's bulk action, or the next term)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client

from supportdesk.audit.models import AuditEvent
from supportdesk.contracts.actions import (
    ContractError,
    add_server,
    change_server,
    move_contracts_to_policy_version,
    renew_contract,
)
from supportdesk.contracts.models import Contract, Server
from supportdesk.contracts.reads import affected_contracts
from supportdesk.sla.models import PolicyVersion
from supportdesk.sla.policy_actions import draft_policy_version
from supportdesk.staff.permissions import ActionDenied
from tests.api.helpers import Api, open_request
from tests.tickets.conftest import Desk, at

NOW = at(23, 12)


def test_fixed_in_version_lists_customers_whose_production_still_runs_below_it(
    desk: Desk,
) -> None:
    add_server(actor=desk.engineer, contract=desk.alfa_contract, name="cts-1",
               environment="production", platform_version="3.9.2", now=NOW)  # fmt: skip
    add_server(actor=desk.engineer, contract=desk.alfa_contract, name="cts-test",
               environment="test", platform_version="3.1", now=NOW)  # fmt: skip
    add_server(actor=desk.engineer, contract=desk.beta_contract, name="cts-a",
               environment="production", platform_version="3.10", now=NOW)  # fmt: skip

    affected = affected_contracts("3.10")

    assert [(row.contract.number, [s.name for s in row.servers]) for row in affected] == [
        ("A-1", ["cts-1"])
    ]
    assert [row.contract.number for row in affected_contracts("3.10.1")] == ["A-1", "B-1"]
    assert affected_contracts("3.9") == []  # the test server does not count
    assert affected_contracts("4", on=date(2030, 1, 1)) == []  # no contract in force then


def test_a_server_needs_a_valid_version_and_staff_who_may_edit(desk: Desk) -> None:
    with pytest.raises(ContractError):
        add_server(actor=desk.engineer, contract=desk.alfa_contract, name="cts-1",
                   environment="production", platform_version="latest", now=NOW)  # fmt: skip
    for who in (desk.agent, desk.anna, desk.alfa_admin):
        with pytest.raises(ActionDenied):
            add_server(actor=who, contract=desk.alfa_contract, name="cts-1",
                       environment="production", platform_version="3.1", now=NOW)  # fmt: skip
    assert not Server.objects.exists()
    server = add_server(actor=desk.manager, contract=desk.alfa_contract, name="cts-1",
                        environment="production", platform_version="3.1", now=NOW)  # fmt: skip
    change_server(actor=desk.engineer, server=server, name="cts-1", environment="production",
                  platform_version="3.2", fault_tolerant_pair=True, now=NOW)  # fmt: skip
    assert Server.objects.get().platform_version == "3.2"
    assert AuditEvent.objects.filter(action__startswith="installation.").count() == 2


@pytest.fixture
def version_2(desk: Desk) -> PolicyVersion:
    v1 = desk.alfa_contract.policy_version
    draft = draft_policy_version(source=v1, actor=desk.lead, now=NOW - timedelta(days=30))
    assert draft.effective_from <= NOW
    return draft


def test_a_lead_moves_contracts_and_open_requests_keep_their_version(
    desk: Desk, version_2: PolicyVersion
) -> None:
    request = open_request(desk)
    old = desk.alfa_contract.policy_version_id

    moved = move_contracts_to_policy_version(
        actor=desk.lead, contracts=[desk.alfa_contract], version=version_2,
        reason="new SLA from December", now=NOW,
    )  # fmt: skip

    assert [row.pk for row in moved] == [desk.alfa_contract.pk]
    assert Contract.objects.get(pk=desk.alfa_contract.pk).policy_version == version_2
    request.refresh_from_db()
    assert request.policy_version_id == old
    assert open_request(desk).policy_version == version_2
    event = AuditEvent.objects.get(action="contract.policy_version_moved")
    assert event.data["reason"] == "new SLA from December"


def test_a_move_is_refused_without_reason_across_plans_or_by_others(
    desk: Desk, version_2: PolicyVersion
) -> None:
    cases = [
        (desk.lead, [desk.alfa_contract], "", ContractError),
        (desk.lead, [desk.alfa_contract, desk.beta_contract], "x", ContractError),
        (desk.engineer, [desk.alfa_contract], "x", ActionDenied),
        (desk.alfa_admin, [desk.alfa_contract], "x", ActionDenied),
    ]
    for actor, contracts, reason, error in cases:
        with pytest.raises(error):
            move_contracts_to_policy_version(
                actor=actor, contracts=contracts, version=version_2, reason=reason, now=NOW
            )
    assert Contract.objects.get(pk=desk.alfa_contract.pk).policy_version != version_2
    assert not AuditEvent.objects.filter(action="contract.policy_version_moved").exists()


def test_a_draft_version_is_not_a_target(desk: Desk) -> None:
    draft = draft_policy_version(source=desk.alfa_contract.policy_version, actor=None, now=NOW)
    with pytest.raises(ContractError):
        move_contracts_to_policy_version(
            actor=desk.lead, contracts=[desk.alfa_contract], version=draft, reason="x", now=NOW
        )


def test_the_next_term_gets_the_newest_version_in_force(
    desk: Desk, version_2: PolicyVersion
) -> None:
    add_server(actor=desk.engineer, contract=desk.alfa_contract, name="cts-1",
               environment="production", platform_version="3.1", now=NOW)  # fmt: skip
    renewed = renew_contract(actor=desk.lead, contract=desk.alfa_contract, number="A-2", now=NOW)
    assert renewed.policy_version == version_2
    assert (renewed.valid_from, renewed.valid_until) == (date(2028, 1, 1), date(2028, 12, 31))
    assert [server.name for server in renewed.servers.all()] == ["cts-1"]
    with pytest.raises(ActionDenied):
        renew_contract(actor=desk.engineer, contract=desk.alfa_contract, number="A-3", now=NOW)


def _desk_client(user: object) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_desk_records_servers_and_shows_who_is_affected(desk: Desk) -> None:
    engineer = _desk_client(desk.engineer)
    url = f"/desk/contracts/{desk.alfa_contract.pk}/servers/"
    data = {"name": "cts-1", "environment": "production", "platform_version": "3.9"}
    engineer.post(url, data)
    engineer.post(url, {**data, "name": "cts-2", "platform_version": "three"})  # refused
    assert [(s.name, s.platform_version) for s in Server.objects.all()] == [("cts-1", "3.9")]

    page = engineer.get("/desk/contracts/", {"fixed_in": "3.10"}).text
    assert "cts-1 (3.9)" in page
    assert "Alfa" in page
    assert "not a platform version" in engineer.get("/desk/contracts/", {"fixed_in": "x"}).text
    assert _desk_client(desk.anna).get("/desk/contracts/").status_code == 404

    agent = _desk_client(desk.agent)
    agent.post(url, {**data, "name": "cts-3"})
    assert Server.objects.count() == 1  # an agent may not edit the installation


def test_the_customer_sees_what_is_included_and_the_admin_the_installation(desk: Desk) -> None:
    add_server(actor=desk.engineer, contract=desk.alfa_contract, name="cts-alfa",
               environment="production", platform_version="3.4.1", now=NOW)  # fmt: skip
    add_server(actor=desk.engineer, contract=desk.beta_contract, name="cts-beta",
               environment="production", platform_version="3.4.1", now=NOW)  # fmt: skip
    beta_page = _desk_client(desk.vera).get("/portal/contract/").text
    assert "What your contract includes" in beta_page
    assert "on-site support" in beta_page  # Premium's
    admin_page = _desk_client(desk.alfa_admin).get("/portal/contract/").text
    assert "Your contract includes no add-ons." in admin_page
    assert "cts-alfa" in admin_page
    assert "3.4.1" in admin_page
    assert "cts-beta" not in admin_page
    assert "cts-alfa" not in _desk_client(desk.anna).get("/portal/contract/").text


def test_the_api_lists_what_a_contract_includes(desk: Desk) -> None:
    answer = Api(desk.vera).get(f"/contracts/{desk.beta_contract.pk}").json()
    assert answer["included_add_ons"] == [
        "administration", "dedicated_engineer", "personal_manager", "onsite",
        "performance_analysis", "client_app_publication",
    ]  # fmt: skip
    listed = Api(desk.engineer).get("/contracts").json()["items"]
    assert {row["number"]: row["included_add_ons"] for row in listed}["A-1"] == []


def test_a_lead_renews_on_the_desk(desk: Desk, version_2: PolicyVersion) -> None:
    url = f"/desk/contracts/{desk.alfa_contract.pk}/renew/"
    _desk_client(desk.engineer).post(url, {"number": "A-2"})
    assert not Contract.objects.filter(number="A-2").exists()  # a lead's
    answer = _desk_client(desk.lead).post(url, {"number": "A-2"})
    renewed = Contract.objects.get(number="A-2")
    assert answer.status_code == 302
    assert answer["Location"] == f"/desk/contracts/{renewed.pk}/"
    assert renewed.policy_version == version_2
