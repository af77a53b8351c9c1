"""The intake rules: the contract in force on the organization's local date, the detail
gaps, and the out-of-hours notice."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from supportdesk.calendars.engine import get_calendar
from supportdesk.channels.actions import receive
from supportdesk.channels.inbound import Outcome
from supportdesk.channels.rules import IntakeNotice, contract_for, detail_gaps, intake_notice
from supportdesk.contracts.models import Contract
from supportdesk.sla.models import PolicyVersion
from supportdesk.tickets.errors import ActionError
from tests.channels.conftest import new_in_portal
from tests.tickets.conftest import DETAILED, MOSCOW, Desk


def _contract_from(desk: Desk, first_day: date) -> Contract:
    """Alfa's only contract, starting on ``first_day``."""
    desk.alfa_contract.delete()
    return Contract.objects.create(
        number="A-2", organization=desk.alfa,
        policy_version=PolicyVersion.objects.get(plan__code="8x5", number=1),
        valid_from=first_day, valid_until=date(2027, 12, 31),
    )  # fmt: skip


def test_a_request_at_1_am_moscow_on_the_contracts_first_day_is_registered(desk: Desk) -> None:
    contract = _contract_from(desk, date(2026, 12, 1))
    one_am = datetime(2026, 12, 1, 1, 0, tzinfo=MOSCOW)  # 30 November 22:00 in UTC
    received = receive(new_in_portal(desk), now=one_am)
    assert received.outcome == Outcome.OPENED
    assert received.request is not None
    assert received.request.contract == contract


def test_the_evening_before_the_first_day_in_moscow_is_refused(desk: Desk) -> None:
    _contract_from(desk, date(2026, 12, 1))
    evening = datetime(2026, 11, 30, 23, 30, tzinfo=MOSCOW)
    with pytest.raises(ActionError, match="no contract valid on 2026-11-30"):
        receive(new_in_portal(desk), now=evening)


def test_the_contract_is_judged_in_the_organizations_own_time_zone(desk: Desk) -> None:
    desk.alfa.time_zone = "Asia/Vladivostok"  # UTC+10
    desk.alfa.save()
    contract = _contract_from(desk, date(2026, 12, 1))
    morning = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # 1 December 01:00 in Vladivostok
    assert contract_for(desk.alfa, morning) == contract
    assert contract_for(desk.alfa, datetime(2026, 11, 30, 13, 0, tzinfo=UTC)) is None


def test_detail_gaps_name_what_is_missing_in_the_readers_language(desk: Desk) -> None:
    assert detail_gaps(component=desk.messaging, scope="mass", description=DETAILED) == []
    with translation.override("ru"):
        gaps = detail_gaps(component=None, scope="", description="Не работает")
    assert gaps == [
        "компонент",
        "кого затрагивает (многих или отдельных пользователей)",
        "описание не короче 50 символов",
    ]


def test_no_notice_when_the_reaction_clock_starts_at_registration(desk: Desk) -> None:
    monday_noon = datetime(2026, 11, 23, 12, 0, tzinfo=MOSCOW)
    business_hours = get_calendar("ru-support")
    assert intake_notice(registered_at=monday_noon, reaction_calendar=business_hours) is None
    saturday = datetime(2026, 11, 28, 14, 0, tzinfo=MOSCOW)
    assert intake_notice(registered_at=saturday, reaction_calendar=get_calendar("24x7")) is None


def test_the_notice_says_when_the_clock_starts_in_the_readers_zone(desk: Desk) -> None:
    saturday = datetime(2026, 11, 28, 14, 0, tzinfo=MOSCOW)
    notice = intake_notice(registered_at=saturday, reaction_calendar=get_calendar("ru-support"))
    assert notice == IntakeNotice(starts_at=datetime(2026, 11, 30, 7, 0, tzinfo=UTC))
    assert notice.text("Europe/Moscow") == (
        "The request is registered outside support hours for its priority: our reaction time "
        "starts counting on 30.11.2026 at 10:00 (Europe/Moscow)."
    )
    with translation.override("ru"):
        assert notice.text("Asia/Yekaterinburg") == (
            "Обращение зарегистрировано вне часов поддержки для его приоритета: время реакции "
            "начнёт отсчитываться 30.11.2026 в 12:00 (Asia/Yekaterinburg)."
        )
