"""The dedicated engineer gets the contract's requests first; while they are away (by the
organization's local date), the request goes to their team unassigned."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from supportdesk.audit.models import AuditEvent
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.staff import absences
from supportdesk.staff.models import Absence, StaffMember
from supportdesk.staff.permissions import ActionDenied
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Request, Scope
from tests.tickets.conftest import DETAILED, Desk, at


def register(desk: Desk, now: datetime) -> Request:
    return actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject="Calls drop", description=DETAILED, requested_priority=Priority.P3,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=now,
    )  # fmt: skip


def away(desk: Desk, starts: date, ends: date) -> Absence:
    member = StaffMember.objects.get(user=desk.engineer)
    return absences.set_absence(
        actor=desk.engineer, member=member, starts_on=starts, ends_on=ends, note="leave",
        now=at(20, 9),
    )  # fmt: skip


def test_the_dedicated_engineer_gets_it_first(desk: Desk) -> None:
    request = register(desk, at(23, 10))
    assert (request.assignee, request.team) == (desk.engineer, None)
    assert AuditEvent.objects.get(action="request.opened").data["assignee"] == desk.engineer.pk


def test_while_away_the_team_gets_it_unassigned(desk: Desk) -> None:
    away(desk, date(2026, 11, 23), date(2026, 11, 24))
    request = register(desk, at(23, 10))
    assert (request.assignee, request.team) == (None, desk.team)
    back = register(desk, at(25, 10))
    assert back.assignee == desk.engineer


def test_away_is_read_on_the_organizations_local_date(desk: Desk) -> None:
    desk.alfa.time_zone = "Asia/Vladivostok"  # UTC+10: its 24th starts at 17:00 Moscow
    desk.alfa.save(update_fields=["time_zone"])
    away(desk, date(2026, 11, 24), date(2026, 11, 24))
    moscow_evening = datetime(2026, 11, 23, 18, tzinfo=ZoneInfo("Europe/Moscow"))
    assert register(desk, moscow_evening).assignee is None  # already the 24th there
    assert register(desk, at(23, 10)).assignee == desk.engineer  # still the 23rd there


def test_an_engineer_sets_their_own_absence_not_a_colleagues(desk: Desk) -> None:
    agent = StaffMember.objects.get(user=desk.agent)
    with pytest.raises(ActionDenied):
        absences.set_absence(
            actor=desk.engineer, member=agent, starts_on=date(2026, 12, 1),
            ends_on=date(2026, 12, 2), note="", now=at(23, 9),
        )  # fmt: skip
    absences.set_absence(
        actor=desk.lead, member=agent, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 2),
        note="", now=at(23, 9),
    )  # fmt: skip
    with pytest.raises(absences.AbsenceError):
        away(desk, date(2026, 12, 5), date(2026, 12, 1))
    assert Absence.objects.count() == 1
