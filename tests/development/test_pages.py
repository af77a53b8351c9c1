"""The pages: a bug handed over from the desk, its status on the portal, feature requests
voted on the portal and the desk, publication tasks completed; another organization's
things stay out of sight."""

from __future__ import annotations

from django.test import Client

from supportdesk.contracts.models import AddOn
from supportdesk.development import actions
from supportdesk.development.models import (
    DevelopmentItem,
    FeatureStatus,
    FeatureVote,
    ItemStatus,
    Platform,
    PublicationTask,
)
from supportdesk.slamath.policy import RequestType
from tests.development.conftest import open_bug
from tests.tickets.conftest import Desk, at

NOW = at(23, 12)
URL = "https://tracker.vendor.example/browse/CTS-9"


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_desk_hands_a_bug_over_and_the_portal_shows_its_status(desk: Desk) -> None:
    bug = open_bug(desk)
    desk_client = signed_in(desk.engineer)
    page = desk_client.get(f"/desk/requests/{bug.pk}/")
    assert f'action="/desk/requests/{bug.pk}/development/handoff/"' in page.content.decode()
    answer = desk_client.post(
        f"/desk/requests/{bug.pk}/development/handoff/", {"external_url": URL, "note": "x"}
    )
    assert answer.status_code == 302
    item = DevelopmentItem.objects.get(request=bug)
    desk_client.post(
        f"/desk/requests/{bug.pk}/development/update/",
        {"status": "fixed", "fix_version": "5.3.1", "note": ""},
    )
    item.refresh_from_db()
    assert (item.status, item.fix_version) == (ItemStatus.FIXED, "5.3.1")
    portal = signed_in(desk.anna).get(f"/portal/requests/{bug.pk}/").content.decode()
    assert "5.3.1" in portal
    assert "остановлен: передано в разработку" in portal
    assert URL not in portal
    listing = desk_client.get("/desk/development/").content.decode()
    assert URL in listing


def test_a_bad_tracker_link_is_a_form_error_and_an_agent_cannot_hand_over(desk: Desk) -> None:
    bug = open_bug(desk)
    signed_in(desk.engineer).post(
        f"/desk/requests/{bug.pk}/development/handoff/", {"external_url": "ftp://x/1"}
    )
    signed_in(desk.agent).post(
        f"/desk/requests/{bug.pk}/development/handoff/", {"external_url": URL}
    )
    assert not DevelopmentItem.objects.exists()
    incident = open_bug(desk, request_type=RequestType.INCIDENT)
    page = signed_in(desk.engineer).get(f"/desk/requests/{incident.pk}/").content.decode()
    assert "development/handoff" not in page


def test_portal_features_vote_once_and_hide_other_organizations_proposals(desk: Desk) -> None:
    shared = actions.file_feature_request(actor=desk.vera, title="Dark theme", now=NOW)
    actions.set_feature_status(
        actor=desk.manager, feature=shared, status=FeatureStatus.PLANNED, now=NOW
    )
    private = actions.file_feature_request(actor=desk.vera, title="Beta's secret wish", now=NOW)
    anna = signed_in(desk.anna)
    page = anna.get("/portal/features/").content.decode()
    assert "Dark theme" in page
    assert "Beta&#x27;s secret wish" not in page
    assert "Beta" not in page
    anna.post(f"/portal/features/{shared.pk}/vote/")
    anna.post(f"/portal/features/{private.pk}/vote/")  # not visible to Alfa: nothing
    assert FeatureVote.objects.filter(organization=desk.alfa).count() == 1
    anna.post("/portal/features/new/", {"title": "Read receipts", "description": ""})
    assert FeatureVote.objects.filter(organization=desk.alfa).count() == 2


def test_desk_features_and_releases(desk: Desk) -> None:
    manager, lead = signed_in(desk.manager), signed_in(desk.lead)
    manager.post("/desk/features/new/", {"title": "Export chats", "description": ""})
    feature = actions.file_feature_request(actor=desk.anna, title="Dark theme", now=NOW)
    manager.post(f"/desk/features/{feature.pk}/vote/", {"organization": desk.beta.pk})
    assert feature.votes.count() == 2
    page = manager.get("/desk/features/").content.decode()
    assert "Alfa, Beta" in page
    assert "Export chats" in page
    desk.beta_contract.add_ons = [AddOn.CLIENT_APP_PUBLICATION.value]
    desk.beta_contract.save()
    lead.post("/desk/releases/new/", {"platform": Platform.MACOS, "version": "5.3", "notes": ""})
    task = PublicationTask.objects.get()
    assert "Beta" in lead.get("/desk/releases/").content.decode()
    # Alfa's admin cannot complete Beta's task (not even see it); Vera is a user, not admin.
    signed_in(desk.alfa_admin).post(f"/portal/publications/{task.pk}/done/")
    signed_in(desk.vera).post(f"/portal/publications/{task.pk}/done/")
    task.refresh_from_db()
    assert task.done_at is None
    assert "5.3" not in signed_in(desk.alfa_admin).get("/portal/publications/").content.decode()
    lead.post(f"/publications/{task.pk}/done/")  # no such page: nothing
    lead.post(f"/desk/publications/{task.pk}/done/")
    task.refresh_from_db()
    assert task.done_by == desk.lead


def test_the_customer_admin_completes_their_task_on_the_portal(desk: Desk) -> None:
    desk.alfa_contract.add_ons = [AddOn.CLIENT_APP_PUBLICATION.value]
    desk.alfa_contract.save()
    actions.publish_client_release(actor=desk.lead, platform=Platform.IOS, version="5.3", now=NOW)
    task = PublicationTask.objects.get()
    admin = signed_in(desk.alfa_admin)
    assert "iOS 5.3" in admin.get("/portal/publications/").content.decode()
    admin.post(f"/portal/publications/{task.pk}/done/")
    task.refresh_from_db()
    assert task.done_by == desk.alfa_admin
