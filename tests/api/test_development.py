"""The development endpoints: the bug's status at development on the request, feature
requests with votes counted across organizations (never who voted, for customers),
releases and publication tasks of the caller's organization only."""

from __future__ import annotations

from supportdesk.contracts.models import AddOn
from supportdesk.development import actions
from supportdesk.development.models import FeatureStatus, ItemStatus, Platform
from supportdesk.slamath.policy import Priority, RequestType
from tests.api.helpers import NOW, Api, open_request
from tests.tickets.conftest import Desk

URL = "https://tracker.vendor.example/browse/CTS-7"


def test_the_customer_sees_the_status_but_not_the_tracker(desk: Desk) -> None:
    bug = open_request(desk, requested_priority=Priority.P2, request_type=RequestType.BUG)
    assert Api(desk.anna).get(f"/requests/{bug.pk}/development").json() == {
        "request_id": bug.pk, "item": None, "workaround": None,
    }  # fmt: skip
    item = actions.hand_to_development(
        actor=desk.engineer, request=bug, external_url=URL, note="internal", now=NOW
    )
    actions.update_development_item(
        actor=desk.engineer, item=item, status=ItemStatus.FIXED, fix_version="5.3.1", now=NOW
    )
    mine = Api(desk.anna).get(f"/requests/{bug.pk}/development").json()["item"]
    assert (mine["status"], mine["fix_version"], mine["external_url"]) == ("fixed", "5.3.1", None)
    assert [change["note"] for change in mine["history"]] == [None, None]
    staff = Api(desk.engineer).get(f"/requests/{bug.pk}/development").json()["item"]
    assert staff["external_url"] == URL
    assert staff["history"][0]["note"] == "internal"


def test_votes_are_counted_across_organizations_without_naming_them(desk: Desk) -> None:
    feature = actions.file_feature_request(actor=desk.anna, title="Dark theme", now=NOW)
    hidden = actions.file_feature_request(actor=desk.anna, title="Alfa only", now=NOW)
    actions.set_feature_status(
        actor=desk.manager, feature=feature, status=FeatureStatus.PLANNED, now=NOW
    )
    assert Api(desk.vera).get(f"/feature-requests/{hidden.pk}").status_code == 404
    seen = Api(desk.vera).get("/feature-requests").json()["items"]
    assert [(f["title"], f["vote_count"], f["voted_by_my_organization"]) for f in seen] == [
        ("Dark theme", 1, False)
    ]
    assert seen[0]["voters"] == []
    assert seen[0]["organization_id"] is None
    actions.vote_for_feature(actor=desk.vera, feature=feature, now=NOW)
    again = Api(desk.vera).get(f"/feature-requests/{feature.pk}").json()
    assert (again["vote_count"], again["voted_by_my_organization"]) == (2, True)
    staff = Api(desk.manager).get(f"/feature-requests/{feature.pk}").json()
    assert staff["voters"] == ["Alfa", "Beta"]
    assert len(Api(desk.anna).get("/feature-requests").json()["items"]) == 2


def test_publication_tasks_of_the_callers_organization(desk: Desk) -> None:
    for contract in (desk.alfa_contract, desk.beta_contract):
        contract.add_ons = [AddOn.CLIENT_APP_PUBLICATION.value]
        contract.save()
    actions.publish_client_release(
        actor=desk.lead, platform=Platform.WINDOWS, version="5.3", notes="n", now=NOW
    )
    assert Api(desk.vera).get("/client-releases").json()["count"] == 1
    tasks = Api(desk.vera).get("/publication-tasks").json()["items"]
    assert [t["organization_id"] for t in tasks] == [desk.beta.pk]
    assert tasks[0]["release"]["version"] == "5.3"
    assert Api(desk.lead).get("/publication-tasks").json()["count"] == 2
