"""Feature requests voted across organizations, their statuses and the release mail;
client-app releases and the publication tasks of contracts with the add-on."""

from __future__ import annotations

from datetime import date

import pytest

from supportdesk.contracts.models import AddOn
from supportdesk.development import actions
from supportdesk.development.models import (
    FeatureStatus,
    FeatureVote,
    Platform,
    PublicationTask,
)
from supportdesk.notifications.models import Notification
from supportdesk.slamath.policy import RequestType
from supportdesk.staff.permissions import ActionDenied
from supportdesk.tickets.errors import ActionError
from tests.development.conftest import open_bug
from tests.tickets.conftest import Desk, at

NOW = at(23, 12)


def test_one_vote_per_organization_and_voters_told_on_release(desk: Desk) -> None:
    feature = actions.file_feature_request(
        actor=desk.anna, title="Dark theme", description="For night shifts", now=NOW
    )
    assert feature.votes.count() == 1  # filing is Alfa's vote
    with pytest.raises(ActionError):  # Boris is Alfa too
        actions.vote_for_feature(actor=desk.boris, feature=feature, now=NOW)
    actions.set_feature_status(
        actor=desk.manager, feature=feature, status=FeatureStatus.PLANNED, now=NOW
    )  # taken up by the vendor: every customer sees it now
    actions.vote_for_feature(actor=desk.vera, feature=feature, now=NOW)
    assert feature.votes.count() == 2
    actions.set_feature_status(
        actor=desk.manager, feature=feature, status=FeatureStatus.IN_DEVELOPMENT, now=NOW
    )
    with pytest.raises(ActionError):  # a release names its version
        actions.set_feature_status(
            actor=desk.manager, feature=feature, status=FeatureStatus.RELEASED, now=NOW
        )
    actions.set_feature_status(
        actor=desk.lead, feature=feature, status=FeatureStatus.RELEASED,
        released_version="5.4", now=at(24, 10),
    )  # fmt: skip
    told = set(
        Notification.objects.filter(event="feature.released").values_list("recipient", flat=True)
    )
    assert told == {"anna@alfa.example", "vera@beta.example"}
    with pytest.raises(ActionError):  # closed for votes
        actions.vote_for_feature(actor=desk.lead, feature=feature, organization=desk.alfa, now=NOW)


def test_manager_files_from_a_feature_request_and_votes_for_managed_orgs(desk: Desk) -> None:
    wish = open_bug(desk, request_type=RequestType.FEATURE)
    feature = actions.file_feature_request(
        actor=desk.manager, title="Export chats", source_request=wish, now=NOW
    )
    vote = FeatureVote.objects.get(feature=feature)
    assert (vote.organization, vote.contact) == (desk.alfa, desk.contact(desk.anna))
    # Maria manages Beta's contract too (the personas' contracts name her).
    actions.vote_for_feature(actor=desk.manager, feature=feature, organization=desk.beta, now=NOW)
    with pytest.raises(ActionError):
        actions.vote_for_feature(actor=desk.manager, feature=feature, now=NOW)
    bug = open_bug(desk)
    with pytest.raises(ActionError):  # only a feature-type request
        actions.file_feature_request(actor=desk.manager, title="x", source_request=bug, now=NOW)
    with pytest.raises(ActionDenied):  # customers cannot file from a request
        actions.file_feature_request(actor=desk.anna, title="x", source_request=wish, now=NOW)


@pytest.mark.parametrize("who", ["agent", "engineer"])
def test_only_customers_managers_and_leads_file_and_vote(desk: Desk, who: str) -> None:
    with pytest.raises(ActionDenied):
        actions.file_feature_request(actor=getattr(desk, who), title="x", now=NOW)


def test_only_managers_and_leads_move_a_feature(desk: Desk) -> None:
    feature = actions.file_feature_request(actor=desk.anna, title="Dark theme", now=NOW)
    for who in (desk.anna, desk.alfa_admin, desk.agent, desk.engineer):
        with pytest.raises(ActionDenied):
            actions.set_feature_status(
                actor=who, feature=feature, status=FeatureStatus.PLANNED, now=NOW
            )
    feature.refresh_from_db()
    assert feature.status == FeatureStatus.PROPOSED


def _with_add_on(desk: Desk) -> None:
    desk.beta_contract.add_ons = [AddOn.CLIENT_APP_PUBLICATION.value]
    desk.beta_contract.save()


def test_publication_tasks_for_contracts_with_the_add_on_once_each(desk: Desk) -> None:
    _with_add_on(desk)
    from supportdesk.customers.models import Contact

    Contact.objects.create(
        organization=desk.beta, name="Bella", email="bella@beta.example", is_customer_admin=True
    )
    release = actions.publish_client_release(
        actor=desk.lead, platform=Platform.ANDROID, version="5.3.2", notes="Fixes", now=NOW
    )
    task = PublicationTask.objects.get()
    assert task.contract == desk.beta_contract  # Alfa has no add-on
    assert list(
        Notification.objects.filter(event="release.publication_task").values_list(
            "recipient", flat=True
        )
    ) == ["bella@beta.example"]
    desk.alfa_contract.add_ons = [AddOn.CLIENT_APP_PUBLICATION.value]
    desk.alfa_contract.save()
    assert actions.ensure_publication_tasks(actor=desk.lead, release=release, now=NOW) == 1
    assert actions.ensure_publication_tasks(actor=desk.lead, release=release, now=NOW) == 0
    assert PublicationTask.objects.count() == 2
    with pytest.raises(ActionError):
        actions.publish_client_release(
            actor=desk.lead, platform=Platform.ANDROID, version="5.3.2", now=NOW
        )


def test_a_contract_out_of_force_gets_no_task(desk: Desk) -> None:
    _with_add_on(desk)
    desk.beta_contract.valid_until = date(2026, 11, 1)
    desk.beta_contract.save()
    actions.publish_client_release(actor=desk.lead, platform=Platform.IOS, version="1", now=NOW)
    assert not PublicationTask.objects.exists()


def test_who_completes_a_publication_task(desk: Desk) -> None:
    _with_add_on(desk)
    for who in (desk.engineer, desk.manager, desk.anna):
        with pytest.raises(ActionDenied):
            actions.publish_client_release(actor=who, platform=Platform.WEB, version="1", now=NOW)
    actions.publish_client_release(actor=desk.lead, platform=Platform.WEB, version="1", now=NOW)
    task = PublicationTask.objects.get()
    for who in (desk.vera, desk.alfa_admin, desk.engineer, desk.agent):
        with pytest.raises(ActionDenied):  # a user, another org's admin, wrong roles
            actions.complete_publication_task(actor=who, task=task, now=NOW)
    task.refresh_from_db()
    assert task.done_at is None
    # Maria is Beta's personal manager.
    done = actions.complete_publication_task(actor=desk.manager, task=task, note="ok", now=NOW)
    assert done.done_at == NOW
    with pytest.raises(ActionError):
        actions.complete_publication_task(actor=desk.lead, task=task, now=NOW)


def test_a_customer_cannot_vote_on_another_organizations_proposal(desk: Desk) -> None:
    feature = actions.file_feature_request(actor=desk.anna, title="Alfa's wish", now=NOW)
    with pytest.raises(ActionDenied):
        actions.vote_for_feature(actor=desk.vera, feature=feature, now=NOW)
    assert feature.votes.count() == 1
