"""A bug handed to development: the item, its append-only history, the customer's mail,
and the resolution clock stopping at the milestone the policy version names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from supportdesk.audit.models import AuditEvent
from supportdesk.development import actions
from supportdesk.development.models import DevelopmentItem, ItemChange, ItemStatus
from supportdesk.notifications.models import Notification
from supportdesk.sla import policies
from supportdesk.sla.models import PolicyVersion, SlaClock
from supportdesk.slamath.clock import ClockStatus
from supportdesk.slamath.policy import BugClockStop, RequestType
from supportdesk.staff.permissions import ActionDenied
from supportdesk.tickets import actions as request_actions
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import ClockOutcome, Request, Status
from tests.development.conftest import open_bug
from tests.tickets.conftest import Desk, at

URL = "https://tracker.vendor.example/browse/CTS-1042"


def resolution(request: Request) -> SlaClock:
    clock = Request.objects.get(pk=request.pk).resolution_clock
    assert clock is not None
    return clock


def set_stop(desk: Desk, stop: BugClockStop) -> None:
    """As if the version had been drafted so (a version in force is never edited): the
    per-process cache of versions in force is emptied around it."""
    PolicyVersion.objects.filter(pk=desk.alfa_contract.policy_version_id).update(
        bug_clock_stop=stop
    )
    policies._in_force.clear()


@pytest.fixture(autouse=True)
def _fresh_policy_cache() -> Iterator[None]:
    policies._in_force.clear()
    yield
    policies._in_force.clear()


def test_existing_versions_stop_at_the_hand_off(desk: Desk) -> None:
    assert set(PolicyVersion.objects.values_list("bug_clock_stop", flat=True)) == {"handoff"}


def test_hand_off_stops_the_clock_and_tells_the_customer(desk: Desk) -> None:
    bug = open_bug(desk)
    item = actions.hand_to_development(
        actor=desk.engineer, request=bug, external_url=URL, note="Reproduced", now=at(23, 12)
    )
    assert item.status == ItemStatus.HANDED_OVER
    clock = resolution(bug)
    assert clock.status == ClockStatus.STOPPED
    assert clock.events.last().reason == "handed_to_development"  # type: ignore[union-attr]
    assert ClockOutcome.objects.filter(request=bug, kind="resolution").count() == 1
    mail = Notification.objects.get(event="request.development_status")
    assert mail.recipient == "anna@alfa.example"
    assert AuditEvent.objects.filter(action="development.handed_over").count() == 1
    # A later status change does not resume a clock the hand-off stopped.
    request_actions.set_status(
        actor=desk.engineer, request=bug, status=Status.WAITING, now=at(23, 13)
    )
    request_actions.set_status(
        actor=desk.engineer, request=bug, status=Status.IN_PROGRESS, now=at(23, 14)
    )
    assert resolution(bug).status == ClockStatus.STOPPED


def test_workaround_does_not_stop_a_hand_off_policy(desk: Desk) -> None:
    bug = open_bug(desk)
    actions.give_workaround(actor=desk.engineer, request=bug, text="Restart", now=at(23, 12))
    assert resolution(bug).status == ClockStatus.RUNNING
    assert Notification.objects.filter(event="request.workaround").count() == 1


def test_workaround_policy_stops_at_the_workaround(desk: Desk) -> None:
    set_stop(desk, BugClockStop.WORKAROUND)
    bug = open_bug(desk)
    actions.hand_to_development(actor=desk.engineer, request=bug, external_url=URL, now=at(23, 11))
    assert resolution(bug).status == ClockStatus.RUNNING
    actions.give_workaround(actor=desk.engineer, request=bug, text="Restart", now=at(23, 12))
    assert resolution(bug).status == ClockStatus.STOPPED
    with pytest.raises(ActionError):
        actions.give_workaround(actor=desk.engineer, request=bug, text="Again", now=at(23, 13))


def test_item_status_history_is_append_only_and_each_change_is_mailed(desk: Desk) -> None:
    bug = open_bug(desk)
    item = actions.hand_to_development(
        actor=desk.engineer, request=bug, external_url=URL, now=at(23, 12)
    )
    actions.update_development_item(
        actor=desk.engineer, item=item, status=ItemStatus.ACCEPTED, now=at(24, 10)
    )
    with pytest.raises(ActionError):  # fixed needs its version
        actions.update_development_item(
            actor=desk.engineer, item=item, status=ItemStatus.FIXED, now=at(24, 11)
        )
    actions.update_development_item(
        actor=desk.lead, item=item, status=ItemStatus.FIXED, fix_version="5.3.1",
        note="In the next patch", now=at(25, 10),
    )  # fmt: skip
    item = actions.update_development_item(
        actor=desk.engineer, item=item, status=ItemStatus.RELEASED, now=at(26, 10)
    )
    assert (item.status, item.fix_version) == (ItemStatus.RELEASED, "5.3.1")
    history = list(ItemChange.objects.filter(item=item).values_list("from_status", "to_status"))
    assert history == [
        ("", "handed_over"), ("handed_over", "accepted"), ("accepted", "fixed"),
        ("fixed", "released"),
    ]  # fmt: skip
    mails = Notification.objects.filter(event="request.development_status").order_by("id")
    assert mails.count() == 4
    assert "5.3.1" in mails.last().subject  # type: ignore[union-attr]
    with pytest.raises(ActionError):  # released is final
        actions.update_development_item(
            actor=desk.engineer, item=item, status=ItemStatus.REJECTED, now=at(26, 11)
        )


def test_customer_mail_is_russian_by_default(desk: Desk) -> None:
    bug = open_bug(desk)
    actions.hand_to_development(actor=desk.engineer, request=bug, external_url=URL, now=at(23, 12))
    mail = Notification.objects.get(event="request.development_status")
    assert mail.language == "ru"
    assert "разработк" in mail.subject + mail.body


@pytest.mark.parametrize("url", ["ftp://tracker/1", "javascript:alert(1)", "tracker/1", " "])
def test_the_tracker_link_must_be_http(desk: Desk, url: str) -> None:
    bug = open_bug(desk)
    with pytest.raises(ActionError):
        actions.hand_to_development(
            actor=desk.engineer, request=bug, external_url=url, now=at(23, 12)
        )
    assert not DevelopmentItem.objects.exists()


def test_only_bugs_once_and_only_engineers(desk: Desk) -> None:
    incident = open_bug(desk, request_type=RequestType.INCIDENT)
    with pytest.raises(ActionError):
        actions.hand_to_development(
            actor=desk.engineer, request=incident, external_url=URL, now=at(23, 12)
        )
    bug = open_bug(desk)
    for who in (desk.agent, desk.manager, desk.anna, desk.alfa_admin):
        with pytest.raises(ActionDenied):
            actions.hand_to_development(actor=who, request=bug, external_url=URL, now=at(23, 12))
    assert not DevelopmentItem.objects.exists()
    item = actions.hand_to_development(
        actor=desk.lead, request=bug, external_url=URL, now=at(23, 12)
    )
    with pytest.raises(ActionError):
        actions.hand_to_development(
            actor=desk.engineer, request=bug, external_url=URL, now=at(23, 13)
        )
    with pytest.raises(ActionDenied):
        actions.update_development_item(
            actor=desk.agent, item=item, status=ItemStatus.ACCEPTED, now=at(23, 14)
        )
    assert DevelopmentItem.objects.get().status == ItemStatus.HANDED_OVER
