"""From 1 October (Moscow) the support leads are told, once per production calendar and
year, that next year's official calendar must be loaded; the job drafts it meanwhile."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from supportdesk.calendars.models import DraftDay, MissingYearNotice, ProductionCalendar
from supportdesk.calendars.tasks import production_years
from supportdesk.calendars.years import missing_years, prepare_missing_years
from supportdesk.jobs.models import Heartbeat
from supportdesk.notifications.models import Notification
from supportdesk.slamath.russia import draft_year_from_holidays
from supportdesk.staff.models import StaffMember
from tests.tickets.conftest import Desk
from tests.tickets.conftest import desk as desk

pytestmark = pytest.mark.django_db
MOSCOW = ZoneInfo("Europe/Moscow")
EVE = datetime(2027, 9, 30, 23, 59, tzinfo=MOSCOW)
FIRST_OF_OCTOBER = datetime(2027, 10, 1, 0, 0, tzinfo=MOSCOW)  # 30.09 21:00 UTC


def mails() -> list[Notification]:
    return list(Notification.objects.filter(event="staff.production_year_missing").order_by("pk"))


def test_nothing_before_the_first_of_october(desk: Desk) -> None:
    assert missing_years(now=EVE) == []
    assert prepare_missing_years(now=EVE) == []
    assert mails() == []
    assert MissingYearNotice.objects.count() == 0


def test_the_leads_are_told_once_in_their_language(desk: Desk) -> None:
    StaffMember.objects.filter(user=desk.lead).update(language="en")
    russian_lead = desk.agent
    StaffMember.objects.filter(user=russian_lead).update(role="lead", language="ru")

    told = prepare_missing_years(now=FIRST_OF_OCTOBER)
    again = prepare_missing_years(now=FIRST_OF_OCTOBER.replace(day=2))

    assert [(m.production.code, m.year) for m in told] == [("ru", 2028)]
    assert again == []
    sent = mails()
    assert [(m.recipient, m.language) for m in sent] == [
        (desk.agent.email, "ru"),
        (desk.lead.email, "en"),
    ]
    english = sent[1]
    assert english.subject == "The 2028 production calendar is not loaded"
    assert "supportdesk calendar draft-year --year 2028 > ru-2028.json" in english.body
    assert "supportdesk calendar load-production --code ru --file ru-2028.json" in english.body
    assert sent[0].subject == "Производственный календарь на 2028 год не загружен"
    russian = sent[0].body
    assert "нет официальных данных на 2028 год" in russian
    assert "считаются по проекту из пакета holidays" in russian
    assert "постановление Правительства о переносе выходных дней в 2028 году" in russian
    assert "Загрузка года пересчитает открытые сроки" in russian
    assert "supportdesk calendar load-production --code ru --file ru-2028.json" in russian
    notice = MissingYearNotice.objects.get()
    assert (notice.year, notice.recipients, notice.notified_at) == (2028, 2, FIRST_OF_OCTOBER)


def test_two_runs_of_the_periodic_task_send_once_and_beat(desk: Desk) -> None:
    with time_machine.travel(FIRST_OF_OCTOBER, tick=False):
        assert production_years.call_local() == 1
        assert production_years.call_local() == 0

    assert len(mails()) == 1  # the one lead
    assert Heartbeat.objects.get(job="production-years").last_run_at == FIRST_OF_OCTOBER


def test_nothing_when_the_year_is_loaded(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "2028.json"
    path.write_text(json.dumps(draft_year_from_holidays(2028)))
    call_command("calendar", "load-production", "--file", str(path))

    assert prepare_missing_years(now=FIRST_OF_OCTOBER) == []
    assert mails() == []


def test_a_later_year_is_drafted_when_it_falls_due(desk: Desk) -> None:
    october_2028 = datetime(2028, 10, 1, 9, tzinfo=MOSCOW)

    told = prepare_missing_years(now=october_2028)

    # 2028 is still unofficial (drafted by the migration), 2029 is drafted now; both told.
    assert [m.year for m in told] == [2028, 2029]
    assert DraftDay.objects.filter(day__year=2029).count() > 0
    assert len(mails()) == 2


def test_without_leads_nobody_is_told_and_nothing_is_claimed(desk: Desk) -> None:
    desk.lead.is_active = False
    desk.lead.save(update_fields=["is_active"])

    assert prepare_missing_years(now=FIRST_OF_OCTOBER) == []
    assert MissingYearNotice.objects.count() == 0
    assert ProductionCalendar.objects.get(code="ru").missing_year_notices.count() == 0
