"""The personal manager's customers: their contracts' open requests and escalations."""

from __future__ import annotations

import pytest

from supportdesk.contracts.models import Contract
from supportdesk.slamath.policy import Priority
from supportdesk.staff.permissions import ActionDenied
from supportdesk.tickets import actions
from supportdesk.tickets.managed import managed_view
from supportdesk.tickets.models import PriorityDefinition
from tests.tickets.conftest import Desk, at
from tests.workspace.conftest import browser, open_


def test_the_manager_sees_their_customers_requests_and_escalations(desk: Desk) -> None:
    urgent = open_(desk, Priority.P1, "everything down")
    calm = open_(desk, Priority.P4, "a typo")
    Contract.objects.filter(pk=desk.beta_contract.pk).update(personal_manager=desk.lead)
    theirs_not = open_(desk, Priority.P1, "beta down", customer=desk.vera)
    view = managed_view(desk.manager)
    assert {r.pk for r in view.requests} == {urgent.pk, calm.pk}
    assert [r.pk for r in view.escalations] == [urgent.pk]
    page = browser(desk.manager).get("/desk/customers/")
    assert page.status_code == 200
    assert "everything down" in page.text
    assert theirs_not.subject not in page.text


def test_an_agent_has_no_customers_view(desk: Desk) -> None:
    with pytest.raises(ActionDenied):
        managed_view(desk.agent)
    assert browser(desk.agent).get("/desk/customers/").status_code == 404


def test_an_agent_is_not_offered_what_the_actions_refuse(desk: Desk) -> None:
    request = open_(desk, Priority.P2)
    page = browser(desk.agent).get(f"/desk/requests/{request.pk}/").text
    assert 'id="form-exclude"' not in page
    correct = page.split('id="form-correct"')[1].split("</form>")[0]
    assert 'value="P3"' not in correct
    assert 'value="P1"' in correct
    lead = browser(desk.lead).get(f"/desk/requests/{request.pk}/").text
    assert 'id="form-exclude"' in lead


def test_the_lead_decides_an_objection_on_the_request_page(desk: Desk) -> None:
    request = open_(desk, Priority.P2)
    actions.correct_priority(
        actor=desk.engineer, request=request, to=Priority.P3, reason="a workaround",
        definition=PriorityDefinition.P3_WORKAROUND, now=at(23, 11),
    )  # fmt: skip
    correction = request.priority_changes.order_by("-at", "-id").first()
    assert correction is not None
    actions.object_to_correction(
        by=desk.contact(desk.anna), correction=correction, reason="mass", now=at(23, 11, 30)
    )
    assert (
        'id="form-objection"'
        not in browser(desk.engineer).get(f"/desk/requests/{request.pk}/").text
    )
    lead = browser(desk.lead)
    assert 'id="form-objection"' in lead.get(f"/desk/requests/{request.pk}/").text
    answer = lead.post(
        f"/desk/requests/{request.pk}/objection/",
        {"objection-decision": "revert", "objection-note": "it is mass"},
    )
    assert answer.status_code == 302
    objection = request.objections.get()
    assert (objection.state, objection.decision_note) == ("reverted", "it is mass")


def test_the_manager_sees_the_feature_requests_their_customers_filed_or_voted_for(
    desk: Desk,
) -> None:
    from supportdesk.development import actions as development
    from supportdesk.development.models import FeatureStatus

    filed = development.file_feature_request(actor=desk.anna, title="Dark theme", now=at(23, 10))
    voted = development.file_feature_request(actor=desk.vera, title="Stickers", now=at(23, 10))
    development.set_feature_status(
        actor=desk.lead, feature=voted, status=FeatureStatus.PLANNED, now=at(23, 11)
    )
    development.vote_for_feature(actor=desk.anna, feature=voted, now=at(23, 11))
    development.file_feature_request(actor=desk.vera, title="Beta only wish", now=at(23, 10))
    Contract.objects.filter(pk=desk.beta_contract.pk).update(personal_manager=desk.lead)
    page = browser(desk.manager).get("/desk/customers/")
    assert page.status_code == 200
    assert filed.title in page.text
    assert voted.title in page.text
    assert "Beta only wish" not in page.text
