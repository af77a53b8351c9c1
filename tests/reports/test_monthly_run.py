"""The monthly run: last month's report of every active contract on the first business day,
stored with its SHA-256 and mailed once to the customer admins and the personal manager."""

from __future__ import annotations

import hashlib
import threading
from datetime import date, datetime

import pytest
from django.db import connection

from supportdesk.notifications.models import Notification
from supportdesk.reports.models import MonthlyRun, StoredReport
from supportdesk.reports.monthly import MAIL_EVENT, run_monthly
from supportdesk.staff.models import StaffMember
from tests.tickets.conftest import MOSCOW, Desk

# Committed: two workers on their own connections race for the same claims below.
pytestmark = pytest.mark.django_db(transaction=True)


def moscow(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MOSCOW)


def report_mails() -> list[Notification]:
    return list(Notification.objects.filter(event=MAIL_EVENT).order_by("recipient"))


def test_nothing_before_the_first_business_day_opens(desk: Desk):
    # Tuesday 1 December 2026 is a working day; ru-production opens at 09:00.
    assert run_monthly(now=moscow(2026, 12, 1, 8, 59)) == 0
    assert not MonthlyRun.objects.exists()
    assert report_mails() == []


def test_after_the_new_year_holidays_the_run_waits_for_the_first_working_day(desk: Desk):
    # 1-8 January 2027 are public holidays, 9-10 a weekend: Monday the 11th is the first.
    assert run_monthly(now=moscow(2027, 1, 8, 12)) == 0
    assert run_monthly(now=moscow(2027, 1, 11, 9, 30)) == 2
    assert set(MonthlyRun.objects.values_list("period_start", flat=True)) == {date(2026, 12, 1)}


def test_every_active_contract_gets_last_months_pdf_and_one_mail_per_person(desk: Desk):
    StaffMember.objects.filter(user=desk.manager).update(language="en")

    assert run_monthly(now=moscow(2026, 12, 1, 9, 30)) == 2

    runs = MonthlyRun.objects.order_by("contract__number")
    assert [(r.contract.number, r.period_start, r.mails) for r in runs] == [
        ("A-1", date(2026, 11, 1), 2),  # Alfa's customer admin and the manager
        ("B-1", date(2026, 11, 1), 1),  # Beta has no customer admin: the manager
    ]
    stored = {
        (s.contract.number, s.language): s for s in StoredReport.objects.select_related("contract")
    }
    assert sorted(stored) == [("A-1", "en"), ("A-1", "ru"), ("B-1", "en")]
    for report in stored.values():
        with report.file.open("rb") as file:
            content = file.read()
        assert content.startswith(b"%PDF-")
        assert hashlib.sha256(content).hexdigest() == report.sha256
        assert report.size == len(content)
        assert report.period_start == date(2026, 11, 1)
        assert report.format == "pdf"

    mails = report_mails()
    assert [(m.recipient, m.language) for m in mails] == [
        ("alla@alfa.example", "ru"),
        ("maria@vendor.example", "en"),
        ("maria@vendor.example", "en"),
    ]
    alla = mails[0]
    assert alla.subject == "Отчёт о качестве SLA за 2026-11, договор A-1"
    assert f"SHA-256 этого PDF: {stored['A-1', 'ru'].sha256}." in alla.body
    assert "/portal/reports/A-1/2026-11/" in alla.body
    assert [a["name"] for a in alla.attachments] == ["sla-a-1-2026-11.pdf"]
    assert alla.attachments[0]["path"] == stored["A-1", "ru"].file.name
    manager_bodies = sorted(m.body for m in mails[1:])
    assert "/desk/reports/A-1/2026-11/" in manager_bodies[0]
    assert f"This PDF's SHA-256 is {stored['A-1', 'en'].sha256}." in manager_bodies[0]
    assert "/desk/reports/B-1/2026-11/" in manager_bodies[1]


def test_a_rerun_sends_nothing_twice(desk: Desk):
    assert run_monthly(now=moscow(2026, 12, 1, 9, 30)) == 2
    first = (report_mails(), list(StoredReport.objects.values_list("sha256", flat=True)))

    assert run_monthly(now=moscow(2026, 12, 1, 10, 30)) == 0
    assert run_monthly(now=moscow(2026, 12, 3, 12)) == 0

    assert (report_mails(), list(StoredReport.objects.values_list("sha256", flat=True))) == first


def test_a_contract_not_valid_last_month_or_of_an_inactive_organization_is_skipped(desk: Desk):
    desk.beta_contract.valid_from = date(2026, 12, 1)
    desk.beta_contract.save(update_fields=["valid_from"])
    desk.alfa.is_active = False
    desk.alfa.save(update_fields=["is_active"])

    assert run_monthly(now=moscow(2026, 12, 1, 9, 30)) == 0
    assert report_mails() == []


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent workers are PostgreSQL's; the embedded SQLite runs one writer at a time",
)
def test_two_workers_at_once_report_each_contract_once(desk: Desk):
    now = moscow(2026, 12, 1, 9, 30)
    start = threading.Barrier(2)
    done: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            done.append(run_monthly(now=now))
        except BaseException as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(done) == 2
    assert MonthlyRun.objects.count() == 2
    assert StoredReport.objects.count() == 2
    assert len(report_mails()) == 3


def test_the_hourly_job_reads_the_time_once_and_leaves_a_heartbeat(desk: Desk):
    import time_machine

    from supportdesk.jobs.models import Heartbeat
    from supportdesk.reports.tasks import monthly_sla_reports

    when = moscow(2026, 12, 1, 10, 23)
    with time_machine.travel(when, tick=False):
        assert monthly_sla_reports.call_local() == 2
        assert monthly_sla_reports.call_local() == 0

    assert Heartbeat.objects.get(job="monthly-reports").last_run_at == when


def test_one_contract_failing_does_not_hold_up_the_others(desk: Desk, caplog):
    from supportdesk.customers.models import Organization

    # A time zone no form would accept, written past the validation: Beta's report fails.
    Organization.objects.filter(pk=desk.beta.pk).update(time_zone="Nowhere/Atlantis")

    assert run_monthly(now=moscow(2026, 12, 1, 9, 30)) == 1

    assert [r.contract.number for r in MonthlyRun.objects.all()] == ["A-1"]
    assert "SLA report B-1 2026-11 failed" in caplog.text
    assert {m.recipient for m in report_mails()} == {"alla@alfa.example", "maria@vendor.example"}
